"""The record of actions on exceptions (append-only, requested before anything is sent, settled after), a retry
that never acts twice, a second person for what cannot be undone, and next week's proof in the lifecycle."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from tests.builders.raw_pages import WEEK
from tests.builders.warehouse import rows
from tests.warehouse.test_lifecycle import PUPIL, STAFF, events, exception
from tests.warehouse.test_lifecycle_reviews import run_week
from warehouse.load import now_utc
from warehouse.people import Actor
from warehouse.privacy.retention import _purge_resolved
from warehouse.remediation import ledger as remediations
from warehouse.remediation.ledger import begin, settle
from warehouse.remediation.plans import make_plan
from warehouse.remediation.records import RemediationError, recorded_actions

ALICE = Actor("alice", "Alice Lead", "cli")
BOB = Actor("bob", "Bob Head", "cli")


def start(con: duckdb.DuckDBPyConnection, finding, action: str, actor: Actor = ALICE, second: bool = False):
    plan = make_plan(con, finding.key, action)
    return begin(con, plan.request(WEEK[1]), actor, "why", second, manual=plan.action.manual)


def do(con: duckdb.DuckDBPyConnection, finding, action: str, outcome: str = "accepted", actor: Actor = ALICE):
    begun = start(con, finding, action, actor)
    assert begun.send
    return settle(con, begun.remediation_id, actor, outcome, {"status": 200})


def steps(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [
        (r["stage"], r["outcome"]) for r in rows(con, "SELECT * FROM audit.remediations ORDER BY recorded_at")
    ]


def test_an_action_is_recorded_before_and_after_and_marks_the_exception(
    con: duckdb.DuckDBPyConnection,
) -> None:
    run_week(con, 1, PUPIL)
    begun = start(con, PUPIL, "mute-account")
    assert begun.send and steps(con) == [("requested", "sending")]
    settle(con, begun.remediation_id, ALICE, "accepted", {"status": 200, "body": {"data": {"muting": True}}})
    assert steps(con) == [("requested", "sending"), ("settled", "accepted")]
    assert exception(con, PUPIL)["status"] == "acknowledged"
    assert [e[1] for e in events(con, PUPIL)] == ["raised", "remediated"]
    (shown,) = rows(con, "SELECT * FROM dpo.remediations")
    assert shown["requested_by"] == "Alice Lead (alice)" and shown["outcome"] == "accepted"
    assert shown["verified_at"] is None and shown["evidence"] == PUPIL.evidence
    assert '"muting": true' in shown["platform_response"]


def test_a_retry_of_a_done_action_sends_nothing_and_records_nothing(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    done = do(con, PUPIL, "mute-account")
    again = start(con, PUPIL, "mute-account", BOB)
    assert (
        not again.send and again.already is not None and again.already.remediation_id == done.remediation_id
    )
    assert len(steps(con)) == 2


def test_an_action_being_sent_blocks_another_and_one_cut_off_is_settled_failed(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_week(con, 1, PUPIL)
    first = start(con, PUPIL, "mute-account")
    with pytest.raises(RemediationError, match="is being sent by Alice Lead"):
        start(con, PUPIL, "mute-account", BOB)
    later = now_utc() + remediations.IN_FLIGHT + timedelta(seconds=1)
    monkeypatch.setattr(remediations, "now_utc", lambda: later)
    second = start(con, PUPIL, "mute-account", BOB)
    assert second.send and second.remediation_id != first.remediation_id
    cut_off = next(r for r in recorded_actions(con, PUPIL.key) if r.remediation_id == first.remediation_id)
    assert cut_off.settled is not None and cut_off.settled["outcome"] == "failed"
    assert "process ended" in cut_off.settled["platform_response"]


def test_a_refused_action_may_be_asked_for_again(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    do(con, PUPIL, "mute-account", "refused")
    assert exception(con, PUPIL)["status"] == "new"  # nothing happened: the exception is as it was
    assert start(con, PUPIL, "mute-account").send


def test_a_second_person_confirms_and_the_same_person_cannot(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    waiting = start(con, PUPIL, "mute-account", second=True)
    assert waiting.waiting and not waiting.send
    with pytest.raises(RemediationError, match="waits for a second person"):
        start(con, PUPIL, "mute-account", Actor("ALICE", "Alice again", "review-app"), second=True)
    with pytest.raises(RemediationError, match="through the command line, where Alice Lead requested it"):
        start(con, PUPIL, "mute-account", Actor("alice@school.example", "Alice", "review-app"), second=True)
    confirmed = start(con, PUPIL, "mute-account", BOB, second=True)
    assert confirmed.send and confirmed.remediation_id == waiting.remediation_id
    settle(con, confirmed.remediation_id, BOB, "accepted", {"status": 200})
    (shown,) = rows(con, "SELECT * FROM dpo.remediations")
    assert (shown["requested_by"], shown["confirmed_by"], shown["outcome"]) == (
        "Alice Lead (alice)",
        "Bob Head (bob)",
        "accepted",
    )


def test_next_week_resolves_as_remediated_or_reopens(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL, STAFF)
    do(con, PUPIL, "manual", "done-by-hand")
    do(con, STAFF, "manual", "done-by-hand")
    run_week(con, 1, PUPIL, STAFF)  # the same week again judges nothing
    assert [r["verification"] for r in rows(con, "SELECT * FROM dpo.remediations")] == [None, None]
    counts = run_week(con, 2, STAFF)  # the pupil is gone, the staff member still follows
    assert (counts["resolved"], counts["reopened"]) == (1, 1)
    pupil, staff = exception(con, PUPIL), exception(con, STAFF)
    assert (pupil["status"], pupil["resolved_reason"]) == ("resolved", "remediated")
    assert staff["status"] == "reopened"
    (note,) = [r["note"] for r in rows(con, "SELECT * FROM audit.exception_events WHERE event = 'reopened'")]
    assert note.startswith(
        "the action did not take effect: manual (done by hand, requested by Alice Lead (alice)"
    )
    verified = {r["key"]: r["verification"] for r in rows(con, "SELECT * FROM dpo.remediations")}
    assert verified == {PUPIL.key: "took-effect", STAFF.key: "did-not-take-effect"}
    run_week(con, 3, STAFF)  # judged once: the staff exception stays reopened, no second verdict
    assert (
        exception(con, STAFF)["status"] == "reopened"
        and len(rows(con, "SELECT * FROM audit.remediations")) == 6
    )
    assert start(con, STAFF, "manual").send  # after an action that did not work, another may be taken


def test_a_mitigation_leaves_the_finding_and_the_exception(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    do(con, PUPIL, "mute-account")
    run_week(con, 2, PUPIL)
    assert exception(con, PUPIL)["status"] == "acknowledged"
    (shown,) = rows(con, "SELECT * FROM dpo.remediations")
    assert shown["verification"] == "finding-remains" and shown["verified_week"] == WEEK[2]


def test_an_action_goes_with_its_resolved_exception_when_retention_purges_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    run_week(con, 1, PUPIL)
    do(con, PUPIL, "manual", "done-by-hand")
    run_week(con, 2)
    _purge_resolved(con, WEEK[2] + timedelta(days=1), WEEK[2])
    assert rows(con, "SELECT * FROM audit.remediations") == []


def test_an_action_not_offered_for_the_rule_is_refused_with_the_ones_that_are(
    con: duckdb.DuckDBPyConnection,
) -> None:
    run_week(con, 1, PUPIL)
    with pytest.raises(
        RemediationError, match=r"not an action for pupil-follower \(its actions: mute-account, manual\)"
    ):
        make_plan(con, PUPIL.key, "delete-post")
    with pytest.raises(RemediationError, match="offered by no rule yet"):
        make_plan(con, PUPIL.key, "hide-reply")
