"""Review decisions and how the next weekly run honours them: acknowledged, accepted until expiry, false positive."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from checks.findings import Finding
from tests.builders.raw_pages import WEEK
from tests.builders.warehouse import rows
from tests.warehouse.test_lifecycle import PUPIL, STAFF, apply, events, exception, snapshot_of_audit
from warehouse.people import Actor
from warehouse.reviews import ReviewError, history, record_review, review_and_publish
from warehouse.snapshot import open_snapshot

ETL = "A. Lead (ETL)"
ETL_AT_THE_TERMINAL = Actor("aleadetl", ETL, "cli")


def run_week(con: duckdb.DuckDBPyConnection, week: int, *findings: Finding) -> dict[str, int]:
    """A weekly run as the flow records it: the run row, then the lifecycle."""
    con.execute(
        "INSERT OR REPLACE INTO audit.runs VALUES (?, 'r', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [WEEK[week], datetime(2026, 11, 1), datetime(2026, 11, 1)],
    )
    return apply(con, week, *findings)


def review(con: duckdb.DuckDBPyConnection, finding: Finding, decision: str, until: date | None = None):
    return record_review(con, finding.key, decision, f"{decision} because", ETL_AT_THE_TERMINAL, until)


def test_acknowledged_stays_acknowledged_until_its_subject_goes(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    done = review(con, PUPIL, "acknowledge")
    assert (done.status_before, done.status_after, done.as_of) == ("new", "acknowledged", WEEK[1])
    run_week(con, 2, PUPIL)
    assert exception(con, PUPIL)["status"] == "acknowledged"
    run_week(con, 3)
    assert exception(con, PUPIL)["status"] == "resolved"
    assert [e[1] for e in events(con, PUPIL)] == ["raised", "reviewed", "seen", "resolved"]


def test_an_acceptance_holds_until_it_expires_then_reopens(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, STAFF)
    review(con, STAFF, "accept", until=WEEK[2] + timedelta(days=3))
    assert run_week(con, 2, STAFF)["expired"] == 0
    assert exception(con, STAFF)["status"] == "accepted"
    counts = run_week(con, 3, STAFF)
    assert (counts["expired"], counts["reopened"]) == (1, 1)
    assert exception(con, STAFF)["status"] == "reopened"
    assert events(con, STAFF)[-2:] == [(WEEK[3], "expired", "reopened"), (WEEK[3], "reopened", "reopened")]
    (expired,) = rows(con, "SELECT actor, note FROM audit.exception_events WHERE event = 'expired'")
    assert expired == {"actor": "weekly-run", "note": f"acceptance ran until {WEEK[2] + timedelta(days=3)}"}


def test_an_acceptance_that_expires_while_its_subject_is_gone_resolves(
    con: duckdb.DuckDBPyConnection,
) -> None:
    run_week(con, 1, STAFF)
    review(con, STAFF, "accept", until=WEEK[3])
    run_week(con, 2)
    assert exception(con, STAFF)["status"] == "accepted"  # gone, but the decision still holds
    run_week(con, 3)
    assert exception(con, STAFF)["status"] == "accepted"  # the last day of the acceptance
    counts = run_week(con, 4)
    assert (counts["expired"], counts["resolved"]) == (1, 1)
    assert exception(con, STAFF)["status"] == "resolved"


def test_a_false_positive_stays_quiet_unless_its_evidence_changes(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    review(con, PUPIL, "false-positive")
    run_week(con, 2, PUPIL)
    assert exception(con, PUPIL)["status"] == "false_positive"
    run_week(con, 3)  # gone: still a false positive, so its return is quiet too
    assert exception(con, PUPIL)["status"] == "false_positive"
    run_week(con, 4, replace(PUPIL, evidence="display name now says Year 6"))
    assert exception(con, PUPIL)["status"] == "reopened"
    (reopened,) = rows(con, "SELECT note FROM audit.exception_events WHERE event = 'reopened'")
    assert "rests on changed" in reopened["note"]


def test_a_birthday_does_not_reopen_a_false_positive_another_match_does(
    con: duckdb.DuckDBPyConnection,
) -> None:
    aged_10 = replace(PUPIL, evidence="pupil P0001, Year 5, aged 10 (score 0.91)", basis=())
    run_week(con, 1, aged_10)
    review(con, aged_10, "false-positive")
    run_week(con, 2, replace(aged_10, evidence="pupil P0001, Year 5, aged 11 (score 0.91)"))
    assert exception(con, PUPIL)["status"] == "false_positive"
    run_week(con, 3, replace(aged_10, person_id="P0009", evidence="pupil P0009, Year 5, aged 11"))
    assert exception(con, PUPIL)["status"] == "reopened"


def test_a_decision_made_on_the_evidence_as_worded_still_holds_while_it_is_unchanged(
    con: duckdb.DuckDBPyConnection,
) -> None:
    import hashlib

    based = replace(PUPIL, basis=())
    run_week(con, 1, based)
    review(con, based, "false-positive")
    worded = hashlib.sha256(based.evidence.encode()).hexdigest()
    con.execute("UPDATE audit.reviews SET evidence_sha256 = ?", [worded])  # as decisions were recorded before
    run_week(con, 2, based)
    assert exception(con, PUPIL)["status"] == "false_positive"


def test_a_decision_on_a_reopened_exception_holds_the_next_week(con: duckdb.DuckDBPyConnection) -> None:
    """Each way back to `reopened` (the subject returned, an acceptance expired, a false positive's evidence
    changed) puts the exception before a person again; what they decide then is honoured like any first decision,
    and one nobody decided on stays `reopened`, not `open`."""
    namesake = replace(
        PUPIL, subject_id="1600000000000000009", person_id="P0009", evidence="an adult namesake of P0009"
    )
    changed = replace(namesake, evidence="display name now says Year 6")
    run_week(con, 1, PUPIL, STAFF, namesake)
    review(con, STAFF, "accept", until=WEEK[2] + timedelta(days=3))
    review(con, namesake, "false-positive")
    run_week(con, 2, STAFF, namesake)  # the pupil left
    run_week(con, 3, PUPIL, STAFF, changed)
    assert {exception(con, f)["status"] for f in (PUPIL, STAFF, namesake)} == {"reopened"}
    acknowledged = review(con, PUPIL, "acknowledge")
    accepted = review(con, namesake, "accept", until=WEEK[4] + timedelta(days=60))
    assert (acknowledged.status_before, accepted.status_before) == ("reopened", "reopened")

    counts = run_week(con, 4, PUPIL, STAFF, changed)  # nothing changed on the platforms
    assert counts == {"raised": 0, "seen": 3, "reopened": 0, "resolved": 0, "expired": 0}
    assert [exception(con, f)["status"] for f in (PUPIL, STAFF, namesake)] == [
        "acknowledged",
        "reopened",
        "accepted",
    ]
    assert [events(con, f)[-1] for f in (PUPIL, STAFF, namesake)] == [
        (WEEK[4], "seen", "acknowledged"),
        (WEEK[4], "seen", "reopened"),
        (WEEK[4], "seen", "accepted"),
    ]


def test_reopen_and_the_review_record(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    review(con, PUPIL, "false-positive")
    review(con, PUPIL, "reopen")
    assert exception(con, PUPIL)["status"] == "reopened"
    recorded = history(con, PUPIL.key)
    assert [
        (r["decision"], r["status_before"], r["status_after"], r["reviewer"]) for r in recorded["reviews"]
    ] == [
        ("false-positive", "new", "false_positive", ETL),
        ("reopen", "false_positive", "reopened", ETL),
    ]
    assert [e["event"] for e in recorded["events"]] == ["raised", "reviewed", "reviewed"]
    assert recorded["events"][1]["actor"] == ETL
    assert recorded["events"][1]["note"] == f"false-positive by {ETL}: false-positive because"


@pytest.mark.parametrize(
    ("key", "decision", "note", "until", "message"),
    [
        ("nope", "acknowledge", "n", None, "no exception has the key 'nope'"),
        (PUPIL.key, "accept", "fine", None, "needs an expiry date"),
        (PUPIL.key, "accept", "", WEEK[4], "needs a note"),
        (PUPIL.key, "accept", "fine", WEEK[1], "must be after the audited week"),
        (PUPIL.key, "reopen", "n", None, "cannot reopen an exception that is new"),
        (PUPIL.key, "acknowledge", "n", WEEK[4], "--until applies only to --decision accept"),
        (PUPIL.key, "delete", "n", None, "decision must be one of"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    con: duckdb.DuckDBPyConnection, key: str, decision: str, note: str, until: date | None, message: str
) -> None:
    run_week(con, 1, PUPIL)
    before = snapshot_of_audit(con)
    with pytest.raises(ReviewError, match=message):
        record_review(con, key, decision, note, ETL_AT_THE_TERMINAL, until)
    assert snapshot_of_audit(con) == before
    assert rows(con, "SELECT * FROM audit.reviews") == []


def test_a_resolved_exception_cannot_be_reviewed(con: duckdb.DuckDBPyConnection) -> None:
    run_week(con, 1, PUPIL)
    run_week(con, 2)
    with pytest.raises(ReviewError, match="resolved"):
        review(con, PUPIL, "acknowledge")


def test_review_and_publish_writes_then_refreshes_the_snapshot(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> None:
    run_week(con, 1, PUPIL)
    con.close()
    done = review_and_publish(db_path, PUPIL.key, "acknowledge", "seen it", ETL_AT_THE_TERMINAL)
    assert done.status_after == "acknowledged"
    reader = open_snapshot(db_path)
    try:
        assert reader.execute("SELECT status FROM audit.exceptions").fetchall() == [("acknowledged",)]
        assert reader.execute("SELECT reviewer, source FROM audit.reviews").fetchall() == [(ETL, "cli")]
    finally:
        reader.close()


def test_a_week_run_again_after_decisions_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    """A week audited again (the same --as-of) judges nothing a second time, whatever was decided before it: no
    acceptance expires twice, nothing acknowledged, accepted or marked a false positive moves, no event or review
    is added (the whole flow's re-run of a freshly raised week: tests/e2e/test_sample_school.py)."""
    namesake = replace(
        PUPIL, subject_id="1600000000000000009", person_id="P0009", evidence="an adult namesake of P0009"
    )
    changed = replace(namesake, evidence="display name now says Year 6")

    def again(week: int, *findings: Finding) -> None:
        audit, reviews = snapshot_of_audit(con), rows(con, "SELECT * FROM audit.reviews ORDER BY reviewed_at")
        assert run_week(con, week, *findings) == dict.fromkeys(
            ("raised", "seen", "reopened", "resolved", "expired"), 0
        )
        assert snapshot_of_audit(con) == audit
        assert rows(con, "SELECT * FROM audit.reviews ORDER BY reviewed_at") == reviews

    run_week(con, 1, PUPIL, STAFF, namesake)
    review(con, PUPIL, "acknowledge")
    review(con, STAFF, "accept", until=WEEK[2] + timedelta(days=3))
    review(con, namesake, "false-positive")
    again(1, PUPIL, STAFF, namesake)
    run_week(con, 2, STAFF, namesake)  # the pupil left; the acceptance holds; the false positive stays quiet
    again(2, STAFF, namesake)
    counts = run_week(con, 3, PUPIL, STAFF, changed)  # back, expired, its evidence changed: all three reopen
    assert (counts["expired"], counts["reopened"]) == (1, 3)
    again(3, PUPIL, STAFF, changed)
    review(con, PUPIL, "acknowledge")
    review(con, namesake, "accept", until=WEEK[4] + timedelta(days=60))
    run_week(con, 4, PUPIL, STAFF, changed)
    again(4, PUPIL, STAFF, changed)
    assert [exception(con, f)["status"] for f in (PUPIL, STAFF, namesake)] == [
        "acknowledged",
        "reopened",
        "accepted",
    ]
