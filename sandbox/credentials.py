"""Who may call the sandbox, as the platforms decide it: X apps with their OAuth 1.0a keys and each user's access
token, Google's OAuth tokens with the scopes they were granted, API keys, and the Cloud project whose daily quota
they spend.

A dataset declares them in its optional `sandbox.json` (docs/contracts/dataset.md); without one they are derived,
deterministically, from the accounts the dataset holds: every X account owns a developer app of its own and holds
an access token of that app, every channel's owner holds a token granting every scope the pipeline asks for, and
the dataset's one project has one API key. `--sandbox` runs obtain them through `flows/offline.py`.

Anything else (a token the dataset does not know, keys signed with another secret) is refused, as X and Google
refuse it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SANDBOX_FILE = "sandbox.json"
YOUTUBE_READONLY = "https://www.googleapis.com/auth/youtube.readonly"
YOUTUBE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
# What `socialaudit auth youtube` asks for: a derived owner's token holds the same.
OWNER_SCOPES = (YOUTUBE_FORCE_SSL, YOUTUBE_READONLY)
DEFAULT_DAILY_QUOTA = 10_000
# YouTube lists at most about this many subscribers (reported, not documented: docs/production.md §9).
DEFAULT_SUBSCRIBER_CAP = 1000
PROBLEM_HOSTS = ("api.x.com", "api.twitter.com")
SANDBOX_CLIENT_ID = "sandbox-client.apps.googleusercontent.com"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - the sandbox's own fake OAuth client


def _derived(kind: str, owner: str, length: int = 32) -> str:
    return hashlib.sha256(f"socialaudit-sandbox:{kind}:{owner}".encode()).hexdigest()[:length]


# An app's permissions in the X developer console: "read" is what a new app has until it is changed.
X_PERMISSIONS = ("read", "read-write", "read-write-directmessages")


@dataclass(frozen=True)
class XApp:
    """A developer app: its consumer keys, the user who owns it (owned reads are billed only to the owner) and its
    permissions."""

    consumer_key: str
    consumer_secret: str
    owner_id: str
    permission: str = "read"


@dataclass(frozen=True)
class XToken:
    """An OAuth 1.0a access token of one user, issued by one app."""

    user_id: str
    access_token: str
    access_token_secret: str
    consumer_key: str
    # The app's permission when the token was issued: a token keeps it after the app's is changed (X says to
    # regenerate tokens then). None: the app's.
    permission: str | None = None


@dataclass(frozen=True)
class GoogleToken:
    """An owner's sign-in: the channel it stands for, its refresh token and the scopes it was granted."""

    channel_id: str
    refresh_token: str
    scopes: tuple[str, ...]
    access_token: str


@dataclass
class SandboxAccess:
    """The credentials and platform limits a sandbox enforces for one dataset."""

    x_apps: list[XApp] = field(default_factory=list)
    x_tokens: list[XToken] = field(default_factory=list)
    google_tokens: list[GoogleToken] = field(default_factory=list)
    api_keys: tuple[str, ...] = ()
    project: str = "sandbox-project"
    daily_quota: int = DEFAULT_DAILY_QUOTA
    subscriber_cap: int = DEFAULT_SUBSCRIBER_CAP
    problem_host: str = PROBLEM_HOSTS[0]
    declared: bool = False  # True: read from sandbox.json; False: derived from the dataset's accounts

    # -- X

    def app(self, consumer_key: str) -> XApp | None:
        return next((a for a in self.x_apps if a.consumer_key == consumer_key), None)

    def x_token(self, access_token: str) -> XToken | None:
        return next((t for t in self.x_tokens if t.access_token == access_token), None)

    def x_access_level(self, token: XToken) -> str:
        """What a token may do: the permission it was issued with, else its app's."""
        app = self.app(token.consumer_key)
        return token.permission or (app.permission if app else "read")

    def x_keys(self, user_id: str) -> dict[str, str]:
        """The four OAuth 1.0a keys a client of `user_id` signs with (KeyError: the dataset has none)."""
        token = next(t for t in self.x_tokens if t.user_id == str(user_id))
        app = self.app(token.consumer_key)
        assert app is not None
        return {
            "consumer_key": app.consumer_key,
            "consumer_secret": app.consumer_secret,
            "access_token": token.access_token,
            "access_token_secret": token.access_token_secret,
        }

    # -- Google

    def google_token(self, channel_id: str) -> GoogleToken:
        """The owner's sign-in of a channel (StopIteration: the dataset has none)."""
        return next(t for t in self.google_tokens if t.channel_id == channel_id)

    def by_refresh_token(self, refresh_token: str) -> GoogleToken | None:
        return next((t for t in self.google_tokens if t.refresh_token == refresh_token), None)

    def by_access_token(self, access_token: str) -> GoogleToken | None:
        return next((t for t in self.google_tokens if t.access_token == access_token), None)

    def authorized_user_info(self, channel_id: str, token_uri: str) -> dict[str, Any]:
        """What `socialaudit auth youtube` would have stored for the channel's owner (an authorised-user JSON)."""
        token = self.google_token(channel_id)
        # google-auth treats a saved token without an expiry as expired; the sandbox's lasts the hour.
        expiry = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "token": token.access_token,
            "expiry": expiry,
            "refresh_token": token.refresh_token,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "token_uri": token_uri,
            "scopes": list(token.scopes),
        }


