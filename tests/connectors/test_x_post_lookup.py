"""`look_up_posts`: GET /2/tweets?ids= through the real tweepy code against the sandbox, 100 ids a call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.paging import RetryPolicy
from connectors.x import look_up_posts, problem_kind
from sandbox.server import SandboxServer
from tests.builders.sandbox_clients import make_x_client
from tests.builders.tiny_dataset import POST_IDS, X_ACCOUNT_ID, build_tiny_dataset

GONE = "1850000000000099999"
POLICY = RetryPolicy(max_retries=1, backoff_seconds=0.0, max_wait_seconds=0.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with SandboxServer(build_tiny_dataset(tmp_path_factory.mktemp("lookup") / "dataset")) as running:
        yield running


def test_a_deleted_post_comes_back_as_a_resource_not_found_error(server: SandboxServer) -> None:
    lookup = look_up_posts(make_x_client(server, dict), X_ACCOUNT_ID, [POST_IDS[0], GONE], POLICY)
    snapshots = lookup.snapshots
    assert lookup.returned_ids == {POST_IDS[0]}  # billed, as every post X returns
    [page] = snapshots[0].pages
    assert [p["id"] for p in page.items] == [POST_IDS[0]]
    [error] = page.payload["errors"]
    assert problem_kind(error) == "resource-not-found"  # spelled with api.x.com or api.twitter.com
    assert (error["resource_type"], error["parameter"], error["resource_id"]) == ("tweet", "ids", GONE)
    assert page.request["ids"] == ",".join(sorted([POST_IDS[0], GONE], key=int))
    assert snapshots[0].stream == "post_lookup" and snapshots[0].complete


def test_ids_go_a_hundred_a_call_and_nothing_asked_calls_nothing(server: SandboxServer) -> None:
    ids = [str(1850000000000100000 + n) for n in range(230)]
    server.clear_requests()
    [snapshot] = look_up_posts(make_x_client(server, dict), X_ACCOUNT_ID, ids, POLICY).snapshots
    sizes = [len(r.query["ids"].split(",")) for r in server.requests if r.route == "x.tweets_lookup"]
    assert sizes == [100, 100, 30]
    assert sum(len(p.payload["errors"]) for p in snapshot.pages) == 230
    assert look_up_posts(make_x_client(server, dict), X_ACCOUNT_ID, [], POLICY).snapshots == []


def test_a_lookup_that_keeps_failing_checks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    faults = [{"route": "x.tweets_lookup", "kind": "503", "times": -1}]
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps(faults))
    with SandboxServer.from_env(build_tiny_dataset(tmp_path / "dataset")) as failing:
        assert look_up_posts(make_x_client(failing, dict), X_ACCOUNT_ID, [GONE], POLICY).snapshots == []


def test_the_sandbox_refuses_more_than_a_hundred_ids(server: SandboxServer) -> None:
    import tweepy

    with pytest.raises(tweepy.BadRequest):
        make_x_client(server, dict).get_tweets(ids=[str(10**17 + n) for n in range(101)], user_auth=True)


def test_when_every_post_is_there_nothing_is_recorded_but_the_posts_are_counted(
    server: SandboxServer,
) -> None:
    lookup = look_up_posts(make_x_client(server, dict), X_ACCOUNT_ID, POST_IDS[:3], POLICY)
    assert lookup.snapshots == [] and lookup.returned_ids == set(POST_IDS[:3])
