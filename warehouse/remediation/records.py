"""The rows of `audit.remediations`: who takes a step (`Actor`, warehouse/people.py), what an action sends (`Request`), and each step as
recorded (`Recorded`). Append-only: a step is inserted once and never changed (warehouse/remediation/ledger.py says how
the steps make one action)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from warehouse.load import now_utc
from warehouse.people import Actor

STAGES = ("requested", "confirmed", "settled", "verified")
# Settled outcomes after which the action stands (the platform did it, or it was already so, or done by hand).
STANDING = ("accepted", "already-done", "done-by-hand")
# A request still being sent after this long was cut off (the process ended mid-call): the next attempt settles it.
IN_FLIGHT = timedelta(minutes=5)
MAX_NOTE = 2000
COLUMNS = (
    "remediation_id",
    "stage",
    "key",
    "action",
    "platform",
    "account_id",
    "subject_kind",
    "subject_id",
    "targets",
    "call",
    "cost_usd",
    "quota_units",
    "reversible",
    "actor",
    "actor_identity",
    "via",
    "note",
    "outcome",
    "platform_response",
    "evidence_as_of",
    "evidence_sha256",
    "as_of",
    "recorded_at",
)


class RemediationError(Exception):
    """An action that cannot be taken or recorded; the message says why in one line."""


@dataclass(frozen=True)
class Request:
    """What one action is about and what it sends: the same on every step of it."""

    key: str
    action: str
    platform: str
    account_id: str
    subject_kind: str
    subject_id: str
    targets: tuple[str, ...]
    call: str
    cost_usd: float | None
    quota_units: int | None
    reversible: bool
    evidence_as_of: date | None
    evidence_sha256: str | None
    as_of: date


@dataclass(frozen=True)
class Recorded:
    """One action as the record holds it: its steps by stage."""

    remediation_id: str
    key: str
    action: str
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def requested(self) -> dict[str, Any]:
        return self.steps["requested"]

    @property
    def settled(self) -> dict[str, Any] | None:
        return self.steps.get("settled")

    @property
    def standing(self) -> bool:
        """Done (the platform accepted it, or it was so already, or done by hand) and not found ineffective."""
        settled = self.settled
        verified = self.steps.get("verified")
        return (
            settled is not None
            and settled["outcome"] in STANDING
            and (verified is None or verified["outcome"] != "did-not-take-effect")
        )

    @property
    def awaiting_confirmation(self) -> bool:
        return (
            self.settled is None
            and self.requested["outcome"] == "awaiting-confirmation"
            and "confirmed" not in self.steps
        )

    @property
    def sending_since(self) -> datetime | None:
        """When it was sent (requested, or confirmed by a second person), while no answer is recorded."""
        if self.settled is not None or self.awaiting_confirmation:
            return None
        step = self.steps.get("confirmed") or self.requested
        recorded: datetime = step["recorded_at"]
        return recorded


def step_rows(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM audit.remediations WHERE {where} ORDER BY recorded_at", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def recorded_actions(con: duckdb.DuckDBPyConnection, key: str, action: str | None = None) -> list[Recorded]:
    """Every action recorded on an exception (of one kind, if given), oldest first."""
    where, params = ("key = ?", [key]) if action is None else ("key = ? AND action = ?", [key, action])
    found: dict[str, Recorded] = {}
    for row in step_rows(con, where, params):
        held = found.setdefault(
            row["remediation_id"], Recorded(row["remediation_id"], row["key"], row["action"])
        )
        held.steps[row["stage"]] = row
    return [r for r in found.values() if "requested" in r.steps]


def insert_step(
    con: duckdb.DuckDBPyConnection,
    remediation_id: str,
    stage: str,
    request: Request,
    actor: Actor,
    outcome: str,
    response: Any = None,
    note: str | None = None,
    as_of: date | None = None,
) -> None:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    # A lake keeps no primary key: the record is checked here, so no step is ever written twice.
    exists = con.execute(
        "SELECT count(*) FROM audit.remediations WHERE remediation_id = ? AND stage = ?",
        [remediation_id, stage],
    ).fetchone()
    if exists and exists[0]:
        raise RemediationError(f"action {remediation_id} already has a {stage} step")
    text = response if response is None or isinstance(response, str) else json.dumps(response, default=str)
    values = {
        "remediation_id": remediation_id,
        "stage": stage,
        "key": request.key,
        "action": request.action,
        "platform": request.platform,
        "account_id": request.account_id,
        "subject_kind": request.subject_kind,
        "subject_id": request.subject_id,
        "targets": json.dumps(list(request.targets)),
        "call": request.call,
        "cost_usd": request.cost_usd,
        "quota_units": request.quota_units,
        "reversible": request.reversible,
        "actor": actor.name,
        "actor_identity": actor.identity,
        "via": actor.via,
        "note": note,
        "outcome": outcome,
        "platform_response": text,
        "evidence_as_of": request.evidence_as_of,
        "evidence_sha256": request.evidence_sha256,
        "as_of": as_of or request.as_of,
        "recorded_at": now_utc(),
    }
    con.execute(
        f"INSERT INTO audit.remediations ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [values[c] for c in COLUMNS],
    )


def request_of(row: dict[str, Any]) -> Request:
    """The request a recorded step belongs to."""
    return Request(
        row["key"],
        row["action"],
        row["platform"],
        row["account_id"],
        row["subject_kind"],
        row["subject_id"],
        tuple(json.loads(row["targets"] or "[]")),
        row["call"],
        row["cost_usd"],
        row["quota_units"],
        bool(row["reversible"]),
        row["evidence_as_of"],
        row["evidence_sha256"],
        row["as_of"],
    )
