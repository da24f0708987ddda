"""What storing a week reports: a full disk by name, and a re-run's summary that never falls back to zeros."""

from __future__ import annotations

import errno
import json
from datetime import date, datetime

import duckdb

from warehouse.load import record_run
from warehouse.week import findings_frame, io_cause

AS_OF = date(2026, 11, 16)


def test_io_errors_name_their_cause() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/srv/out/report.html")
        except OSError as full:
            raise RuntimeError(
                "TransactionContext Error: cannot rollback - no transaction is active"
            ) from full
    except RuntimeError as reported:
        assert io_cause(reported) == "the disk is full (/srv/out/report.html)"
    assert io_cause(ValueError("plain  failure")) == "plain failure"


def test_a_rerun_of_a_week_adds_its_counts_and_never_overwrites_them_with_zeros(
    con: duckdb.DuckDBPyConnection,
) -> None:
    started = datetime(2026, 11, 16, 6)
    first = record_run(con, AS_OF, "r1", "sandbox", "Tiny", started, {"raised": 5, "resolved": 2, "seen": 0})
    assert first["raised"] == 5
    again = record_run(con, AS_OF, "r2", "sandbox", "Tiny", started, {"raised": 0, "resolved": 0, "seen": 0})
    assert (again["raised"], again["resolved"]) == (5, 2)
    assert again["this_attempt"] == {"raised": 0, "resolved": 0, "seen": 0}
    stored = con.execute("SELECT attempts, summary FROM audit.runs WHERE as_of = ?", [AS_OF]).fetchone()
    assert stored is not None and stored[0] == 2 and json.loads(stored[1])["raised"] == 5


def test_a_field_only_late_findings_fill_is_typed_by_them() -> None:
    # Two hundred identity findings, then an image finding counting faces: typed as a number, not refused.
    rows = [{"rule": "pupil-follower", "faces_shown": None} for _ in range(200)]
    frame = findings_frame([*rows, {"rule": "unapproved-media", "faces_shown": 0}])
    assert frame.height == 201 and frame["faces_shown"].dtype.is_integer()
