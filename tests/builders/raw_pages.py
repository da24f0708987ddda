"""Raw API pages as the connectors fetch them: X v2 users, posts and media, YouTube channels, videos, comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from connectors.paging import Page, Snapshot

X_ACCOUNT = "1580000000000000001"
CHANNEL = "UCtinyLane0000000000001A"
WEEK = [date(2026, 11, 6) + timedelta(weeks=n) for n in range(5)]  # WEEK[1] is week 1; WEEK[0] unused
T0 = datetime(2026, 11, 6, 9, 0, 0)


def _items(platform: str, payload: dict[str, Any]) -> list[Any]:
    if platform == "x":
        data = payload.get("data", [])
        return [data] if isinstance(data, dict) else list(data)
    return list(payload.get("items", []))


def snapshot(
    platform: str,
    account_id: str,
    stream: str,
    payloads: Sequence[dict[str, Any]],
    *,
    fetched_at: datetime = T0,
    cursor: str | None = None,
) -> Snapshot:
    """A connector's Snapshot of these payloads, exactly the type the flow hands to the warehouse."""
    pages = [
        Page(
            platform,
            stream,
            account_id,
            n,
            _items(platform, payload),
            payload,
            {"route": stream, "page": n},
            fetched_at + timedelta(seconds=n),
        )
        for n, payload in enumerate(payloads)
    ]
    return Snapshot(platform, stream, account_id, pages, complete=True, cursor=cursor)


def x_user(user_id: str, username: str, name: str, **extra: Any) -> dict[str, Any]:
    """An X API v2 user object; optional fields (description, location) only when given."""
    return {
        "id": user_id,
        "name": name,
        "username": username,
        "created_at": "2021-03-02T09:00:00.000Z",
        "protected": False,
        "public_metrics": {"followers_count": 12, "following_count": 50, "tweet_count": 7, "listed_count": 0},
        **extra,
    }


def x_post(
    post_id: str, text: str, media_keys: Sequence[str] = (), hashtags: Sequence[str] = ()
) -> dict[str, Any]:
    post: dict[str, Any] = {
        "id": post_id,
        "text": text,
        "created_at": "2026-10-28T15:30:00.000Z",
        "author_id": X_ACCOUNT,
        "edit_history_tweet_ids": [post_id],
    }
    if media_keys:
        post["attachments"] = {"media_keys": list(media_keys)}
    if hashtags:
        post["entities"] = {"hashtags": [{"start": 0, "end": len(t) + 1, "tag": t} for t in hashtags]}
    return post


def x_photo(media_key: str, alt_text: str | None = None) -> dict[str, Any]:
    media = {"media_key": media_key, "type": "photo", "url": f"https://pbs.twimg.com/media/{media_key}.jpg"}
    if alt_text is not None:
        media["alt_text"] = alt_text
    return media


def x_video(media_key: str) -> dict[str, Any]:
    return {
        "media_key": media_key,
        "type": "video",
        "preview_image_url": f"https://pbs.twimg.com/ext_tw_video_thumb/{media_key}.jpg",
    }


def x_posts_page(posts: Sequence[dict[str, Any]], media: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    page: dict[str, Any] = {"data": list(posts), "meta": {"result_count": len(posts)}}
    if media:
        page["includes"] = {"media": list(media)}
    return page


def yt_channel() -> dict[str, Any]:
    return {
        "kind": "youtube#channel",
        "id": CHANNEL,
        "snippet": {"title": "Tiny Lane Primary School", "customUrl": "@tinylaneprimary"},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UUtinyLane0000000000001A"}},
        "statistics": {"subscriberCount": "42", "hiddenSubscriberCount": False, "videoCount": "2"},
        "status": {"privacyStatus": "public"},
    }


def yt_video(
    video_id: str, title: str, description: str | None = None, made_for_kids: bool = False
) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "publishedAt": "2026-07-10T14:00:00Z",
        "channelId": CHANNEL,
        "title": title,
        "thumbnails": {
            "default": {"url": f"https://i.ytimg.com/vi/{video_id}/default.jpg"},
            "high": {"url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"},
        },
    }
    if description is not None:
        snippet["description"] = description
        snippet["tags"] = ["school"]
    return {
        "kind": "youtube#video",
        "id": video_id,
        "snippet": snippet,
        "status": {"privacyStatus": "public", "madeForKids": made_for_kids},
    }


def yt_subscription(channel_id: str, title: str, description: str | None = None) -> dict[str, Any]:
    subscriber: dict[str, Any] = {"title": title, "channelId": channel_id}
    if description is not None:
        subscriber["description"] = description
    return {
        "kind": "youtube#subscription",
        "id": f"sub-{channel_id}",
        "snippet": {"publishedAt": "2026-01-01T12:00:00Z", "resourceId": {"channelId": CHANNEL}},
        "subscriberSnippet": subscriber,
    }


def yt_thread(thread_id: str, video_id: str, author_channel_id: str, text: str) -> dict[str, Any]:
    return {
        "kind": "youtube#commentThread",
        "id": thread_id,
        "snippet": {
            "channelId": CHANNEL,
            "videoId": video_id,
            "topLevelComment": {
                "id": thread_id,
                "snippet": {
                    "videoId": video_id,
                    "textOriginal": text,
                    "textDisplay": text,
                    "authorDisplayName": f"@{author_channel_id.lower()}",
                    "authorChannelId": {"value": author_channel_id},
                    "publishedAt": "2026-07-11T10:00:00Z",
                },
            },
        },
    }


def items_page(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "youtube#listResponse", "items": list(items)}
