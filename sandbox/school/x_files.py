"""The X API v2 objects of a sample school's X account: the account, its followers and following, its posts."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from sandbox.school.model import XMedia, XPost, XUser


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def x_user(user: XUser) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.username}
    # The real API leaves out empty optional fields rather than sending them blank.
    if user.description:
        out["description"] = user.description
    out["created_at"] = _x_time(user.created_at)
    out["protected"] = user.protected
    if user.location:
        out["location"] = user.location
    if user.url:
        out.update(_profile_link(user.url))
    out["public_metrics"] = {
        "followers_count": user.followers_count,
        "following_count": user.following_count,
        "tweet_count": user.tweet_count,
        "listed_count": user.listed_count,
        "like_count": user.like_count,
    }
    return out


def _profile_link(url: str) -> dict[str, Any]:
    """A profile's link as X serves it: `url` is the t.co short link, `entities.url` its expansion."""
    short = "https://t.co/" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    shown = url.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    expansion = {"start": 0, "end": len(short), "url": short, "expanded_url": url, "display_url": shown}
    return {"url": short, "entities": {"url": {"urls": [expansion]}}}


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


def x_post(post: XPost, author_id: str) -> dict[str, Any]:
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


def x_media(media: XMedia) -> dict[str, Any]:
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


def x_folder(
    account: XUser, followers: list[XUser], following: list[XUser], x_posts: list[XPost]
) -> dict[str, Any]:
    """The JSON documents of the account's x/<username>/ folder, by file name."""
    posts = {
        "data": [x_post(p, account.id) for p in x_posts],
        "includes": {"media": [x_media(m) for p in x_posts for m in p.media]},
    }
    return {
        "account.json": x_user(account),
        "followers.json": [x_user(u) for u in followers],
        "following.json": [x_user(u) for u in following],
        "posts.json": posts,
    }
