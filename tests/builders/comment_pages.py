"""YouTube comments as the connector stores them: threads per moderation state with their embedded replies
(stream `comments`) and the replies read with comments.list (stream `comment_replies`), each page with the
request parameters the connector sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.paging import Page, Snapshot
from tests.builders.raw_pages import CHANNEL, T0


def yt_comment(
    comment_id: str,
    author: str,
    text: str,
    *,
    video_id: str | None = "vid1",
    parent_id: str | None = None,
    moderation: str | None = None,
    published_at: str = "2026-11-10T10:00:00Z",
) -> dict[str, Any]:
    """A comment resource; `video_id=None` leaves `snippet.videoId` out (as comments.list may)."""
    snippet: dict[str, Any] = {
        "channelId": CHANNEL,
        "textOriginal": text,
        "textDisplay": text,
        "authorDisplayName": f"@{author.lower()}",
        "authorChannelId": {"value": author},
        "publishedAt": published_at,
    }
    if video_id is not None:
        snippet["videoId"] = video_id
    if parent_id is not None:
        snippet["parentId"] = parent_id
    if moderation is not None:
        snippet["moderationStatus"] = moderation
    return {"kind": "youtube#comment", "id": comment_id, "snippet": snippet}


def yt_reply(thread_id: str, n: int, author: str, text: str, **extra: Any) -> dict[str, Any]:
    return yt_comment(f"{thread_id}.r{n}", author, text, parent_id=thread_id, **extra)


def yt_thread(
    top: dict[str, Any], embedded: Sequence[dict[str, Any]] = (), total_replies: int | None = None
) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "id": top["id"],
        "snippet": {
            "channelId": CHANNEL,
            "videoId": top["snippet"].get("videoId", "vid1"),
            "topLevelComment": top,
            "totalReplyCount": len(embedded) if total_replies is None else total_replies,
        },
    }
    if embedded:
        thread["replies"] = {"comments": list(embedded)}
    return thread


def _page(stream: str, n: int, items: list[dict[str, Any]], params: dict[str, Any], at: datetime) -> Page:
    payload = {"kind": "youtube#listResponse", "items": items}
    return Page("youtube", stream, CHANNEL, n, items, payload, params, at + timedelta(seconds=n))


def comment_snapshots(
    threads_by_state: Mapping[str, Sequence[dict[str, Any]]],
    listed_replies: Mapping[str, Sequence[dict[str, Any]]] | None = None,
    *,
    fetched_at: datetime = T0,
) -> list[Snapshot]:
    """The `comments` stream (one page per moderation state asked) and the `comment_replies` stream (one page
    per thread whose replies were listed), as connectors.youtube.channel_streams builds them."""
    comment_pages = []
    for n, (state, threads) in enumerate(threads_by_state.items()):
        params: dict[str, Any] = {"videoId": "vid1", "part": "snippet,replies", "textFormat": "plainText"}
        if state != "published":
            params["moderationStatus"] = state
        comment_pages.append(_page("comments", n, list(threads), params, fetched_at))
    reply_pages = [
        _page("comment_replies", n, list(replies), {"parentId": thread_id, "part": "snippet"}, fetched_at)
        for n, (thread_id, replies) in enumerate((listed_replies or {}).items())
    ]
    return [
        Snapshot("youtube", "comments", CHANNEL, comment_pages, complete=True),
        Snapshot("youtube", "comment_replies", CHANNEL, reply_pages, complete=True),
    ]
