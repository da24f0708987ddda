"""Exception lifecycle across weekly runs: new -> open -> resolved -> reopened, with append-only events."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from checks.findings import Finding
from tests.builders.raw_pages import WEEK
from tests.builders.warehouse import count, rows
from warehouse.lifecycle import apply_findings

PUPIL = Finding(
    rule="pupil-follower",
    severity="high",
    platform="x",
    account="TinyLanePrimary",
    subject_kind="follower",
    subject_id="1600000000000000002",
    subject_label="alfie_p_y6",
    subject_url="https://x.com/alfie_p_y6",
    person_kind="pupil",
    person_id="P0001",
    confidence=0.97,
    evidence="handle x:@alfie_p_y6 declared for P0001",
)
STAFF = Finding(
    rule="staff-personal-follower",
    severity="medium",
    platform="x",
    account="TinyLanePrimary",
    subject_kind="follower",
    subject_id="1600000000000000004",
    subject_label="mr_jones_teach",
    subject_url=None,
    person_kind="staff",
    person_id="S001",
    confidence=0.9,
    evidence="handle x:@mr_jones_teach declared for S001",
)


def apply(con: duckdb.DuckDBPyConnection, week: int, *findings: Finding) -> dict[str, int]:
    return apply_findings(con, WEEK[week], [f.as_row(WEEK[week]) for f in findings])


def exception(con: duckdb.DuckDBPyConnection, finding: Finding) -> dict[str, Any]:
    (row,) = rows(con, "SELECT * FROM audit.exceptions WHERE key = ?", [finding.key])
    return row


def events(con: duckdb.DuckDBPyConnection, finding: Finding) -> list[tuple[date, str, str]]:
    return [
        (r["as_of"], r["event"], r["status"])
        for r in rows(
            con,
            "SELECT * FROM audit.exception_events WHERE key = ? ORDER BY as_of, occurred_at",
            [finding.key],
        )
    ]


def snapshot_of_audit(con: duckdb.DuckDBPyConnection) -> tuple[list[Any], list[Any]]:
    exceptions = con.execute("SELECT * EXCLUDE (updated_at) FROM audit.exceptions ORDER BY key").fetchall()
    history = con.execute("SELECT * FROM audit.exception_events ORDER BY event_id").fetchall()
    return exceptions, history


def test_new_open_resolved_reopened(con: duckdb.DuckDBPyConnection) -> None:
    assert apply(con, 1, PUPIL) == {"raised": 1, "seen": 0, "reopened": 0, "resolved": 0, "expired": 0}
    week1 = exception(con, PUPIL)
    assert (week1["status"], week1["first_seen"], week1["last_seen"], week1["resolved_on"]) == (
        "new",
        WEEK[1],
        WEEK[1],
        None,
    )
    assert (week1["rule"], week1["person_id"], week1["subject_id"]) == (
        "pupil-follower",
        "P0001",
        "1600000000000000002",
    )
    assert week1["key"] == f"pupil-follower:x:TinyLanePrimary:follower:{PUPIL.subject_id}"

    assert apply(con, 2, PUPIL)["seen"] == 1
    week2 = exception(con, PUPIL)
    assert (week2["status"], week2["first_seen"], week2["last_seen"]) == ("open", WEEK[1], WEEK[2])

    assert apply(con, 3)["resolved"] == 1  # the pupil no longer follows
    week3 = exception(con, PUPIL)
    assert (week3["status"], week3["resolved_on"], week3["last_seen"]) == ("resolved", WEEK[3], WEEK[2])

    assert apply(con, 4, PUPIL)["reopened"] == 1  # and follows again
    week4 = exception(con, PUPIL)
    assert (week4["status"], week4["resolved_on"], week4["first_seen"], week4["last_seen"]) == (
        "reopened",
        None,
        WEEK[1],
        WEEK[4],
    )
    assert events(con, PUPIL) == [
        (WEEK[1], "raised", "new"),
        (WEEK[2], "seen", "open"),
        (WEEK[3], "resolved", "resolved"),
        (WEEK[4], "reopened", "reopened"),
    ]
    assert count(con, "SELECT * FROM audit.exceptions") == 1
    assert rows(con, "SELECT actor, note FROM audit.exception_events WHERE event = 'resolved'") == [
        {"actor": "weekly-run", "note": "no longer found by the weekly run"}
    ]


def test_a_later_finding_updates_the_evidence(con: duckdb.DuckDBPyConnection) -> None:
    apply(con, 1, PUPIL)
    stronger = Finding(
        **{**PUPIL.__dict__, "severity": "critical", "evidence": "new evidence", "confidence": 0.99}
    )
    apply(con, 2, stronger)
    row = exception(con, PUPIL)
    assert (row["severity"], row["evidence"], row["confidence"]) == ("critical", "new evidence", 0.99)
    assert row["evidence_sha256"] == stronger.fingerprint


def test_reapplying_a_week_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    weeks: list[tuple[int, tuple[Finding, ...]]] = [
        (1, (PUPIL, STAFF)),
        (2, (PUPIL,)),
        (3, ()),
        (4, (PUPIL,)),
    ]
    for week, findings in weeks:
        apply(con, week, *findings)
        before = snapshot_of_audit(con)
        assert apply(con, week, *findings) == {
            "raised": 0,
            "seen": 0,
            "reopened": 0,
            "resolved": 0,
            "expired": 0,
        }
        assert snapshot_of_audit(con) == before
    assert count(con, "SELECT * FROM audit.exception_events") == 6


def test_an_older_weeks_run_does_not_resolve_what_a_later_week_saw(con: duckdb.DuckDBPyConnection) -> None:
    apply(con, 1, PUPIL)
    apply(con, 3, PUPIL, STAFF)
    before = snapshot_of_audit(con)
    # Week 2 is run again late (e.g. `--as-of` for a missed week) and finds neither.
    assert apply(con, 2)["resolved"] == 0
    assert snapshot_of_audit(con) == before
    assert exception(con, PUPIL)["status"] == "open" and exception(con, STAFF)["status"] == "new"


def test_an_older_weeks_run_does_not_reopen_what_a_later_week_resolved(
    con: duckdb.DuckDBPyConnection,
) -> None:
    apply(con, 1, PUPIL)
    apply(con, 3)  # resolved in week 3
    before = snapshot_of_audit(con)
    assert apply(con, 2, PUPIL) == {"raised": 0, "seen": 0, "reopened": 0, "resolved": 0, "expired": 0}
    assert snapshot_of_audit(con) == before
    assert exception(con, PUPIL)["status"] == "resolved"
