"""X API v2 reads of the school's own account through tweepy, as typed pages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from connectors.errors import AuthFailure, ConnectorError, MalformedPage
from connectors.paging import Page, Retry, RetryPolicy, Snapshot, call_with_retries, utcnow

log = logging.getLogger("connectors")
X_API_HOST = "https://api.twitter.com"
USER_FIELDS = ["created_at", "description", "location", "protected", "public_metrics", "verified", "url"]
TWEET_FIELDS = ["created_at", "author_id", "attachments", "entities", "public_metrics", "lang"]
MEDIA_FIELDS = ["media_key", "type", "url", "preview_image_url", "alt_text", "width", "height"]
FOLLOW_PAGE_SIZE = 1000
POSTS_PAGE_SIZE = 100


@dataclass(frozen=True)
class XCredentials:
    """OAuth 1.0a user context of the school's own account (owned reads)."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str

    def __repr__(self) -> str:
        return "XCredentials(<redacted>)"


class _RedirectToSandbox(HTTPAdapter):
    """tweepy hard-codes its host, so the sandbox is reached by rewriting each request's URL."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.url and request.url.startswith(X_API_HOST):
            request.url = self.base_url + request.url[len(X_API_HOST) :]
        return super().send(request, *args, **kwargs)


def make_x_client(
    credentials: XCredentials, base_url: str | None = None, timeout: float = 30.0
) -> tweepy.Client:
    """A user-context client; `base_url` points it at a sandbox instead of the real API."""
    client = tweepy.Client(
        consumer_key=credentials.consumer_key,
        consumer_secret=credentials.consumer_secret,
        access_token=credentials.access_token,
        access_token_secret=credentials.access_token_secret,
        return_type=dict,
        # tweepy's own waiting spins on a 429 without a reset header and ignores 5xx: we retry ourselves.
        wait_on_rate_limit=False,
    )
    if base_url:
        client.session.mount(X_API_HOST, _RedirectToSandbox(base_url))
    original_request = client.session.request

    def request_with_timeout(*args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", timeout)
        return original_request(*args, **kwargs)

    client.session.request = request_with_timeout  # type: ignore[method-assign]
    return client


def _classify(stream: str, policy: RetryPolicy) -> Callable[[Exception], Exception]:
    def classify(error: Exception) -> Exception:
        if isinstance(error, tweepy.TooManyRequests):
            # Without x-rate-limit-reset there is nothing to wait for: fall back to exponential backoff.
            wait = None if error.reset_time is None else policy.wait_until(error.reset_time, 0)
            if wait is not None and wait <= 0:
                wait = None  # a reset already past (stale header, clock skew) would retry in a hot loop
            return Retry("429 rate limited", wait=wait, kind="rate")
        if isinstance(error, tweepy.TwitterServerError):
            return Retry(f"server error {error.response.status_code}")
        if isinstance(error, requests.exceptions.JSONDecodeError):
            return Retry("truncated or malformed JSON body", kind="malformed")
        if isinstance(error, requests.ConnectionError | requests.Timeout):
            return Retry(f"connection failed ({type(error).__name__})")
        if isinstance(error, tweepy.Unauthorized | tweepy.Forbidden):
            return AuthFailure(
                "x", stream, f"refused ({error.response.status_code}): check the account's keys"
            )
        if isinstance(error, tweepy.HTTPException):
            return ConnectorError("x", stream, f"HTTP {error.response.status_code}: {error}")
        return error

    return classify


def _paginate(
    client: tweepy.Client,
    method_name: str,
    stream: str,
    account_id: str,
    params: dict[str, Any],
    policy: RetryPolicy,
    max_pages: int,
) -> Iterator[Page]:
    """The only place X pagination happens: follow `meta.next_token` until it stops or the cap."""
    method = getattr(client, method_name)
    token: str | None = None
    for page_no in range(max_pages):
        call_params = dict(params, pagination_token=token) if token else dict(params)
        payload = call_with_retries(
            functools.partial(method, **call_params), _classify(stream, policy), policy, "x", stream
        )
        if not isinstance(payload, dict):
            raise MalformedPage("x", stream, f"expected a JSON object, got {type(payload).__name__}")
        data = payload.get("data", [])
        if not isinstance(data, list):
            raise MalformedPage("x", stream, "`data` is not a list")
        request_record = {k: v for k, v in call_params.items() if k != "user_auth"}
        yield Page("x", stream, account_id, page_no, data, payload, request_record, utcnow())
        token = (payload.get("meta") or {}).get("next_token")
        if not token:
            return
    raise _PagingCapped(stream, max_pages)


class _PagingCapped(Exception):
    def __init__(self, stream: str, max_pages: int) -> None:
        super().__init__(f"{stream}: stopped after {max_pages} pages")


def get_account(client: tweepy.Client, policy: RetryPolicy) -> dict[str, Any]:
    """The authenticated account's user object (`/2/users/me`)."""
    payload = call_with_retries(
        lambda: client.get_me(user_fields=USER_FIELDS, user_auth=True),
        _classify("account", policy),
        policy,
        "x",
        "account",
    )
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise MalformedPage("x", "account", "`data` is not a user object")
    return payload


