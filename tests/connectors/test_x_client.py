"""The X connector against a requests-mock adapter on the tweepy client's own session (no sockets)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock
import tweepy
from requests.adapters import HTTPAdapter

from connectors import streams
from connectors import x as xapi
from connectors.errors import (
    AuthFailure,
    ConnectorError,
    MalformedPage,
    PlatformErrors,
    RateLimited,
    RateLimitTooLong,
    ServerFailure,
    UsageCapped,
)
from connectors.paging import Page, Retry, RetryPolicy, Snapshot, call_with_retries
from connectors.x import XCredentials, make_x_client

X_HOST = "https://api.twitter.com"
USER_ID = "1500000000000000001"
FOLLOWERS_URL = f"{X_HOST}/2/users/{USER_ID}/followers"
FOLLOWING_URL = f"{X_HOST}/2/users/{USER_ID}/following"
TWEETS_URL = f"{X_HOST}/2/users/{USER_ID}/tweets"
ME_URL = f"{X_HOST}/2/users/me"
NOW = 1_700_000_000.0

SECRETS = {
    "consumer_key": "ck-Secret-Consumer-Key-1234",
    "consumer_secret": "cs-Secret-Consumer-Secret-5678",
    "access_token": f"{USER_ID}-Secret-Access-Token",
    "access_token_secret": "ats-Secret-Access-Token-Secret",
}
CREDS = XCredentials(**SECRETS)


# ---------------------------------------------------------------------------------------------- helpers


class FakeTime:
    """An injected clock and sleep: sleeping advances the clock and is recorded, never blocks."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def policy(self, **overrides: Any) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep, clock=self.clock, **overrides)


def user(n: int) -> dict[str, Any]:
    return {"id": str(2_000_000 + n), "name": f"User {n}", "username": f"user{n}"}


def tweet(tweet_id: str) -> dict[str, Any]:
    return {"id": tweet_id, "text": f"post {tweet_id}", "edit_history_tweet_ids": [tweet_id]}


def page_body(items: list[dict[str, Any]], next_token: str | None = None, **meta: Any) -> dict[str, Any]:
    meta = {"result_count": len(items), **meta}
    if next_token:
        meta["next_token"] = next_token
    body: dict[str, Any] = {"meta": meta}
    if items:
        body["data"] = items
    return body


def ok(body: Any) -> dict[str, Any]:
    return {"status_code": 200, "json": body}


