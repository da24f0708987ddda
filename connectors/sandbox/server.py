"""Local HTTP server speaking the X API v2 and YouTube Data API v3 routes over a sandbox dataset directory."""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import mimetypes
import os
import re
import signal
import sys
import threading
import time
import tomllib
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FAULTS_ENV = "SOCIALAUDIT_SANDBOX_FAULTS"
X_ROUTES = ("x.me", "x.user", "x.tweets", "x.followers", "x.following", "x.media")
YT_ROUTES = (
    "yt.channels",
    "yt.playlistItems",
    "yt.videos",
    "yt.subscriptions",
    "yt.commentThreads",
    "yt.thumbnails",
)
ROUTES = X_ROUTES + YT_ROUTES
FILE_ROUTES = ("x.media", "yt.thumbnails")
FAULT_KINDS = ("429", "429-no-reset", "500", "503", "truncate", "403-quota")

# Per-user 15-minute limits from the X rate-limit table (platform-apis.md §2).
X_RATE_LIMITS = {"x.me": 75, "x.user": 900, "x.tweets": 900, "x.followers": 300, "x.following": 300}
X_RATE_WINDOW_SECONDS = 15 * 60
MAX_REACHABLE_POSTS = 3200
MAX_REACHABLE_POSTS_WITHOUT_REPLIES = 800


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


X_USER_FIELDS = _words(
    "affiliation confirmed_email connection_status created_at description entities id is_identity_verified "
    "location most_recent_tweet_id most_recent_post_id name parody pinned_tweet_id pinned_post_id "
    "profile_banner_url profile_image_url protected public_metrics receives_your_dm subscription "
    "subscription_type url username verified verified_followers_count verified_type withheld"
)
# Both spellings: the 2026 OpenAPI renames some post fields, tweepy still sends the old ones.
X_TWEET_FIELDS = _words(
    "article attachments author_id card_uri community_id context_annotations conversation_id created_at "
    "display_text_range edit_controls edit_history_tweet_ids edit_history_post_ids entities geo id "
    "in_reply_to_user_id lang media_metadata non_public_metrics note_tweet note_post organic_metrics "
    "possibly_sensitive promoted_metrics public_metrics referenced_tweets referenced_posts reply_settings "
    "scopes source suggested_source_links text withheld"
)
X_MEDIA_FIELDS = _words(
    "alt_text duration_ms height media_key non_public_metrics organic_metrics preview_image_url "
    "promoted_metrics public_metrics type url variants width"
)
X_TWEET_EXPANSIONS = _words(
    "article.cover_media article.media_entities attachments.media_keys attachments.media_source_tweet "
    "attachments.poll_ids author_id edit_history_tweet_ids entities.mentions.username geo.place_id "
    "in_reply_to_user_id entities.note.mentions.username referenced_tweets.id "
    "referenced_tweets.id.attachments.media_keys referenced_tweets.id.author_id"
)
X_USER_EXPANSIONS = _words("affiliation.user_id most_recent_tweet_id pinned_tweet_id pinned_post_id")
X_ALWAYS_USER_FIELDS = frozenset({"id", "name", "username"})
X_ALWAYS_TWEET_FIELDS = frozenset({"id", "text", "edit_history_tweet_ids"})
X_ALWAYS_MEDIA_FIELDS = frozenset({"media_key", "type"})
X_FIELD_PARAMS = ("user.fields", "tweet.fields", "post.fields", "media.fields", "expansions")
X_TWEETS_PARAMS = _words(
    "max_results pagination_token since_id until_id start_time end_time exclude place.fields poll.fields"
) | frozenset(X_FIELD_PARAMS)
X_FOLLOWS_PARAMS = frozenset({"max_results", "pagination_token", *X_FIELD_PARAMS})
X_USER_PARAMS = frozenset(X_FIELD_PARAMS)
X_SNOWFLAKE = re.compile(r"^[0-9]{1,19}$")
X_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")

YT_CHANNEL_PARTS = _words(
    "auditDetails brandingSettings contentDetails contentOwnerDetails id localizations snippet statistics "
    "status topicDetails"
)
YT_PLAYLIST_ITEM_PARTS = frozenset({"contentDetails", "id", "snippet", "status"})
YT_VIDEO_PARTS = _words(
    "contentDetails fileDetails id liveStreamingDetails localizations paidProductPlacementDetails player "
    "processingDetails recordingDetails snippet statistics status suggestions topicDetails"
)
YT_SUBSCRIPTION_PARTS = frozenset({"contentDetails", "id", "snippet", "subscriberSnippet"})
YT_COMMENT_THREAD_PARTS = frozenset({"id", "replies", "snippet"})
YT_MAX_IDS = 50
GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
}
X_JSON = "application/json; charset=utf-8"
GOOGLE_JSON = "application/json; charset=UTF-8"

JsonObject = dict[str, Any]


# ---------------------------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """One injected failure: fires on `route` after `after` matching requests, `times` times (-1: forever)."""

    route: str
    kind: str
    times: int = 1
    after: int = 0
    reset_in: float = 1.0

    def __post_init__(self) -> None:
        if self.route != "*" and self.route not in ROUTES:
            raise ValueError(f"unknown fault route {self.route!r}; expected one of {', '.join(ROUTES)} or *")
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if self.times < -1 or self.after < 0:
            raise ValueError(f"fault {self.route}/{self.kind}: times must be >= -1 and after >= 0")

    def matches(self, route: str) -> bool:
        return self.route in ("*", route)


