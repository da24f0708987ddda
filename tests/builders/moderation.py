"""Adds to a tiny dataset what a safeguarding lead expects to be read beyond the published top-level comments:
a thread with more replies than YouTube embeds, a comment held for review, one marked likely spam, and an X
post quoting another account's post that carries an image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.builders.images import encode, textured_image
from tests.builders.tiny_dataset import CHANNEL_ID, POST_IDS, SUBSCRIBER_CHANNEL_IDS, VIDEO_NATIVITY, X_HANDLE

REPLIED_THREAD_ID = "UgThreadNativity1"
REPLY_COUNT = 7
HELD_THREAD_ID = "UgThreadHeld01"
SPAM_THREAD_ID = "UgThreadSpam01"
QUOTING_POST_ID = POST_IDS[1]
QUOTED_POST_ID = "1849000000000000001"
QUOTED_AUTHOR_ID = "1690000000000000001"
QUOTED_MEDIA_KEY = "3_1849000000000000101"


def _comment(comment_id: str, text: str, author: str, **extra: Any) -> dict[str, Any]:
    snippet = {
        "channelId": CHANNEL_ID,
        "videoId": VIDEO_NATIVITY,
        "textDisplay": text,
        "textOriginal": text,
        "authorDisplayName": f"@{author.lower()}",
        "authorChannelId": {"value": author},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": "2026-07-12T10:00:00Z",
        "updatedAt": "2026-07-12T10:00:00Z",
        **extra,
    }
    return {"kind": "youtube#comment", "etag": f"etag{comment_id}", "id": comment_id, "snippet": snippet}


def _thread(thread_id: str, text: str, moderation: str) -> dict[str, Any]:
    top = _comment(thread_id, text, SUBSCRIBER_CHANNEL_IDS[2], moderationStatus=moderation)
    return {
        "kind": "youtube#commentThread",
        "etag": f"threadEtag{thread_id}",
        "id": thread_id,
        "snippet": {
            "channelId": CHANNEL_ID,
            "videoId": VIDEO_NATIVITY,
            "topLevelComment": top,
            "canReply": True,
            "totalReplyCount": 0,
            "isPublic": True,
        },
    }


def add_replies_and_held_comments(root: Path) -> Path:
    path = next((root / "youtube").iterdir()) / "comment_threads.json"
    threads = json.loads(path.read_text(encoding="utf-8"))
    for thread in threads:
        if thread["id"] == REPLIED_THREAD_ID:
            replies = [
                _comment(
                    f"{REPLIED_THREAD_ID}.r{n}",
                    f"Reply {n}",
                    SUBSCRIBER_CHANNEL_IDS[n % 4],
                    parentId=REPLIED_THREAD_ID,
                )
                for n in range(1, REPLY_COUNT + 1)
            ]
            thread["replies"] = {"comments": replies}
            thread["snippet"]["totalReplyCount"] = REPLY_COUNT
    threads.append(_thread(HELD_THREAD_ID, "Held for review: call me on 07700 900123", "heldForReview"))
    threads.append(_thread(SPAM_THREAD_ID, "Win a prize at example.com", "likelySpam"))
    path.write_text(json.dumps(threads, indent=2), encoding="utf-8")
    return root


def add_quoted_post_with_image(root: Path) -> Path:
    account_dir = root / "x" / X_HANDLE
    posts_path = account_dir / "posts.json"
    posts = json.loads(posts_path.read_text(encoding="utf-8"))
    for post in posts["data"]:
        if post["id"] == QUOTING_POST_ID:
            post["referenced_tweets"] = [{"type": "quoted", "id": QUOTED_POST_ID}]
    includes = posts.setdefault("includes", {})
    includes.setdefault("tweets", []).append(
        {
            "id": QUOTED_POST_ID,
            "text": "Our photo of the Tiny Lane fun run",
            "created_at": "2026-10-20T09:00:00.000Z",
            "author_id": QUOTED_AUTHOR_ID,
            "edit_history_tweet_ids": [QUOTED_POST_ID],
            "attachments": {"media_keys": [QUOTED_MEDIA_KEY]},
        }
    )
    includes.setdefault("media", []).append(
        {
            "media_key": QUOTED_MEDIA_KEY,
            "type": "photo",
            "url": f"https://pbs.twimg.com/media/{QUOTED_MEDIA_KEY}.jpg",
            "width": 48,
            "height": 32,
        }
    )
    posts_path.write_text(json.dumps(posts, indent=2), encoding="utf-8")
    (account_dir / "media").mkdir(parents=True, exist_ok=True)
    (account_dir / "media" / f"{QUOTED_MEDIA_KEY}.jpg").write_bytes(
        encode(textured_image(49, (48, 32)), "JPEG")
    )
    return root