def error(status: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = {"title": f"HTTP {status}", "detail": f"HTTP {status}", "type": "about:blank", "status": status}
    return {"status_code": status, "json": body, "headers": headers or {}}


def rate_limited(reset: float | None = None) -> dict[str, Any]:
    headers = {"x-rate-limit-limit": "15", "x-rate-limit-remaining": "0"}
    if reset is not None:
        headers["x-rate-limit-reset"] = str(int(reset))
    return error(429, headers)


def truncated() -> dict[str, Any]:
    return {
        "status_code": 200,
        "text": '{"data": [{"id": "2000001", "name": "User 1", "userna',
        "headers": {"content-type": "application/json; charset=utf-8"},
    }


def connection_reset() -> dict[str, Any]:
    return {"exc": requests.exceptions.ConnectionError("connection reset by peer")}


def query(url: str) -> dict[str, list[str]]:
    """Exact (case-preserving) query parameters; requests-mock's `.qs` lower-cases values."""
    return parse_qs(urlsplit(url).query)


def calls(adapter: requests_mock.Adapter) -> list[Any]:
    return list(adapter.request_history)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client() -> tweepy.Client:
    return make_x_client(CREDS)


@pytest.fixture
def adapter(client: tweepy.Client) -> requests_mock.Adapter:
    mock = requests_mock.Adapter()
    client.session.mount(X_HOST, mock)  # after make_x_client, so it owns the api.twitter.com prefix
    return mock


def fetch_followers(client: tweepy.Client, policy: RetryPolicy, max_pages: int = 500) -> Snapshot:
    return xapi.collect("followers", USER_ID, xapi.iter_followers(client, USER_ID, policy, max_pages))


# ------------------------------------------------------------------------------------ client and adapters


def test_credentials_repr_hides_every_secret() -> None:
    for text in (repr(CREDS), str(CREDS), f"{CREDS!r}", repr([CREDS]), repr({"creds": CREDS})):
        for secret in SECRETS.values():
            assert secret not in text
    assert "redacted" in repr(CREDS)


def test_without_base_url_no_rewrite_adapter_is_mounted(client: tweepy.Client) -> None:
    assert not any(isinstance(a, xapi._RedirectToSandbox) for a in client.session.adapters.values())
    assert X_HOST not in client.session.adapters
    assert client.session.get_adapter(ME_URL) is client.session.adapters["https://"]


def test_mock_mounted_after_a_sandbox_client_replaces_the_rewrite(fake_time: FakeTime) -> None:
    client = make_x_client(CREDS, base_url="http://127.0.0.1:9/")
    assert isinstance(client.session.get_adapter(ME_URL), xapi._RedirectToSandbox)
    mock = requests_mock.Adapter()
    client.session.mount(X_HOST, mock)
    assert client.session.get_adapter(ME_URL) is mock
    assert not any(isinstance(a, xapi._RedirectToSandbox) for a in client.session.adapters.values())
    mock.register_uri("GET", ME_URL, **ok({"data": user(1) | {"id": USER_ID}}))

    xapi.get_account(client, fake_time.policy())

    # The mock saw tweepy's hard-coded host: nothing was rewritten to the (closed) sandbox port.
    assert [r.url.split("?")[0] for r in calls(mock)] == [ME_URL]


def test_rewrite_adapter_sends_to_the_sandbox_keeping_path_and_query(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def fake_send(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(request.url))
        raise requests.exceptions.ConnectionError("not really sending")

    monkeypatch.setattr(HTTPAdapter, "send", fake_send)
    client = make_x_client(CREDS, base_url="http://127.0.0.1:8123/")
    with pytest.raises(requests.exceptions.ConnectionError):
        client.get_users_followers(USER_ID, max_results=1000, pagination_token="AbC", user_auth=True)
    assert len(sent) == 1
    assert sent[0].startswith(f"http://127.0.0.1:8123/2/users/{USER_ID}/followers?")
    assert query(sent[0]) == {"max_results": ["1000"], "pagination_token": ["AbC"]}


def test_requests_carry_the_client_timeout_and_user_context(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **ok(page_body([user(1)])))
    fetch_followers(client, fake_time.policy())
    (request,) = calls(adapter)
    assert request.timeout == 30.0
    # Owned reads: OAuth 1.0a user context, never an app-only bearer token.
    assert request.headers["Authorization"].startswith("OAuth ")
    assert 'oauth_consumer_key="ck-Secret-Consumer-Key-1234"' in request.headers["Authorization"]


# ------------------------------------------------------------------------------------------- pagination


@pytest.mark.parametrize(
    ("iterate", "url", "stream"),
    [(xapi.iter_followers, FOLLOWERS_URL, "followers"), (xapi.iter_following, FOLLOWING_URL, "following")],
)
def test_follow_lists_page_over_next_token(
    client: tweepy.Client,
    adapter: requests_mock.Adapter,
    fake_time: FakeTime,
    iterate: Callable[..., Any],
    url: str,
    stream: str,
) -> None:
    adapter.register_uri(
        "GET",
        url,
        [
            ok(page_body([user(1), user(2)], next_token="7140dIbD0W9C7btW3z2vtQa")),
            ok(page_body([user(3)], next_token="QRST9876zyxwABCD")),
            ok(page_body([user(4), user(5)])),
        ],
    )

    snapshot = xapi.collect(stream, USER_ID, iterate(client, USER_ID, fake_time.policy()))

    assert snapshot.complete is True
    assert (snapshot.platform, snapshot.stream, snapshot.account_id) == ("x", stream, USER_ID)
    assert [p.page_no for p in snapshot.pages] == [0, 1, 2]
    assert [item["id"] for item in snapshot.items] == [user(n)["id"] for n in (1, 2, 3, 4, 5)]
    assert snapshot.cursor is None
    requests_sent = calls(adapter)
    assert len(requests_sent) == 3
    expected = {"max_results": ["1000"], "user.fields": [",".join(xapi.USER_FIELDS)]}
    assert query(requests_sent[0].url) == expected
    assert query(requests_sent[1].url) == expected | {"pagination_token": ["7140dIbD0W9C7btW3z2vtQa"]}
    assert query(requests_sent[2].url) == expected | {"pagination_token": ["QRST9876zyxwABCD"]}
    assert all(r.method == "GET" and r.url.startswith(url + "?") for r in requests_sent)
    # What was asked is recorded with each page (minus the auth switch).
    assert "pagination_token" not in snapshot.pages[0].request
    assert snapshot.pages[2].request["pagination_token"] == "QRST9876zyxwABCD"
    assert all("user_auth" not in p.request for p in snapshot.pages)
    assert fake_time.sleeps == []


@pytest.mark.parametrize("since_id", [None, "1790000000000000000"])
def test_posts_send_since_id_only_when_given(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime, since_id: str | None
) -> None:
    adapter.register_uri(
        "GET",
        TWEETS_URL,
        [
            ok(page_body([tweet("1800000000000000002"), tweet("999999999999999999")], next_token="Nx1")),
            ok(page_body([tweet("1800000000000000010"), tweet("1799999999999999999")])),
        ],
    )

    pages = xapi.iter_posts(client, USER_ID, since_id, fake_time.policy())
    snapshot = xapi.collect("posts", USER_ID, pages, cursor_from_newest=True)

    # Numeric, not lexicographic, maximum over every page.
    assert snapshot.cursor == "1800000000000000010"
    first, second = (query(r.url) for r in calls(adapter))
    assert first["max_results"] == ["100"]
    # Quoted and reposted posts come with their images, so media the school republishes is audited too.
    assert first["expansions"] == [
        "attachments.media_keys,referenced_tweets.id,referenced_tweets.id.attachments.media_keys"
    ]
    assert first["media.fields"] == [",".join(xapi.MEDIA_FIELDS)]
    assert first["tweet.fields"] == [",".join(xapi.TWEET_FIELDS)]
    assert second["pagination_token"] == ["Nx1"]
    for sent in (first, second):
        if since_id is None:
            assert "since_id" not in sent
        else:
            assert sent["since_id"] == [since_id]


def test_posts_with_nothing_new_give_no_cursor(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", TWEETS_URL, **ok(page_body([])))
    pages = xapi.iter_posts(client, USER_ID, "1800000000000000010", fake_time.policy())
    snapshot = xapi.collect("posts", USER_ID, pages, cursor_from_newest=True)
    assert snapshot.items == []
    assert snapshot.cursor is None
    assert snapshot.complete is True


def test_collect_without_cursor_flag_leaves_cursor_empty(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", TWEETS_URL, **ok(page_body([tweet("5")])))
    snapshot = xapi.collect("posts", USER_ID, xapi.iter_posts(client, USER_ID, None, fake_time.policy()))
    assert snapshot.cursor is None


def test_max_pages_cap_gives_an_incomplete_snapshot_without_an_extra_call(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri(
        "GET", FOLLOWERS_URL, [ok(page_body([user(n)], next_token=f"T{n}")) for n in range(5)]
    )
    snapshot = fetch_followers(client, fake_time.policy(), max_pages=2)
    assert snapshot.complete is False
    assert len(snapshot.pages) == 2
    assert len(calls(adapter)) == 2


def test_last_page_exactly_at_the_cap_is_complete(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri(
        "GET", FOLLOWERS_URL, [ok(page_body([user(1)], next_token="T1")), ok(page_body([user(2)]))]
    )
    snapshot = fetch_followers(client, fake_time.policy(), max_pages=2)
    assert snapshot.complete is True
    assert len(snapshot.items) == 2


@pytest.mark.parametrize("body", [[{"id": "1"}], {"data": {"id": "1"}}, "just text"])
def test_wrong_shape_is_malformed_without_retry(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime, body: Any
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **ok(body))
    with pytest.raises(MalformedPage):
        fetch_followers(client, fake_time.policy())
    assert len(calls(adapter)) == 1


# ----------------------------------------------------------------------------------------- rate limits


def test_429_with_reset_waits_until_the_reset_then_succeeds(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, [rate_limited(reset=NOW + 60), ok(page_body([user(1)]))])
    snapshot = fetch_followers(client, fake_time.policy())
    assert [item["id"] for item in snapshot.items] == [user(1)["id"]]
    assert fake_time.sleeps == [61.0]  # until the reset, plus a second of margin
    assert len(calls(adapter)) == 2


def test_429_reset_further_than_max_wait_fails_fast(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, [rate_limited(reset=NOW + 10_000), ok(page_body([user(1)]))])
    with pytest.raises(RateLimitTooLong, match="max_wait_seconds"):
        fetch_followers(client, fake_time.policy(max_wait_seconds=900.0))
    assert fake_time.sleeps == []
    assert len(calls(adapter)) == 1


def test_429_without_reset_backs_off_exponentially(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri(
        "GET", FOLLOWERS_URL, [rate_limited(), rate_limited(), rate_limited(), ok(page_body([user(1)]))]
    )
    fetch_followers(client, fake_time.policy(backoff_seconds=2.0))
    assert fake_time.sleeps == [2.0, 4.0, 8.0]
    # Never a hot loop: one positive sleep between every pair of calls.
    assert len(calls(adapter)) == len(fake_time.sleeps) + 1
    assert all(s > 0 for s in fake_time.sleeps)


def test_429_with_a_reset_already_past_backs_off_instead_of_spinning(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    # A stale header, or our clock ahead of X's: "wait until the reset" would be zero seconds.
    stale = rate_limited(reset=NOW - 100)
    adapter.register_uri("GET", FOLLOWERS_URL, [stale, stale, stale, ok(page_body([user(1)]))])
    fetch_followers(client, fake_time.policy(backoff_seconds=2.0))
    assert fake_time.sleeps == [2.0, 4.0, 8.0]


@pytest.mark.parametrize("reset", [None, NOW + 30])
def test_429_storm_beyond_max_retries_raises_rate_limited(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime, reset: float | None
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **rate_limited(reset=reset))
    with pytest.raises(RateLimited) as raised:
        fetch_followers(client, fake_time.policy(max_retries=3))
    assert len(calls(adapter)) == 4
    assert len(fake_time.sleeps) == 3
    assert all(s > 0 for s in fake_time.sleeps)  # also once the (unchanging) reset time has passed
    assert isinstance(raised.value.__cause__, tweepy.TooManyRequests)
    assert (raised.value.platform, raised.value.stream) == ("x", "followers")


# --------------------------------------------------------------------------- server errors and bad bodies


@pytest.mark.parametrize(
    "failures",
    [[error(500)], [error(503)], [error(500), error(503)], [connection_reset()], [truncated()]],
    ids=["500", "503", "500-503", "connection", "truncated"],
)
def test_transient_failures_are_retried_then_succeed(
    client: tweepy.Client,
    adapter: requests_mock.Adapter,
    fake_time: FakeTime,
    failures: list[dict[str, Any]],
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, [*failures, ok(page_body([user(1)]))])
    snapshot = fetch_followers(client, fake_time.policy(backoff_seconds=2.0))
    assert [item["id"] for item in snapshot.items] == [user(1)["id"]]
    assert len(calls(adapter)) == len(failures) + 1
    assert fake_time.sleeps == [2.0 * 2**n for n in range(len(failures))]


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_persistent_500_is_a_server_failure_after_max_retries_plus_one_calls(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime, max_retries: int
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **error(500))
    with pytest.raises(ServerFailure, match=f"after {max_retries + 1} attempts"):
        fetch_followers(client, fake_time.policy(max_retries=max_retries))
    assert len(calls(adapter)) == max_retries + 1
    assert len(fake_time.sleeps) == max_retries


def test_persistent_truncated_body_is_malformed(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **truncated())
    with pytest.raises(MalformedPage):
        fetch_followers(client, fake_time.policy(max_retries=2))
    assert len(calls(adapter)) == 3
    assert fake_time.sleeps == [2.0, 4.0]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthFailure), (403, AuthFailure), (404, ConnectorError), (400, ConnectorError)],
)
def test_client_errors_are_final_without_retries(
    client: tweepy.Client,
    adapter: requests_mock.Adapter,
    fake_time: FakeTime,
    status: int,
    expected: type[Exception],
) -> None:
    adapter.register_uri("GET", FOLLOWERS_URL, **error(status))
    with pytest.raises(expected) as raised:
        fetch_followers(client, fake_time.policy())
    assert type(raised.value) is expected
    assert len(calls(adapter)) == 1
    assert fake_time.sleeps == []
    for secret in SECRETS.values():
        assert secret not in str(raised.value)


# -------------------------------------------------------------------------------------- account snapshot


def test_account_snapshot_of_the_configured_account(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    me = {"id": USER_ID, "name": "St Example's", "username": "stexample"}
    adapter.register_uri("GET", ME_URL, **ok({"data": me}))
    snapshot = xapi.account_snapshot(client, USER_ID, fake_time.policy())
    assert snapshot.items == [me]
    assert (snapshot.stream, snapshot.complete) == ("account", True)
    assert query(calls(adapter)[0].url) == {"user.fields": [",".join(xapi.USER_FIELDS)]}


def test_account_snapshot_refuses_keys_of_another_user(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", ME_URL, **ok({"data": {"id": "42", "name": "Other", "username": "other"}}))
    with pytest.raises(AuthFailure, match=r"42.*" + USER_ID):
        xapi.account_snapshot(client, USER_ID, fake_time.policy())


def test_account_without_a_user_object_is_malformed(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", ME_URL, **ok({"data": ["not", "a", "user"]}))
    with pytest.raises(MalformedPage):
        xapi.account_snapshot(client, USER_ID, fake_time.policy())


def test_account_answered_with_errors_only_is_not_read(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri("GET", ME_URL, **ok({"errors": [{"title": "Not Found Error"}]}))
    with pytest.raises(PlatformErrors, match="Not Found Error"):
        xapi.account_snapshot(client, USER_ID, fake_time.policy())


# ---------------------------------------------------------------------------------------- content hash


def make_snapshot(pages_of_items: list[list[dict[str, Any]]], token_prefix: str = "T") -> Snapshot:
    pages = [
        Page(
            "x",
            "followers",
            USER_ID,
            n,
            items,
            page_body(items, next_token=f"{token_prefix}{n}"),
            {"pagination_token": f"{token_prefix}{n}"},
            datetime.now(UTC),
        )
        for n, items in enumerate(pages_of_items)
    ]
    return Snapshot("x", "followers", USER_ID, pages)


def test_content_hash_ignores_tokens_meta_and_page_boundaries() -> None:
    a = make_snapshot([[user(1), user(2)], [user(3)]], token_prefix="A")
    b = make_snapshot([[user(1)], [user(2), user(3)]], token_prefix="B")
    reordered_keys = make_snapshot([[{k: v for k, v in reversed(user(n).items())} for n in (1, 2, 3)]])
    assert a.content_sha256() == b.content_sha256() == reordered_keys.content_sha256()
    assert dataclasses.replace(a, complete=False, cursor="9").content_sha256() == a.content_sha256()


def test_content_hash_changes_with_items() -> None:
    base = make_snapshot([[user(1), user(2)]])
    renamed = make_snapshot([[user(1), user(2) | {"name": "Someone Else"}]])
    fewer = make_snapshot([[user(1)]])
    empty = make_snapshot([])
    hashes = {s.content_sha256() for s in (base, renamed, fewer, empty)}
    assert len(hashes) == 4


def test_identical_fetches_with_different_tokens_hash_the_same(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    adapter.register_uri(
        "GET",
        FOLLOWERS_URL,
        [
            ok(page_body([user(1)], next_token="first-run")),
            ok(page_body([user(2)])),
            ok(page_body([user(1)], next_token="second-run-token")),
            ok(page_body([user(2)], previous_token="x")),
        ],
    )
    first = fetch_followers(client, fake_time.policy())
    second = fetch_followers(client, fake_time.policy())
    assert first.pages[0].payload != second.pages[0].payload
    assert first.content_sha256() == second.content_sha256()


# ------------------------------------------------------------------------------------ the retry loop itself


def test_final_errors_returned_unchanged_keep_their_own_cause(fake_time: FakeTime) -> None:
    original_cause = KeyError("inner")

    def attempt() -> None:
        try:
            raise original_cause
        except KeyError as inner:
            raise RuntimeError("outer") from inner

    with pytest.raises(RuntimeError) as raised:
        call_with_retries(attempt, lambda e: e, fake_time.policy(), "x", "test")
    assert raised.value.__cause__ is original_cause
    assert fake_time.sleeps == []


def test_retry_with_explicit_wait_uses_it(fake_time: FakeTime) -> None:
    outcomes: list[Any] = [ValueError("a"), ValueError("b"), "done"]

    def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    result = call_with_retries(attempt, lambda e: Retry(str(e), wait=7.5), fake_time.policy(), "x", "test")
    assert result == "done"
    assert fake_time.sleeps == [7.5, 7.5]


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(backoff_seconds=2.0, max_wait_seconds=20.0)
    assert [policy.backoff(n) for n in range(6)] == [2.0, 4.0, 8.0, 16.0, 20.0, 20.0]


def test_errors_beside_data_are_a_counted_partial_page(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    partial = page_body([user(1), user(2)])
    partial["errors"] = [
        {"title": "Authorization Error", "detail": "not authorized", "type": "about:blank"},
        {"title": "Not Found Error", "detail": "gone", "type": "about:blank"},
    ]
    adapter.register_uri("GET", FOLLOWERS_URL, **ok(partial))
    snapshot = fetch_followers(client, fake_time.policy())
    assert [u["id"] for u in snapshot.items] == [user(1)["id"], user(2)["id"]]
    assert snapshot.partial_errors == 2
    assert streams.partial_error_counts([snapshot]) == {("x", USER_ID, "followers"): 2}


def test_a_429_with_requests_left_in_the_window_is_the_usage_cap(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    """X's usage cap sometimes comes as a bare 429: the window still has requests left, so no reset helps."""
    headers = {"x-rate-limit-remaining": "299", "x-rate-limit-reset": str(int(NOW) + 600)}
    adapter.register_uri("GET", FOLLOWERS_URL, **error(429, headers))
    with pytest.raises(UsageCapped):
        fetch_followers(client, fake_time.policy())
    assert fake_time.sleeps == []
    assert len(calls(adapter)) == 1


def test_a_reset_a_full_window_away_is_waited_for(
    client: tweepy.Client, adapter: requests_mock.Adapter, fake_time: FakeTime
) -> None:
    """max_wait_seconds = 900 is one 15-minute X window: a reset exactly that far is worth waiting for."""
    adapter.register_uri("GET", FOLLOWERS_URL, [rate_limited(reset=NOW + 900), ok(page_body([user(1)]))])
    fetch_followers(client, fake_time.policy(max_wait_seconds=900.0))
    assert fake_time.sleeps == [901.0]
