"""What the tests of actions on findings add to the tiny dataset: a pupil who comments on the school's video (their
channel declared in the register), another school's X account and YouTube channel (whose objects the school may
not touch), replies by others in the school's conversations, declared credentials with the permissions a test needs,
and the changes a person makes by hand in the platform's app between two weeks."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from checks.findings import Finding
from dashboards.access import ReviewAppSettings
from sandbox.credentials import OWNER_SCOPES, YOUTUBE_READONLY, derived_google, derived_x
from tests.builders import findings
from tests.builders.findings import AS_OF, UNAPPROVED_VIDEO, insert_exception, insert_rules
from tests.builders.tiny_dataset import (
    CHANNEL_ID,
    FOLLOWER_IDS,
    POST_IDS,
    SUBSCRIBER_CHANNEL_IDS,
    THREAD_IDS,
    VIDEO_SPORTS,
    X_ACCOUNT_ID,
    X_HANDLE,
)
from tests.builders.warehouse import open_copy
from warehouse.snapshot import publish_snapshot

# The pupil P0001 (Alfie) comments on the sports-day video from this channel (tiny_dataset's first thread).
PUPIL_CHANNEL = SUBSCRIBER_CHANNEL_IDS[1]
PUPIL_THREAD = THREAD_IDS[0]
PUPIL_FOLLOWER = FOLLOWER_IDS[1]  # @alfie_p_y6
OTHER_PUPIL_FOLLOWER = FOLLOWER_IDS[4]  # Ellie, protected
OTHER_X_ID = "1580000000000000099"
OTHER_X_HANDLE = "OtherSchool"
OTHER_POST_ID = "1860000000000000001"
OTHER_CHANNEL_ID = "UCotherSchool0000000009Z"
OTHER_THREAD_ID = "UgOtherThread1"
REPLY_IN_OUR_CONVERSATION = "1870000000000000001"
REPLY_IN_THEIR_CONVERSATION = "1870000000000000002"


def key(rule: str, platform: str, subject_kind: str, subject_id: str) -> str:
    account = X_ACCOUNT_ID if platform == "x" else CHANNEL_ID
    return f"{rule}:{platform}:{account}:{subject_kind}:{subject_id}"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1), encoding="utf-8")


def pupil_comments(root: Path) -> None:
    """P0001's YouTube channel declared in pupils.csv: their comment on the sports-day video is a pupil-comment."""
    pupils = root / "registers" / "pupils.csv"
    text = pupils.read_text(encoding="utf-8")
    pupils.write_text(
        text.replace("x:@alfie_p_y6", f"x:@alfie_p_y6;youtube:{PUPIL_CHANNEL}"), encoding="utf-8"
    )


def other_school(root: Path) -> None:
    """Another school's X account and YouTube channel served by the same sandbox: their objects are not ours."""
    x_dir = root / "x" / OTHER_X_HANDLE
    account = {**_json(root / "x" / X_HANDLE / "account.json"), "id": OTHER_X_ID, "username": OTHER_X_HANDLE}
    _write(x_dir / "account.json", account)
    post = {"id": OTHER_POST_ID, "text": "Other school news", "created_at": "2026-10-01T10:00:00.000Z"}
    _write(x_dir / "posts.json", {"data": [{**post, "author_id": OTHER_X_ID}], "includes": {"media": []}})
    ours = root / "youtube" / CHANNEL_ID
    theirs = root / "youtube" / OTHER_CHANNEL_ID
    shutil.copytree(ours / "thumbnails", theirs / "thumbnails")
    channel = _json(ours / "channel.json")
    channel["id"] = OTHER_CHANNEL_ID
    channel["snippet"]["customUrl"] = "@otherschool"
    channel["contentDetails"]["relatedPlaylists"]["uploads"] = "UU" + OTHER_CHANNEL_ID[2:]
    _write(theirs / "channel.json", channel)
    videos = []
    for video in _json(ours / "videos.json"):
        text = (
            json.dumps(video)
            .replace(video["id"], "Other" + video["id"][5:])
            .replace(CHANNEL_ID, OTHER_CHANNEL_ID)
        )
        videos.append(json.loads(text))
    _write(theirs / "videos.json", videos)
    for thumbnail in (theirs / "thumbnails").iterdir():
        thumbnail.rename(thumbnail.with_name("Other" + thumbnail.name[5:]))
    thread = _json(ours / "comment_threads.json")[0]
    thread = json.loads(
        json.dumps(thread).replace(THREAD_IDS[0], OTHER_THREAD_ID).replace(CHANNEL_ID, OTHER_CHANNEL_ID)
    )
    thread["snippet"]["videoId"] = videos[0]["id"]
    _write(theirs / "comment_threads.json", [thread])
    _write(theirs / "subscribers.json", [])


