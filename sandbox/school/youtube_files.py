"""The YouTube Data API v3 resources of a sample school's channel: the channel, videos, subscriptions, comments."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sandbox.school.model import SampleSchool, YTChannel, YTVideo


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


def youtube_folder(school: SampleSchool) -> dict[str, Any]:
    """The JSON documents of the channel's youtube/<channel_id>/ folder, by file name."""
    info = school.info
    channel = _yt_channel(school)
    per_video = Counter(comment.video_id for comment in school.yt_comments)
    videos = [_yt_video(v, school, per_video[v.video_id]) for v in school.yt_videos]
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
    return {
        "channel.json": channel,
        "videos.json": videos,
        "subscribers.json": subscriptions,
        "comment_threads.json": threads,
    }
