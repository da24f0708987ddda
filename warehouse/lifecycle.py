"""Exception lifecycle: each week's findings move exceptions between statuses, honouring review decisions."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from warehouse.load import now_utc
from warehouse.remediation import proof as remediation_proof
from warehouse.stream_status import BlindSpot

# Statuses that need a person's attention (listed in exceptions.json).
ACTIVE = ("new", "open", "acknowledged", "reopened")
# Statuses a review decided: the weekly run keeps them unless the decision no longer holds.
DECIDED = ("accepted", "false_positive")
STATUSES = (*ACTIVE, *DECIDED, "resolved")
# `unseen`: a sampled subject (a YouTube subscriber) out of the sample too long; a person should look.
# `remediated`: an action on the platforms stands (warehouse/remediation/ledger.py); the next week's run judges it.
EVENTS = ("raised", "seen", "reviewed", "resolved", "reopened", "expired", "unseen", "remediated")
WEEKLY_RUN = "weekly-run"
# What an exception shows, in exceptions.json's order (dashboards write exactly these); a finding carries the
# same minus the lifecycle's own fields, plus the hash its evidence is judged by.
EXCEPTION_FIELDS = (
    "key",
    "rule",
    "severity",
    "status",
    "platform",
    "account",
    "account_id",
    "subject_kind",
    "subject_id",
    "subject_label",
    "subject_url",
    "person_kind",
    "person_id",
    "confidence",
    "evidence",
    "first_seen",
    "last_seen",
)
LIFECYCLE_FIELDS = ("key", "status", "first_seen", "last_seen")
# faces_shown: how many faces the images it is about show (unapproved-media), which orders the lists; not an output field.
FINDING_FIELDS = (
    *(f for f in EXCEPTION_FIELDS if f not in LIFECYCLE_FIELDS),
    "evidence_sha256",
    "faces_shown",
)
LATEST_DECISIONS = (
    "SELECT key, decision, accepted_until, evidence_sha256 FROM staging.stg_audit__latest_reviews"
)


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
    con.execute(EVENT_INSERT, [event_id, key, as_of, event, status, actor, note or None, now_utc()])
    return event_id


def latest_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The most recent review decision per exception key (what the weekly run must honour)."""
    return {
        row[0]: {"decision": row[1], "accepted_until": row[2], "evidence_sha256": row[3]}
        for row in con.execute(LATEST_DECISIONS).fetchall()
    }


EXCEPTION_INSERT_COLUMNS = ("key", "status", *FINDING_FIELDS, "first_seen", "last_seen", "updated_at")
EXCEPTION_INSERT = (
    f"INSERT INTO audit.exceptions ({', '.join(EXCEPTION_INSERT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(EXCEPTION_INSERT_COLUMNS))})"
)
EXCEPTION_UPDATE = (
    "UPDATE audit.exceptions SET status = ?, severity = ?, account = ?, subject_label = ?, subject_url = ?,"
    " person_kind = ?, person_id = ?, confidence = ?, evidence = ?, evidence_sha256 = ?, faces_shown = ?,"
    " last_seen = ?, resolved_on = NULL, resolved_reason = NULL, updated_at = ? WHERE key = ?"
)
EXCEPTION_RESOLVE = (
    "UPDATE audit.exceptions SET status = 'resolved', resolved_on = ?, resolved_reason = ?, updated_at = ?"
    " WHERE key = ?"
)
EXCEPTION_KEEP_OPEN = "UPDATE audit.exceptions SET last_seen = ?, updated_at = ? WHERE key = ?"
EVENT_INSERT = "INSERT INTO audit.exception_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


