"""An account read as several people (a shared account naming two pupils) is stored as each of them."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse import load

WEEK = date(2026, 11, 16)


def _row(subject: str, person: str | None, confidence: float) -> dict[str, object]:
    return {
        "as_of": WEEK,
        "platform": "x",
        "account_id": "100",
        "relation": "follower",
        "subject_id": subject,
        "person_kind": "pupil" if person else "unknown",
        "person_id": person,
        "confidence": confidence,
        "evidence": "made up",
    }


def test_a_shared_account_is_stored_once_per_person_and_a_rerun_replaces_the_week(con) -> None:
    frame = pl.DataFrame([_row("7", "P0001", 0.95), _row("7", "P0002", 0.93), _row("8", None, 0.0)])
    for _ in range(2):
        load.upsert_frame(con, "audit.identities", load.numbered_per_person(frame), WEEK)
    stored = con.execute(
        "SELECT subject_id, person_id, person_order FROM audit.identities ORDER BY subject_id, person_order"
    ).fetchall()
    assert stored == [("7", "P0001", 0), ("7", "P0002", 1), ("8", None, 0)]
