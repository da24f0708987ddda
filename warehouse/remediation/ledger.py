"""The record of actions on exceptions (`audit.remediations`, append-only; `dpo.remediations` for the DPO).

An action is recorded before the platform is called (`requested`) and settled with its answer after (`settled`), each
in its own short transaction: a process that dies between the two leaves a request without an answer, which the next
attempt settles as `failed` before it calls again, so the record never claims more than happened. Every platform
call an action makes is idempotent there (a second rejection or hide changes nothing; a second delete answers "not
found"), and a settled action is never sent again: a retry acts at most once more, and only when nothing was known
to have happened. Where school.toml asks for it, an irreversible action waits for a second person (`confirmed`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from platforms import platform
from warehouse.lifecycle import ACTIVE, record_event
from warehouse.load import now_utc
from warehouse.people import Actor, second_person_refusal
from warehouse.remediation.records import (
    IN_FLIGHT,
    MAX_NOTE,
    STANDING,
    Recorded,
    RemediationError,
    Request,
    insert_step,
    recorded_actions,
    request_of,
    step_rows,
)


@dataclass(frozen=True)
class Begun:
    """What `begin` decided: `send` the request now (as `remediation_id`), or not (`already` done, or `waiting` for a
    second person), with a line saying so."""

    remediation_id: str
    send: bool
    message: str = ""
    already: Recorded | None = None
    waiting: bool = False


def begin(
    con: duckdb.DuckDBPyConnection,
    request: Request,
    actor: Actor,
    note: str | None,
    second_person: bool,
    manual: bool = False,
) -> Begun:
    """Record the request before anything is sent (inside the caller's short transaction), or say why not."""
    if note is not None and len(note) > MAX_NOTE:
        raise RemediationError(f"the note is longer than {MAX_NOTE} characters")
    row = con.execute("SELECT status FROM audit.exceptions WHERE key = ?", [request.key]).fetchone()
    if row is None:
        raise RemediationError(
            f"no exception has the key {request.key!r} (see `socialaudit exceptions list`)"
        )
    if row[0] not in ACTIVE:
        raise RemediationError(
            f"{request.key} is {row[0].replace('_', ' ')}: only an exception that needs attention is acted on"
        )
    for held in reversed(recorded_actions(con, request.key, request.action)):
        if held.standing:
            return Begun(held.remediation_id, False, "already done", already=held)
        since = held.sending_since
        if since is not None:
            if now_utc() - since < IN_FLIGHT:
                who = (held.steps.get("confirmed") or held.requested)["actor"]
                raise RemediationError(
                    f"{request.action} on {request.key} is being sent by {who} since {since:%H:%M} UTC: wait for "
                    "its answer (see dpo.remediations)"
                )
            insert_step(
                con,
                held.remediation_id,
                "settled",
                request_of(held.requested),
                actor,
                "failed",
                {"reason": "no answer was recorded: the process ended while calling the platform"},
            )
        if held.awaiting_confirmation:
            refusal = second_person_refusal(
                actor,
                held.requested["actor_identity"],
                held.requested["via"],
                held.requested["actor"],
            )
            if refusal is not None:
                raise RemediationError(
                    f"{request.action} on {request.key} waits for a second person: {refusal}"
                )
            insert_step(
                con,
                held.remediation_id,
                "confirmed",
                request_of(held.requested),
                actor,
                "confirmed",
                note=note,
            )
            return Begun(held.remediation_id, True, f"confirmed {held.requested['actor']}'s request")
    remediation_id = uuid.uuid4().hex
    if second_person:
        insert_step(con, remediation_id, "requested", request, actor, "awaiting-confirmation", note=note)
        return Begun(remediation_id, False, "waiting for a second person", waiting=True)
    insert_step(
        con, remediation_id, "requested", request, actor, "by-hand" if manual else "sending", note=note
    )
    return Begun(remediation_id, True)


ACTED_NOTES = {
    "accepted": "{action} accepted by {platform}",
    "already-done": "{action}: {platform} says it was already so",
    "done-by-hand": "done by hand by {who}",
}


def settle(
    con: duckdb.DuckDBPyConnection,
    remediation_id: str,
    actor: Actor,
    outcome: str,
    response: Any,
    note: str | None = None,
) -> Recorded:
    """Record the platform's answer (inside the caller's short transaction); an action that stands also marks the
    exception acknowledged, with an event saying who did what, until next week's run verifies it."""
    rows = step_rows(con, "remediation_id = ? AND stage = 'requested'", [remediation_id])
    if not rows:
        raise RemediationError(f"no action {remediation_id} was requested")
    request = request_of(rows[0])
    insert_step(con, remediation_id, "settled", request, actor, outcome, response, note=note)
    if outcome in STANDING:
        status_row = con.execute(
            "SELECT status FROM audit.exceptions WHERE key = ?", [request.key]
        ).fetchone()
        status = status_row[0] if status_row else None
        if status in ACTIVE:
            requester = rows[0]["actor"]
            text = ACTED_NOTES[outcome].format(
                action=request.action, platform=platform(request.platform).label, who=actor.label
            )
            if requester != actor.name:
                text += f" (requested by {requester})"
            after = "acknowledged" if status in ("new", "open", "reopened") else status
            record_event(
                con,
                request.key,
                request.as_of,
                "remediated",
                after,
                actor=actor.name,
                note=f"{text}; the next weekly run checks it took effect",
            )
            con.execute(
                "UPDATE audit.exceptions SET status = ?, updated_at = ? WHERE key = ?",
                [after, now_utc(), request.key],
            )
    (held,) = [
        r for r in recorded_actions(con, request.key, request.action) if r.remediation_id == remediation_id
    ]
    return held


# --- what the credentials allow ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    platform: str
    account_id: str
    granted: str | None
    allowed: tuple[str, ...]
    detail: str
    checked_at: datetime
    checked_by: str


def record_permission(
    con: duckdb.DuckDBPyConnection,
    platform: str,
    account_id: str,
    granted: str | None,
    allowed: list[str],
    detail: str,
    checked_by: str,
) -> None:
    con.execute(
        "INSERT INTO audit.action_permissions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [now_utc(), platform, account_id, granted, json.dumps(sorted(allowed)), detail, checked_by],
    )


def latest_permissions(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Permission]:
    """The latest check of each account's credentials (None of an account: never checked)."""
    found: dict[tuple[str, str], Permission] = {}
    for row in con.execute(
        "SELECT platform, account_id, granted, allowed, detail, checked_at, checked_by"
        " FROM audit.action_permissions ORDER BY checked_at"
    ).fetchall():
        found[(row[0], row[1])] = Permission(
            row[0], row[1], row[2], tuple(json.loads(row[3] or "[]")), row[4], row[5], row[6]
        )
    return found


def history(con: duckdb.DuckDBPyConnection, key: str) -> list[dict[str, Any]]:
    """The actions on one exception as dpo.remediations shows them, oldest first."""
    cursor = con.execute("SELECT * FROM dpo.remediations WHERE key = ? ORDER BY requested_at", [key])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
