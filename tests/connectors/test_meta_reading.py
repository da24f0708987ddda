"""The Graph connector (facebook-business over real sockets to the sandbox): every stream of a Page and an Instagram
account, each photo of a multi-photo post, replies, the commenter absent when not shown, the followers recorded as
not looked at; a 190 stops the platform with what was read kept, a throttle waits the usage header's time, error 2
is retried, and next week only the changed posts' comments are read again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.facebook_reading import read_facebook_page
from connectors.instagram_reading import read_instagram_account
from connectors.meta import RECENT_COMMENTS_DAYS, TokenInvalid, make_graph_api, usage_wait_seconds
from connectors.paging import RetryPolicy
from connectors.streams import media_references
from sandbox.faults import FaultPlan
from sandbox.meta.tokens import load_meta_access
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_dataset import (
    CHILDREN,
    COMMENT,
    HIDDEN_AUTHOR,
    IG_COMMENT,
    IG_ID,
    IG_REPLY,
    PAGE_ID,
    PHOTOS,
    REPLY,
    build_graph_dataset,
)

# The newest post or media of the graph dataset (the windows below are counted from it).
NEWEST_POST = datetime(2026, 11, 21, 12, tzinfo=UTC)


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_graph_dataset(tmp_path_factory.mktemp("graph") / "g")


def serve(dataset: Path, faults: list[dict[str, object]] | None = None) -> SandboxServer:
    return SandboxServer(dataset, faults=FaultPlan.from_json(json.dumps(faults)) if faults else None)


@pytest.fixture
def policy() -> Iterator[RetryPolicy]:
    yield RetryPolicy(max_retries=3, backoff_seconds=0.01, max_wait_seconds=600, sleep=Sleeps())


def test_a_page_and_an_instagram_account_are_read_whole(dataset: Path, policy: RetryPolicy) -> None:
    access = load_meta_access(dataset)
    with serve(dataset) as server:
        page = read_facebook_page(make_graph_api(access.page_token(PAGE_ID), server.url), PAGE_ID, policy)
        ig = read_instagram_account(make_graph_api(access.user_token(), server.url), IG_ID, policy)
    statuses = {o["stream"]: o["status"] for o in page.outcomes()}
    assert statuses == {
        "page": "complete",
        "posts": "complete",
        "visitor_posts": "complete",
        "photos": "complete",
        "comments": "complete",
        "followers": "skipped",
    }
    followers = next(o for o in page.outcomes() if o["stream"] == "followers")
    assert followers["reason"].startswith("not looked at:")
    comments = {c["id"]: c for s in page.snapshots if s.stream == "comments" for c in s.items}
    assert comments[REPLY]["parent"]["id"] and "from" not in comments[HIDDEN_AUTHOR]
    assert len(comments) >= 30  # the busy post's comments, every page of them
    refs = {r["media_ref"] for r in media_references(page.snapshots + ig.snapshots)}
    assert {f"facebook:{p}" for p in PHOTOS} <= refs and {f"instagram:{c}" for c in CHILDREN} <= refs
    ig_comments = {c["id"]: c for s in ig.snapshots if s.stream == "comments" for c in s.items}
    assert ig_comments[IG_REPLY].get("username")


def test_next_week_reads_only_the_comments_of_posts_that_changed(dataset: Path, policy: RetryPolicy) -> None:
    access = load_meta_access(dataset)
    later = NEWEST_POST + timedelta(days=RECENT_COMMENTS_DAYS + 1)  # every post older than the window
    with serve(dataset) as server:
        api = make_graph_api(access.page_token(PAGE_ID), server.url)
        first = read_facebook_page(api, PAGE_ID, policy, read_at=later)
        cursor = next(s for s in first.snapshots if s.stream == "comments").cursor
        again = read_facebook_page(api, PAGE_ID, policy, cursor, read_at=later)
        open_post = json.loads(cursor or "{}")
        reopened = read_facebook_page(
            api, PAGE_ID, policy, cursor, frozenset(list(open_post)[:1]), read_at=later
        )
    assert next(s for s in again.snapshots if s.stream == "comments").pages == []
    read_again = {p.request["post"] for s in reopened.snapshots if s.stream == "comments" for p in s.pages}
    assert read_again == set(list(open_post)[:1])


def test_a_hide_moves_nothing_a_post_shows_so_recent_posts_comments_are_read_again(
    tmp_path: Path, policy: RetryPolicy
) -> None:
    """Hiding a comment leaves the post's updated_time and the media's comment count as they were: within
    RECENT_COMMENTS_DAYS of a post the comments are read again each week, so the hide is seen; past it, carried."""
    from facebook_business.adobjects.comment import Comment
    from facebook_business.adobjects.igcomment import IGComment

    graph = build_graph_dataset(tmp_path / "g")
    access = load_meta_access(graph)
    soon = NEWEST_POST + timedelta(days=7)
    with serve(graph) as server:
        page_api = make_graph_api(access.page_token(PAGE_ID), server.url)
        first = read_facebook_page(page_api, PAGE_ID, policy, read_at=soon)
        ig_first = read_instagram_account(page_api, IG_ID, policy, read_at=soon)
        Comment(COMMENT, api=page_api).api_update(params={"is_hidden": True})
        IGComment(IG_COMMENT, api=page_api).api_update(params={"hide": True})
    fb_cursor = next(s for s in first.snapshots if s.stream == "comments").cursor
    ig_cursor = next(s for s in ig_first.snapshots if s.stream == "comments").cursor
    with serve(graph) as next_week:
        page_api = make_graph_api(access.page_token(PAGE_ID), next_week.url)
        posts = read_facebook_page(page_api, PAGE_ID, policy, read_at=soon).snapshots
        assert fb_cursor == next(s for s in posts if s.stream == "comments").cursor  # nothing shows the hide
        fb = read_facebook_page(page_api, PAGE_ID, policy, fb_cursor, read_at=soon)
        ig = read_instagram_account(page_api, IG_ID, policy, ig_cursor, read_at=soon)
        late = NEWEST_POST + timedelta(days=RECENT_COMMENTS_DAYS + 1)
        carried = read_facebook_page(page_api, PAGE_ID, policy, fb_cursor, read_at=late)
    hidden = {
        str(c["id"]): c.get("is_hidden", c.get("hidden"))
        for reads in (fb, ig)
        for s in reads.snapshots
        if s.stream == "comments"
        for p in s.pages
        for c in p.items
    }
    assert hidden[COMMENT] is True and hidden[IG_COMMENT] is True
    assert next(s for s in carried.snapshots if s.stream == "comments").pages == []


def test_an_expired_token_stops_the_platform_keeping_what_was_read(
    dataset: Path, policy: RetryPolicy
) -> None:
    access = load_meta_access(dataset)
    with serve(dataset, [{"route": "fb.comments", "kind": "token-expired", "times": 1}]) as server:
        reads = read_facebook_page(make_graph_api(access.page_token(PAGE_ID), server.url), PAGE_ID, policy)
    failed = {o["stream"]: o for o in reads.outcomes() if o["status"] == "failed"}
    assert "190" in failed["comments"]["reason"] and reads.stopped
    assert {s.stream for s in reads.snapshots} >= {"page", "posts", "photos"}
    with pytest.raises(TokenInvalid):
        strict = type(reads)("facebook", PAGE_ID, strict=True)
        with serve(dataset, [{"route": "fb.page", "kind": "token-expired", "times": 1}]) as server:
            read_facebook_page(
                make_graph_api(access.page_token(PAGE_ID), server.url), PAGE_ID, policy, reads=strict
            )


def test_a_throttle_waits_the_time_the_usage_header_gives_and_error_2_is_retried(dataset: Path) -> None:
    access = load_meta_access(dataset)
    sleeps = Sleeps()
    policy = RetryPolicy(max_retries=3, backoff_seconds=0.01, max_wait_seconds=600, sleep=sleeps)
    faults = [
        {"route": "fb.posts", "kind": "graph-80001", "times": 1, "reset_in": 2},
        {"route": "fb.photo", "kind": "graph-2", "times": 1},
    ]
    with serve(dataset, faults) as server:
        reads = read_facebook_page(make_graph_api(access.page_token(PAGE_ID), server.url), PAGE_ID, policy)
    assert all(o["status"] == "complete" for o in reads.outcomes() if o["stream"] != "followers")
    assert sleeps.waits[0] == pytest.approx(120 + 1, abs=1)
    with serve(dataset, [{"route": "fb.posts", "kind": "graph-80001", "times": 1, "reset_in": 60}]) as server:
        short = RetryPolicy(max_retries=3, backoff_seconds=0.01, max_wait_seconds=600, sleep=Sleeps())
        strict_reads = read_facebook_page(
            make_graph_api(access.page_token(PAGE_ID), server.url), PAGE_ID, short
        )
    posts = next(o for o in strict_reads.outcomes() if o["stream"] == "posts")
    assert posts["status"] == "failed" and "longer than [api] max_wait_seconds" in posts["reason"]


def test_usage_headers_give_the_longest_time_to_regain_access() -> None:
    header = json.dumps({"1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 3}]})
    assert usage_wait_seconds({"X-Business-Use-Case-Usage": header}) == 180
    assert usage_wait_seconds({"X-App-Usage": '{"call_count": 100}'}) is None
    assert usage_wait_seconds({"X-App-Usage": "not json"}) is None


def test_the_crash_reporter_stays_off() -> None:
    import sys

    from facebook_business.crashreporter import CrashReporter

    before = sys.excepthook
    make_graph_api("token", "http://127.0.0.1:9")
    assert CrashReporter.reporter_instance is None and sys.excepthook is before