@dataclass
class FaultPlan:
    """The faults a server injects; counters are shared by every request thread."""

    faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _seen: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _fired: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.faults = list(self.faults)
        self.reset()

    @classmethod
    def from_json(cls, text: str) -> FaultPlan:
        raw = json.loads(text)
        if isinstance(raw, dict) and "faults" in raw:
            raw = raw["faults"]
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise ValueError(
                "a fault plan is a JSON list of objects with route, kind, times, after, reset_in"
            )
        return cls([Fault(**item) for item in raw])

    def to_json(self) -> str:
        return json.dumps([asdict(fault) for fault in self.faults])

    def reset(self) -> None:
        with self._lock:
            self._seen = [0] * len(self.faults)
            self._fired = [0] * len(self.faults)

    def draw(self, route: str) -> Fault | None:
        """The fault this request suffers, if any; every matching fault counts the request towards `after`."""
        chosen: Fault | None = None
        with self._lock:
            for index, fault in enumerate(self.faults):
                if not fault.matches(route):
                    continue
                self._seen[index] += 1
                armed = self._seen[index] > fault.after
                remaining = fault.times < 0 or self._fired[index] < fault.times
                if chosen is None and armed and remaining:
                    self._fired[index] += 1
                    chosen = fault
        return chosen


# --------------------------------------------------------------------------------------------- dataset


@dataclass
class XAccount:
    handle: str
    user: JsonObject
    followers: list[JsonObject]
    following: list[JsonObject]
    posts: list[JsonObject]
    media: dict[str, JsonObject]


@dataclass
class YouTubeChannel:
    channel_id: str
    channel: JsonObject
    videos: list[JsonObject]
    subscribers: list[JsonObject]
    threads: list[JsonObject]

    @property
    def uploads_playlist_id(self) -> str:
        related = self.channel.get("contentDetails", {}).get("relatedPlaylists", {})
        return str(related.get("uploads", ""))

    @property
    def handle(self) -> str:
        return str(self.channel.get("snippet", {}).get("customUrl", ""))


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


def _snowflake_key(item: JsonObject) -> int:
    raw = str(item.get("id", ""))
    return int(raw) if raw.isdigit() else 0


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
        posts.sort(key=_snowflake_key, reverse=True)
        media = {
            m["media_key"]: m for m in posts_file.get("includes", {}).get("media", []) if "media_key" in m
        }
        account_media = _files_by_stem(account_dir / "media", root)
        media_files.update(account_media)
        for key, item in media.items():
            for url_field in ("url", "preview_image_url"):
                if item.get(url_field) and key in account_media:
                    url_paths[urlsplit(item[url_field]).path] = ("x.media", account_media[key])
        x_accounts.append(
            XAccount(
                handle=account_dir.name,
                user=user,
                followers=_read_json(account_dir / "followers.json", []),
                following=_read_json(account_dir / "following.json", []),
                posts=posts,
                media=media,
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
    return Dataset(root, x_accounts, users, channels, media_files, thumbnail_files, url_paths)


# ------------------------------------------------------------------------------------ requests, replies


@dataclass(frozen=True)
class RequestRecord:
    """What a client asked for and the status it got, for test assertions."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    route: str = ""


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = X_JSON
    headers: dict[str, str] = field(default_factory=dict)
    # Send only this many body bytes of the declared length, then drop the connection.
    drop_after: int | None = None


class ApiError(Exception):
    """Raised inside a route to answer with an error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def json_reply(status: int, payload: Any, content_type: str = X_JSON) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), content_type)


def x_problem(status: int, title: str, detail: str, problem_type: str = "about:blank") -> Reply:
    return json_reply(status, {"title": title, "detail": detail, "type": problem_type, "status": status})


def x_invalid_request(problems: list[JsonObject]) -> Reply:
    return json_reply(
        400,
        {
            "errors": problems,
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
            "status": 400,
        },
    )


