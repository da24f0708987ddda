"""Next week's proof of an action: the weekly run checks every exception acted on since the week acted on.

Gone, or changed as intended (its finding no longer raised: a deleted post, a rejected comment, a private video,
a follower removed by hand) resolves the exception with `resolved_reason` `remediated`; still found reopens it
with "the action did not take effect". A mitigation (a mute) leaves the finding by design: the run records that it
remains and keeps the exception as it is. Inside a blind spot (a stream not read) nothing is judged: the action
waits for a week that looked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse.people import WEEKLY_RUN
from warehouse.remediation.actions import ACTIONS, MITIGATES, RESOLVES
from warehouse.remediation.records import STANDING, insert_step, request_of, step_rows

TOOK_EFFECT = "took-effect"
DID_NOT_TAKE_EFFECT = "did-not-take-effect"
FINDING_REMAINS = "finding-remains"
SUBJECT_GONE = "subject-gone"

STANDING_ACTIONS = f"""
SELECT r.remediation_id, r.key, r.action, r.as_of, r.actor, r.actor_identity, s.outcome, s.recorded_at
FROM audit.remediations AS r
JOIN audit.remediations AS s ON s.remediation_id = r.remediation_id AND s.stage = 'settled'
WHERE r.stage = 'requested' AND s.outcome IN ({", ".join(f"'{o}'" for o in STANDING)})
  AND NOT EXISTS (
      SELECT 1 FROM audit.remediations AS v WHERE v.remediation_id = r.remediation_id AND v.stage = 'verified'
  )
ORDER BY s.recorded_at
"""


@dataclass(frozen=True)
class Proof:
    """An action that stands and waits for a later week to show whether it took effect."""

    remediation_id: str
    key: str
    action: str
    week: date  # the audited week looked at when acting: only a later week judges it
    requested_by: str
    outcome: str
    settled_at: datetime

    @property
    def effect(self) -> str:
        return ACTIONS[self.action].effect if self.action in ACTIONS else RESOLVES

    @property
    def described(self) -> str:
        how = "done by hand" if self.outcome == "done-by-hand" else "accepted by the platform"
        return f"{self.action} ({how}, requested by {self.requested_by} on {self.settled_at:%Y-%m-%d})"

    def judged_by(self, as_of: date) -> bool:
        return as_of > self.week


def standing_proofs(con: duckdb.DuckDBPyConnection) -> dict[str, Proof]:
    """Per exception key, the latest action that stands and has not been judged yet."""
    found: dict[str, Proof] = {}
    held = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'audit' AND table_name = 'remediations'"
    ).fetchone()
    if not held or not held[0]:
        return found  # a warehouse older than migration 15 holds no action
    for row in con.execute(STANDING_ACTIONS).fetchall():
        remediation_id, key, action, week, actor, identity, outcome, settled_at = row
        who = actor if actor == identity else f"{actor} ({identity})"
        found[key] = Proof(remediation_id, key, action, week, who, outcome, settled_at)
    return found


def _verify(con: duckdb.DuckDBPyConnection, proof: Proof, as_of: date, verdict: str, note: str) -> None:
    (requested,) = step_rows(con, "remediation_id = ? AND stage = 'requested'", [proof.remediation_id])
    insert_step(
        con,
        proof.remediation_id,
        "verified",
        request_of(requested),
        WEEKLY_RUN,
        verdict,
        note=note,
        as_of=as_of,
    )


def still_found(con: duckdb.DuckDBPyConnection, proof: Proof, as_of: date) -> str | None:
    """The finding is raised again in a week after the action: for an action meant to end it, the exception reopens
    (the note returned says why); a mitigation is recorded as leaving the finding (None: nothing to reopen)."""
    if proof.effect == MITIGATES:
        note = (
            f"{proof.described}: the finding remains, as this action leaves it (see the action's description)"
        )
        _verify(con, proof, as_of, FINDING_REMAINS, note)
        return None
    note = f"the action did not take effect: {proof.described}; the subject is still there"
    _verify(con, proof, as_of, DID_NOT_TAKE_EFFECT, note)
    return note


def no_longer_found(con: duckdb.DuckDBPyConnection, proof: Proof, as_of: date) -> str | None:
    """The finding is gone in a week after the action: the exception resolves as remediated (the note returned), or,
    after a mitigation that could not have removed it, as it would have anyway (None)."""
    if proof.effect == MITIGATES:
        _verify(con, proof, as_of, SUBJECT_GONE, f"{proof.described}: the subject is gone")
        return None
    note = f"remediated: {proof.described} took effect: the subject is gone or changed as intended"
    _verify(con, proof, as_of, TOOK_EFFECT, note)
    return note
