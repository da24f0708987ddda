"""Review decisions on exceptions (acknowledge, accept, false positive, reopen), each an auditable record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseBusy
from warehouse.lifecycle import ACTIVE, record_event
from warehouse.load import now_utc
from warehouse.snapshot import publish_snapshot, write_with_retry

DECISIONS = ("acknowledge", "accept", "false-positive", "reopen")
# Which status each decision leads to, and the statuses it may be taken from.
OUTCOME = {
    "acknowledge": "acknowledged",
    "accept": "accepted",
    "false-positive": "false_positive",
    "reopen": "reopened",
}
ALLOWED_FROM = {
    "acknowledge": ("new", "open", "reopened", "accepted", "false_positive"),
    "accept": (*ACTIVE, "false_positive"),
    "false-positive": (*ACTIVE, "accepted"),
    "reopen": ("acknowledged", "accepted", "false_positive"),
}
SOURCES = ("cli", "review-app")
MAX_NOTE = 2000


class ReviewError(Exception):
    """A decision that cannot be recorded; the message says why in one line."""


@dataclass(frozen=True)
class Review:
    review_id: str
    key: str
    decision: str
    status_before: str
    status_after: str
    reviewer: str
    note: str
    accepted_until: date | None
    as_of: date
    source: str


def check_decision(decision: str, note: str, reviewer: str, until: date | None) -> None:
    """Everything that can be checked without the warehouse (the CLI and the app say it before writing)."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if not reviewer.strip():
        raise ReviewError("say who decided (--by NAME)")
    if not note.strip():
        raise ReviewError("a decision needs a note saying why (--note)")
    if len(note) > MAX_NOTE:
        raise ReviewError(f"the note is longer than {MAX_NOTE} characters")
    if decision == "accept" and until is None:
        raise ReviewError(
            "accepting an exception needs an expiry date (--until YYYY-MM-DD) and a reason (--note)"
        )
    if decision != "accept" and until is not None:
        raise ReviewError("--until applies only to --decision accept")


def latest_week(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute("SELECT max(as_of) FROM audit.runs").fetchone()
    return row[0] if row else None


def record_review(
    con: duckdb.DuckDBPyConnection,
    key: str,
    decision: str,
    note: str,
    reviewer: str,
    until: date | None = None,
    source: str = "cli",
) -> Review:
    """Record one decision: a row in audit.reviews, a `reviewed` event, and the exception's new status.

    Runs inside the caller's transaction (see `write_with_retry`)."""
    check_decision(decision, note, reviewer, until)
    if source not in SOURCES:
        raise ReviewError(f"unknown source {source!r}")
    row = con.execute("SELECT status, evidence_sha256 FROM audit.exceptions WHERE key = ?", [key]).fetchone()
    if row is None:
        raise ReviewError(f"no exception has the key {key!r} (see `socialaudit exceptions list`)")
    status, evidence_sha256 = row
    if status not in ALLOWED_FROM[decision]:
        if status == "resolved":
            raise ReviewError(
                f"{key} is resolved (its subject is gone); the weekly run reopens it if it returns"
            )
        raise ReviewError(f"cannot {decision} an exception that is {status}")
    week = latest_week(con)
    if week is None:
        raise ReviewError("no weekly run is recorded in this warehouse")
    if until is not None and until <= week:
        raise ReviewError(f"--until {until} must be after the audited week {week}")
    status_after = OUTCOME[decision]
    summary = f"{decision} by {reviewer.strip()}: {note.strip()}"
    if until is not None:
        summary += f" (until {until.isoformat()})"
    event_id = record_event(con, key, week, "reviewed", status_after, actor=reviewer.strip(), note=summary)
    review = Review(
        uuid.uuid4().hex,
        key,
        decision,
        status,
        status_after,
        reviewer.strip(),
        note.strip(),
        until,
        week,
        source,
    )
    con.execute(
        "INSERT INTO audit.reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            review.review_id,
            key,
            decision,
            status,
            status_after,
            review.reviewer,
            review.note,
            until,
            evidence_sha256,
            week,
            source,
            now_utc(),
            event_id,
        ],
    )
    con.execute(
        "UPDATE audit.exceptions SET status = ?, updated_at = ? WHERE key = ?", [status_after, now_utc(), key]
    )
    return review


def republish_snapshot(db_path: Path, timeout_seconds: float = 120.0) -> Path | None:
    """Publish the read-only copy again, waiting while another process holds the lock. None when it is held
    longer: the decision is committed already, and the holder (the weekly run) publishes a copy with it."""
    try:
        return publish_snapshot(db_path, timeout_seconds)
    except WarehouseBusy:
        return None


def review_and_publish(
    db_path: Path,
    key: str,
    decision: str,
    note: str,
    reviewer: str,
    until: date | None = None,
    source: str = "cli",
    timeout_seconds: float = 120.0,
) -> Review:
    """One short write transaction (retried while the weekly run writes), then a fresh read-only snapshot."""
    check_decision(decision, note, reviewer, until)
    if not db_path.exists():
        raise ReviewError(f"{db_path} does not exist")
    review = write_with_retry(
        db_path,
        lambda con: record_review(con, key, decision, note, reviewer, until, source),
        timeout_seconds=timeout_seconds,
    )
    republish_snapshot(db_path, timeout_seconds)
    return review


def history(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, list[dict[str, Any]]]:
    """The exception's events and review decisions, oldest first."""
    return {
        "events": _dicts(
            con,
            "SELECT as_of, event, status, actor, note, occurred_at FROM audit.exception_events"
            " WHERE key = ? ORDER BY as_of, occurred_at",
            [key],
        ),
        "reviews": _dicts(
            con,
            "SELECT decision, status_before, status_after, reviewer, note, accepted_until, as_of, source,"
            " reviewed_at FROM audit.reviews WHERE key = ? ORDER BY reviewed_at",
            [key],
        ),
    }


def histories(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Events of many exceptions at once, by key (the report shows each one's decision history)."""
    found: dict[str, list[dict[str, Any]]] = {key: [] for key in keys}
    if not keys:
        return found
    for row in _dicts(
        con,
        "SELECT key, as_of, event, status, actor, note, occurred_at FROM audit.exception_events"
        " WHERE key IN (SELECT unnest(?::VARCHAR[])) ORDER BY as_of, occurred_at",
        [list(keys)],
    ):
        found[row.pop("key")].append(row)
    return found


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