def replies(root: Path) -> None:
    """A follower's reply in a conversation the school started, and one in another school's conversation."""
    ours = {
        "id": REPLY_IN_OUR_CONVERSATION,
        "text": "@TinyLanePrimary see you there",
        "author_id": FOLLOWER_IDS[1],
        "conversation_id": POST_IDS[0],
        "in_reply_to_user_id": X_ACCOUNT_ID,
    }
    theirs = {**ours, "id": REPLY_IN_THEIR_CONVERSATION, "conversation_id": OTHER_POST_ID}
    _write(root / "x" / X_HANDLE / "replies.json", {"data": [ours, theirs]})


def declare(
    root: Path,
    x_permission: str = "read-write",
    token_permission: str | None = None,
    youtube_scopes: tuple[str, ...] = OWNER_SCOPES,
    daily_quota: int = 10_000,
) -> None:
    """sandbox.json declaring the school's own X app (with `x_permission`; the token issued at `token_permission`,
    default the app's) and the channel owner's sign-in (`youtube_scopes`), each account as its derived keys."""
    x_ids = [X_ACCOUNT_ID, *([OTHER_X_ID] if (root / "x" / OTHER_X_HANDLE).is_dir() else [])]
    apps, tokens = [], []
    for user_id in x_ids:
        app, token = derived_x(user_id)
        apps.append(
            {"consumer_key": app.consumer_key, "consumer_secret": app.consumer_secret, "owner_id": user_id}
        )
        apps[-1]["permission"] = x_permission if user_id == X_ACCOUNT_ID else "read-write"
        entry = {
            "user_id": user_id,
            "access_token": token.access_token,
            "access_token_secret": token.access_token_secret,
            "consumer_key": token.consumer_key,
        }
        if token_permission is not None and user_id == X_ACCOUNT_ID:
            entry["permission"] = token_permission
        tokens.append(entry)
    channels = [CHANNEL_ID, *([OTHER_CHANNEL_ID] if (root / "youtube" / OTHER_CHANNEL_ID).is_dir() else [])]
    google = []
    for channel_id in channels:
        sign_in = derived_google(channel_id)
        scopes = list(youtube_scopes) if channel_id == CHANNEL_ID else list(OWNER_SCOPES)
        google.append(
            {
                "channel_id": channel_id,
                "refresh_token": sign_in.refresh_token,
                "access_token": sign_in.access_token,
                "scopes": scopes,
            }
        )
    sandbox = {
        "x": {"apps": apps, "tokens": tokens},
        "youtube": {"tokens": google, "daily_quota": daily_quota},
    }
    _write(root / "sandbox.json", sandbox)


READ_ONLY_SCOPES = (YOUTUBE_READONLY,)


def remove_follower(root: Path, user_id: str) -> None:
    """The follower removed by hand in the X app: next week's list no longer has them."""
    path = root / "x" / X_HANDLE / "followers.json"
    _write(path, [u for u in _json(path) if str(u.get("id")) != user_id])


def journal(root: Path) -> list[dict[str, Any]]:
    """The writes the sandbox accepted on this dataset (sandbox-writes.jsonl)."""
    path = root / "sandbox-writes.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Exceptions on the tiny school's objects, as a run would hold them: a post, a video and a follower.
POST = replace(
    UNAPPROVED_VIDEO,
    platform="x",
    account=X_HANDLE,
    account_id=X_ACCOUNT_ID,
    subject_kind="post",
    subject_id=POST_IDS[0],
    subject_label="Tiny Lane news item 12",
    subject_url=f"https://x.com/i/status/{POST_IDS[0]}",
)
VIDEO = replace(UNAPPROVED_VIDEO, subject_id=VIDEO_SPORTS)
HELD: tuple[Finding, ...] = (POST, VIDEO, findings.PUPIL_FOLLOWER)


def week_with_exceptions(db: Path, template: Path, held: tuple[Finding, ...] = HELD) -> Path:
    """A warehouse holding one audited week with these exceptions, its read-only copy published (as after a run)."""
    con = open_copy(template, db)
    con.execute(
        "INSERT INTO audit.runs VALUES (?, 'r', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [AS_OF, datetime(2026, 11, 13), datetime(2026, 11, 13)],
    )
    insert_rules(con)
    for finding in held:
        insert_exception(con, finding)
    con.close()
    publish_snapshot(db)
    return db


def acting_app(db: Path, dataset: Path, settings: ReviewAppSettings, **options: Any) -> Any:
    """`socialaudit review-app --sandbox DIR`: the review app guarded by `settings`, acting through the sandbox
    serving `dataset` (options go to create_app)."""
    from dashboards.review_app import create_app
    from flows.commands.review_app import Served, acting

    where = Served(
        {"school": db}, {"school": "Tiny Lane"}, dataset, {"school": (dataset / "school.toml", True)}
    )
    return create_app(db, settings, acting=acting(where), **options)