class WeekWrites:
    """What one week's findings change in audit.exceptions and its history, gathered as each is judged and written
    once all are, each kind of statement run over all its rows at once: one statement a finding took ~1.5 ms, a
    fifth of a second for a small school's 150 findings. Nothing judged reads these tables after it is read at the
    start, and each exception is written at most once a week, so the order of the writes changes nothing; its
    events keep the order they were judged in (`occurred_at` strictly increasing)."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.statements: dict[str, list[list[Any]]] = {
            EXCEPTION_INSERT: [],
            EXCEPTION_UPDATE: [],
            EXCEPTION_RESOLVE: [],
            EXCEPTION_KEEP_OPEN: [],
            EVENT_INSERT: [],
        }
        self._last_event_at: datetime | None = None

    def raise_new(self, key: str, finding: dict[str, Any]) -> None:
        as_of = self.as_of
        self.statements[EXCEPTION_INSERT].append(
            [key, "new", *(finding.get(f) for f in FINDING_FIELDS), as_of, as_of, now_utc()]
        )
        self.event(key, "raised", "new")

    def update(self, key: str, status: str, finding: dict[str, Any], last_seen: date) -> None:
        self.statements[EXCEPTION_UPDATE].append(
            [
                status,
                finding["severity"],
                finding["account"],
                finding["subject_label"],
                finding["subject_url"],
                finding["person_kind"],
                finding["person_id"],
                finding["confidence"],
                finding["evidence"],
                finding["evidence_sha256"],
                finding.get("faces_shown"),
                last_seen,
                now_utc(),
                key,
            ]
        )

    def resolve(self, key: str, reason: str = "gone", note: str | None = None) -> None:
        self.statements[EXCEPTION_RESOLVE].append([self.as_of, reason, now_utc(), key])
        self.event(key, "resolved", "resolved", note=note or RESOLVED_NOTES[reason])

    def keep_open(self, key: str, status: str, person_id: str) -> None:
        # The platform still shows the subject; only the register changed. A person decides, not the run.
        self.statements[EXCEPTION_KEEP_OPEN].append([self.as_of, now_utc(), key])
        self.event(
            key,
            "seen",
            status,
            note=f"kept open: {person_id} is no longer in the registers but the subject is still on the platform; "
            "a person decides (acknowledge, accept or false-positive)",
        )

    def event(self, key: str, event: str, status: str, note: str = "") -> None:
        """One event of the exception's history (as `record_event` writes it), the weekly run its actor."""
        at = now_utc()
        if self._last_event_at is not None and at <= self._last_event_at:
            at = self._last_event_at + timedelta(microseconds=1)
        self._last_event_at = at
        self.statements[EVENT_INSERT].append(
            [uuid.uuid4().hex, key, self.as_of, event, status, WEEKLY_RUN, note or None, at]
        )

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        for statement, rows in self.statements.items():
            if rows:
                con.executemany(statement, rows)


RESOLVED_NOTES = {
    "gone": "no longer found by the weekly run",
    "deleted": "deleted: X says the post no longer exists (GET /2/tweets answered resource-not-found)",
    "aged-out": "aged out: the former pupil has turned 18 and still follows; the policy's concern ends at 18",
}


def _why_not_found(
    key: str, previous: dict[str, Any], deleted: set[tuple[str, str, str, str]], aged_out: Collection[str]
) -> str:
    if key in aged_out:
        return "aged-out"
    return "deleted" if tuple(str(p) for p in previous["subject"]) in deleted else "gone"


def _deleted_posts(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str, str]]:
    """Subjects X said were deleted: their exceptions resolve with the reason `deleted`."""
    return {
        ("x", str(r[0]), "post", str(r[1]))
        for r in con.execute("SELECT account_id, post_id FROM staging.stg_x__deleted_posts").fetchall()
    }


def _register_changed(
    previous: dict[str, Any], register_ids: set[str] | None, present: set[tuple[str, str, str, str]]
) -> bool:
    """Gone from the findings only because its person left the registers, while its subject is still there."""
    person_id = previous["person_id"]
    if register_ids is None or person_id is None or person_id in register_ids:
        return False
    return tuple(str(part) for part in previous["subject"]) in present


def _unseen(
    blind: Sequence[BlindSpot],
    rule: str,
    platform: str,
    account_id: str,
    subject_kind: str,
    subject_id: str,
    raising: bool,
) -> bool:
    """Inside a blind spot: a finding there is ignored (unless the spot may raise); an absence proves nothing."""
    return any(
        spot.covers(rule, platform, account_id, subject_kind, subject_id) and not (raising and spot.can_raise)
        for spot in blind
    )


def _rests_elsewhere(decision: dict[str, Any], finding: dict[str, Any]) -> bool:
    """Whether the finding no longer rests on what the decision was made on. A decision recorded when the
    fingerprint was the evidence's own sha256 still holds while that evidence is unchanged."""
    decided_on = decision["evidence_sha256"]
    as_worded = hashlib.sha256(str(finding["evidence"]).encode()).hexdigest()
    return decided_on not in (finding["evidence_sha256"], as_worded)


def _expired(decision: dict[str, Any] | None, as_of: date) -> bool:
    """An acceptance holds up to and including its last day; a run for a later week finds it expired."""
    until = (decision or {}).get("accepted_until")
    return until is None or until < as_of


