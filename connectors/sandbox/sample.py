"""Deterministic sample school: a labelled in-memory model of a UK primary school's accounts, written as a sandbox dataset."""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import html
import io
import json
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from connectors.sandbox import sample_images
from connectors.sandbox.sample_content import build_content
from connectors.sandbox.sample_model import (
    SIZES,
    Picture,
    SampleSchool,
    Truth,
    XMedia,
    XPost,
    XUser,
    YTChannel,
    YTVideo,
    build_labels,
)
from connectors.sandbox.sample_people import build_registers, build_school_info
from connectors.sandbox.sample_social import build_social
from connectors.sandbox.sample_sports import build_sports

DEFAULT_AS_OF = date(2026, 11, 16)
DATASET_ENTRIES = frozenset({"school.toml", "registers", "x", "youtube"})
THUMBNAIL_WIDTH = 480


def _stream(seed: int, *parts: str) -> random.Random:
    """An independent random stream per part of the model, so growing one part leaves the others as
    they were. String seeds are hashed with SHA-512 by `random`, so they do not depend on PYTHONHASHSEED."""
    return random.Random("/".join(["socialaudit-sample", str(seed), *parts]))


def build_school(seed: int = 1, size: str = "small", as_of: date = DEFAULT_AS_OF) -> SampleSchool:
    """The whole sample school as a model: registers, platform objects and the truth behind them."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    spec = SIZES[size]
    info = build_school_info(_stream(seed, "school"), as_of)
    registers = build_registers(_stream(seed, size, "registers"), spec, as_of, info)
    content = build_content(_stream(seed, size, "content"), spec, as_of, info, registers)
    followers, following, subscriptions, comments = build_social(
        _stream(seed, size, "social"), spec, as_of, info, registers, content.videos
    )
    account_rng = _stream(seed, size, "account")
    x_account = XUser(
        id=info.x_id,
        name=info.short_name,
        username=info.x_handle,
        created_at=info.x_created,
        protected=False,
        description=f"Official account of {info.name}, {info.town}. Not monitored 24/7. {info.hashtag}",
        location=info.town,
        followers_count=len(followers),
        following_count=len(following),
        tweet_count=len(content.posts) + account_rng.randint(200, 2500),
        listed_count=account_rng.randint(2, 30),
        like_count=account_rng.randint(100, 3000),
        truth=Truth("unknown", None, "easy", "school_account", planted=False),
    )
    # Most subscribers keep their subscriptions private: the channel's count is well above the visible list.
    private_subscribers = len(subscriptions) + account_rng.randint(5, 60)
    school = SampleSchool(
        seed=seed,
        size=size,
        as_of=as_of,
        info=info,
        pupils=registers.pupils,
        staff=registers.staff,
        parents=registers.parents,
        approvals=content.approvals,
        x_account=x_account,
        x_followers=followers,
        x_following=following,
        x_posts=content.posts,
        yt_videos=content.videos,
        yt_subscriptions=subscriptions,
        yt_comments=comments,
        yt_private_subscribers=private_subscribers,
    )
    # The sports account comes last, from its own streams: the rest of the school is as it was without it.
    school.x_more.append(
        build_sports(lambda part: _stream(seed, size, "sports", part), spec, school, registers)
    )
    return school


def write_sample(
    out_dir: Path, seed: int = 1, size: str = "small", as_of: date = DEFAULT_AS_OF, week: int = 0
) -> Path:
    """Write the sample school's dataset into `out_dir` and its labels to `<out_dir>.labels.json`
    (beside the dataset, never inside it); returns the labels path. `week` N > 0 is the same school N weeks
    later (as of `as_of` + N weeks), evolved by connectors/sandbox/sample_weeks.py."""
    school = build_school(seed, size, as_of)
    if week:
        from connectors.sandbox.sample_weeks import evolve

        evolve(school, week)
    out_dir = Path(out_dir).resolve()
    write_dataset(school, out_dir)
    labels_path = labels_path_for(out_dir)
    _write_json(labels_path, build_labels(school))
    return labels_path


def labels_path_for(out_dir: Path) -> Path:
    out_dir = Path(out_dir).resolve()
    return out_dir.with_name(out_dir.name + ".labels.json")


# ----------------------------------------------------------------------------------------------- writer


def write_dataset(school: SampleSchool, out_dir: Path) -> None:
    """Lay the model out as a sandbox dataset. A previous dataset in `out_dir` is replaced; a directory
    holding anything else is refused rather than mixed into."""
    _prepare(out_dir)
    info = school.info
    (out_dir / "school.toml").write_text(_school_toml(school), encoding="utf-8")
    registers = out_dir / "registers"
    _write_registers(school, registers)
    x_dir = out_dir / "x" / info.x_handle
    assert school.x_account is not None
    _write_x(x_dir, school.x_account, school.x_followers, school.x_following, school.x_posts)
    more_dirs = []
    for more in school.x_more:
        more_dir = out_dir / "x" / more.handle
        _write_x(more_dir, more.account, more.followers, more.following, more.posts)
        more_dirs.append((more.posts, more_dir / "media"))
    yt_dir = out_dir / "youtube" / info.yt_channel_id
    _write_youtube(school, yt_dir)
    _write_images(school, registers / "approved_media", x_dir / "media", yt_dir / "thumbnails", more_dirs)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"{out_dir} exists and is not a directory")
        strangers = sorted(p.name for p in out_dir.iterdir() if p.name not in DATASET_ENTRIES)
        if strangers:
            raise FileExistsError(
                f"{out_dir} holds files that are not a sample dataset: {', '.join(strangers[:5])}"
            )
        for entry in DATASET_ENTRIES:
            path = out_dir / entry
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _toml_string(value: str) -> str:
    # JSON string escapes are a subset of TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def _school_toml(school: SampleSchool) -> str:
    info = school.info
    lines = [
        "# Sample school generated by connectors.sandbox.sample: every person and account in it is invented.",
        "[school]",
        f"name = {_toml_string(info.name)}",
        f"urn = {_toml_string(info.urn)}",
        'phase = "primary"',
        'timezone = "Europe/London"',
        f"email_domains = [{_toml_string(info.email_domain)}]",
        f"phones = [{_toml_string(info.phone)}]",
        "",
        "[api]",
        "# Short waits so tests against the sandbox never sleep long.",
        "backoff_seconds = 0.05",
        "max_wait_seconds = 5",
        "",
        "[[accounts]]",
        'platform = "x"',
        f"handle = {_toml_string(info.x_handle)}",
        f"id = {_toml_string(info.x_id)}",
        'approved_by = "Headteacher"',
        f"approved_on = {info.x_approved_on.isoformat()}",
        "",
        "[[accounts]]",
        'platform = "youtube"',
        f"handle = {_toml_string(info.yt_handle)}",
        f"id = {_toml_string(info.yt_channel_id)}",
        'approved_by = "Headteacher"',
        f"approved_on = {info.yt_approved_on.isoformat()}",
        "",
    ]
    for more in school.x_more:
        # No `credentials` key: the account shares the platform's default credentials (DESIGN.md §5.1).
        lines += [
            "[[accounts]]",
            'platform = "x"',
            f"handle = {_toml_string(more.handle)}",
            f"id = {_toml_string(more.account.id)}",
            'approved_by = "Headteacher"',
            f"approved_on = {more.approved_on.isoformat()}",
            "",
        ]
    return "\n".join(lines)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _write_registers(school: SampleSchool, registers: Path) -> None:
    _write_csv(
        registers / "pupils.csv",
        [
            "pupil_id",
            "forename",
            "surname",
            "preferred_name",
            "date_of_birth",
            "year_group",
            "status",
            "leaving_date",
            "photo_consent",
            "known_handles",
        ],
        [
            [
                p.pupil_id,
                p.forename,
                p.surname,
                p.preferred_name,
                p.date_of_birth.isoformat(),
                p.year_group,
                p.status,
                p.leaving_date.isoformat() if p.leaving_date else "",
                p.photo_consent,
                ";".join(p.known_handles),
            ]
            for p in school.pupils
        ],
    )
    _write_csv(
        registers / "staff.csv",
        ["staff_id", "forename", "surname", "preferred_name", "role", "personal_handles", "official_handles"],
        [
            [
                s.staff_id,
                s.forename,
                s.surname,
                s.preferred_name,
                s.role,
                ";".join(s.personal_handles),
                ";".join(s.official_handles),
            ]
            for s in school.staff
        ],
    )
    _write_csv(
        registers / "parents.csv",
        ["parent_id", "forename", "surname", "pupil_ids", "known_handles"],
        [
            [a.parent_id, a.forename, a.surname, ";".join(a.pupil_ids), ";".join(a.known_handles)]
            for a in school.parents
        ],
    )
    _write_csv(
        registers / "approved_media.csv",
        ["approval_id", "file", "platform", "post_id", "approved_by", "approved_on", "pupils_pictured"],
        [
            [
                a.approval_id,
                a.file or "",
                a.platform,
                a.post_id or "",
                a.approved_by,
                a.approved_on.isoformat(),
                ";".join(a.pupils_pictured),
            ]
            for a in school.approvals
        ],
    )


# -- X ---------------------------------------------------------------------------------------------------


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _x_user(user: XUser) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.username}
    # The real API leaves out empty optional fields rather than sending them blank.
    if user.description:
        out["description"] = user.description
    out["created_at"] = _x_time(user.created_at)
    out["protected"] = user.protected
    if user.location:
        out["location"] = user.location
    out["public_metrics"] = {
        "followers_count": user.followers_count,
        "following_count": user.following_count,
        "tweet_count": user.tweet_count,
        "listed_count": user.listed_count,
        "like_count": user.like_count,
    }
    return out


_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w.@])@(\w{1,15})")


def _entities(body: str) -> dict[str, Any]:
    entities: dict[str, Any] = {}
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(body)]
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1)} for m in _MENTION.finditer(body)]
    if hashtags:
        entities["hashtags"] = hashtags
    if mentions:
        entities["mentions"] = mentions
    return entities


def _posted_size(media: XMedia) -> tuple[int, int]:
    picture = media.picture
    return media.width, max(1, round(picture.height * media.width / picture.width))


def _x_post(post: XPost, author_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": post.id,
        "text": post.text,
        "created_at": _x_time(post.created_at),
        "author_id": author_id,
        "edit_history_tweet_ids": [post.id],
        "conversation_id": post.id,
        "lang": "en",
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "public_metrics": {
            "retweet_count": post.retweet_count,
            "reply_count": post.reply_count,
            "like_count": post.like_count,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": post.like_count * 23 + 40,
        },
    }
    if post.media:
        out["attachments"] = {"media_keys": [m.media_key for m in post.media]}
    entities = _entities(post.text)
    if entities:
        out["entities"] = entities
    return out


def _x_media(media: XMedia) -> dict[str, Any]:
    width, height = _posted_size(media)
    url = f"https://pbs.twimg.com/media/{media.media_key}.jpg"
    out: dict[str, Any] = {"media_key": media.media_key, "type": media.kind}
    if media.kind == "photo":
        out["url"] = url
    else:
        out["preview_image_url"] = url
        out["duration_ms"] = media.duration_ms
    out["width"], out["height"] = width, height
    if media.alt_text:
        out["alt_text"] = media.alt_text
    return out


def _write_x(
    x_dir: Path, account: XUser, followers: list[XUser], following: list[XUser], x_posts: list[XPost]
) -> None:
    _write_json(x_dir / "account.json", _x_user(account))
    _write_json(x_dir / "followers.json", [_x_user(u) for u in followers])
    _write_json(x_dir / "following.json", [_x_user(u) for u in following])
    posts = {
        "data": [_x_post(p, account.id) for p in x_posts],
        "includes": {"media": [_x_media(m) for p in x_posts for m in p.media]},
    }
    _write_json(x_dir / "posts.json", posts)
    (x_dir / "media").mkdir(parents=True, exist_ok=True)


# -- YouTube -------------------------------------------------------------------------------------------


def _yt_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(*parts: str, length: int = 27) -> str:
    """A token derived from what it stands for, so the writer needs no randomness of its own and an
    unchanged resource keeps its etag when a later week's dataset is written from an evolved model."""
    raw = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")[:length]