def account_snapshot(client: tweepy.Client, account_id: str, policy: RetryPolicy) -> Snapshot:
    payload = get_account(client, policy)
    if str(payload["data"].get("id")) != str(account_id):
        raise AuthFailure(
            "x",
            "account",
            f"the keys belong to user {payload['data'].get('id')}, not the configured {account_id}",
        )
    page = Page("x", "account", account_id, 0, [payload["data"]], payload, {"route": "users/me"}, utcnow())
    return Snapshot("x", "account", account_id, [page])


def iter_followers(
    client: tweepy.Client, user_id: str, policy: RetryPolicy, max_pages: int = 500
) -> Iterator[Page]:
    params = {"id": user_id, "max_results": FOLLOW_PAGE_SIZE, "user_fields": USER_FIELDS, "user_auth": True}
    return _paginate(client, "get_users_followers", "followers", user_id, params, policy, max_pages)


def iter_following(
    client: tweepy.Client, user_id: str, policy: RetryPolicy, max_pages: int = 500
) -> Iterator[Page]:
    params = {"id": user_id, "max_results": FOLLOW_PAGE_SIZE, "user_fields": USER_FIELDS, "user_auth": True}
    return _paginate(client, "get_users_following", "following", user_id, params, policy, max_pages)


def iter_posts(
    client: tweepy.Client, user_id: str, since_id: str | None, policy: RetryPolicy, max_pages: int = 40
) -> Iterator[Page]:
    """Posts newer than `since_id` (all reachable ones, at most 3,200, when None), newest first."""
    params: dict[str, Any] = {
        "id": user_id,
        "max_results": POSTS_PAGE_SIZE,
        "expansions": ["attachments.media_keys"],
        "media_fields": MEDIA_FIELDS,
        "tweet_fields": TWEET_FIELDS,
        "user_auth": True,
    }
    if since_id:
        params["since_id"] = since_id
    return _paginate(client, "get_users_tweets", "posts", user_id, params, policy, max_pages)


def collect(
    stream: str, account_id: str, pages: Iterator[Page], cursor_from_newest: bool = False
) -> Snapshot:
    """Drain a page iterator into a snapshot; a capped iterator gives an incomplete one."""
    collected: list[Page] = []
    complete = True
    try:
        for page in pages:
            collected.append(page)
    except _PagingCapped:
        complete = False
    cursor = None
    if cursor_from_newest:
        ids = [
            int(item["id"]) for page in collected for item in page.items if str(item.get("id", "")).isdigit()
        ]
        cursor = str(max(ids)) if ids else None
    return Snapshot("x", stream, account_id, collected, complete=complete, cursor=cursor)


LOOKUP_BATCH = 100  # GET /2/tweets takes at most 100 ids a call


def look_up_posts(
    client: tweepy.Client, account_id: str, post_ids: list[str], policy: RetryPolicy
) -> list[Snapshot]:
    """`GET /2/tweets?ids=` for the given posts (those with open exceptions), 100 a call, as stream
    `post_lookup`. X answers a deleted post with an `errors` entry of type `resource-not-found`; the pages with
    errors are kept as received and the warehouse reads them (a page where every post is present says nothing). A batch that fails after the retries is left out (its posts cannot be
    checked, so nothing about them changes) and the snapshot is marked incomplete; [] when nothing was read."""
    ids = sorted({str(i) for i in post_ids if str(i).isdigit()}, key=int)
    if not ids:
        return []
    pages: list[Page] = []
    complete = True
    for start in range(0, len(ids), LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        try:
            payload = call_with_retries(
                functools.partial(client.get_tweets, ids=batch, tweet_fields=["author_id"], user_auth=True),
                _classify("post_lookup", policy),
                policy,
                "x",
                "post_lookup",
            )
            if not isinstance(payload, dict) or not isinstance(payload.get("errors", []), list):
                raise MalformedPage("x", "post_lookup", "expected a JSON object with an `errors` list")
        except ConnectorError as error:
            log.warning("x post_lookup: %d posts not checked for deletion: %s", len(batch), error)
            complete = False
            continue
        if not payload.get("errors"):
            continue  # every post is still there: nothing to record, so re-running a week adds no rows
        data = payload.get("data", [])
        items = data if isinstance(data, list) else []
        request = {"route": "tweets", "ids": ",".join(batch)}
        pages.append(Page("x", "post_lookup", account_id, len(pages), items, payload, request, utcnow()))
    return [Snapshot("x", "post_lookup", account_id, pages, complete=complete)] if pages else []