def _subjects_present(con: duckdb.DuckDBPyConnection, as_of: date) -> set[tuple[str, str, str, str]]:
    return {
        (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
        for r in con.execute(
            "SELECT platform, account_id, subject_kind, subject_id FROM marts.fct_subjects_present WHERE as_of = ?",
            [as_of],
        ).fetchall()
    }


def apply_findings(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    findings: list[dict[str, Any]],
    register_ids: set[str] | None = None,
    blind: Sequence[BlindSpot] = (),
    aged_out: Collection[str] = (),
) -> dict[str, int]:
    """Merge one week's findings into audit.exceptions; re-applying the same week changes nothing.

    Inside a blind spot (a stream the run could not read) nothing is resolved, and an exception keeps its state
    and `last_seen`; findings there are ignored unless the spot allows raising (a capped stream).

    new -> open when seen again; open/acknowledged/reopened -> resolved when their subject is gone;
    resolved -> reopened when it comes back; accepted stays quiet until its expiry (then `expired`, and
    reopened if still there, resolved if gone); false_positive stays quiet unless its evidence changes.
    """
    existing = {
        row[0]: {
            "status": row[1],
            "first_seen": row[2],
            "last_seen": row[3],
            "resolved_on": row[4],
            "person_id": row[5],
            "subject": (row[6], row[7], row[8], row[9]),
            "rule": row[10],
        }
        for row in con.execute(
            "SELECT key, status, first_seen, last_seen, resolved_on, person_id,"
            " platform, account_id, subject_kind, subject_id, rule FROM audit.exceptions"
        ).fetchall()
    }
    present = _subjects_present(con, as_of) if register_ids is not None else set()
    deleted = _deleted_posts(con)
    decisions = latest_decisions(con)
    # Actions taken on the platforms since their week: this week shows whether they took effect.
    proofs = {k: p for k, p in remediation_proof.standing_proofs(con).items() if p.judged_by(as_of)}
    counts = {"raised": 0, "seen": 0, "reopened": 0, "resolved": 0, "expired": 0}
    found_keys = set()
    writes = WeekWrites(as_of)
    for finding in findings:
        key = finding["key"]
        if _unseen(
            blind,
            finding["rule"],
            finding["platform"],
            finding["account_id"],
            finding["subject_kind"],
            finding["subject_id"],
            raising=True,
        ):
            continue
        found_keys.add(key)
        previous = existing.get(key)
        if previous is None:
            writes.raise_new(key, finding)
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
            writes.event(key, "expired", "reopened", note=f"acceptance ran until {until}")
            writes.update(key, "reopened", finding, last_seen)
            writes.event(key, "reopened", "reopened", note="still found after the acceptance expired")
            counts["expired"] += 1
            counts["reopened"] += 1
            continue
        if status == "false_positive" and decision and _rests_elsewhere(decision, finding):
            writes.update(key, "reopened", finding, last_seen)
            writes.event(
                key,
                "reopened",
                "reopened",
                note="what the finding rests on changed since it was marked a false positive",
            )
            counts["reopened"] += 1
            continue
        proof = proofs.get(key)
        if proof is not None and status in ACTIVE:
            reopened = remediation_proof.still_found(con, proof, as_of)
            if reopened is not None:
                writes.update(key, "reopened", finding, last_seen)
                writes.event(key, "reopened", "reopened", note=reopened)
                counts["reopened"] += 1
                continue
        event = "seen"
        if status == "resolved":
            status, event = "reopened", "reopened"
        elif status == "new":
            status = "open"
        writes.update(key, status, finding, last_seen)
        writes.event(key, event, status)
        counts[event] += 1
    for key, previous in existing.items():
        if key in found_keys or previous["last_seen"] > as_of:
            continue
        platform, account_id, subject_kind, subject_id = previous["subject"]
        if _unseen(blind, previous["rule"], platform, account_id, subject_kind, subject_id, raising=False):
            counts["not_judged"] = counts.get("not_judged", 0) + 1
            continue
        status = previous["status"]
        reason = _why_not_found(key, previous, deleted, aged_out)
        if status in ACTIVE and _register_changed(previous, register_ids, present):
            writes.keep_open(key, status, previous["person_id"])
            counts["kept"] = counts.get("kept", 0) + 1
        elif status in ACTIVE:
            remediated = remediation_proof.no_longer_found(con, proofs[key], as_of) if key in proofs else None
            if remediated is not None:
                writes.resolve(key, "remediated", remediated)
            else:
                writes.resolve(key, reason)
            counts["resolved"] += 1
        elif status == "accepted" and _expired(decisions.get(key), as_of):
            until = (decisions.get(key) or {}).get("accepted_until")
            writes.event(key, "expired", "resolved", note=f"acceptance ran until {until}")
            writes.resolve(key, reason)
            counts["expired"] += 1
            counts["resolved"] += 1
        # A false positive whose subject is gone stays a false positive: if it returns unchanged it stays quiet.
    writes.write(con)
    return counts
