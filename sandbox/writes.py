"""The platforms' state after the owner's writes: a journal in the dataset directory (`sandbox-writes.jsonl`), one
JSON line per accepted write, applied to the dataset whenever a server starts on it, so the following week's reads
see it: a created post is in its account's timeline with its images at their media urls, a deleted post answers as deleted, a hidden Facebook or Instagram comment is listed as hidden, a rejected
comment is no longer listed as published, a private video is private, later comments of a banned author are rejected as they are written.

The dataset's own files are never changed: the journal (and the images beside it) is the difference, and deleting
it puts the dataset back."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sandbox.dataset import Dataset
from sandbox.http import JsonObject
from sandbox.meta.writes import apply_meta_write
from sandbox.x.models import XAccount, snowflake_key
from sandbox.youtube.models import YouTubeChannel

JOURNAL = "sandbox-writes.jsonl"
# The images of posts created through the API, as X serves them, beside the journal that names them.
JOURNAL_MEDIA = "sandbox-writes-media"
REPLIES = "replies.json"  # optional, per X account: posts by others in the account's conversations


def _read_replies(account_dir: Path) -> list[JsonObject]:
    path = account_dir / REPLIES
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"sandbox dataset file {path} is not valid JSON: {error}") from error
    posts = data.get("data", []) if isinstance(data, dict) else data
    return [dict(p) for p in posts if isinstance(p, dict) and "id" in p]


def _comments(thread: JsonObject) -> list[JsonObject]:
    top = (thread.get("snippet") or {}).get("topLevelComment")
    replies = (thread.get("replies") or {}).get("comments") or []
    return [c for c in [top, *replies] if isinstance(c, dict)]


def _author(comment: JsonObject) -> str:
    return str(((comment.get("snippet") or {}).get("authorChannelId") or {}).get("value", ""))


@dataclass
class WriteJournal:
    """The writes accepted on one dataset, applied to it in memory and kept in its journal file."""

    dataset: Dataset
    hidden: dict[str, bool] = field(default_factory=dict)  # reply id -> hidden
    muted: dict[str, set[str]] = field(default_factory=dict)  # user id -> the users they mute
    banned: dict[str, dict[str, str]] = field(default_factory=dict)  # channel -> author -> banned at (ISO)
    replies: dict[str, list[JsonObject]] = field(default_factory=dict)  # X user id -> others' replies
    sent_texts: dict[str, str] = field(default_factory=dict)  # created post id -> its text as sent
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def path(self) -> Path:
        return self.dataset.root / JOURNAL

    @classmethod
    def open(cls, dataset: Dataset) -> WriteJournal:
        """The dataset as the writes recorded so far left it."""
        journal = cls(dataset)
        for account in dataset.x_accounts:
            journal.replies[str(account.user.get("id"))] = _read_replies(dataset.root / "x" / account.handle)
        if journal.path.is_file():
            for number, line in enumerate(journal.path.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError as error:
                    raise ValueError(f"{journal.path} line {number} is not valid JSON: {error}") from error
                journal._apply(entry)
        return journal

    def record(self, entry: JsonObject) -> None:
        """Apply an accepted write and keep it for the servers that start on this dataset later."""
        entry = {**entry, "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        with self._lock:
            self._apply(entry)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def record_post(
        self, user_id: str, post: JsonObject, sent_text: str, media: list[tuple[JsonObject, bytes, str]]
    ) -> None:
        """A post created through the API: its images written beside the journal, then the post recorded."""
        folder = self.dataset.root / JOURNAL_MEDIA
        folder.mkdir(exist_ok=True)
        items = []
        for item, served, extension in media:
            name = f"{item['media_key']}.{extension}"
            (folder / name).write_bytes(served)
            items.append({**item, "file": name})
        self.record({"kind": "x.post", "user_id": user_id, "post": post, "text": sent_text, "media": items})

    # -- looking things up

    def reply(self, reply_id: str) -> tuple[str, JsonObject] | None:
        """A reply by someone else in one of the dataset accounts' conversations: (that account's id, the reply)."""
        for user_id, replies in self.replies.items():
            for reply in replies:
                if str(reply.get("id")) == reply_id:
                    return user_id, reply
        return None

    def comment(self, comment_id: str) -> tuple[YouTubeChannel, JsonObject, JsonObject] | None:
        """(channel, thread, comment) of a top-level comment or a reply, by id."""
        for channel in self.dataset.channels:
            for thread in channel.threads:
                for comment in _comments(thread):
                    if str(comment.get("id")) == comment_id:
                        return channel, thread, comment
        return None

    # -- applying one write

    def _apply(self, entry: JsonObject) -> None:
        kind = entry.get("kind")
        if kind == "x.post":
            self._add_post(str(entry["user_id"]), dict(entry["post"]), list(entry["media"]))
            self.sent_texts[str(entry["post"]["id"])] = str(entry.get("text", ""))
        elif kind == "x.delete":
            self._delete_posts({str(i) for i in entry["post_ids"]})
        elif kind == "x.hide":
            self.hidden[str(entry["reply_id"])] = bool(entry["hidden"])
        elif kind == "x.mute":
            self.muted.setdefault(str(entry["user_id"]), set()).add(str(entry["target_user_id"]))
        elif kind == "yt.moderate":
            self._moderate(entry)
        elif kind == "yt.video_status":
            self._video_status(str(entry["video_id"]), dict(entry["status"]))
        elif isinstance(kind, str) and kind.startswith(("fb.", "ig.")):
            apply_meta_write(self.dataset.meta, entry)
        else:
            raise ValueError(f"{self.path}: unknown write {kind!r}")

    def _add_post(self, user_id: str, post: JsonObject, media: list[JsonObject]) -> None:
        account = self.dataset.x_account(user_id)
        if account is None:
            return  # the dataset of a later week no longer holds the account
        folder = (self.dataset.root / JOURNAL_MEDIA).resolve()
        for item in media:
            served = {k: v for k, v in item.items() if k != "file"}
            account.media[str(item["media_key"])] = served
            path = (folder / str(item["file"])).resolve()
            # Only a file beside the journal, as it wrote it: a journal line cannot point the CDN elsewhere.
            if path.parent != folder or not path.is_file():
                continue
            self.dataset.media_files[str(item["media_key"])] = path
            for url_field in ("url", "preview_image_url"):
                if served.get(url_field):
                    self.dataset.url_paths[urlsplit(str(served[url_field])).path] = ("x.media", path)
        account.posts[:] = sorted(
            [p for p in account.posts if str(p.get("id")) != str(post.get("id"))] + [post],
            key=snowflake_key,
            reverse=True,
        )

    def _delete_posts(self, post_ids: set[str]) -> None:
        for account in self.dataset.x_accounts:
            account.posts[:] = [p for p in account.posts if str(p.get("id")) not in post_ids]

    def _moderate(self, entry: JsonObject) -> None:
        status = str(entry["status"])
        for comment_id in entry["comment_ids"]:
            found = self.comment(str(comment_id))
            if found is None:
                continue  # the dataset of a later week no longer holds it (its author deleted it)
            channel, _, comment = found
            comment["snippet"] = {**(comment.get("snippet") or {}), "moderationStatus": status}
            if entry.get("ban_author"):
                self.banned.setdefault(channel.channel_id, {})[_author(comment)] = str(entry.get("at", ""))
        self._enforce_bans()

    def _enforce_bans(self) -> None:
        """A banned author's comments written after the ban are rejected as they arrive."""
        for channel in self.dataset.channels:
            bans = self.banned.get(channel.channel_id, {})
            for thread in channel.threads if bans else []:
                for comment in _comments(thread):
                    banned_at = bans.get(_author(comment))
                    written = str((comment.get("snippet") or {}).get("publishedAt", ""))
                    if banned_at is not None and written > banned_at:
                        comment["snippet"] = {**comment["snippet"], "moderationStatus": "rejected"}

    def _video_status(self, video_id: str, status: JsonObject) -> None:
        found = self.dataset.video(video_id)
        if found is None:
            return
        _, video = found
        video["status"] = status

    # -- what a write may touch

    def own_posts(self, account: XAccount, post_id: str) -> list[str]:
        """The ids a delete of `post_id` removes: every version of an edited post goes with it."""
        chain = next(
            (
                {str(i) for i in (p.get("edit_history_tweet_ids") or [p.get("id")])}
                for p in account.posts
                if post_id in {str(i) for i in (p.get("edit_history_tweet_ids") or [p.get("id")])}
            ),
            {post_id},
        )
        return sorted(str(p.get("id")) for p in account.posts if str(p.get("id")) in chain)
