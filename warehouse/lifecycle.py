"""Exception lifecycle: this week's findings become new, open, resolved or reopened exceptions, with events."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import duckdb

from warehouse.load import now_utc

ACTIVE = ("new", "open", "acknowledged", "reopened")
FINDING_FIELDS = (
    "rule",
    "severity",
    "platform",
    "account",
    "subject_kind",
    "subject_id",
    "subject_label",
    "subject_url",
    "person_kind",
    "person_id",
    "confidence",
    "evidence",
    "evidence_sha256",
)


def _event(
    con: duckdb.DuckDBPyConnection, key: str, as_of: date, event: str, status: str, note: str = ""
) -> None:
    con.execute(
        "INSERT INTO audit.exception_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [uuid.uuid4().hex, key, as_of, event, status, "weekly-run", note or None, now_utc()],
    )


def apply_findings(
    con: duckdb.DuckDBPyConnection, as_of: date, findings: list[dict[str, Any]]
) -> dict[str, int]:
    """Merge one week's findings into audit.exceptions; re-applying the same week changes nothing."""
    existing = {
        row[0]: {"status": row[1], "first_seen": row[2], "last_seen": row[3], "resolved_on": row[4]}
        for row in con.execute(
            "SELECT key, status, first_seen, last_seen, resolved_on FROM audit.exceptions"
        ).fetchall()
    }
    counts = {"raised": 0, "seen": 0, "reopened": 0, "resolved": 0}
    found_keys = set()
    for finding in findings:
        key = finding["key"]
        found_keys.add(key)
        values = [finding[f] for f in FINDING_FIELDS]
        previous = existing.get(key)
        if previous is None:
            con.execute(
                "INSERT INTO audit.exceptions VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                [key, finding["rule"], finding["severity"], *values[2:], as_of, as_of, now_utc()],
            )
            _event(con, key, as_of, "raised", "new")
            counts["raised"] += 1
            continue
        status = previous["status"]
        if previous["last_seen"] >= as_of and status != "resolved":
            # The same week again (or an older one): nothing has happened since.
            continue
        if status == "resolved" and previous["resolved_on"] is not None and previous["resolved_on"] > as_of:
            # Resolved by a later week's run: an older week's findings cannot reopen it.
            continue
        event = "seen"
        if status == "resolved":
            status, event = "reopened", "reopened"
        elif status == "new":
            status = "open"
        con.execute(
            "UPDATE audit.exceptions SET status = ?, severity = ?, subject_label = ?, subject_url = ?,"
            " person_kind = ?, person_id = ?, confidence = ?, evidence = ?, evidence_sha256 = ?,"
            " last_seen = ?, resolved_on = NULL, updated_at = ? WHERE key = ?",
            [
                status,
                finding["severity"],
                finding["subject_label"],
                finding["subject_url"],
                finding["person_kind"],
                finding["person_id"],
                finding["confidence"],
                finding["evidence"],
                finding["evidence_sha256"],
                max(as_of, previous["last_seen"]),
                now_utc(),
                key,
            ],
        )
        _event(con, key, as_of, event, status)
        counts[event] += 1
    for key, previous in existing.items():
        if key in found_keys or previous["status"] not in ACTIVE:
            continue
        if previous["last_seen"] > as_of:
            continue
        con.execute(
            "UPDATE audit.exceptions SET status = 'resolved', resolved_on = ?, updated_at = ? WHERE key = ?",
            [as_of, now_utc(), key],
        )
        _event(con, key, as_of, "resolved", "resolved", "no longer found by the weekly run")
        counts["resolved"] += 1
    return counts
