"""An exception is never "resolved: subject gone" because the register, not the platform, changed."""

from __future__ import annotations

import dataclasses

import duckdb

from tests.builders.raw_pages import WEEK, snapshot, x_user
from tests.builders.warehouse import rows
from tests.warehouse.test_lifecycle import PUPIL
from warehouse.lifecycle import apply_findings
from warehouse.load import store_snapshot

ACCOUNT = "1580000000000000001"
FINDING = dataclasses.replace(PUPIL, account_id=ACCOUNT)


def follower_still_there(con: duckdb.DuckDBPyConnection, week: int, present: bool = True) -> None:
    users = (
        [x_user(FINDING.subject_id, "alfie_p_y6", "Alfie P")] if present else [x_user("99", "someone", "S")]
    )
    store_snapshot(con, snapshot("x", ACCOUNT, "followers", [{"data": users}]), WEEK[week], f"run{week}")


def status_and_notes(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str]]:
    (row,) = rows(con, "SELECT status FROM audit.exceptions WHERE key = ?", [FINDING.key])
    notes = [
        r["note"] or ""
        for r in rows(con, "SELECT note FROM audit.exception_events WHERE key = ?", [FINDING.key])
    ]
    return row["status"], notes


def test_a_pupil_gone_from_the_register_while_still_following_keeps_the_exception_open(
    con: duckdb.DuckDBPyConnection,
) -> None:
    follower_still_there(con, 1)
    apply_findings(con, WEEK[1], [FINDING.as_row(WEEK[1])], {"P0001"})
    follower_still_there(con, 2)
    counts = apply_findings(con, WEEK[2], [], register_ids={"P0002"})
    status, notes = status_and_notes(con)
    assert status == "new" and counts["resolved"] == 0 and counts["kept"] == 1
    assert any("P0001 is no longer in the registers" in note for note in notes)


def test_the_subject_leaving_the_platform_still_resolves_it(con: duckdb.DuckDBPyConnection) -> None:
    follower_still_there(con, 1)
    apply_findings(con, WEEK[1], [FINDING.as_row(WEEK[1])], {"P0001"})
    follower_still_there(con, 2, present=False)
    counts = apply_findings(con, WEEK[2], [], register_ids={"P0002"})
    assert status_and_notes(con)[0] == "resolved" and counts["resolved"] == 1


def test_a_pupil_still_in_the_register_resolves_as_before(con: duckdb.DuckDBPyConnection) -> None:
    follower_still_there(con, 1)
    apply_findings(con, WEEK[1], [FINDING.as_row(WEEK[1])], {"P0001"})
    follower_still_there(con, 2)
    apply_findings(con, WEEK[2], [], register_ids={"P0001"})
    assert status_and_notes(con)[0] == "resolved"
