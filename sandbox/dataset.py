"""Reads a sandbox dataset directory (docs/contracts/dataset.md) into what the X, YouTube and Graph APIs serve."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sandbox.http import JsonObject
from sandbox.meta.models import MetaData, load_meta
from sandbox.x.models import XAccount, snowflake_key
from sandbox.youtube.models import YouTubeChannel


@dataclass
class Dataset:
    root: Path
    x_accounts: list[XAccount]
    users: dict[str, JsonObject]
    channels: list[YouTubeChannel]
    media_files: dict[str, Path]
    thumbnail_files: dict[str, Path]
    # The path part of every media `url`/`preview_image_url` and thumbnail url, so any CDN path the
    # dataset publishes is served, not only the /media/<key> and /vi/<id>/ shapes.
    url_paths: dict[str, tuple[str, Path]]
    # The Facebook Pages and Instagram accounts (facebook/<page_id>/, instagram/<ig_user_id>/).
    meta: MetaData = field(default_factory=MetaData)

    def x_account(self, user_id: str) -> XAccount | None:
        return next((a for a in self.x_accounts if str(a.user.get("id")) == user_id), None)

    def channel(self, channel_id: str) -> YouTubeChannel | None:
        return next((c for c in self.channels if c.channel_id == channel_id), None)

    def video(self, video_id: str) -> tuple[YouTubeChannel, JsonObject] | None:
        for channel in self.channels:
            for video in channel.videos:
                if video.get("id") == video_id:
                    return channel, video
        return None


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"sandbox dataset file {path} is not valid JSON: {error}") from error


def _files_by_stem(directory: Path, root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        # A symlink pointing out of the dataset must not become a way to read other files.
        if path.is_file() and path.resolve().is_relative_to(root):
            found.setdefault(path.stem, path)
    return found


def _configured_order(root: Path) -> dict[str, int]:
    """Handles and ids in school.toml order, so the first configured account is the default one."""
    try:
        school = tomllib.loads((root / "school.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    order: dict[str, int] = {}
    for index, account in enumerate(school.get("accounts", [])):
        for key in ("handle", "id"):
            if account.get(key):
                order.setdefault(str(account[key]).lstrip("@").lower(), index)
    return order


def load_dataset(dataset_dir: Path) -> Dataset:
    root = Path(dataset_dir).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"sandbox dataset directory {root} does not exist")
    order = _configured_order(root)

    def rank(*names: str) -> int:
        return min((order.get(name.lstrip("@").lower(), len(order)) for name in names), default=len(order))

    x_accounts: list[XAccount] = []
    media_files: dict[str, Path] = {}
    url_paths: dict[str, tuple[str, Path]] = {}
    x_dirs = sorted(p for p in (root / "x").glob("*") if p.is_dir()) if (root / "x").is_dir() else []
    for account_dir in x_dirs:
        user = _read_json(account_dir / "account.json", {})
        posts_file = _read_json(account_dir / "posts.json", {})
        posts = [dict(post) for post in posts_file.get("data", [])]
        for post in posts:
            post.setdefault("author_id", user.get("id"))
            post.setdefault("edit_history_tweet_ids", [post.get("id")])
        posts.sort(key=snowflake_key, reverse=True)
        media = {
            m["media_key"]: m for m in posts_file.get("includes", {}).get("media", []) if "media_key" in m
        }
        account_media = _files_by_stem(account_dir / "media", root)
        media_files.update(account_media)
        for key, item in media.items():
            for url_field in ("url", "preview_image_url"):
                if item.get(url_field) and key in account_media:
                    url_paths[urlsplit(item[url_field]).path] = ("x.media", account_media[key])
        referenced = {
            str(post["id"]): post
            for post in posts_file.get("includes", {}).get("tweets", [])
            if isinstance(post, dict) and "id" in post
        }
        x_accounts.append(
            XAccount(
                handle=account_dir.name,
                user=user,
                followers=_read_json(account_dir / "followers.json", []),
                following=_read_json(account_dir / "following.json", []),
                posts=posts,
                media=media,
                referenced=referenced,
            )
        )
    x_accounts.sort(key=lambda a: rank(a.handle, str(a.user.get("id", ""))))

    users: dict[str, JsonObject] = {}
    for account in x_accounts:
        for user in [*account.followers, *account.following]:
            users.setdefault(str(user.get("id")), user)
    for account in x_accounts:
        users[str(account.user.get("id"))] = account.user

    channels: list[YouTubeChannel] = []
    thumbnail_files: dict[str, Path] = {}
    yt_dirs = (
        sorted(p for p in (root / "youtube").glob("*") if p.is_dir()) if (root / "youtube").is_dir() else []
    )
    for channel_dir in yt_dirs:
        channel = _read_json(channel_dir / "channel.json", {})
        videos = list(_read_json(channel_dir / "videos.json", []))
        # Uploads are listed newest first; reverse sorting keeps file order among equal dates.
        videos.sort(key=lambda v: str(v.get("snippet", {}).get("publishedAt", "")), reverse=True)
        thumbnails = _files_by_stem(channel_dir / "thumbnails", root)
        thumbnail_files.update(thumbnails)
        for video in videos:
            for thumbnail in video.get("snippet", {}).get("thumbnails", {}).values():
                if isinstance(thumbnail, dict) and thumbnail.get("url") and video.get("id") in thumbnails:
                    url_paths[urlsplit(thumbnail["url"]).path] = ("yt.thumbnails", thumbnails[video["id"]])
        channels.append(
            YouTubeChannel(
                channel_id=str(channel.get("id") or channel_dir.name),
                channel=channel,
                videos=videos,
                subscribers=_read_json(channel_dir / "subscribers.json", []),
                threads=_read_json(channel_dir / "comment_threads.json", []),
            )
        )
    channels.sort(key=lambda c: rank(c.channel_id, c.handle))
    return Dataset(
        root, x_accounts, users, channels, media_files, thumbnail_files, url_paths, load_meta(root)
    )
