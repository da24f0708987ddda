"""Whole audits under the live platforms' own failures (docs/production.md §7): a connection dropped mid-body,
twice, on any stream or image leaves the stored data and outputs equal to a clean run's; an X usage cap ends the
run at once, not after hours of waiting for a reset that cannot help."""

from __future__ import annotations

import json

import pytest

from tests.builders.audits import Audit, with_settings
from tests.e2e.test_faults_and_refusals import stored_content

NEXT_WEEK = "2026-11-23"


@pytest.fixture(scope="module")
def clean_run(tiny_school_week: Audit, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The session's tiny school week (tests/e2e/conftest.py), its school set to wait up to 900 s for a reset."""
    return with_settings(
        tiny_school_week,
        tmp_path_factory.mktemp("dropped"),
        "[api]\nbackoff_seconds = 0.05\nmax_wait_seconds = 900",
    )


def test_connections_dropped_twice_store_what_a_clean_run_stores(clean_run, audit_inprocess):
    plan = [
        {"route": route, "kind": "drop-mid-body", "times": 2}
        for route in ("x.followers", "x.tweets", "yt.subscriptions", "yt.commentThreads", "x.media")
    ]
    faulty = audit_inprocess(clean_run.dataset, env={"SOCIALAUDIT_SANDBOX_FAULTS": json.dumps(plan)})
    assert faulty.result.returncode == 0, faulty.result.stderr[-2000:]
    assert stored_content(faulty.db) == stored_content(clean_run.db)
    assert faulty.exceptions == clean_run.exceptions
    assert (faulty.out / "exceptions.csv").read_bytes() == (clean_run.out / "exceptions.csv").read_bytes()


def test_a_usage_cap_ends_the_run_without_waiting(clean_run, tmp_path, audit_inprocess, caplog):
    # A dropped YouTube page beside the cap shows the run's retries are seen, so the check can fail. They are read
    # from the log records: where an in-process run's handlers write depends on what ran before it on the worker.
    plan = [
        {"route": "x.followers", "kind": "429-usage-cap", "times": -1},
        {"route": "yt.subscriptions", "kind": "drop-mid-body", "times": 1},
    ]
    capped = audit_inprocess(
        clean_run.dataset, as_of=NEXT_WEEK, env={"SOCIALAUDIT_SANDBOX_FAULTS": json.dumps(plan)}
    )
    output = capped.result.stderr + capped.result.stdout
    retries = [message for message in caplog.messages if "retrying in" in message]
    assert capped.result.returncode != 0
    assert "X usage cap reached" in output
    assert any("subscribers" in line for line in retries), caplog.messages
    # No wait for a reset that cannot help: the cap is not retried, however long max_wait_seconds allows.
    assert not any("followers" in line for line in retries), retries
