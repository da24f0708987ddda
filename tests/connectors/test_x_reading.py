"""X's account-reading plan: an account X says is suspended reads nothing else, and is told so rather than to check
its keys; what a run costs is billed as X bills it."""

from __future__ import annotations

from pathlib import Path

from connectors import x as xapi
from connectors.paging import Page, RetryPolicy, Snapshot
from connectors.x import XCredentials
from connectors.x_cost import XPrices
from connectors.x_reading import billed_per_stream, read_x_account
from flows.config.tables import ApiSettings
from sandbox.server import Fault, FaultPlan, SandboxServer
from tests.builders.sandbox_clients import x_keys
from tests.builders.tiny_dataset import X_ACCOUNT_ID, build_tiny_dataset

ACCOUNT = "1580000000000000001"


def test_a_suspended_account_is_told_so_and_nothing_else_is_read(tmp_path: Path) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    plan = FaultPlan([Fault("x.me", "403-suspended", times=-1)])
    with SandboxServer(dataset, faults=plan) as server:
        client = xapi.make_x_client(XCredentials(**x_keys(server)), base_url=server.url)
        reads = read_x_account(client, X_ACCOUNT_ID, RetryPolicy(sleep=lambda _: None), None, ApiSettings())
        routes = {record.route for record in server.requests}
    failures = {f.stream: f for f in reads.failures}
    assert failures["account"].status == "failed" and "suspended or locked" in failures["account"].reason
    assert "sign in at x.com" in failures["account"].reason
    assert "check the account's keys" not in failures["account"].reason
    assert {failures[s].status for s in ("followers", "following", "posts")} == {"skipped"}
    assert reads.snapshots == [] and routes == {"x.me"}


def snapshot(stream: str, *ids: str) -> Snapshot:
    page = Page("x", stream, ACCOUNT, 0, [{"id": i} for i in ids], {}, {}, None)  # type: ignore[arg-type]
    return Snapshot("x", stream, ACCOUNT, [page])


def test_x_bills_a_resource_once_a_day_and_the_run_counts_it_so() -> None:
    """A user both following and followed is billed with the first stream that returned it; a post looked up by
    id that the timeline returned that day is not billed again; looked-up posts whose page was not kept are."""
    streams = [
        snapshot("account", ACCOUNT),
        snapshot("followers", "1", "2", "3"),
        snapshot("following", "3", "4"),
        snapshot("posts", "10", "11"),
    ]
    cost = billed_per_stream(streams, frozenset({"11", "12", "13"}), XPrices(app_owned=False))
    assert cost == {"account": 0.01, "followers": 0.03, "following": 0.01, "posts": 0.02}
    owned = billed_per_stream(streams, frozenset(), XPrices(app_owned=True))
    assert owned == {"account": 0.01, "followers": 0.003, "following": 0.001, "posts": 0.002}