def x_not_found_error(value: str, parameter: str = "id") -> JsonObject:
    described = "id" if parameter in ("id", "ids") else "username"
    return {
        "value": value,
        "detail": f"Could not find user with {described}: [{value}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def x_user_not_found(value: str, parameter: str = "id") -> Reply:
    """X answers an unknown user with 200 and an `errors` array, not with 404."""
    return json_reply(200, {"errors": [x_not_found_error(value, parameter)]})


def google_error(
    code: int,
    reason: str,
    message: str,
    domain: str = "global",
    location: str | None = None,
    location_type: str = "parameter",
) -> Reply:
    detail: JsonObject = {"message": message, "domain": domain, "reason": reason}
    if location:
        detail.update(location=location, locationType=location_type)
    payload = {
        "error": {
            "code": code,
            "message": message,
            "errors": [detail],
            "status": GOOGLE_STATUS.get(code, "UNKNOWN"),
        }
    }
    return json_reply(code, payload, GOOGLE_JSON)


def etag_of(value: Any) -> str:
    digest = hashlib.sha1(json.dumps(value, sort_keys=True).encode("utf-8")).digest()  # noqa: S324 - an etag, not a secret
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def encode_page_token(stream: str, offset: int) -> str:
    raw = json.dumps([stream, offset], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str, stream: str) -> int | None:
    """The offset a token of this stream stands for, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None
    if (
        isinstance(decoded, list)
        and len(decoded) == 2
        and decoded[0] == stream
        and isinstance(decoded[1], int)
        and decoded[1] >= 0
    ):
        return decoded[1]
    return None


def _bearer_or_oauth_token(authorization: str) -> str:
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :].strip()
    match = re.search(r'oauth_token="([^"]*)"', authorization)
    return unquote(match.group(1)) if match else ""


def _cut_json(body: bytes) -> bytes:
    """The first half of a body, cut before a UTF-8 lead byte so the text still decodes and only JSON fails."""
    cut = max(1, len(body) // 2)
    while 1 < cut < len(body) and body[cut] >= 0x80:
        cut -= 1
    return body[:cut]


# -------------------------------------------------------------------------------------------- X API v2


class XQuery:
    """Validates X query parameters the way X does: every problem collected into one 400."""

    def __init__(self, query: dict[str, str], allowed: frozenset[str]) -> None:
        self.query = query
        self.problems: list[JsonObject] = []
        for name in sorted(set(query) - allowed):
            self._problem(name, f"The query parameter [{name}] is not one of [{','.join(sorted(allowed))}]")

    def _problem(self, name: str, message: str) -> None:
        self.problems.append({"parameters": {name: [self.query.get(name, "")]}, "message": message})

    def path_id(self, user_id: str) -> None:
        if not X_SNOWFLAKE.match(user_id):
            self.problems.append(
                {
                    "parameters": {"id": [user_id]},
                    "message": f"The `id` query parameter value [{user_id}] does not match ^[0-9]{{1,19}}$",
                }
            )

    def integer(self, name: str, low: int, high: int, default: int) -> int:
        raw = self.query.get(name)
        if raw is None:
            return default
        if not re.fullmatch(r"-?[0-9]+", raw) or not low <= int(raw) <= high:
            self._problem(name, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}")
            return default
        return int(raw)

    def snowflake(self, name: str) -> int | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        if not X_SNOWFLAKE.match(raw):
            self._problem(name, f"The `{name}` query parameter value [{raw}] does not match ^[0-9]{{1,19}}$")
            return None
        return int(raw)

    def timestamp(self, name: str) -> datetime | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            self._problem(name, f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 timestamp.")
            return None

    def choices(self, name: str, allowed: frozenset[str]) -> set[str]:
        raw = self.query.get(name)
        if raw is None:
            return set()
        values = {value for value in raw.split(",") if value}
        unknown = sorted(values - allowed)
        if unknown or not values:
            shown = ",".join(unknown) or raw
            self._problem(
                name,
                f"The `{name}` query parameter value [{shown}] is not one of [{','.join(sorted(allowed))}]",
            )
        return values & allowed

    def page_offset(self, stream: str, total: int) -> int:
        token = self.query.get("pagination_token")
        if token is None:
            return 0
        offset = decode_page_token(token, stream)
        if offset is None or offset > total:
            self._problem(
                "pagination_token", f"The `pagination_token` query parameter value [{token}] is not valid"
            )
            return 0
        return offset

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise ApiError(x_invalid_request(self.problems))


def select_user(user: JsonObject, fields: set[str]) -> JsonObject:
    return {key: value for key, value in user.items() if key in X_ALWAYS_USER_FIELDS or key in fields}


def select_media(media: JsonObject, fields: set[str]) -> JsonObject:
    return {key: value for key, value in media.items() if key in X_ALWAYS_MEDIA_FIELDS or key in fields}


def select_post(post: JsonObject, fields: set[str], expansions: set[str]) -> JsonObject:
    wanted = set(X_ALWAYS_TWEET_FIELDS) | fields
    # An expansion needs the field it expands, so X returns that field even when it was not asked for.
    if "attachments.media_keys" in expansions:
        wanted.add("attachments")
    if "author_id" in expansions:
        wanted.add("author_id")
    return {key: value for key, value in post.items() if key in wanted}


class XApi:
    """The X API v2 routes the pipeline uses, over the dataset's x/<handle>/ directories."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.users_by_username = {
            str(user.get("username", "")).lower(): user for user in dataset.users.values()
        }

    def authorize(self, request: ApiRequest) -> None:
        scheme = request.authorization.split(" ", 1)[0]
        if scheme not in ("OAuth", "Bearer"):
            raise ApiError(x_problem(401, "Unauthorized", "Unauthorized"))

    def authenticated_account(self, request: ApiRequest) -> XAccount:
        """The user context of a request: every X account of the dataset has its own. Real X access tokens
        start with the user id ("<user id>-<secret part>"), so the token's prefix picks the account (its id,
        or for convenience its folder name). A token that names no account of the dataset (`sandbox-token`)
        stands for the first account configured in school.toml."""
        if not self.dataset.x_accounts:
            raise ApiError(x_problem(401, "Unauthorized", "Unauthorized"))
        token = _bearer_or_oauth_token(request.authorization)
        token_owner = token.split("-", 1)[0].strip().lower()
        for account in self.dataset.x_accounts:
            if token_owner and token_owner in (str(account.user.get("id")), account.handle.lower()):
                return account
        return self.dataset.x_accounts[0]

    def serve_me(self, request: ApiRequest) -> Reply:
        self.authorize(request)
        query = XQuery(request.query, X_USER_PARAMS)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        account = self.authenticated_account(request)
        return json_reply(200, {"data": select_user(account.user, user_fields)})

    def serve_user(self, request: ApiRequest, user_id: str) -> Reply:
        self.authorize(request)
        query = XQuery(request.query, X_USER_PARAMS)
        query.path_id(user_id)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        user = self.dataset.users.get(user_id)
        if user is None:
            return x_user_not_found(user_id)
        return json_reply(200, {"data": select_user(user, user_fields)})

    def serve_user_by_username(self, request: ApiRequest, username: str) -> Reply:
        self.authorize(request)
        query = XQuery(request.query, X_USER_PARAMS)
        if not X_USERNAME.match(username):
            query.problems.append(
                {
                    "parameters": {"username": [username]},
                    "message": f"The `username` query parameter value [{username}] does not match "
                    "^[A-Za-z0-9_]{1,15}$",
                }
            )
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        user = self.users_by_username.get(username.lower())
        if user is None:
            return x_user_not_found(username, "username")
        return json_reply(200, {"data": select_user(user, user_fields)})

    def serve_users_lookup(self, request: ApiRequest, parameter: str) -> Reply:
        """`/2/users?ids=` and `/2/users/by?usernames=`: up to 100 users, unknown ones as errors."""
        self.authorize(request)
        query = XQuery(request.query, X_USER_PARAMS | {parameter})
        values = [value for value in request.query.get(parameter, "").split(",") if value]
        if not 1 <= len(values) <= 100:
            query.problems.append(
                {
                    "parameters": {parameter: [request.query.get(parameter, "")]},
                    "message": f"The number of values in the `{parameter}` query parameter list "
                    f"[{len(values)}] is not between 1 and 100",
                }
            )
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        found: list[JsonObject] = []
        errors: list[JsonObject] = []
        for value in values:
            user = (
                self.dataset.users.get(value)
                if parameter == "ids"
                else self.users_by_username.get(value.lower())
            )
            if user is None:
                errors.append(x_not_found_error(value, parameter))
            else:
                found.append(select_user(user, user_fields))
        body: JsonObject = {"data": found} if found else {}
        if errors:
            body["errors"] = errors
        return json_reply(200, body)

    def serve_tweets(self, request: ApiRequest, user_id: str) -> Reply:
        self.authorize(request)
        query = XQuery(request.query, X_TWEETS_PARAMS)
        query.path_id(user_id)
        page_size = query.integer("max_results", 5, 100, 10)
        since_id = query.snowflake("since_id")
        until_id = query.snowflake("until_id")
        start_time = query.timestamp("start_time")
        end_time = query.timestamp("end_time")
        excluded = query.choices("exclude", frozenset({"replies", "retweets"}))
        expansions = query.choices("expansions", X_TWEET_EXPANSIONS)
        post_fields = query.choices("tweet.fields", X_TWEET_FIELDS) | query.choices(
            "post.fields", X_TWEET_FIELDS
        )
        media_fields = query.choices("media.fields", X_MEDIA_FIELDS)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("place.fields", frozenset({"contained_within", "country", "country_code", "full_name"}))
        query.choices("poll.fields", frozenset({"duration_minutes", "end_datetime", "id", "options"}))
        query.raise_if_invalid()

        owner = self.dataset.users.get(user_id)
        if owner is None:
            return x_user_not_found(user_id)
        account = self.dataset.x_account(user_id)
        posts = account.posts[:MAX_REACHABLE_POSTS] if account else []
        posts = [post for post in posts if not _excluded(post, excluded)]
        if "replies" in excluded:
            posts = posts[:MAX_REACHABLE_POSTS_WITHOUT_REPLIES]

        def wanted(post: JsonObject) -> bool:
            post_id = _snowflake_key(post)
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

        selected = [post for post in posts if wanted(post)]
        stream = f"tweets:{user_id}"
        offset = query.page_offset(stream, len(selected))
        query.raise_if_invalid()
        page = selected[offset : offset + page_size]
        if not page:
            return json_reply(200, {"meta": {"result_count": 0}})

        body: JsonObject = {"data": [select_post(post, post_fields, expansions) for post in page]}
        includes: JsonObject = {}
        if "attachments.media_keys" in expansions and account is not None:
            keys = [key for post in page for key in post.get("attachments", {}).get("media_keys", [])]
            media = [
                select_media(account.media[key], media_fields)
                for key in dict.fromkeys(keys)
                if key in account.media
            ]
            if media:
                includes["media"] = media
        if "author_id" in expansions:
            includes["users"] = [select_user(owner, user_fields)]
        if includes:
            body["includes"] = includes
        meta: JsonObject = {
            "result_count": len(page),
            "newest_id": str(page[0]["id"]),
            "oldest_id": str(page[-1]["id"]),
        }
        if offset + page_size < len(selected):
            meta["next_token"] = encode_page_token(stream, offset + page_size)
        if offset > 0:
            meta["previous_token"] = encode_page_token(stream, max(0, offset - page_size))
        body["meta"] = meta
        return json_reply(200, body)

    def serve_follows(self, request: ApiRequest, user_id: str, relation: str) -> Reply:
        self.authorize(request)
        query = XQuery(request.query, X_FOLLOWS_PARAMS)
        query.path_id(user_id)
        page_size = query.integer("max_results", 1, 1000, 100)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.choices("tweet.fields", X_TWEET_FIELDS)
        query.choices("post.fields", X_TWEET_FIELDS)
        query.raise_if_invalid()
        if user_id not in self.dataset.users:
            return x_user_not_found(user_id)
        account = self.dataset.x_account(user_id)
        users = (account.followers if relation == "followers" else account.following) if account else []
        stream = f"{relation}:{user_id}"
        offset = query.page_offset(stream, len(users))
        query.raise_if_invalid()
        page = users[offset : offset + page_size]
        if not page:
            return json_reply(200, {"meta": {"result_count": 0}})
        meta: JsonObject = {"result_count": len(page)}
        if offset + page_size < len(users):
            meta["next_token"] = encode_page_token(stream, offset + page_size)
        if offset > 0:
            meta["previous_token"] = encode_page_token(stream, max(0, offset - page_size))
        return json_reply(200, {"data": [select_user(user, user_fields) for user in page], "meta": meta})


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
    """`x-rate-limit-*` headers per route over 15-minute windows; counted, never enforced (faults do that)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def headers(self, route: str, exhausted: bool = False, reset_in: float | None = None) -> dict[str, str]:
        limit = X_RATE_LIMITS.get(route, 900)
        now = time.time()
        with self._lock:
            started, used = self._windows.get(route, (now, 0))
            if now - started >= X_RATE_WINDOW_SECONDS:
                started, used = now, 0
            used += 1
            self._windows[route] = (started, used)
        reset = int(now + reset_in) if reset_in is not None else int(started + X_RATE_WINDOW_SECONDS)
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": "0" if exhausted else str(max(limit - used, 0)),
            "x-rate-limit-reset": str(reset),
        }


# ---------------------------------------------------------------------------------- YouTube Data API v3


def _yt_ids(request: ApiRequest, name: str) -> list[str]:
    return [value.strip() for value in request.query.get(name, "").split(",") if value.strip()]


def _yt_parts(request: ApiRequest, allowed: frozenset[str]) -> list[str]:
    parts = _yt_ids(request, "part")
    if not parts:
        raise ApiError(google_error(400, "required", "Required parameter: part", location="part"))
    for part in parts:
        if part not in allowed:
            raise ApiError(
                google_error(400, "unknownPart", f"'{part}'", domain="youtube.part", location="part")
            )
    return parts


def _yt_int(request: ApiRequest, name: str, low: int, high: int, default: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise ApiError(google_error(400, "invalidParameter", f"Invalid value '{raw}'.", location=name))
    if not low <= int(raw) <= high:
        message = f"Invalid value '{raw}'. Values must be within the range: [{low}, {high}]"
        raise ApiError(google_error(400, "invalidParameter", message, location=name))
    return int(raw)


def _yt_filter(request: ApiRequest, names: Sequence[str]) -> str:
    """The single filter parameter a list call uses; YouTube refuses none or several."""
    given = [name for name in names if request.query.get(name, "") not in ("", "false")]
    if not given:
        message = f"No filter selected. Expected one of: {', '.join(names)}"
        raise ApiError(google_error(400, "missingRequiredParameter", message, domain="youtube.parameter"))
    if len(given) > 1:
        message = f"Incompatible parameters specified in the request: {', '.join(given)}"
        raise ApiError(google_error(400, "incompatibleParameters", message, domain="youtube.parameter"))
    return given[0]


def _yt_page(
    items: list[JsonObject], page_size: int, request: ApiRequest, stream: str
) -> tuple[list[JsonObject], str | None, str | None]:
    token = request.query.get("pageToken")
    offset = 0
    if token:
        decoded = decode_page_token(token, stream)
        if decoded is None or decoded > len(items):
            raise ApiError(
                google_error(
                    400,
                    "invalidPageToken",
                    "The request specifies an invalid page token.",
                    domain="youtube.parameter",
                    location="pageToken",
                )
            )
        offset = decoded
    page = items[offset : offset + page_size]
    # A page size of 0 answers only pageInfo: offering a next page would loop forever.
    has_next = page_size > 0 and offset + page_size < len(items)
    next_token = encode_page_token(stream, offset + page_size) if has_next else None
    prev_token = encode_page_token(stream, max(0, offset - page_size)) if offset > 0 else None
    return page, next_token, prev_token


def render_resource(resource: JsonObject, parts: Iterable[str], kind: str) -> JsonObject:
    rendered: JsonObject = {
        "kind": resource.get("kind", kind),
        "etag": resource.get("etag") or etag_of(resource),
    }
    if "id" in resource:
        rendered["id"] = resource["id"]
    for part in parts:
        if part != "id" and part in resource:
            rendered[part] = resource[part]
    return rendered


def list_reply(
    kind: str,
    items: list[JsonObject],
    total: int,
    per_page: int,
    next_token: str | None = None,
    prev_token: str | None = None,
    omit_empty_items: bool = False,
) -> Reply:
    body: JsonObject = {"kind": kind, "etag": etag_of([kind, items, next_token])}
    if next_token:
        body["nextPageToken"] = next_token
    if prev_token:
        body["prevPageToken"] = prev_token
    body["pageInfo"] = {"totalResults": total, "resultsPerPage": per_page}
    # channels.list leaves `items` out altogether when nothing matched, as YouTube does.
    if items or not omit_empty_items:
        body["items"] = items
    return json_reply(200, body, GOOGLE_JSON)


class YouTubeApi:
    """The YouTube Data API v3 list calls the pipeline uses, over the dataset's youtube/<channel>/ directories."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.playlists: dict[str, list[JsonObject]] = {
            channel.uploads_playlist_id: [
                playlist_item(channel, video, position) for position, video in enumerate(channel.videos)
            ]
            for channel in dataset.channels
            if channel.uploads_playlist_id
        }

    def authorize(self, request: ApiRequest) -> bool:
        """True when the caller holds an OAuth token (stands for the channel owner); an API key is enough else."""
        if request.authorization:
            if not request.authorization.startswith("Bearer ") or not _bearer_or_oauth_token(
                request.authorization
            ):
                raise ApiError(
                    google_error(
                        401,
                        "authError",
                        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                        "login cookie or other valid authentication credential.",
                        location="Authorization",
                        location_type="header",
                    )
                )
            return True
        if not request.query.get("key"):
            raise ApiError(
                google_error(
                    403,
                    "forbidden",
                    "Method doesn't allow unregistered callers (callers without established identity). "
                    "Please use API Key or other form of API consumer identity to call this API.",
                )
            )
        return False

    def owned_channel(self, request: ApiRequest, owner: bool, parameter: str) -> YouTubeChannel | None:
        if not owner:
            raise ApiError(
                google_error(
                    401,
                    "authorizationRequired",
                    f"The request uses the <code>{parameter}</code> parameter but is not properly authorized.",
                    domain="youtube.parameter",
                    location=parameter,
                )
            )
        # A sandbox token may name the channel it stands for ("<channel id>" or "<channel id>-<anything>";
        # channel ids contain "-" themselves, so the id is matched as a prefix). Any other token stands
        # for the first channel configured in school.toml.
        token = _bearer_or_oauth_token(request.authorization)
        for channel in self.dataset.channels:
            if token == channel.channel_id or token.startswith(channel.channel_id + "-"):
                return channel
        return self.dataset.channels[0] if self.dataset.channels else None

    def serve_channels(self, request: ApiRequest) -> Reply:
        owner = self.authorize(request)
        parts = _yt_parts(request, YT_CHANNEL_PARTS)
        page_size = _yt_int(request, "maxResults", 0, 50, 5)
        chosen = _yt_filter(
            request, ["categoryId", "forHandle", "forUsername", "id", "managedByMe", "mine", "mySubscribers"]
        )
        channels: list[YouTubeChannel] = []
        if chosen == "mine":
            mine = self.owned_channel(request, owner, "mine")
            channels = [mine] if mine else []
        elif chosen == "id":
            wanted = _yt_ids(request, "id")
            channels = [c for c in self.dataset.channels if c.channel_id in wanted]
            channels.sort(key=lambda c: wanted.index(c.channel_id))
        elif chosen == "forHandle":
            handle = request.query["forHandle"].lstrip("@").lower()
            channels = [c for c in self.dataset.channels if c.handle.lstrip("@").lower() == handle][:1]
        items = [render_resource(c.channel, parts, "youtube#channel") for c in channels]
        return list_reply("youtube#channelListResponse", items, len(items), page_size, omit_empty_items=True)

    def serve_playlist_items(self, request: ApiRequest) -> Reply:
        self.authorize(request)
        parts = _yt_parts(request, YT_PLAYLIST_ITEM_PARTS)
        page_size = _yt_int(request, "maxResults", 0, 50, 5)
        chosen = _yt_filter(request, ["id", "playlistId"])
        if chosen == "playlistId":
            playlist_id = request.query["playlistId"]
            if playlist_id not in self.playlists:
                raise ApiError(
                    google_error(
                        404,
                        "playlistNotFound",
                        "The playlist identified with the request's <code>playlistId</code> parameter "
                        "cannot be found.",
                        domain="youtube.playlistItem",
                        location="playlistId",
                    )
                )
            items = self.playlists[playlist_id]
            video_id = request.query.get("videoId")
            if video_id:
                items = [item for item in items if item["contentDetails"]["videoId"] == video_id]
        else:
            wanted = set(_yt_ids(request, "id"))
            items = [
                item for playlist in self.playlists.values() for item in playlist if item["id"] in wanted
            ]
        stream = f"playlistItems:{chosen}:{request.query[chosen]}"
        page, next_token, prev_token = _yt_page(items, page_size, request, stream)
        rendered = [render_resource(item, parts, "youtube#playlistItem") for item in page]
        return list_reply(
            "youtube#playlistItemListResponse", rendered, len(items), page_size, next_token, prev_token
        )

    def serve_videos(self, request: ApiRequest) -> Reply:
        self.authorize(request)
        parts = _yt_parts(request, YT_VIDEO_PARTS)
        chosen = _yt_filter(request, ["chart", "id", "myRating"])
        videos: list[JsonObject] = []
        if chosen == "id":
            wanted = list(dict.fromkeys(_yt_ids(request, "id")))
            if len(wanted) > YT_MAX_IDS:
                message = f"The request specifies {len(wanted)} video ids; at most {YT_MAX_IDS} are allowed."
                raise ApiError(google_error(400, "invalidFilters", message, domain="youtube.parameter"))
            for video_id in wanted:
                found = self.dataset.video(video_id)
                if found:
                    videos.append(found[1])
        items = [render_resource(video, parts, "youtube#video") for video in videos]
        return list_reply("youtube#videoListResponse", items, len(items), len(items))

    def serve_subscriptions(self, request: ApiRequest) -> Reply:
        owner = self.authorize(request)
        parts = _yt_parts(request, YT_SUBSCRIPTION_PARTS)
        page_size = _yt_int(request, "maxResults", 0, 50, 5)
        chosen = _yt_filter(request, ["channelId", "id", "mine", "myRecentSubscribers", "mySubscribers"])
        subscriptions: list[JsonObject] = []
        if chosen in ("mySubscribers", "myRecentSubscribers"):
            channel = self.owned_channel(request, owner, chosen)
            subscriptions = channel.subscribers if channel else []
        elif chosen == "mine":
            # The dataset holds who subscribes to the school, not whom the school subscribes to.
            self.owned_channel(request, owner, "mine")
        elif chosen == "id":
            wanted = set(_yt_ids(request, "id"))
            subscriptions = [s for c in self.dataset.channels for s in c.subscribers if s.get("id") in wanted]
        stream = f"subscriptions:{chosen}:{request.query[chosen]}"
        page, next_token, prev_token = _yt_page(subscriptions, page_size, request, stream)
        rendered = [render_resource(item, parts, "youtube#subscription") for item in page]
        return list_reply(
            "youtube#subscriptionListResponse",
            rendered,
            len(subscriptions),
            page_size,
            next_token,
            prev_token,
        )

    def serve_comment_threads(self, request: ApiRequest) -> Reply:
        self.authorize(request)
        parts = _yt_parts(request, YT_COMMENT_THREAD_PARTS)
        page_size = _yt_int(request, "maxResults", 1, 100, 20)
        chosen = _yt_filter(request, ["allThreadsRelatedToChannelId", "channelId", "id", "videoId"])
        value = request.query[chosen]
        threads: list[JsonObject]
        if chosen == "videoId":
            found = self.dataset.video(value)
            if found is None:
                raise ApiError(
                    google_error(
                        404,
                        "videoNotFound",
                        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
                        "videoId</a></code> parameter could not be found.",
                        domain="youtube.commentThread",
                        location="videoId",
                    )
                )
            channel, video = found
            if video.get("status", {}).get("madeForKids"):
                raise ApiError(
                    google_error(
                        403,
                        "commentsDisabled",
                        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
                        "videoId</a></code> parameter has disabled comments.",
                        domain="youtube.commentThread",
                        location="videoId",
                    )
                )
            threads = [t for t in channel.threads if t.get("snippet", {}).get("videoId") == value]
        elif chosen == "id":
            wanted = set(value.split(","))
            threads = [t for c in self.dataset.channels for t in c.threads if t.get("id") in wanted]
        else:
            channel_found = self.dataset.channel(value)
            if channel_found is None:
                raise ApiError(
                    google_error(
                        404,
                        "channelNotFound",
                        f"The channel identified by the <code>{chosen}</code> parameter could not be found.",
                        domain="youtube.commentThread",
                        location=chosen,
                    )
                )
            threads = channel_found.threads
            if chosen == "channelId":
                # Deprecated: only discussion threads about the channel itself, not about its videos.
                threads = [t for t in threads if not t.get("snippet", {}).get("videoId")]
        page, next_token, prev_token = _yt_page(
            threads, page_size, request, f"commentThreads:{chosen}:{value}"
        )
        rendered = [render_resource(item, parts, "youtube#commentThread") for item in page]
        return list_reply(
            "youtube#commentThreadListResponse", rendered, len(threads), page_size, next_token, prev_token
        )


