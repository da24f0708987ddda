"""The X side of a dataset: its accounts (each with followers, following, posts and media), every user it
knows, the posts a timeline request reaches, and X's rate-limit counters."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox.http import JsonObject

if TYPE_CHECKING:
    from sandbox.dataset import Dataset

# Per-user 15-minute limits from X's rate-limit table (docs/production.md §9).
X_RATE_LIMITS = {
    "x.me": 75,
    "x.user": 900,
    "x.tweets": 900,
    "x.tweets_lookup": 900,
    "x.followers": 300,
    "x.following": 300,
    # The owner's writes: 50 a 15 minutes each (manage Posts DELETE, hide replies, manage mutes).
    "x.delete_post": 50,
    "x.hide_reply": 50,
    "x.mute": 50,
    # Create Post: 100 a 15 minutes per user.
    "x.create_post": 100,
}
X_RATE_WINDOW_SECONDS = 15 * 60
MAX_REACHABLE_POSTS = 3200
MAX_REACHABLE_POSTS_WITHOUT_REPLIES = 800


@dataclass
class XAccount:
    handle: str
    user: JsonObject
    followers: list[JsonObject]
    following: list[JsonObject]
    posts: list[JsonObject]
    media: dict[str, JsonObject]
    # Posts by others that the account's posts quote, repost or reply to (posts.json `includes.tweets`).
    referenced: dict[str, JsonObject] = field(default_factory=dict)


def snowflake_key(item: JsonObject) -> int:
    raw = str(item.get("id", ""))
    return int(raw) if raw.isdigit() else 0


class XBackend:
    """The dataset's X accounts and users, looked up the ways the X routes need."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.users = dataset.users
        self.users_by_username = {
            str(user.get("username", "")).lower(): user for user in dataset.users.values()
        }

    def account(self, user_id: str) -> XAccount | None:
        return self.dataset.x_account(user_id)

    def post(self, post_id: str) -> tuple[XAccount, JsonObject] | None:
        """Any post of any account by id, however old: a lookup by id is not limited to the newest 3200."""
        for account in self.dataset.x_accounts:
            for post in account.posts:
                if str(post.get("id")) == post_id:
                    return account, post
        return None

    def timeline(
        self,
        account: XAccount | None,
        excluded: set[str],
        since_id: int | None,
        until_id: int | None,
        start_time: datetime | None,
        end_time: datetime | None,
    ) -> list[JsonObject]:
        """The account's posts a timeline request reaches (X serves only the newest 3200, or 800 without
        replies), newest first, within the ids and times asked for."""
        # Only an edited post's latest version is a live post (earlier ones are read by id only).
        superseded = {
            str(old)
            for post in (account.posts if account else [])
            for old in (post.get("edit_history_tweet_ids") or [])[:-1]
        }
        posts = [post for post in (account.posts if account else []) if str(post.get("id")) not in superseded]
        posts = posts[:MAX_REACHABLE_POSTS]
        posts = [post for post in posts if not _excluded(post, excluded)]
        if "replies" in excluded:
            posts = posts[:MAX_REACHABLE_POSTS_WITHOUT_REPLIES]

        def wanted(post: JsonObject) -> bool:
            post_id = snowflake_key(post)
            if (since_id is not None and post_id <= since_id) or (
                until_id is not None and post_id >= until_id
            ):
                return False
            if start_time is None and end_time is None:
                return True
            created = _parse_time(post.get("created_at"))
            return (
                created is not None
                and (start_time is None or created >= start_time)
                and (end_time is None or created <= end_time)
            )

        return [post for post in posts if wanted(post)]


def _excluded(post: JsonObject, excluded: set[str]) -> bool:
    kinds = {ref.get("type") for ref in post.get("referenced_tweets", []) if isinstance(ref, dict)}
    if "retweets" in excluded and "retweeted" in kinds:
        return True
    return "replies" in excluded and ("replied_to" in kinds or bool(post.get("in_reply_to_user_id")))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class XRateLimits:
    """X's per-user 15-minute windows, enforced: the request past a route's limit in its window is answered 429
    with the window's reset, as X answers it. Every answer carries the `x-rate-limit-*` headers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def take(self, route: str, user_id: str) -> tuple[bool, dict[str, str]]:
        """Count one request of `user_id` on `route`: (allowed, the headers to send)."""
        limit = X_RATE_LIMITS.get(route, 900)
        now = time.time()
        with self._lock:
            started, used = self._windows.get((route, user_id), (now, 0))
            if now - started >= X_RATE_WINDOW_SECONDS:
                started, used = now, 0
            allowed = used < limit
            if allowed:
                used += 1
            self._windows[(route, user_id)] = (started, used)
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(limit - used, 0)),
            "x-rate-limit-reset": str(int(started + X_RATE_WINDOW_SECONDS)),
        }
        return allowed, headers

    def headers(self, route: str, exhausted: bool = False, reset_in: float | None = None) -> dict[str, str]:
        """What an injected fault announces (it counts no request): a full window, or an exhausted one."""
        limit = X_RATE_LIMITS.get(route, 900)
        now = time.time()
        reset = int(now + (reset_in if reset_in is not None else X_RATE_WINDOW_SECONDS))
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": "0" if exhausted else str(limit - 1),
            "x-rate-limit-reset": str(reset),
        }
