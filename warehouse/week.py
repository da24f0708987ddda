"""Storing one audited week: everything the run writes, in one transaction, or nothing at all.

The checks pass (identities and rules) runs inside that transaction because it reads the week's marts; the
warehouse receives it as a function, so it never imports the checks that sit above it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from warehouse import (
    finding_pictures,
    image_readings,
    lake,
    lake_stage,
    lifecycle,
    load,
    portable,
    register_versions,
    reviews,
)
from warehouse.db import connect_waiting, migrate, transaction
from warehouse.privacy import erasure_journal, retention
from warehouse.privacy.keyed import ensure_secret
from warehouse.sampled_subjects import flag_long_unseen
from warehouse.sql_models import apply_models
from warehouse.state import RuleDescription, record_rules
from warehouse.stream_status import StreamStatus, blind_spots, incomplete, store_stream_status

logger = logging.getLogger(__name__)


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
    # Exceptions the rules no longer raise only because the person has turned 18 (resolved as `aged-out`).
    aged_out: set[str] = dataclasses.field(default_factory=set)
    # The thumbnails beside this week's media findings (checks/images/thumbnails.py), kept while each is open.
    pictures: list[dict[str, Any]] = dataclasses.field(default_factory=list)


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
    # Every stream of every account and how far it was read; images that could not be downloaded (media refs).
    streams: Sequence[StreamStatus] = ()
    unread_media: Sequence[str] = ()
    # Weeks a subscriber may be out of YouTube's visible sample before a person is asked to look (0: never).
    subscriber_unseen_weeks: int = 0
    # Where the outputs are published: recorded so an erasure publishes them again there.
    out_dir: Path | None = None
    # The warehouse storing the week (filled in by `store_week`): the folder is recorded as this warehouse's own.
    warehouse: Path | None = None
    # What was read in images never read before (checks/images/reading.py), by sha256.
    readings: Sequence[dict[str, Any]] = ()
    # school.toml [reviews] max_accept_days: recorded, so the review app and the CLI hold every decision to it.
    max_accept_days: int | None = None


def store_week(
    db_path: Path,
    week: WeekToStore,
    run_checks: Callable[[duckdb.DuckDBPyConnection], CheckOutcome],
    after_commit: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
    lock_wait_seconds: float = 120.0,
) -> dict[str, Any]:
    """Store the week and its findings; a failure anywhere rolls everything back and re-raises.

    `after_commit` runs on the same connection once the week is committed, before the lock is let go (the
    read-only copy is published there, so no other writer can slip in between). Its failure does not undo the
    stored week: it is raised as `StoredButNotPublished`."""
    fresh = lake.never_written(db_path)  # asked before connecting, which makes a new lake's catalog
    week = dataclasses.replace(week, warehouse=db_path)
    erasure_journal.Journal(erasure_journal.journal_path(db_path)).start()
    con = connect_waiting(db_path, lock_wait_seconds)
    try:
        migrate(con)
        try:
            location = lake.read_locator(db_path)
            summary = (
                _store_staged(con, week, run_checks, fresh, location)
                if location is not None and portable.is_lake(con)
                else None
            )
            if summary is None:
                con.execute("BEGIN TRANSACTION")
                summary = _store(con, week, run_checks)
                con.execute("COMMIT")
        except BaseException as error:
            _rollback(con, error)
            problem = io_problem(error)
            if problem:
                raise WeekNotStored(f"nothing was stored: {problem}") from error
            raise
        if after_commit is not None:
            try:
                after_commit(con)
            except Exception as error:
                raise StoredButNotPublished(summary, error) from error
        return summary
    finally:
        con.close()


def _store_staged(
    con: duckdb.DuckDBPyConnection,
    week: WeekToStore,
    run_checks: Callable[[duckdb.DuckDBPyConnection], CheckOutcome],
    fresh: bool,
    location: lake.LakeLocation,
) -> dict[str, Any] | None:
    """The week stored into a lake through a stage (warehouse/lake_stage.py), the stage then kept for publishing the
    week's outputs; None, with nothing written, when it cannot be (the lake moved meanwhile, or holds rows its
    tables' keys refuse): the caller stores it directly."""
    try:
        with lake_stage.staged(con, fresh) as stage:
            with transaction(stage.cursor):
                summary = _store(stage.cursor, week, run_checks)
            lake_stage.write_back(con, stage)
            lake_stage.keep_for_reading(con, stage, location)
            return summary
    except (lake_stage.LakeMoved, lake_stage.NotStageable) as reason:
        logger.warning("storing the week directly into the lake: %s", reason)
        return None


class StoredButNotPublished(Exception):
    """The week is stored; what comes after (the read-only copy, the outputs) failed."""

    def __init__(self, summary: dict[str, Any], cause: BaseException) -> None:
        super().__init__(f"the week is stored, but then: {io_cause(cause)}")
        self.summary = summary


class WeekNotStored(Exception):
    """Storing the week failed for a reason of the machine (a full disk); the warehouse is as it was."""


def findings_frame(findings: list[dict[str, Any]]) -> pl.DataFrame:
    """The week's findings as a frame, every row read for the types: a field most rules leave empty (an image's
    faces_shown) is typed by the rows that fill it, however many findings come before them."""
    return pl.DataFrame(findings, infer_schema_length=None) if findings else pl.DataFrame()


def io_cause(error: BaseException) -> str:
    """An I/O failure's real cause in plain words, else the error's own message."""
    return io_problem(error) or " ".join(str(error).split()) or type(error).__name__