def playlist_item(channel: YouTubeChannel, video: JsonObject, position: int) -> JsonObject:
    """An uploads-playlist item as YouTube derives it from the video."""
    snippet = video.get("snippet", {})
    playlist_id = channel.uploads_playlist_id
    video_id = str(video.get("id", ""))
    item_id = base64.urlsafe_b64encode(f"{playlist_id}.{video_id}".encode()).decode("ascii").rstrip("=")
    channel_title = snippet.get("channelTitle") or channel.channel.get("snippet", {}).get("title", "")
    item: JsonObject = {
        "kind": "youtube#playlistItem",
        "id": item_id,
        "snippet": {
            "publishedAt": snippet.get("publishedAt"),
            "channelId": channel.channel_id,
            "title": snippet.get("title", ""),
            "description": snippet.get("description", ""),
            "thumbnails": snippet.get("thumbnails", {}),
            "channelTitle": channel_title,
            "playlistId": playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
            "videoOwnerChannelTitle": channel_title,
            "videoOwnerChannelId": channel.channel_id,
        },
        "contentDetails": {"videoId": video_id, "videoPublishedAt": snippet.get("publishedAt")},
        "status": {"privacyStatus": video.get("status", {}).get("privacyStatus", "public")},
    }
    item["etag"] = etag_of(item)
    return item


