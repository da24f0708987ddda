"""Exception lifecycle: each week's findings move exceptions between statuses, honouring review decisions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import duckdb

from warehouse.load import now_utc

# Statuses that need a person's attention (listed in exceptions.json).
ACTIVE = ("new", "open", "acknowledged", "reopened")
# Statuses a review decided: the weekly run keeps them unless the decision no longer holds.
DECIDED = ("accepted", "false_positive")
STATUSES = (*ACTIVE, *DECIDED, "resolved")
EVENTS = ("raised", "seen", "reviewed", "resolved", "reopened", "expired")
WEEKLY_RUN = "weekly-run"
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
LATEST_DECISIONS = """
    SELECT key, decision, accepted_until, evidence_sha256
    FROM audit.reviews
    QUALIFY row_number() OVER (PARTITION BY key ORDER BY reviewed_at DESC, review_id DESC) = 1
"""


def record_event(
    con: duckdb.DuckDBPyConnection,
    key: str,
    as_of: date,
    event: str,
    status: str,
    actor: str = WEEKLY_RUN,
    note: str = "",
) -> str:
    """Append one event to the exception's history; returns its id."""
    event_id = uuid.uuid4().hex
    con.execute(
        "INSERT INTO audit.exception_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [event_id, key, as_of, event, status, actor, note or None, now_utc()],
    )
    return event_id


def latest_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The most recent review decision per exception key (what the weekly run must honour)."""
    return {
        row[0]: {"decision": row[1], "accepted_until": row[2], "evidence_sha256": row[3]}
        for row in con.execute(LATEST_DECISIONS).fetchall()
    }


def _update(
    con: duckdb.DuckDBPyConnection, key: str, status: str, finding: dict[str, Any], last_seen: date
) -> None:
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
            last_seen,
            now_utc(),
            key,
        ],
    )


def _resolve(con: duckdb.DuckDBPyConnection, key: str, as_of: date) -> None:
    con.execute(
        "UPDATE audit.exceptions SET status = 'resolved', resolved_on = ?, updated_at = ? WHERE key = ?",
        [as_of, now_utc(), key],
    )
    record_event(con, key, as_of, "resolved", "resolved", note="no longer found by the weekly run")


def _expired(decision: dict[str, Any] | None, as_of: date) -> bool:
    """An acceptance holds up to and including its last day; a run for a later week finds it expired."""
    until = (decision or {}).get("accepted_until")
    return until is None or until < as_of


def apply_findings(
    con: duckdb.DuckDBPyConnection, as_of: date, findings: list[dict[str, Any]]
) -> dict[str, int]:
    """Merge one week's findings into audit.exceptions; re-applying the same week changes nothing.

    new -> open when seen again; open/acknowledged/reopened -> resolved when their subject is gone;
    resolved -> reopened when it comes back; accepted stays quiet until its expiry (then `expired`, and
    reopened if still there, resolved if gone); false_positive stays quiet unless its evidence changes.
    """
    existing = {
        row[0]: {"status": row[1], "first_seen": row[2], "last_seen": row[3], "resolved_on": row[4]}
        for row in con.execute(
            "SELECT key, status, first_seen, last_seen, resolved_on FROM audit.exceptions"
        ).fetchall()
    }
    decisions = latest_decisions(con)
    counts = {"raised": 0, "seen": 0, "reopened": 0, "resolved": 0, "expired": 0}
    found_keys = set()
    for finding in findings:
        key = finding["key"]
        found_keys.add(key)
        previous = existing.get(key)
        if previous is None:
            values = [finding[f] for f in FINDING_FIELDS]
            con.execute(
                "INSERT INTO audit.exceptions VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                [key, finding["rule"], finding["severity"], *values[2:], as_of, as_of, now_utc()],
            )
            record_event(con, key, as_of, "raised", "new")
            counts["raised"] += 1
            continue
        status = previous["status"]
        if previous["last_seen"] >= as_of and status != "resolved":
            # The same week again (or an older one): nothing has happened since.
            continue
        if status == "resolved" and previous["resolved_on"] is not None and previous["resolved_on"] > as_of:
            # Resolved by a later week's run: an older week's findings cannot reopen it.
            continue
        last_seen = max(as_of, previous["last_seen"])
        decision = decisions.get(key)
        if status == "accepted" and _expired(decision, as_of):
            until = (decision or {}).get("accepted_until")
            record_event(con, key, as_of, "expired", "reopened", note=f"acceptance ran until {until}")
            _update(con, key, "reopened", finding, last_seen)
            record_event(
                con, key, as_of, "reopened", "reopened", note="still found after the acceptance expired"
            )
            counts["expired"] += 1
            counts["reopened"] += 1
            continue
        if (
            status == "false_positive"
            and decision
            and decision["evidence_sha256"] != finding["evidence_sha256"]
        ):
            _update(con, key, "reopened", finding, last_seen)
            record_event(
                con,
                key,
                as_of,
                "reopened",
                "reopened",
                note="the evidence changed since it was marked a false positive",
            )
            counts["reopened"] += 1
            continue
        event = "seen"
        if status == "resolved":
            status, event = "reopened", "reopened"
        elif status == "new":
            status = "open"
        _update(con, key, status, finding, last_seen)
        record_event(con, key, as_of, event, status)
        counts[event] += 1
    for key, previous in existing.items():
        if key in found_keys or previous["last_seen"] > as_of:
            continue
        status = previous["status"]
        if status in ACTIVE:
            _resolve(con, key, as_of)
            counts["resolved"] += 1
        elif status == "accepted" and _expired(decisions.get(key), as_of):
            until = (decisions.get(key) or {}).get("accepted_until")
            record_event(con, key, as_of, "expired", "resolved", note=f"acceptance ran until {until}")
            _resolve(con, key, as_of)
            counts["expired"] += 1
            counts["resolved"] += 1
        # A false positive whose subject is gone stays a false positive: if it returns unchanged it stays quiet.
    return counts
