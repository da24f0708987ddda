"""The project's own check of a sandbox dataset directory against docs/contracts/dataset.md: the layout, school.toml
and the registers as the product reads them, and the shape of every X and YouTube file the sandbox serves. The
independent checker runs after it when present (tests/builders/second_check.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checks.registers.loading import load_registers
from checks.registers.problems import RegistersRefused
from flows.config.school import ConfigError, load_config
from tests.builders.second_check import run_second_check

REGISTER_FILES = ("pupils.csv", "staff.csv", "parents.csv", "approved_media.csv")
X_FILES = ("account.json", "followers.json", "following.json", "posts.json")
YOUTUBE_FILES = ("channel.json", "videos.json", "subscribers.json", "comment_threads.json")
FOLDERS = ("registers/approved_media", "x/<username>/media", "youtube/<channel_id>/thumbnails")
USER_FIELDS = ("id", "name", "username")
MEDIA_TYPES = {"photo": "url", "video": "preview_image_url", "animated_gif": "preview_image_url"}


def _json(path: Path, kind: type, problems: list[str], root: Path) -> Any:
    where = path.relative_to(root)
    if not path.is_file():
        problems.append(f"{where} is missing")
        return kind()
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        problems.append(f"{where} is not JSON: {error}")
        return kind()
    if not isinstance(value, kind):
        problems.append(f"{where} is not a JSON {'array' if kind is list else 'object'}")
        return kind()
    return value


def _has_file(folder: Path, stem: str) -> bool:
    return folder.is_dir() and any(p.is_file() and p.stem == stem for p in folder.iterdir())


def _users(users: list[Any], where: str) -> list[str]:
    problems = []
    for n, user in enumerate(users):
        if not isinstance(user, dict) or any(
            not isinstance(user.get(f), str) or not user[f] for f in USER_FIELDS
        ):
            problems.append(f"{where}[{n}] is not a user object with {', '.join(USER_FIELDS)} (strings)")
        elif not user["id"].isdigit():
            problems.append(f"{where}[{n}] id {user['id']!r} is not an X user id")
    return problems


def _x_account(root: Path, handle: str, account_id: str) -> list[str]:
    problems: list[str] = []
    folder = root / "x" / handle
    if not folder.is_dir():
        return [f"x/{handle}/ is missing"]
    account = _json(folder / "account.json", dict, problems, root)
    if account and str(account.get("id")) != account_id:
        problems.append(f"x/{handle}/account.json id {account.get('id')!r} is not school.toml's {account_id}")
    if account and str(account.get("username", "")).lower() != handle.lower():
        problems.append(f"x/{handle}/account.json username {account.get('username')!r} is not the folder's")
    for name in ("followers.json", "following.json"):
        problems += _users(_json(folder / name, list, problems, root), f"x/{handle}/{name}")
    posts = _json(folder / "posts.json", dict, problems, root)
    if posts and not isinstance(posts.get("data"), list):
        problems.append(f"x/{handle}/posts.json has no data array")
    media = {
        item.get("media_key"): item
        for item in (posts.get("includes") or {}).get("media", [])
        if isinstance(item, dict)
    }
    for key, item in media.items():
        link = MEDIA_TYPES.get(str(item.get("type")))
        if link is None or not item.get(link):
            problems.append(
                f"x/{handle}/posts.json media {key}: a photo needs url, a video or GIF preview_image_url"
            )
    for post in posts.get("data") or []:
        if not isinstance(post, dict) or not post.get("id") or "text" not in post:
            problems.append(f"x/{handle}/posts.json: a post lacks id or text: {str(post)[:60]}")
            continue
        for key in (post.get("attachments") or {}).get("media_keys", []):
            if key not in media:
                problems.append(
                    f"x/{handle}/posts.json: post {post['id']} names media {key} not in includes.media"
                )
            elif not _has_file(folder / "media", key):
                problems.append(f"x/{handle}/media/{key}.* is missing")
    return problems


def _youtube_channel(root: Path, channel_id: str) -> list[str]:
    problems: list[str] = []
    folder = root / "youtube" / channel_id
    if not folder.is_dir():
        return [f"youtube/{channel_id}/ is missing"]
    where = f"youtube/{channel_id}"
    channel = _json(folder / "channel.json", dict, problems, root)
    if channel and channel.get("id") != channel_id:
        problems.append(f"{where}/channel.json id {channel.get('id')!r} is not the folder's")
    if channel and not (channel.get("contentDetails") or {}).get("relatedPlaylists", {}).get("uploads"):
        problems.append(f"{where}/channel.json lacks contentDetails.relatedPlaylists.uploads")
    for video in _json(folder / "videos.json", list, problems, root):
        if not isinstance(video, dict) or not video.get("id") or not isinstance(video.get("snippet"), dict):
            problems.append(f"{where}/videos.json: a video lacks id or snippet: {str(video)[:60]}")
        elif not _has_file(folder / "thumbnails", video["id"]):
            problems.append(f"{where}/thumbnails/{video['id']}.* is missing")
    for n, subscription in enumerate(_json(folder / "subscribers.json", list, problems, root)):
        if not (
            isinstance(subscription, dict) and (subscription.get("subscriberSnippet") or {}).get("channelId")
        ):
            problems.append(f"{where}/subscribers.json[{n}] lacks subscriberSnippet.channelId")
    for n, thread in enumerate(_json(folder / "comment_threads.json", list, problems, root)):
        snippet = thread.get("snippet") if isinstance(thread, dict) else None
        if not (
            isinstance(snippet, dict)
            and thread.get("id")
            and (snippet.get("topLevelComment") or {}).get("id")
        ):
            problems.append(f"{where}/comment_threads.json[{n}] lacks id or snippet.topLevelComment.id")
    return problems


def dataset_problems(root: Path) -> list[str]:
    """Everything in a sandbox dataset directory that breaks docs/contracts/dataset.md (empty: it holds)."""
    try:
        config = load_config(root / "school.toml")
    except ConfigError as error:
        return [f"school.toml: {problem}" for problem in error.problems]
    problems: list[str] = []
    try:  # the four files, approved_media/ and every value, as a run reads them (docs/contracts/registers.md)
        load_registers(root / "registers", config.registers.columns)
    except RegistersRefused as refused:
        problems += [f"registers/{problem}" for problem in refused.problems]
    for account in config.accounts:
        if account.platform == "x":
            problems += _x_account(root, account.handle, account.id)
        elif account.platform == "youtube":
            problems += _youtube_channel(root, account.id)
    return problems


def assert_dataset_meets_the_contract(root: Path) -> None:
    """The project's own check of a dataset directory, then the independent one when present."""
    problems = dataset_problems(root)
    assert not problems, "\n".join(problems[:50])
    run_second_check("check_dataset.py", root)
