"""Each failure of the live platforms (docs/production.md §7), injected by the sandbox, met by the real clients
through the connectors: transient ones leave the data as a clean read would, permanent ones end in a typed
error that names the platform, the stream and what to do, within seconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from connectors import streams
from connectors import x as xapi
from connectors import youtube as ytapi
from connectors.errors import (
    ConnectorError,
    CostCapExceeded,
    CreditsDepleted,
    PlanRefused,
    PlatformErrors,
    RateLimitTooLong,
    ScopeMissing,
    SignInExpired,
    UsageCapped,
)
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy, Snapshot
from connectors.x import XCredentials
from connectors.x_cost import XPrices, estimate_cost, guard_cost
from connectors.youtube import YouTubeCredentials
from sandbox.server import Fault, FaultPlan, SandboxServer
from tests.builders.moderation import (
    HELD_THREAD_ID,
    QUOTED_MEDIA_KEY,
    REPLIED_THREAD_ID,
    REPLY_COUNT,
    SPAM_THREAD_ID,
    add_quoted_post_with_image,
    add_replies_and_held_comments,
)
from tests.builders.sandbox_clients import owner_sign_in, x_keys
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, build_tiny_dataset


class Sleeps:
    """Records every wait the retry loop asks for and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_tiny_dataset(tmp_path_factory.mktemp("live") / "dataset")
    add_replies_and_held_comments(root)
    add_quoted_post_with_image(root)
    return root


@pytest.fixture
def serve(dataset: Path) -> Iterator[object]:
    servers: list[SandboxServer] = []

    def start(*faults: Fault) -> SandboxServer:
        server = SandboxServer(dataset, faults=FaultPlan(list(faults))).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def policy(sleeps: Sleeps, **overrides: float) -> RetryPolicy:
    return RetryPolicy(sleep=sleeps, **overrides)  # type: ignore[arg-type]


def x_streams(server: SandboxServer, retry: RetryPolicy) -> list[Snapshot]:
    client = xapi.make_x_client(XCredentials(**x_keys(server)), base_url=server.url)
    return [
        xapi.account_snapshot(client, X_ACCOUNT_ID, retry),
        xapi.collect("followers", X_ACCOUNT_ID, xapi.iter_followers(client, X_ACCOUNT_ID, retry)),
        xapi.collect("following", X_ACCOUNT_ID, xapi.iter_following(client, X_ACCOUNT_ID, retry)),
        xapi.collect("posts", X_ACCOUNT_ID, xapi.iter_posts(client, X_ACCOUNT_ID, None, retry), True),
    ]


def yt_streams(
    server: SandboxServer, retry: RetryPolicy, credentials: YouTubeCredentials | None = None
) -> list[Snapshot]:
    credentials = credentials or YouTubeCredentials(oauth_credentials=owner_sign_in(server))
    youtube = ytapi.make_youtube_client(credentials, base_url=server.url)
    return ytapi.channel_streams(youtube, CHANNEL_ID, retry)


def contents(snapshots: list[Snapshot]) -> dict[str, str]:
    return {f"{s.platform}.{s.stream}": s.content_sha256() for s in snapshots}


# ------------------------------------------------------------------------------------- transient faults


@pytest.mark.parametrize("route", ["x.followers", "x.tweets", "x.me"])
def test_a_connection_dropped_twice_on_x_reads_what_a_clean_run_reads(serve, route: str) -> None:
    clean = contents(x_streams(serve(), policy(Sleeps())))
    sleeps = Sleeps()
    faulty = serve(Fault(route, "drop-mid-body", times=2))
    assert contents(x_streams(faulty, policy(sleeps))) == clean
    assert len(sleeps.waits) == 2
    assert sum(record.route == route for record in faulty.requests) >= 3


@pytest.mark.parametrize("route", ["yt.commentThreads", "yt.subscriptions", "yt.channels", "yt.comments"])
def test_a_connection_dropped_twice_on_youtube_reads_what_a_clean_run_reads(serve, route: str) -> None:
    clean = contents(yt_streams(serve(), policy(Sleeps())))
    sleeps = Sleeps()
    assert contents(yt_streams(serve(Fault(route, "drop-mid-body", times=2)), policy(sleeps))) == clean
    assert len(sleeps.waits) == 2


