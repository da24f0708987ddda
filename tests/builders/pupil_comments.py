"""Adds to the tiny school what pupil-comment must find beyond a pupil's published top-level comment: a pupil who
only replies in another person's thread (once among the replies YouTube embeds, once beyond them, so read with
comments.list) and a pupil's comment held for review."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.builders.tiny_dataset import CHANNEL_ID, SUBSCRIBER_CHANNEL_IDS, VIDEO_SPORTS

PUPIL_ID = "P0002"  # Eleanor Brown, who declares this channel in pupils.csv
PUPIL_CHANNEL = "UCeleanorBrownChannel00E"
REPLY_THREAD_ID = "UgThreadSportsReplies1"
PUPIL_REPLIES = (2, 7)  # reply 2 is embedded in the thread and listed again; reply 7 only listed
REPLY_COUNT = 7
HELD_THREAD_ID = "UgThreadHeldPupil01"


def _comment(comment_id: str, author: str, text: str, **extra: Any) -> dict[str, Any]:
    snippet = {
        "channelId": CHANNEL_ID,
        "videoId": VIDEO_SPORTS,
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


def _thread(top: dict[str, Any], replies: list[dict[str, Any]]) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": f"threadEtag{top['id']}",
        "id": top["id"],
        "snippet": {
            "channelId": CHANNEL_ID,
            "videoId": VIDEO_SPORTS,
            "topLevelComment": top,
            "canReply": True,
            "totalReplyCount": len(replies),
            "isPublic": True,
        },
    }
    if replies:
        thread["replies"] = {"comments": replies}
    return thread


def declare_handle(root: Path, pupil_id: str, handle: str) -> None:
    """The pupil's `known_handles` in pupils.csv, as the school recorded it (`youtube:UC...`, `x:@name`)."""
    path = root / "registers" / "pupils.csv"
    with path.open(newline="", encoding="utf-8") as handle_file:
        rows = list(csv.DictReader(handle_file))
    for row in rows:
        if row["pupil_id"] == pupil_id:
            row["known_handles"] = handle
    with path.open("w", newline="", encoding="utf-8") as handle_file:
        writer = csv.DictWriter(handle_file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _declare_pupil_channel(root: Path) -> None:
    declare_handle(root, PUPIL_ID, f"youtube:{PUPIL_CHANNEL}")


def add_pupil_replies_and_held_comment(root: Path) -> Path:
    _declare_pupil_channel(root)
    path = next((root / "youtube").iterdir()) / "comment_threads.json"
    threads = json.loads(path.read_text(encoding="utf-8"))
    stranger = SUBSCRIBER_CHANNEL_IDS[3]
    replies = [
        _comment(
            f"{REPLY_THREAD_ID}.r{n}",
            PUPIL_CHANNEL if n in PUPIL_REPLIES else stranger,
            f"that was me in the relay ({n})" if n in PUPIL_REPLIES else f"well run ({n})",
            parentId=REPLY_THREAD_ID,
        )
        for n in range(1, REPLY_COUNT + 1)
    ]
    threads.append(_thread(_comment(REPLY_THREAD_ID, stranger, "What a sports day"), replies))
    held = _comment(HELD_THREAD_ID, PUPIL_CHANNEL, "message me miss", moderationStatus="heldForReview")
    threads.append(_thread(held, []))
    path.write_text(json.dumps(threads, indent=2), encoding="utf-8")
    return root
