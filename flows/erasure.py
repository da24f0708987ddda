"""Erasure everywhere the product put the data, wired: the warehouse (warehouse/privacy/erasure.py), then its file
rewritten, the read-only copy and every output folder published again, the run logs redacted, a lake's catalog
vacuumed, and the record completed with every place. `reapply_erasures` does the same for a restored warehouse
from the erasure journal kept beside it (docs/interfaces.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from checks.identity.nicknames import nicknames_of
from dashboards.kept_weeks import remove_kept_weeks_naming
from dashboards.publishing import publish_week, stored_week
from warehouse import lake, side_files
from warehouse.db import connect_waiting, migrate, transaction
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry
from warehouse.privacy.erasure import Erased, complete_record, erase, redaction_for
from warehouse.privacy.erasure_journal import Journal, journal_path, matching_subjects
from warehouse.privacy.redaction import Redaction
from warehouse.privacy.storage_rewrite import rewrite_storage, vacuum_catalog
from warehouse.privacy.subjects import Subject, UnknownSubject, find_subject
from warehouse.snapshot import open_snapshot, publish_snapshot_from
from warehouse.sql_models import apply_models
from warehouse.week import output_folders

RUN_LOG = "run.log"  # a school's log in its output folder, where each school of a trust is its own controller


def name_forms(subject: Subject) -> set[str]:
    """The person's full names with each diminutive or full form of the given name (Alfie Price: Alfred Price)."""
    forms = set()
    for name in subject.names:
        given, _, surname = name.strip().partition(" ")
        if surname:
            forms |= {f"{other} {surname}" for other in nicknames_of(given)}
    return forms


def erase_person(
    db_path: Path,
    kind: str,
    value: str,
    performed_by: str,
    reason: str,
    extra_outputs: Iterable[Path] = (),
    access: AccessEntry | None = None,
) -> dict[str, Any]:
    """Erase the person `kind`/`value` names from everything the product wrote; every place cleaned, with counts.
    `access`: the access-log entry of whoever asked, recorded with the erasure's id (never the person)."""
    with _writing(db_path) as con:
        with transaction(con):
            subject = find_subject(con, kind, value)
            forms = name_forms(subject)
            erased = erase(con, subject, performed_by, reason, forms, Journal(journal_path(db_path)))
            if access is not None:
                access_log.insert(con, [replace(access, object=erased.erasure_id)])
        redaction, needles = redaction_for(subject, forms), _identifiers(subject) | forms
        places = _everywhere_else(con, db_path, db_path, [erased], redaction, needles, extra_outputs)
    places.update(_vacuum_lake(db_path))
    return {**erased.counts, **places}


def _everywhere_else(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    publishes_as: Path,
    erasures: list[Erased],
    redaction: Redaction,
    needles: set[str],
    extra_outputs: Iterable[Path],
) -> dict[str, Any]:
    """Outside the erasure's transaction, through the same writing connection (no run can slip in): every
    leftover copy removed, the outputs published again from a fresh copy, run logs redacted, the record
    completed, the storage rewritten. Only the folders `publishes_as` recorded (and `extra_outputs`) are
    touched: a copy of a warehouse never publishes into its original's folders."""
    recorded = output_folders(con, publishes_as)
    folders = list(dict.fromkeys([*recorded.own, *(Path(p).absolute() for p in extra_outputs)]))
    places: dict[str, Any] = {
        "leftover copies removed": len(side_files.remove_leftovers(db_path, folders)),
    }
    for folder in recorded.others:
        if folder not in folders:
            places[f"outputs not published again: {folder}"] = "recorded by another warehouse (give --out)"
    publish_snapshot_from(con, db_path)
    places.update(_remove_kept_weeks(folders, needles))
    places.update(_republish(db_path, folders))
    places.update(_redact_run_logs(folders, redaction))
    location = lake.read_locator(db_path)
    places["warehouse storage rewritten"] = (
        "lake data files with deletions rewritten, snapshots expired, old files removed, catalog vacuumed"
        if location
        else "copied into a fresh file that replaced it (no freed block, no WAL)"
    )
    places["read-only copy published again"] = 1 if location is None else "a lake has none"
    for erased in erasures:
        complete_record(con, erased, places)
    places.update(rewrite_storage(con, db_path))
    # From the connection, which still reads the same content: the copy carries the completed record.
    publish_snapshot_from(con, db_path)
    return places


