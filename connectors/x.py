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

from connectors.errors import (
    AccountSuspended,
    AuthFailure,
    ConnectorError,
    CreditsDepleted,
    MalformedPage,
    PlanRefused,
    PlatformErrors,
    UsageCapped,
    WrongAccount,
)
from connectors.paging import (
    Page,
    Retry,
    RetryPolicy,
    Snapshot,
    call_with_retries,
    dropped_connection,
    report_page,
    utcnow,
)

log = logging.getLogger("connectors")

X_API_HOST = "https://api.twitter.com"
# "entities": the expansion of the profile's t.co url (entities.url.urls[].expanded_url), where its words are.
USER_FIELDS = [
    "created_at",
    "description",
    "location",
    "protected",
    "public_metrics",
    "verified",
    "url",
    "entities",
]
TWEET_FIELDS = [
    "created_at",
    "author_id",
    "attachments",
    "entities",
    "public_metrics",
    "lang",
    "referenced_tweets",
    # The whole text of a post over 280 characters (its `text` is cut short), and an edited post's versions.
    "note_tweet",
    "edit_history_tweet_ids",
]
# Quoted and reposted posts arrive in `includes.tweets`, their images in `includes.media` beside the school's own.
POST_EXPANSIONS = [
    "attachments.media_keys",
    "referenced_tweets.id",
    "referenced_tweets.id.attachments.media_keys",
]
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


# X spells its problem types with either host: https://api.x.com/2/problems/<kind> (its documentation, some live
# answers) or https://api.twitter.com/2/problems/<kind> (other live answers). Both are read as the same kind.
PROBLEM_PREFIXES = ("https://api.x.com/2/problems/", "https://api.twitter.com/2/problems/")


def problem_kind(problem: dict[str, Any]) -> str:
    """`usage-capped`, `resource-not-found`, ... of a problem whatever host spells its type ("" for others)."""
    kind = str(problem.get("type") or "")
    for prefix in PROBLEM_PREFIXES:
        if kind.startswith(prefix):
            return kind[len(prefix) :]
    return ""


def problem_of(error: tweepy.HTTPException) -> dict[str, Any]:
    """The problem-details body X sent with an error (`type`, `title`, `detail`, `reason`), or {}."""
    try:
        body = error.response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def describe_problem(problem: dict[str, Any]) -> str:
    """`title: detail (type, reason)` as far as X filled them in, for messages a person acts on."""
    kind = str(problem.get("type", "")).rsplit("/", 1)[-1]
    parts = [str(problem[key]) for key in ("title", "detail") if problem.get(key)]
    tags = [tag for tag in (kind, str(problem.get("reason") or "")) if tag and tag != "about:blank"]
    text = ": ".join(parts) or "no detail given"
    return f"{text} ({', '.join(dict.fromkeys(tags))})" if tags else text


def _remaining(error: tweepy.HTTPException) -> int | None:
    try:
        return int(error.response.headers.get("x-rate-limit-remaining", ""))
    except (TypeError, ValueError):
        return None


def _usage_capped(error: tweepy.HTTPException, problem: dict[str, Any]) -> bool:
    if problem_kind(problem) == "usage-capped" or problem.get("title") == "UsageCapExceeded":
        return True
    # A 429 while the window still has requests left is not the 15-minute limit: waiting cannot help.
    remaining = _remaining(error)
    return isinstance(error, tweepy.TooManyRequests) and remaining is not None and remaining > 0


def _suspended(problem: dict[str, Any]) -> bool:
    """The authenticating user is suspended (X's `user-suspended` problem) or locked (not documented for v2:
    recognised by the words X uses in its detail)."""
    if problem_kind(problem) in ("user-suspended", "user-locked"):
        return True
    detail = str(problem.get("detail") or "").lower()
    return (
        "authentication is suspended" in detail
        or "account is locked" in detail
        or "is temporarily locked" in detail
    )