def io_problem(error: BaseException) -> str | None:
    """A full or read-only disk behind `error` (DuckDB may report a full disk as "cannot rollback")."""
    import errno

    seen: BaseException | None = error
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:
        visited.add(id(seen))
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return f"the disk is full ({seen.filename or 'no space left on device'})"
        if isinstance(seen, OSError) and seen.errno == errno.EROFS:
            return "the file system is read-only" + (f" ({seen.filename})" if seen.filename else "")
        text = str(seen).lower()
        if "no space left on device" in text or "could not write all bytes" in text:
            return "the disk is full (no space left on device)"
        seen = seen.__cause__ or seen.__context__
    return None


def _rollback(con: duckdb.DuckDBPyConnection, error: BaseException) -> None:
    """Roll back, keeping the original failure: after a failed write (a full disk) DuckDB may have dropped the
    transaction itself and answer "cannot rollback - no transaction is active", which would hide the cause."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


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
    held = load.StoredContent.read(con, week.as_of)
    stored = [
        s
        for s in (load.store_snapshot(con, snap, week.as_of, week.run_id, held) for snap in week.snapshots)
        if s
    ]
    load.store_media_fingerprints(con, week.media)
    images_read = image_readings.store_readings(con, week.readings)
    load.store_validation_results(con, week.as_of, week.run_id, week.validations)
    store_stream_status(con, week.as_of, week.run_id, week.streams)
    record_rules(con, week.rules)
    ensure_secret(con)
    if week.out_dir is not None and week.warehouse is not None:
        record_output_folder(con, week.out_dir, week.as_of, week.warehouse)
    if week.max_accept_days is not None:
        reviews.record_policy(con, week.max_accept_days, week.as_of)
    outcome = run_checks(con)
    load.upsert_frame(con, "audit.identities", load.numbered_per_person(outcome.identities), week.as_of)
    findings = findings_frame(outcome.findings)
    load.upsert_frame(con, "audit.findings", findings, week.as_of)
    blind = blind_spots(con, week.streams, week.unread_media)
    counts = lifecycle.apply_findings(
        con, week.as_of, outcome.findings, outcome.register_ids, blind, outcome.aged_out
    )
    counts["unseen_flagged"] = flag_long_unseen(con, week.as_of, week.subscriber_unseen_weeks)
    finding_pictures.keep_for_open_findings(con, outcome.pictures)
    summary: dict[str, Any] = {
        "rules_run": outcome.rules_run,
        "findings": len(outcome.findings),
        "audience": outcome.audience,
        **counts,
        "purged": retention.enforce(con, week.retention, week.as_of, week.run_id),
        "snapshots_stored": len(stored),
        "media_fingerprinted": len(week.media),
        "images_read": images_read,
        "registers_held": [h.register for h in week.holds],
        "register_warnings": sum(1 for n in week.notices if n["kind"] == "warning"),
        "not_read": [s.to_dict() for s in incomplete(week.streams)],
    }
    return load.record_run(
        con, week.as_of, week.run_id, week.mode, week.school_name, week.started_at, summary
    )


def warehouse_identity(db_path: Path) -> str:
    """The warehouse as its folders record it: its file's (or lake locator's) absolute path, links resolved. A copy
    of the file elsewhere (a restored backup, a copied file) is another warehouse."""
    return os.path.realpath(db_path)


def record_output_folder(con: duckdb.DuckDBPyConnection, out_dir: Path, as_of: date, warehouse: Path) -> None:
    """A folder seen for the first time is added, as `warehouse`'s; a known one moves on only with a later week
    (re-running a week into the same folder writes nothing), or when another warehouse now publishes there."""
    folder, identity = str(out_dir.absolute()), warehouse_identity(warehouse)
    held = con.execute(
        "SELECT last_as_of, warehouse FROM meta.output_folders WHERE folder = ?", [folder]
    ).fetchone()
    if held is not None and held[0] >= as_of and held[1] == identity:
        return
    last = max(as_of, held[0]) if held is not None else as_of
    con.execute("DELETE FROM meta.output_folders WHERE folder = ?", [folder])
    con.execute(
        "INSERT INTO meta.output_folders (folder, last_as_of, last_stored_at, warehouse) VALUES (?, ?, ?, ?)",
        [folder, last, load.now_utc(), identity],
    )


@dataclass(frozen=True)
class OutputFolders:
    """The folders a warehouse publishes to (`own`), and those its rows name but another warehouse recorded
    (`others`: this is a copy of that one, and never publishes there unless given the folder)."""

    own: list[Path]
    others: list[Path]


def output_folders(con: duckdb.DuckDBPyConnection, warehouse: Path) -> OutputFolders:
    """The folders recorded in the warehouse `con` has open at `warehouse`, newest first, split by who recorded
    them. A folder recorded before warehouses kept their path is this warehouse's own."""
    rows = con.execute(
        "SELECT folder, warehouse FROM meta.output_folders ORDER BY last_stored_at DESC"
    ).fetchall()
    identity = warehouse_identity(warehouse)
    own = [Path(folder) for folder, recorded in rows if recorded in (None, identity)]
    others = [Path(folder) for folder, recorded in rows if recorded not in (None, identity)]
    return OutputFolders(own, others)


def copied_from(con: duckdb.DuckDBPyConnection, warehouse: Path) -> str | None:
    """The warehouse `warehouse` is a copy of, when it is one: it records no output folder of its own, only
    folders another warehouse publishes to (a restored backup or a copied file not yet run from). None otherwise."""
    rows = con.execute("SELECT warehouse FROM meta.output_folders ORDER BY last_stored_at DESC").fetchall()
    identity = warehouse_identity(warehouse)
    if not rows or any(recorded in (None, identity) for (recorded,) in rows):
        return None
    return str(rows[0][0])
