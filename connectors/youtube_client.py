"""The YouTube client as the connectors use it: built offline from the bundled discovery document, over httplib2
(which goes through `HTTPS_PROXY` when PySocks is installed), counting the quota units each stream spends."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httplib2
from googleapiclient.discovery import build

from connectors.errors import AuthFailure

SANDBOX_TOKEN_PATH = "/token"  # noqa: S105 - where the sandbox answers Google's token endpoint


@dataclass(frozen=True)
class YouTubeCredentials:
    """The channel owner's OAuth credentials object (a google-auth `Credentials`), and the project's API key."""

    oauth_credentials: Any = None
    api_key: str | None = None

    def __repr__(self) -> str:
        return "YouTubeCredentials(<redacted>)"


# Which stream each Data API resource serves (one list call of any of them costs one quota unit).
STREAM_OF_RESOURCE = {
    "channels": "channel",
    "playlistItems": "uploads",
    "videos": "videos",
    "subscriptions": "subscribers",
    "commentThreads": "comments",
    "comments": "comment_replies",
}


@dataclass
class QuotaMeter:
    """The quota units a client spent, per stream: every request that reaches the API costs one (the list calls
    the pipeline makes cost 1 each; a refused or retried one counts too), token refreshes cost nothing."""

    units: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, uri: str) -> None:
        path = urlsplit(uri).path
        if "/youtube/v3/" not in path:
            return
        resource = path.split("/youtube/v3/", 1)[1].split("/", 1)[0]
        with self._lock:
            self.units[STREAM_OF_RESOURCE.get(resource, resource)] += 1

    @property
    def total(self) -> int:
        return sum(self.units.values())


class _MeteredHttp(httplib2.Http):  # type: ignore[misc]
    """httplib2 as googleapiclient uses it, counting each API request on its way out. Proxies come from the
    environment as httplib2 reads them (`HTTPS_PROXY`, `NO_PROXY`; PySocks makes that work)."""

    def __init__(self, meter: QuotaMeter | None, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.meter = meter

    def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
        if self.meter is not None:
            self.meter.count(uri)
        return super().request(uri, *args, **kwargs)


def make_youtube_client(
    credentials: YouTubeCredentials,
    base_url: str | None = None,
    timeout: float = 30.0,
    meter: QuotaMeter | None = None,
) -> Any:
    """A client built from the bundled discovery document (no network at build time); `meter` counts the
    quota its calls spend."""
    options = {"api_endpoint": base_url.rstrip("/") + "/"} if base_url else None
    oauth = credentials.oauth_credentials
    if oauth is not None and base_url and hasattr(oauth, "with_token_uri"):
        # In a sandbox run, refreshes go to the sandbox's token endpoint, never to Google's.
        oauth = oauth.with_token_uri(base_url.rstrip("/") + SANDBOX_TOKEN_PATH)
    http = _MeteredHttp(meter, timeout)
    if oauth is not None:
        import google_auth_httplib2

        http = google_auth_httplib2.AuthorizedHttp(oauth, http=http)
        return build(
            "youtube", "v3", http=http, client_options=options, static_discovery=True, cache_discovery=False
        )
    if credentials.api_key:
        return build(
            "youtube",
            "v3",
            developerKey=credentials.api_key,
            http=http,
            client_options=options,
            static_discovery=True,
            cache_discovery=False,
        )
    raise AuthFailure("youtube", "client", "no OAuth credentials and no API key configured")


def proxy_in_use(scheme: str = "https") -> str | None:
    """The proxy httplib2 sends YouTube calls through (from `HTTPS_PROXY`), without any password in it."""
    info = httplib2.proxy_info_from_environment(scheme)
    if info is None or not info.proxy_host:
        return None
    return f"{info.proxy_host}:{info.proxy_port}"


def proxy_supported() -> bool:
    """httplib2 tunnels through a proxy only with PySocks installed; without it every call fails."""
    try:
        import socks  # noqa: F401
    except ImportError:
        return False
    return True