# ----------------------------------------------------------------------------------------------- media


def serve_file(path: Path | None) -> Reply:
    if path is None:
        return Reply(404, b"Not Found", "text/plain; charset=utf-8")
    content_type = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    return Reply(200, path.read_bytes(), content_type or "application/octet-stream")


# ---------------------------------------------------------------------------------------------- server


Responder = Callable[[ApiRequest], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "socialaudit-sandbox"
    sys_version = ""
    # An idle keep-alive connection must not hold a thread forever.
    timeout = 30
    # Headers and body go out in separate writes: with Nagle on, each keep-alive reply waits ~40 ms.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.server.sandbox.handle(self, head_only=False)

    def do_HEAD(self) -> None:
        self.server.sandbox.handle(self, head_only=True)

    def _refuse_method(self) -> None:
        self.server.sandbox.handle(self, head_only=False, allowed=False)

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse_method

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.verbose:
            super().log_message(format, *args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


class SandboxServer:
    """The X and YouTube APIs on their real routes, served from a dataset directory on a local port."""

    def __init__(
        self,
        dataset_dir: Path,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self.dataset_dir = Path(dataset_dir)
        self.faults = faults or FaultPlan([])
        self.host = host
        self.port = port
        self.verbose = verbose
        self.requests: list[RequestRecord] = []
        self._records_lock = threading.Lock()
        self._rate_limits = XRateLimits()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.dataset: Dataset | None = None
        self._x: XApi | None = None
        self._youtube: YouTubeApi | None = None

    @classmethod
    def from_env(cls, dataset_dir: Path, **kwargs: Any) -> SandboxServer:
        """A server whose faults come from $SOCIALAUDIT_SANDBOX_FAULTS (a FaultPlan JSON list), if set."""
        text = os.environ.get(FAULTS_ENV, "").strip()
        return cls(dataset_dir, faults=FaultPlan.from_json(text) if text else None, **kwargs)

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not running")
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        self.dataset = load_dataset(self.dataset_dir)
        self._x = XApi(self.dataset)
        self._youtube = YouTubeApi(self.dataset)
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def clear_requests(self) -> None:
        with self._records_lock:
            self.requests.clear()

    # -- routing

    def resolve(self, path: str) -> tuple[str, Responder | None]:
        """The route name of a path and the function answering it (None: no such resource)."""
        assert self._x is not None and self._youtube is not None and self.dataset is not None
        x_api, youtube = self._x, self._youtube
        if path == "/2/users/me":
            return "x.me", x_api.serve_me
        if path in ("/2/users", "/2/users/by"):
            parameter = "ids" if path == "/2/users" else "usernames"
            return "x.user", lambda request: x_api.serve_users_lookup(request, parameter)
        match = re.fullmatch(r"/2/users/by/username/([^/]+)", path)
        if match:
            username = unquote(match.group(1))
            return "x.user", lambda request: x_api.serve_user_by_username(request, username)
        match = re.fullmatch(r"/2/users/([^/]+)(?:/(tweets|followers|following))?", path)
        if match:
            user_id, relation = unquote(match.group(1)), match.group(2)
            if relation == "tweets":
                return "x.tweets", lambda request: x_api.serve_tweets(request, user_id)
            if relation in ("followers", "following"):
                return f"x.{relation}", lambda request: x_api.serve_follows(request, user_id, relation)
            return "x.user", lambda request: x_api.serve_user(request, user_id)
        youtube_routes: dict[str, Responder] = {
            "channels": youtube.serve_channels,
            "playlistItems": youtube.serve_playlist_items,
            "videos": youtube.serve_videos,
            "subscriptions": youtube.serve_subscriptions,
            "commentThreads": youtube.serve_comment_threads,
        }
        match = re.fullmatch(r"/youtube/v3/([A-Za-z]+)", path)
        if match and match.group(1) in youtube_routes:
            return f"yt.{match.group(1)}", youtube_routes[match.group(1)]
        # Files are looked up by name in indexes built from the dataset, never joined onto a path.
        if path in self.dataset.url_paths:
            route, file_path = self.dataset.url_paths[path]
            return route, lambda request: serve_file(file_path)
        match = re.fullmatch(r"/media/([^/]+)", path)
        if match:
            media_key = unquote(match.group(1)).rsplit(".", 1)[0]
            return "x.media", lambda request: serve_file(self.dataset_file("media", media_key))
        match = re.fullmatch(r"/vi(?:_webp)?/([^/]+)/[^/]+", path)
        if match:
            video_id = unquote(match.group(1))
            return "yt.thumbnails", lambda request: serve_file(self.dataset_file("thumbnail", video_id))
        return "", None

    def dataset_file(self, kind: str, name: str) -> Path | None:
        assert self.dataset is not None
        index = self.dataset.media_files if kind == "media" else self.dataset.thumbnail_files
        return index.get(name)

    # -- one request

    def handle(self, handler: BaseHTTPRequestHandler, head_only: bool, allowed: bool = True) -> None:
        parsed = urlsplit(handler.path)
        query = {
            name: ",".join(values) for name, values in parse_qs(parsed.query, keep_blank_values=True).items()
        }
        request = ApiRequest(handler.command, parsed.path, query, handler.headers.get("Authorization", ""))
        route, respond = self.resolve(parsed.path)
        if not allowed:
            # The request body is never read, so the connection cannot carry another request.
            handler.close_connection = True
            headers = {"Allow": "GET, HEAD", "Connection": "close"}
            reply = Reply(405, b"Method Not Allowed", "text/plain; charset=utf-8", headers)
        elif respond is None:
            reply = not_found_reply(parsed.path)
        else:
            reply = self.answer(route, respond, request)
        with self._records_lock:
            # Recorded before the body goes out, so a client that has its answer also finds the record.
            self.requests.append(RequestRecord(request.method, request.path, query, reply.status, route))
        self.send(handler, reply, head_only)

    def answer(self, route: str, respond: Responder, request: ApiRequest) -> Reply:
        fault = self.faults.draw(route)
        if fault is not None and fault.kind != "truncate":
            return fault_reply(route, fault, self._rate_limits)
        try:
            reply = respond(request)
        except ApiError as error:
            reply = error.reply
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = (
                x_problem(500, "Internal Server Error", "The sandbox failed on this request.")
                if route.startswith("x.")
                else google_error(500, "backendError", "The sandbox failed on this request.")
            )
        if route in X_RATE_LIMITS:
            reply.headers.update(self._rate_limits.headers(route))
        if fault is not None and reply.status == 200:
            if route in FILE_ROUTES:
                reply.drop_after = len(reply.body) // 2
            else:
                reply.body = _cut_json(reply.body)
        return reply

    def send(self, handler: BaseHTTPRequestHandler, reply: Reply, head_only: bool) -> None:
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if reply.drop_after is not None:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if not head_only:
                body = reply.body if reply.drop_after is None else reply.body[: reply.drop_after]
                handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


def not_found_reply(path: str) -> Reply:
    if path.startswith("/2/"):
        return x_problem(
            404,
            "Not Found Error",
            f"The requested resource {path} could not be found.",
            "https://api.twitter.com/2/problems/resource-not-found",
        )
    if path.startswith("/youtube/"):
        return google_error(404, "notFound", "Not Found")
    return Reply(404, b"Not Found", "text/plain; charset=utf-8")


def fault_reply(route: str, fault: Fault, rate_limits: XRateLimits) -> Reply:
    """The failure a platform would give on this route; X routes speak X's error shape, YouTube's Google's."""
    on_x = route.startswith("x.")
    if fault.kind in ("429", "429-no-reset"):
        if on_x:
            reply = x_problem(429, "Too Many Requests", "Too Many Requests")
            headers = rate_limits.headers(route, exhausted=True, reset_in=fault.reset_in)
            if fault.kind == "429-no-reset":
                headers.pop("x-rate-limit-reset")
            reply.headers.update(headers)
            return reply
        reply = google_error(
            429,
            "rateLimitExceeded",
            "The request cannot be completed because you have exceeded your rate limit.",
        )
        if fault.kind == "429":
            reply.headers["Retry-After"] = str(max(1, round(fault.reset_in)))
        return reply
    if fault.kind == "403-quota":
        if on_x:
            return x_problem(
                403,
                "Usage capped",
                "Your account has used up the credits for this billing period.",
                "https://api.twitter.com/2/problems/usage-capped",
            )
        return google_error(
            403,
            "quotaExceeded",
            'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started'
            '#quota">quota</a>.',
            domain="youtube.quota",
        )
    status = int(fault.kind)
    title = "Internal Server Error" if status == 500 else "Service Unavailable"
    if on_x:
        return x_problem(status, title, title)
    reason = "backendError" if status == 500 else "serviceUnavailable"
    return google_error(status, reason, title)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.sandbox.server",
        description=f"Serve a sandbox dataset on the X and YouTube API routes (faults from ${FAULTS_ENV}).",
    )
    parser.add_argument("dataset", type=Path, help="the sandbox dataset directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = SandboxServer.from_env(args.dataset, host=args.host, port=args.port, verbose=args.verbose)
    server.start()
    print(server.url, flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
