"""Review decisions on exceptions (acknowledge, accept, false positive, reopen), each an auditable record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseBusy
from warehouse.lifecycle import ACTIVE, record_event
from warehouse.load import now_utc
from warehouse.people import Actor, second_person_refusal
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry
from warehouse.safeguarding import closing_needs_second_person
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
# Decisions that take an exception off the report: on a critical one (warehouse/safeguarding.py), a second person
# must confirm.
CLOSING = ("accept", "false-positive")
# The longest an acceptance may last unless school.toml [reviews] says otherwise (the run records it).
DEFAULT_MAX_ACCEPT_DAYS = 90
REVIEW_COLUMNS = (
    "review_id, key, decision, status_before, status_after, reviewer, note, accepted_until, evidence_sha256,"
    " as_of, source, reviewed_at, event_id, os_user, seconded_by"
)


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
    os_user: str | None = None
    seconded_by: str | None = None
    # A closing decision on a critical exception, recorded as a proposal: nothing changes until a second person
    # confirms it.
    awaiting_second: bool = False


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


def max_accept_days(con: duckdb.DuckDBPyConnection) -> int:
    """The longest an acceptance may last, as the latest run recorded it from school.toml [reviews]."""
    row = con.execute("SELECT max_accept_days FROM meta.review_policy ORDER BY as_of DESC LIMIT 1").fetchone()
    return int(row[0]) if row else DEFAULT_MAX_ACCEPT_DAYS


def record_policy(con: duckdb.DuckDBPyConnection, max_days: int, as_of: date) -> None:
    """The review policy in force from this run on (inside the run's transaction)."""
    con.execute("DELETE FROM meta.review_policy")
    con.execute("INSERT INTO meta.review_policy VALUES (?, ?)", [max_days, as_of])


def record_review(
    con: duckdb.DuckDBPyConnection,
    key: str,
    decision: str,
    note: str,
    actor: Actor,
    until: date | None = None,
) -> Review:
    """Record one decision by `actor` (warehouse/people.py: the OS user on the command line, the signed-in identity
    in the app): a row in audit.reviews, a `reviewed` event, and the exception's new status. A closing decision on a
    critical exception is a proposal (audit.pending_decisions) until a second person confirms it.

    Runs inside the caller's transaction (see `write_with_retry`)."""
    check_decision(decision, note, actor.name, until)
    if actor.via not in SOURCES:
        raise ReviewError(f"unknown source {actor.via!r}")
    row = con.execute(
        "SELECT status, evidence_sha256, severity FROM audit.exceptions WHERE key = ?", [key]
    ).fetchone()
    if row is None:
        raise ReviewError(f"no exception has the key {key!r} (see `socialaudit exceptions list`)")
    status, evidence_sha256, severity = row
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
    longest = max_accept_days(con)
    if until is not None and until > week + timedelta(days=longest):
        raise ReviewError(
            f"an acceptance may last at most {longest} days after the audited week {week} (until "
            f"{week + timedelta(days=longest)} at the latest; school.toml [reviews] max_accept_days)"
        )
    decided = Review(
        uuid.uuid4().hex,
        key,
        decision,
        status,
        OUTCOME[decision],
        actor.name.strip(),
        note.strip(),
        until,
        week,
        actor.via,
        actor.identity if actor.via == "cli" else None,
    )
    if decision in CLOSING and closing_needs_second_person(severity):
        seconded = _second_person(con, decided, actor, evidence_sha256)
        if seconded is None:
            return _propose(con, decided, evidence_sha256)
        decided = seconded
    _write(con, decided, evidence_sha256)
    return decided


def _second_person(
    con: duckdb.DuckDBPyConnection, decided: Review, second: Actor, evidence_sha256: str
) -> Review | None:
    """The proposal `decided` confirms, as the decision to record (proposer as reviewer, `second` as the second
    person); None when there is none to confirm. Refuses the proposer's own identity, whatever name is typed, and a
    confirmation from the other path (warehouse/people.py)."""
    con.execute(
        "DELETE FROM audit.pending_decisions WHERE key = ? AND evidence_sha256 <> ?",
        [decided.key, evidence_sha256],
    )
    row = con.execute(
        "SELECT decision, proposed_by, proposed_os_user, source, note, accepted_until"
        " FROM audit.pending_decisions WHERE key = ?",
        [decided.key],
    ).fetchone()
    if row is None:
        return None
    proposed, proposed_by, proposed_os_user, proposed_via, proposed_note, proposed_until = row
    # On the command line the accountable identity is the OS user; in the app the signed-in identity (proposed_by).
    proposer = proposed_os_user if proposed_via == "cli" and proposed_os_user else proposed_by
    refusal = second_person_refusal(second, proposer, proposed_via, proposed_by)
    if refusal is not None:
        raise ReviewError(
            f"{proposed} on this critical exception: a second person must confirm it ({refusal})"
        )
    if proposed != decided.decision or (
        decided.accepted_until is not None and decided.accepted_until != proposed_until
    ):
        until = f" until {proposed_until}" if proposed_until else ""
        raise ReviewError(
            f"{proposed_by} proposed {proposed}{until}: confirm exactly that, or record another decision first"
        )
    return Review(
        decided.review_id,
        decided.key,
        decided.decision,
        decided.status_before,
        decided.status_after,
        proposed_by,
        f"{proposed_note} (confirmed by {second.label}: {decided.note})",
        proposed_until,
        decided.as_of,
        decided.source,
        decided.os_user,
        seconded_by=second.label,
    )


def _propose(con: duckdb.DuckDBPyConnection, proposal: Review, evidence_sha256: str) -> Review:
    con.execute("DELETE FROM audit.pending_decisions WHERE key = ?", [proposal.key])
    con.execute(
        "INSERT INTO audit.pending_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            proposal.key,
            proposal.decision,
            proposal.reviewer,
            proposal.os_user,
            proposal.note,
            proposal.accepted_until,
            evidence_sha256,
            proposal.as_of,
            proposal.source,
            now_utc(),
        ],
    )
    until = f" until {proposal.accepted_until.isoformat()}" if proposal.accepted_until else ""
    record_event(
        con,
        proposal.key,
        proposal.as_of,
        "proposed",
        proposal.status_before,
        actor=proposal.reviewer,
        note=f"{proposal.decision}{until} proposed by {proposal.reviewer}: {proposal.note} (needs a second person)",
    )
    return Review(
        proposal.review_id,
        proposal.key,
        proposal.decision,
        proposal.status_before,
        proposal.status_before,
        proposal.reviewer,
        proposal.note,
        proposal.accepted_until,
        proposal.as_of,
        proposal.source,
        proposal.os_user,
        awaiting_second=True,
    )