@pytest.mark.parametrize(
    ("route", "kind"),
    [
        ("yt.commentThreads", "403-rate-limit"),
        ("yt.subscriptions", "503-cut"),
        ("yt.channels", "403-rate-limit"),
    ],
)
def test_a_burst_limit_or_a_cut_503_on_youtube_reads_what_a_clean_run_reads(
    serve, route: str, kind: str
) -> None:
    """Google's 403 `rateLimitExceeded` (unlike `quotaExceeded`, waiting helps) and a 503 whose body is not JSON
    are retried; the data equal a clean read's."""
    clean = contents(yt_streams(serve(), policy(Sleeps())))
    sleeps = Sleeps()
    faulty = serve(Fault(route, kind, times=2))
    assert contents(yt_streams(faulty, policy(sleeps))) == clean
    assert len(sleeps.waits) == 2
    assert [r.status for r in faulty.requests if r.route == route][:2] == [
        403 if kind.startswith("403") else 503
    ] * 2


def test_a_cut_503_on_x_reads_what_a_clean_run_reads(serve) -> None:
    clean = contents(x_streams(serve(), policy(Sleeps())))
    sleeps = Sleeps()
    assert contents(x_streams(serve(Fault("x.followers", "503-cut", times=2)), policy(sleeps))) == clean
    assert len(sleeps.waits) == 2


def test_an_invalid_page_token_fails_that_stream_only_and_says_so(serve) -> None:
    """A 400 `invalidPageToken` is not retried (the same token gets the same answer): that stream is recorded as
    not read, with why and what to do, and every other stream of the channel is read."""
    server = serve(Fault("yt.subscriptions", "400-page-token", times=-1))
    youtube = ytapi.make_youtube_client(
        YouTubeCredentials(oauth_credentials=owner_sign_in(server)), server.url
    )
    reads = streams.StreamReads("youtube", CHANNEL_ID)
    sleeps = Sleeps()
    ytapi.channel_streams(youtube, CHANNEL_ID, policy(sleeps), reads=reads)
    (failure,) = reads.failures
    assert (failure.stream, failure.status) == ("subscribers", "failed")
    assert "400 invalidPageToken" in failure.reason and "run again" in failure.reason
    assert {s.stream for s in reads.snapshots} == {
        "channel",
        "uploads",
        "videos",
        "comments",
        "comment_replies",
    }
    assert sleeps.waits == [] and sum(r.route == "yt.subscriptions" for r in server.requests) == 1


def test_a_media_download_dropped_twice_gets_the_whole_image(serve, dataset: Path) -> None:
    server = serve(Fault("x.media", "drop-mid-body", times=2))
    sleeps = Sleeps()
    fetcher = MediaFetcher(requests.Session(), policy(sleeps), sandbox_url=server.url)
    image = fetcher.fetch(f"https://pbs.twimg.com/media/{QUOTED_MEDIA_KEY}.jpg")
    assert image == (dataset / "x" / "TinyLanePrimary" / "media" / f"{QUOTED_MEDIA_KEY}.jpg").read_bytes()
    assert len(sleeps.waits) == 2


# ------------------------------------------------------------------------------------- permanent faults


def test_a_usage_cap_ends_at_once_with_what_to_do(serve) -> None:
    server = serve(Fault("x.followers", "429-usage-cap", times=-1))
    sleeps = Sleeps()
    with pytest.raises(UsageCapped) as raised:
        x_streams(server, policy(sleeps))
    assert sleeps.waits == []  # no wait for a cap that lasts until the billing cycle resets
    assert raised.value.stops_platform and raised.value.stream == "followers"
    assert "usage cap" in str(raised.value) and "developer console" in str(raised.value)
    assert sum(record.route == "x.followers" for record in server.requests) == 1


def test_credits_depleted_stops_x_with_what_to_do(serve) -> None:
    with pytest.raises(CreditsDepleted, match="buy credits"):
        x_streams(serve(Fault("x.tweets", "402-credits", times=-1)), policy(Sleeps()))


def test_a_plan_refusal_is_not_reported_as_bad_keys(serve) -> None:
    with pytest.raises(PlanRefused) as raised:
        x_streams(serve(Fault("x.followers", "403-scope", times=-1)), policy(Sleeps()))
    message = str(raised.value)
    assert "client-not-enrolled" in message and "not the keys" in message and "Client Forbidden" in message


def test_errors_without_data_are_not_an_empty_follower_list(serve) -> None:
    with pytest.raises(PlatformErrors, match="nothing was read") as raised:
        x_streams(serve(Fault("x.followers", "partial-errors", times=-1)), policy(Sleeps()))
    assert (raised.value.platform, raised.value.stream) == ("x", "followers")


