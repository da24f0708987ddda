"""Exceptions about subjects a platform shows only as a sample (YouTube's visible subscribers): an absence resolves
nothing (warehouse/stream_status.py, SAMPLED_STREAMS), so an exception whose subject has not been in the sample
for `[rules] subscriber_unseen_weeks` weeks is put before a person, once, rather than kept open in silence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb

from warehouse.lifecycle import ACTIVE, record_event

SAMPLED_KINDS = {"youtube": ("subscriber",)}
UNSEEN_EVENT = "unseen"


def flag_long_unseen(con: duckdb.DuckDBPyConnection, as_of: date, weeks: int) -> int:
    """Record an `unseen` event on each active exception about a sampled subject last seen `weeks` weeks or more
    before `as_of` and not flagged since; returns how many were flagged (0 when `weeks` is 0: never)."""
    if weeks <= 0:
        return 0
    cutoff = as_of - timedelta(weeks=weeks)
    rows = con.execute(
        "SELECT e.key, e.status, e.last_seen FROM audit.exceptions AS e"
        " WHERE e.platform = 'youtube' AND e.subject_kind IN (SELECT unnest(?::VARCHAR[]))"
        " AND e.status IN (SELECT unnest(?::VARCHAR[])) AND e.last_seen <= ?"
        " AND NOT EXISTS (SELECT 1 FROM audit.exception_events AS v WHERE v.key = e.key"
        "   AND v.event = ? AND v.as_of > e.last_seen)",
        [list(SAMPLED_KINDS["youtube"]), list(ACTIVE), cutoff, UNSEEN_EVENT],
    ).fetchall()
    for key, status, last_seen in rows:
        record_event(
            con,
            key,
            as_of,
            UNSEEN_EVENT,
            status,
            note=f"not in YouTube's visible-subscriber sample since {last_seen} ({weeks}+ weeks): the sample is "
            "capped and lists public subscriptions only, so the run cannot tell whether they left. Look in YouTube "
            "Studio (Subscribers), then acknowledge, accept or mark it a false positive",
        )
    return len(rows)


def long_unseen_for(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    """Active exceptions a run put before a person for being out of the sample too long (the report lists them)."""
    cursor = con.execute(
        "SELECT e.key, e.rule, e.account, e.subject_label, e.last_seen FROM audit.exceptions AS e"
        " WHERE e.status IN (SELECT unnest(?::VARCHAR[])) AND EXISTS (SELECT 1 FROM audit.exception_events AS v"
        "   WHERE v.key = e.key AND v.event = ? AND v.as_of > e.last_seen AND v.as_of <= ?)"
        " ORDER BY e.last_seen, e.key",
        [list(ACTIVE), UNSEEN_EVENT, as_of],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