def _republish(db_path: Path, folders: list[Path]) -> dict[str, Any]:
    """The latest stored week written again into every output folder this warehouse published to."""
    done: dict[str, Any] = {}
    snapshot = open_snapshot(db_path, own_writes=True)
    try:
        for folder in folders:
            if not (folder / "manifest.json").exists():
                continue
            as_of, school_name = stored_week(snapshot, None)
            publish_week(snapshot, folder, as_of, school_name)
            done[f"outputs published again: {folder}"] = 1
    finally:
        snapshot.close()
    return done


def _remove_kept_weeks(folders: list[Path], needles: set[str]) -> dict[str, Any]:
    """Each output folder's earlier weeks (`weeks/<as_of>/`) that name an erased person are removed whole; the
    warehouse, already without them, can publish any stored week again (`socialaudit publish --as-of`)."""
    done: dict[str, Any] = {}
    for folder in folders:
        gone = remove_kept_weeks_naming(folder, needles)
        if gone:
            done[f"kept weeks removed: {folder}"] = [week.isoformat() for week in gone]
    return done


def _identifiers(subject: Subject) -> set[str]:
    return {*subject.person_ids, *subject.platform_ids, *subject.handles, *subject.names}


def _redact_run_logs(folders: list[Path], redaction: Redaction) -> dict[str, int]:
    done = {}
    for folder in folders:
        log = folder / RUN_LOG
        if not log.is_file():
            continue
        text, n = redaction.text(log.read_text(encoding="utf-8", errors="replace"))
        if n:
            log.write_text(text, encoding="utf-8")
        done[f"run log redacted: {log}"] = n
    return done


def _vacuum_lake(db_path: Path) -> dict[str, str]:
    location = lake.read_locator(db_path)
    if location is None:
        return {}
    lake.release(location)  # this process's kept writer: the catalog file must be free before VACUUM
    return {"lake catalog": vacuum_catalog(location)}


def reapply_erasures(
    db_path: Path,
    since: datetime | None = None,
    journal: Path | None = None,
    publishes_as: Path | None = None,
) -> list[dict[str, Any]]:
    """Erase again, in a (restored) warehouse, everyone the journal says was erased after `since` (every entry when
    None): each stored value whose keyed hash an entry holds, erased the same way as the first time and recorded
    as "re-applied erasure <id>". Returns one dict per erasure re-applied, with the counts. `publishes_as`: the
    warehouse whose output folders it publishes to (default `db_path`; a restore's image publishes as the
    warehouse it becomes)."""
    entries = Journal(journal or journal_path(db_path)).entries(since)
    if not entries:
        return []
    done: list[dict[str, Any]] = []
    with _writing(db_path) as con:
        erased, redaction, needles = [], Redaction(), set()
        with transaction(con):
            for entry, subject in matching_subjects(con, entries):
                _widen_by_handles(con, subject)
                forms = name_forms(subject)
                why = f"re-applied erasure {entry['erasure_id']}"
                result = erase(con, subject, "socialaudit restore", why, forms)
                erased.append(result)
                redaction.patterns += redaction_for(subject, forms).patterns
                needles |= _identifiers(subject) | forms
                done.append({"erasure_id": entry["erasure_id"], "counts": result.counts})
        if erased:
            _everywhere_else(con, db_path, publishes_as or db_path, erased, redaction, needles, ())
    if done:
        _vacuum_lake(db_path)
    return done


@contextmanager
def _writing(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for writing (waiting while a run holds it), migrated, its models in place, and the access log
    recorded so far folded in (so an erasure's sweep reaches what the spool held)."""
    con = connect_waiting(db_path, 120.0)
    try:
        migrate(con)
        apply_models(con)
        access_log.fold(con, db_path)
        yield con
    finally:
        con.close()


def _widen_by_handles(con: duckdb.DuckDBPyConnection, subject: Subject) -> None:
    """A handle matched in the journal brings the accounts and register ids it names in this warehouse."""
    for handle in sorted(subject.handles):
        try:
            found = find_subject(con, "handle", handle)
        except UnknownSubject:
            continue
        subject.person_ids |= found.person_ids
        subject.platform_ids |= found.platform_ids
        subject.names |= found.names