def derived_x(user_id: str) -> tuple[XApp, XToken]:
    """The app a derived X account owns and its own access token ("<user id>-...", as X issues them). Its
    permission is "Read and write", as docs/remediation.md tells a school to set it for acting on findings."""
    app = XApp(
        f"sbx{_derived('x-app', user_id, 22)}", _derived("x-app-secret", user_id, 45), user_id, "read-write"
    )
    token = XToken(
        user_id,
        f"{user_id}-{_derived('x-token', user_id, 30)}",
        _derived("x-token-secret", user_id, 45),
        app.consumer_key,
    )
    return app, token


def derived_google(channel_id: str) -> GoogleToken:
    return GoogleToken(
        channel_id,
        f"1//sbx-{_derived('google-refresh', channel_id)}",
        OWNER_SCOPES,
        f"ya29.sbx-{_derived('google-access', channel_id)}",
    )


def derived_api_key(dataset_root: Path) -> str:
    return f"AIzaSbx{_derived('api-key', dataset_root.name, 32)}"


def _permission(value: object, path: Path) -> str:
    if value not in X_PERMISSIONS:
        raise ValueError(f"{path}: an X permission must be one of {', '.join(X_PERMISSIONS)}, not {value!r}")
    return str(value)


def load_access(dataset_root: Path, x_user_ids: list[str], channel_ids: list[str]) -> SandboxAccess:
    """The credentials and limits `sandbox.json` declares; what it leaves out (or all, without the file) is
    derived from the dataset's accounts."""
    path = dataset_root / SANDBOX_FILE
    data: Any = {}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"sandbox dataset file {path} is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object with `x` and `youtube`")
    x, youtube = data.get("x") or {}, data.get("youtube") or {}
    try:
        if "apps" in x or "tokens" in x:
            apps = [
                XApp(
                    str(a["consumer_key"]),
                    str(a["consumer_secret"]),
                    str(a["owner_id"]),
                    _permission(a.get("permission", "read"), path),
                )
                for a in x["apps"]
            ]
            tokens = [
                XToken(
                    str(t["user_id"]),
                    str(t["access_token"]),
                    str(t["access_token_secret"]),
                    str(t["consumer_key"]),
                    _permission(t["permission"], path) if t.get("permission") else None,
                )
                for t in x["tokens"]
            ]
        else:
            derived = [derived_x(user_id) for user_id in x_user_ids]
            apps, tokens = [app for app, _ in derived], [token for _, token in derived]
        if "tokens" in youtube:
            google = [
                GoogleToken(
                    str(t["channel_id"]),
                    str(t["refresh_token"]),
                    tuple(str(s) for s in t.get("scopes", OWNER_SCOPES)),
                    str(
                        t.get("access_token")
                        or f"ya29.sbx-{_derived('google-access', str(t['refresh_token']))}"
                    ),
                )
                for t in youtube["tokens"]
            ]
        else:
            google = [derived_google(channel_id) for channel_id in channel_ids]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: an app or token lacks {error}") from error
    known_apps = {a.consumer_key for a in apps}
    orphans = [t.user_id for t in tokens if t.consumer_key not in known_apps]
    if orphans:
        raise ValueError(
            f"{path}: X tokens of users {', '.join(orphans)} name an app the file does not declare"
        )
    host = str(x.get("problem_host", PROBLEM_HOSTS[0]))
    if host not in PROBLEM_HOSTS:
        raise ValueError(f"{path}: x.problem_host must be one of {', '.join(PROBLEM_HOSTS)}")
    return SandboxAccess(
        x_apps=apps,
        x_tokens=tokens,
        google_tokens=google,
        api_keys=tuple(str(k) for k in youtube.get("api_keys", [derived_api_key(dataset_root)])),
        project=str(youtube.get("project", "sandbox-project")),
        daily_quota=int(youtube.get("daily_quota", DEFAULT_DAILY_QUOTA)),
        subscriber_cap=int(youtube.get("subscriber_cap", DEFAULT_SUBSCRIBER_CAP)),
        problem_host=host,
        declared=bool(data),
    )