def _classify(stream: str, policy: RetryPolicy) -> Callable[[Exception], Exception]:
    def classify(error: Exception) -> Exception:
        if isinstance(error, tweepy.HTTPException):
            problem = problem_of(error)
            status = error.response.status_code
            if status in (403, 429) and _usage_capped(error, problem):
                return UsageCapped(
                    "x",
                    stream,
                    f"X usage cap reached ({describe_problem(problem)}): no more X reads are possible until "
                    "the cap resets; raise the cap or wait for the next billing period in the X developer "
                    "console, then run again",
                )
            if status == 402:
                return CreditsDepleted(
                    "x",
                    stream,
                    f"X credits are used up (402 {describe_problem(problem)}): buy credits in the X developer "
                    "console (Billing), then run again",
                )
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
        if dropped_connection(error):
            return Retry(f"connection failed ({type(error).__name__})")
        if isinstance(error, tweepy.Forbidden):
            problem = problem_of(error)
            if _suspended(problem):
                return AccountSuspended(
                    "x",
                    stream,
                    f"X says the account these keys sign in as is suspended or locked (403 "
                    f"{describe_problem(problem)}): no X data can be read until it is restored; sign in at x.com "
                    "as the school's account to see why and appeal (the keys are not the problem)",
                )
            if problem_kind(problem) == "client-forbidden" or problem.get("reason") in (
                "client-not-enrolled",
                "client-forbidden",
            ):
                return PlanRefused(
                    "x",
                    stream,
                    f"refused by X's access plan, not the keys ({describe_problem(problem)}): in the X "
                    "developer console, attach the app to a Project whose plan includes this endpoint "
                    "(pay-per-use or Enterprise)",
                )
            return AuthFailure(
                "x", stream, f"refused (403 {describe_problem(problem)}): check the account's keys"
            )
        if isinstance(error, tweepy.Unauthorized):
            return AuthFailure(
                "x",
                stream,
                f"refused (401 {describe_problem(problem_of(error))}): check the account's keys",
            )
        if isinstance(error, tweepy.HTTPException):
            return ConnectorError("x", stream, f"HTTP {error.response.status_code}: {error}")
        return error

    return classify


def checked_payload(payload: Any, stream: str, data_type: type = list) -> dict[str, Any]:
    """A 200's body, refused when X sent only `errors` (nothing read is not "nothing there"); `errors` beside
    `data` are objects X could not return: logged here and counted on the page (`Page.partial_errors`)."""
    if not isinstance(payload, dict):
        raise MalformedPage("x", stream, f"expected a JSON object, got {type(payload).__name__}")
    errors = payload.get("errors")
    if errors and not isinstance(errors, list):
        raise MalformedPage("x", stream, "`errors` is not a list")
    data = payload.get("data")
    if errors and data is None:
        first = errors[0] if isinstance(errors[0], dict) else {}
        raise PlatformErrors(
            "x",
            stream,
            f"X answered with {len(errors)} error(s) and no data ({describe_problem(first)}); nothing was read",
        )
    if data is not None and not isinstance(data, data_type):
        raise MalformedPage("x", stream, f"`data` is not a {'list' if data_type is list else 'JSON object'}")
    if errors:
        # Which kinds, not which objects: an error's detail names the account, and this line reaches Prefect's logs.
        kinds = sorted(
            {str(e.get("title") or e.get("type") or "error") for e in errors if isinstance(e, dict)}
        )
        log.warning(
            "x %s: X could not return %d object(s) of this page (%s)", stream, len(errors), ", ".join(kinds)
        )
    return payload


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
    read = 0
    for page_no in range(max_pages):
        call_params = dict(params, pagination_token=token) if token else dict(params)
        payload = call_with_retries(
            functools.partial(method, **call_params), _classify(stream, policy), policy, "x", stream
        )
        payload = checked_payload(payload, stream)
        data = payload.get("data") or []
        request_record = {k: v for k, v in call_params.items() if k != "user_auth"}
        page = Page("x", stream, account_id, page_no, data, payload, request_record, utcnow())
        read += len(data)
        report_page(page, read)
        yield page
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
    payload = checked_payload(payload, "account", dict)
    if not isinstance(payload.get("data"), dict):
        raise MalformedPage("x", "account", "`data` is not a user object")
    return payload


