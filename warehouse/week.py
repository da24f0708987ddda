"""Storing one audited week: everything the run writes, in one transaction, or nothing at all.

The checks pass (identities and rules) runs inside that transaction because it reads the week's marts; the
warehouse receives it as a function, so it never imports the checks that sit above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from warehouse import lifecycle, load, register_versions, retention
from warehouse.db import connect, migrate
from warehouse.sql_models import apply_models
from warehouse.state import RuleDescription, record_rules


class HeldRegister(Protocol):
    @property
    def register(self) -> str: ...
    @property
    def file_sha256(self) -> str: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class CheckOutcome:
    """What the checks pass found this week, for the warehouse to store and merge into the lifecycle."""

    identities: pl.DataFrame
    findings: list[dict[str, Any]]
    rules_run: list[str]
    register_ids: set[str]
    audience: int


@dataclass(frozen=True)
class WeekToStore:
    as_of: date
    run_id: str
    mode: str
    school_name: str
    started_at: datetime
    register_frames: dict[str, pl.DataFrame]
    register_files: dict[str, str]
    register_reading: dict[str, Any]
    approved_hashes: dict[str, dict[str, Any]]
    snapshots: Sequence[load.SnapshotLike]
    media: list[dict[str, Any]]
    validations: list[dict[str, Any]]
    rules: Sequence[RuleDescription]
    retention: retention.RetentionPolicy
    holds: Sequence[HeldRegister] = ()
    notices: list[dict[str, Any]] = field(default_factory=list)


def store_week(
    db_path: Path, week: WeekToStore, run_checks: Callable[[duckdb.DuckDBPyConnection], CheckOutcome]
) -> dict[str, Any]:
    """Store the week and its findings; a failure anywhere rolls everything back and re-raises."""
    con = connect(db_path)
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        try:
            summary = _store(con, week, run_checks)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return summary
    finally:
        con.close()


def _store(
    con: duckdb.DuckDBPyConnection,
    week: WeekToStore,
    run_checks: Callable[[duckdb.DuckDBPyConnection], CheckOutcome],
) -> dict[str, Any]:
    load.store_registers(con, week.register_frames, week.register_files, week.as_of, week.register_reading)
    load.store_approved_hashes(con, week.approved_hashes)
    register_versions.record_holds(con, week.holds, week.as_of)
    register_versions.store_notices(con, week.as_of, week.run_id, week.notices)
    apply_models(con)
    stored = [
        s for s in (load.store_snapshot(con, snap, week.as_of, week.run_id) for snap in week.snapshots) if s
    ]
    load.store_media_fingerprints(con, week.media)
    load.store_validation_results(con, week.as_of, week.run_id, week.validations)
    record_rules(con, week.rules)
    outcome = run_checks(con)
    load.upsert_frame(con, "audit.identities", outcome.identities, week.as_of)
    findings = pl.DataFrame(outcome.findings) if outcome.findings else pl.DataFrame()
    load.upsert_frame(con, "audit.findings", findings, week.as_of)
    counts = lifecycle.apply_findings(con, week.as_of, outcome.findings, outcome.register_ids)
    summary: dict[str, Any] = {
        "rules_run": outcome.rules_run,
        "findings": len(outcome.findings),
        "audience": outcome.audience,
        **counts,
        "purged": retention.enforce(con, week.retention, week.as_of, week.run_id),
        "snapshots_stored": len(stored),
        "media_fingerprinted": len(week.media),
        "registers_held": [h.register for h in week.holds],
        "register_warnings": sum(1 for n in week.notices if n["kind"] == "warning"),
    }
    load.record_run(con, week.as_of, week.run_id, week.mode, week.school_name, week.started_at, summary)
    return summary