def test_a_reset_beyond_max_wait_fails_fast(serve) -> None:
    server = serve(Fault("x.followers", "429", times=-1, reset_in=3600))
    sleeps = Sleeps()
    with pytest.raises(RateLimitTooLong, match="max_wait_seconds"):
        x_streams(server, policy(sleeps, max_wait_seconds=60))
    assert sleeps.waits == []


def test_an_expired_sign_in_says_sign_in_again(serve) -> None:
    server = serve(Fault("yt.subscriptions", "token-expired", times=1))
    with pytest.raises(SignInExpired) as raised:
        yt_streams(server, policy(Sleeps()))
    assert "socialaudit auth youtube" in str(raised.value) and "invalid_grant" in str(raised.value)
    assert any(record.route == "yt.token" and record.status == 400 for record in server.requests)


def test_a_token_without_force_ssl_says_which_scope_and_how(serve) -> None:
    with pytest.raises(ScopeMissing) as raised:
        yt_streams(serve(Fault("yt.commentThreads", "403-scope", times=-1)), policy(Sleeps()))
    assert "youtube.force-ssl" in str(raised.value) and "socialaudit auth youtube" in str(raised.value)


def test_a_video_gone_before_its_comments_are_read_is_skipped(serve) -> None:
    # Read by its id, as a channel with one commentable video is (several are read channel-wide at once).
    server = serve(Fault("yt.commentThreads", "404-gone", times=-1))
    youtube = ytapi.make_youtube_client(
        YouTubeCredentials(oauth_credentials=owner_sign_in(server)), server.url
    )
    assert list(ytapi.iter_comment_threads(youtube, CHANNEL_ID, "SportsDay01", policy(Sleeps()))) == []


def test_every_connector_failure_names_its_platform_and_stream() -> None:
    for error_type in (
        UsageCapped,
        CreditsDepleted,
        PlanRefused,
        PlatformErrors,
        SignInExpired,
        ScopeMissing,
    ):
        error = error_type("x", "followers", "why")
        assert isinstance(error, ConnectorError) and (error.platform, error.stream) == ("x", "followers")


# ------------------------------------------------------------------------------------- what is read


def test_replies_held_and_spam_comments_are_read_with_the_owners_token(serve) -> None:
    snapshots = yt_streams(serve(), policy(Sleeps()))
    comments = next(s for s in snapshots if s.stream == "comments")
    replies = next(s for s in snapshots if s.stream == "comment_replies")
    assert {HELD_THREAD_ID, SPAM_THREAD_ID} <= {thread["id"] for thread in comments.items}
    assert len(replies.items) == REPLY_COUNT
    assert {reply["snippet"]["parentId"] for reply in replies.items} == {REPLIED_THREAD_ID}
    parts = {page.request["part"] for page in comments.pages}
    assert parts == {"snippet,replies"}


def test_media_of_a_quoted_post_is_fetched_with_the_posts(serve) -> None:
    snapshots = x_streams(serve(), policy(Sleeps()))
    posts = next(s for s in snapshots if s.stream == "posts")
    refs = {ref["media_ref"] for ref in streams.media_references([posts])}
    assert f"x:{QUOTED_MEDIA_KEY}" in refs


def test_what_counting_unseen_subscribers_needs_is_read(serve) -> None:
    snapshots = {s.stream: s for s in yt_streams(serve(), policy(Sleeps()))}
    # subscriberCount 42, four public subscriptions listed: marts.fct_subscriber_visibility counts 38 unseen.
    assert snapshots["channel"].items[0]["statistics"]["subscriberCount"] == "42"
    assert len(snapshots["subscribers"].items) == 4


def test_a_run_above_the_cost_cap_is_refused_before_paging(serve) -> None:
    server = serve()
    client = xapi.make_x_client(XCredentials(**x_keys(server)), base_url=server.url)
    account = xapi.account_snapshot(client, X_ACCOUNT_ID, policy(Sleeps()))
    owned = estimate_cost(account, since_id=None, prices=XPrices(app_owned=True))
    assert owned.usd == pytest.approx(0.010 + (owned.items - 1) * 0.001)
    foreign = estimate_cost(account, since_id=None, prices=XPrices(app_owned=False), looked_up=3)
    followed = foreign.followers + foreign.following
    assert foreign.usd == pytest.approx(0.010 + followed * 0.010 + foreign.posts * 0.005 + 3 * 0.005)
    with pytest.raises(CostCapExceeded, match=r"max_x_cost_per_run = \$0\.00"):
        guard_cost(owned, max_usd=0.0)
    assert guard_cost(owned, max_usd=10.0) == owned