def account_snapshot(client: tweepy.Client, account_id: str, policy: RetryPolicy) -> Snapshot:
    """The account the keys sign in as, which must be the configured one: keys of another user read nothing
    else (their followers would not be owned reads, and the data would be that user's)."""
    payload = get_account(client, policy)
    if str(payload["data"].get("id")) != str(account_id):
        user = payload["data"]
        raise WrongAccount(
            "x",
            "account",
            f"the keys belong to @{user.get('username')} (user {user.get('id')}), not the configured account "
            f"{account_id}: nothing else was read; generate the access token while signed in as the school's "
            "account",
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
        "expansions": POST_EXPANSIONS,
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


def probe_followers(client: tweepy.Client, user_id: str, policy: RetryPolicy) -> int:
    """One followers page of a single user (the endpoint, auth and plan a run uses, at the price of one
    follower read); how many users it returned."""
    params = {"id": user_id, "max_results": 1, "user_fields": USER_FIELDS, "user_auth": True}
    payload = call_with_retries(
        functools.partial(client.get_users_followers, **params),
        _classify("followers", policy),
        policy,
        "x",
        "followers",
    )
    return len(checked_payload(payload, "followers").get("data") or [])


def probe_posts(client: tweepy.Client, user_id: str, policy: RetryPolicy) -> int:
    """One page of the account's posts (the fewest X serves: 5), with the fields a run asks for; how many."""
    params = {
        "id": user_id,
        "max_results": 5,
        "tweet_fields": TWEET_FIELDS,
        "expansions": POST_EXPANSIONS,
        "media_fields": MEDIA_FIELDS,
        "user_auth": True,
    }
    payload = call_with_retries(
        functools.partial(client.get_users_tweets, **params), _classify("posts", policy), policy, "x", "posts"
    )
    return len(checked_payload(payload, "posts").get("data") or [])


LOOKUP_BATCH = 100  # GET /2/tweets takes at most 100 ids a call


@dataclass(frozen=True)
class PostLookup:
    """What looking posts up by id left: the pages worth keeping (those naming posts X could not return) and the
    ids of every post X returned, each billed whether its page is kept or not."""

    snapshots: list[Snapshot]
    returned_ids: frozenset[str] = frozenset()


def look_up_posts(
    client: tweepy.Client, account_id: str, post_ids: list[str], policy: RetryPolicy
) -> PostLookup:
    """`GET /2/tweets?ids=` for the given posts (those with open exceptions), 100 a call, as stream
    `post_lookup`. X answers a deleted post with an `errors` entry of type `resource-not-found`; the pages with
    errors are kept as received and the warehouse reads them (a page where every post is present says nothing). A batch that fails after the retries is left out (its posts cannot be
    checked, so nothing about them changes) and the snapshot is marked incomplete; no snapshot when nothing
    was read or nothing is missing."""
    ids = sorted({str(i) for i in post_ids if str(i).isdigit()}, key=int)
    if not ids:
        return PostLookup([])
    pages: list[Page] = []
    complete = True
    returned: set[str] = set()
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
        data = payload.get("data", [])
        items = data if isinstance(data, list) else []
        returned.update(str(item.get("id")) for item in items if isinstance(item, dict))
        if not payload.get("errors"):
            continue  # every post is still there: nothing to record, so re-running a week adds no rows
        request = {"route": "tweets", "ids": ",".join(batch)}
        pages.append(Page("x", "post_lookup", account_id, len(pages), items, payload, request, utcnow()))
    snapshots = [Snapshot("x", "post_lookup", account_id, pages, complete=complete)] if pages else []
    return PostLookup(snapshots, frozenset(returned))