def _etag(resource: dict[str, Any]) -> str:
    return _digest(json.dumps(resource, ensure_ascii=False, sort_keys=True))


def _avatar(channel_id: str) -> dict[str, Any]:
    base = f"https://yt3.ggpht.com/ytc/{_digest('avatar', channel_id, length=40)}"
    return {
        "default": {"url": f"{base}=s88-c-k-c0x00ffffff-no-rj"},
        "medium": {"url": f"{base}=s240-c-k-c0x00ffffff-no-rj"},
        "high": {"url": f"{base}=s800-c-k-c0x00ffffff-no-rj"},
    }


def _with_etag(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource with its etag in second place, where the Data API puts it."""
    kind, rest = resource["kind"], {k: v for k, v in resource.items() if k != "kind"}
    return {"kind": kind, "etag": _etag(resource), **rest}


def _three_figures(n: int) -> int:
    """YouTube rounds public subscriber counts to three significant figures."""
    if n < 1000:
        return n
    scale = 10 ** (len(str(n)) - 3)
    return n // scale * scale


def _duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def _video_thumbnails(video_id: str) -> dict[str, Any]:
    return {
        "default": {"url": f"https://i.ytimg.com/vi/{video_id}/default.jpg", "width": 120, "height": 90},
        "medium": {"url": f"https://i.ytimg.com/vi/{video_id}/mqdefault.jpg", "width": 320, "height": 180},
        "high": {"url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg", "width": 480, "height": 360},
    }


def _yt_video(video: YTVideo, school: SampleSchool, comments: int) -> dict[str, Any]:
    info = school.info
    statistics = {
        "viewCount": str(video.view_count),
        "likeCount": str(video.like_count),
        "favoriteCount": "0",
    }
    if not video.made_for_kids:
        statistics["commentCount"] = str(comments)
    return _with_etag(
        {
            "kind": "youtube#video",
            "id": video.video_id,
            "snippet": {
                "publishedAt": _yt_time(video.published_at),
                "channelId": info.yt_channel_id,
                "title": video.title,
                "description": video.description,
                "thumbnails": _video_thumbnails(video.video_id),
                "channelTitle": info.short_name,
                "categoryId": "27",
                "liveBroadcastContent": "none",
                "defaultAudioLanguage": "en-GB",
                "localized": {"title": video.title, "description": video.description},
            },
            "contentDetails": {
                "duration": _duration(video.duration_s),
                "dimension": "2d",
                "definition": "hd",
                "caption": "false",
                "licensedContent": False,
                "contentRating": {},
                "projection": "rectangular",
            },
            "status": {
                "uploadStatus": "processed",
                "privacyStatus": video.privacy,
                "license": "youtube",
                "embeddable": True,
                "publicStatsViewable": True,
                "madeForKids": video.made_for_kids,
                "selfDeclaredMadeForKids": video.made_for_kids,
            },
            "statistics": statistics,
        }
    )


def _yt_channel(school: SampleSchool) -> dict[str, Any]:
    info = school.info
    description = f"The official YouTube channel of {info.name}, {info.town}."
    visible = len(school.yt_subscriptions)
    return _with_etag(
        {
            "kind": "youtube#channel",
            "id": info.yt_channel_id,
            "snippet": {
                "title": info.short_name,
                "description": description,
                "customUrl": info.yt_live_handle.lower(),
                "publishedAt": _yt_time(info.yt_created),
                "thumbnails": _avatar(info.yt_channel_id),
                "localized": {"title": info.short_name, "description": description},
                "country": "GB",
            },
            "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + info.yt_channel_id[2:]}},
            "statistics": {
                "viewCount": str(sum(v.view_count for v in school.yt_videos)),
                # Only subscribers who made their subscriptions public are listed; the count is of all of them.
                "subscriberCount": str(_three_figures(visible + school.yt_private_subscribers)),
                "hiddenSubscriberCount": False,
                "videoCount": str(len(school.yt_videos)),
            },
            "status": {
                "privacyStatus": "public",
                "isLinked": True,
                "longUploadsStatus": "longUploadsUnspecified",
                "madeForKids": False,
                "selfDeclaredMadeForKids": False,
            },
        }
    )


def _subscriber_snippet(channel: YTChannel) -> dict[str, Any]:
    return {
        "title": channel.title,
        "description": channel.description,
        "channelId": channel.channel_id,
        "thumbnails": _avatar(channel.channel_id),
    }


def _write_youtube(school: SampleSchool, yt_dir: Path) -> None:
    info = school.info
    channel = _yt_channel(school)
    _write_json(yt_dir / "channel.json", channel)
    per_video = Counter(comment.video_id for comment in school.yt_comments)
    _write_json(
        yt_dir / "videos.json",
        [_yt_video(v, school, per_video[v.video_id]) for v in school.yt_videos],
    )
    subscriptions = []
    for sub in school.yt_subscriptions:
        subscriptions.append(
            _with_etag(
                {
                    "kind": "youtube#subscription",
                    "id": sub.subscription_id,
                    "snippet": {
                        "publishedAt": _yt_time(sub.published_at),
                        "title": info.short_name,
                        "description": channel["snippet"]["description"],
                        "resourceId": {"kind": "youtube#channel", "channelId": info.yt_channel_id},
                        "channelId": sub.subscriber.channel_id,
                        "thumbnails": channel["snippet"]["thumbnails"],
                    },
                    "subscriberSnippet": _subscriber_snippet(sub.subscriber),
                }
            )
        )
    _write_json(yt_dir / "subscribers.json", subscriptions)
    threads = []
    for comment in school.yt_comments:
        author = comment.author
        when = _yt_time(comment.published_at)
        top_level = _with_etag(
            {
                "kind": "youtube#comment",
                "id": comment.thread_id,
                "snippet": {
                    "channelId": info.yt_channel_id,
                    "videoId": comment.video_id,
                    # textDisplay is HTML as YouTube renders it; textOriginal is what was typed.
                    "textDisplay": html.escape(comment.text, quote=False).replace("\n", "<br>"),
                    "textOriginal": comment.text,
                    "authorDisplayName": author.handle,
                    "authorProfileImageUrl": _avatar(author.channel_id)["default"]["url"],
                    "authorChannelUrl": f"http://www.youtube.com/{author.handle}",
                    "authorChannelId": {"value": author.channel_id},
                    "canRate": True,
                    "viewerRating": "none",
                    "likeCount": comment.like_count,
                    "publishedAt": when,
                    "updatedAt": when,
                },
            }
        )
        threads.append(
            _with_etag(
                {
                    "kind": "youtube#commentThread",
                    "id": comment.thread_id,
                    "snippet": {
                        "channelId": info.yt_channel_id,
                        "videoId": comment.video_id,
                        "topLevelComment": top_level,
                        "canReply": True,
                        "totalReplyCount": 0,
                        "isPublic": True,
                    },
                }
            )
        )
    _write_json(yt_dir / "comment_threads.json", threads)
    (yt_dir / "thumbnails").mkdir(parents=True, exist_ok=True)


# -- images ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Original:
    path: Path
    rotated: bool


@dataclass(frozen=True)
class _Copy:
    path: Path
    width: int
    quality: int


def _write_images(
    school: SampleSchool,
    approved_dir: Path,
    media_dir: Path,
    thumbs_dir: Path,
    more: Sequence[tuple[list[XPost], Path]] = (),
) -> None:
    """Render each picture once and write every file made from it: the camera original in the approved
    folder, and the platforms' re-encoded copies (`more`: the posts of further X accounts and their media
    folders; they repost only pictures whose original is approved, so no picture is drawn differently)."""
    plan: dict[Picture, list[_Original | _Copy]] = {}
    for approval in school.approvals:
        if approval.file and approval.picture:
            plan.setdefault(approval.picture, []).append(
                _Original(approved_dir / approval.file, approval.rotated)
            )
    for post in school.x_posts:
        for media in post.media:
            plan.setdefault(media.picture, []).append(
                _Copy(media_dir / f"{media.media_key}.jpg", media.width, media.quality)
            )
    for video in school.yt_videos:
        plan.setdefault(video.thumbnail, []).append(
            _Copy(thumbs_dir / f"{video.video_id}.jpg", THUMBNAIL_WIDTH, video.thumbnail_quality)
        )
    for posts, more_dir in more:
        more_dir.mkdir(parents=True, exist_ok=True)
        for post in posts:
            for media in post.media:
                plan.setdefault(media.picture, []).append(
                    _Copy(more_dir / f"{media.media_key}.jpg", media.width, media.quality)
                )
    approved_dir.mkdir(parents=True, exist_ok=True)
    for picture, outputs in plan.items():
        copies = [o.width for o in outputs if isinstance(o, _Copy)]
        if copies and len(copies) == len(outputs):
            # Nobody holds the original: draw it straight at the largest size the platforms show.
            width = min(picture.width, max(copies))
            image = sample_images.render(picture.shot, width, round(picture.height * width / picture.width))
        else:
            image = sample_images.render(picture.shot, picture.width, picture.height)
        for output in outputs:
            if isinstance(output, _Original):
                taken = picture.taken_at.strftime("%Y:%m:%d %H:%M:%S")
                data = sample_images.camera_original_bytes(image, taken, picture.device, output.rotated)
            else:
                data = sample_images.jpeg_bytes(sample_images.resized(image, output.width), output.quality)
            output.path.write_bytes(data)


# ----------------------------------------------------------------------------------------------- CLI


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.sandbox.sample",
        description="Write a deterministic sample school dataset and its labels (DIR.labels.json).",
    )
    parser.add_argument("--out", required=True, type=Path, help="dataset directory to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--as-of", type=_date, default=DEFAULT_AS_OF, help="audit date (default 2026-11-16)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        labels = write_sample(args.out, seed=args.seed, size=args.size, as_of=args.as_of)
    except (FileExistsError, ValueError) as err:
        print(f"sample: {err}", file=sys.stderr)
        return 1
    summary = json.loads(labels.read_text(encoding="utf-8"))
    print(
        f"wrote {Path(args.out).resolve()} ({args.size}, seed {args.seed}, as of {args.as_of}) in "
        f"{time.perf_counter() - started:.1f}s: {len(summary['identities'])} identities, "
        f"{len(summary['media'])} media, {len(summary['expected_exceptions'])} expected exceptions; labels {labels}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