def _write(con: duckdb.DuckDBPyConnection, review: Review, evidence_sha256: str) -> None:
    summary = f"{review.decision} by {review.reviewer}"
    if review.seconded_by:
        summary += f", confirmed by {review.seconded_by}"
    summary += f": {review.note}"
    if review.accepted_until is not None:
        summary += f" (until {review.accepted_until.isoformat()})"
    event_id = record_event(
        con, review.key, review.as_of, "reviewed", review.status_after, actor=review.reviewer, note=summary
    )
    con.execute(
        f"INSERT INTO audit.reviews ({REVIEW_COLUMNS}) VALUES ({', '.join('?' * 15)})",
        [
            review.review_id,
            review.key,
            review.decision,
            review.status_before,
            review.status_after,
            review.reviewer,
            review.note,
            review.accepted_until,
            evidence_sha256,
            review.as_of,
            review.source,
            now_utc(),
            event_id,
            review.os_user,
            review.seconded_by,
        ],
    )
    con.execute("DELETE FROM audit.pending_decisions WHERE key = ?", [review.key])
    con.execute(
        "UPDATE audit.exceptions SET status = ?, updated_at = ? WHERE key = ?",
        [review.status_after, now_utc(), review.key],
    )


def pending_decision(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any] | None:
    """The proposal waiting for a second person on this exception, if any."""
    rows = _dicts(
        con,
        "SELECT decision, proposed_by, note, accepted_until, as_of, proposed_at FROM audit.pending_decisions"
        " WHERE key = ?",
        [key],
    )
    return rows[0] if rows else None


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
    actor: Actor,
    until: date | None = None,
    timeout_seconds: float = 120.0,
    access: AccessEntry | None = None,
) -> Review:
    """One short write transaction (retried while the weekly run writes), then a fresh read-only snapshot.

    `access`: who decided, from where, for the access log; recorded in the same transaction as the decision
    (action `decide`, or `proposal` when it waits for a second person)."""
    check_decision(decision, note, actor.name, until)
    if not db_path.exists():
        raise ReviewError(f"{db_path} does not exist")

    def work(con: duckdb.DuckDBPyConnection) -> Review:
        review = record_review(con, key, decision, note, actor, until)
        if access is not None:
            what = decision + (f" until {until.isoformat()}" if until else "")
            action = "proposal" if review.awaiting_second else "decide"
            access_log.keep(con, db_path, [replace(access, action=action, object=key, detail=what)])
        return review

    review = write_with_retry(db_path, work, timeout_seconds=timeout_seconds)
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
            " reviewed_at, os_user, seconded_by FROM audit.reviews WHERE key = ? ORDER BY reviewed_at",
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
