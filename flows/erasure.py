"""Erasure everywhere the product put the data, wired: the warehouse (warehouse/privacy/erasure.py), then its file
rewritten, the read-only copy and every output folder published again, the run logs redacted, a lake's catalog
vacuumed, and the record completed with every place. `reapply_erasures` does the same for a restored warehouse
from the erasure journal kept beside it (docs/interfaces.md); `finish_unfinished_erasures` for the erasures a
stopped process or a failed rewrite left unfinished (audit.erasures.storage_rewritten_at empty)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from checks.identity.nicknames import nicknames_of
from dashboards.kept_weeks import kept_weeks_naming, remove_kept_week, rewrite_kept_week
from dashboards.output_set import publishing_lock
from dashboards.publishing import NoStoredWeek, publish_week, stored_week
from dashboards.report import week_files
from warehouse import lake, lake_maintenance, side_files
from warehouse.db import connect, connect_waiting, migrate, transaction
from warehouse.load import now_utc
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry
from warehouse.privacy.erasure import Erased, complete_record, erase, redaction_for
from warehouse.privacy.erasure_journal import Journal, journal_path, matching_subjects, written_in
from warehouse.privacy.keyed import warehouse_secret
from warehouse.privacy.redaction import Redaction
from warehouse.privacy.storage_rewrite import (
    owed_rewrites,
    recording_rewritten,
    rewrite_storage,
    vacuum_catalog,
)
from warehouse.privacy.subjects import Subject, UnknownSubject, find_subject, rows_for
from warehouse.snapshot import open_snapshot, publish_snapshot_from
from warehouse.sql_models import apply_models
from warehouse.week import output_folders


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
        redaction, needles = redaction_for(subject, forms), _identifiers(subject) | forms | _shown(erased)
        places = _everywhere_else(con, db_path, db_path, [erased], redaction, needles, extra_outputs)
    places.update(_vacuum_lake(db_path))
    return {**erased.counts, **places}


def erasure_preview(db_path: Path, kind: str, value: str, extra_outputs: Iterable[Path] = ()) -> list[str]:
    """What `erase_person` would do, read from the published copy (nothing is written, nothing waits): whom the
    selector finds, how many records of each kind, which output folders and kept weeks are written again, and
    where the erasure is recorded. Raises UnknownSubject as the erasure would."""
    try:
        con = open_snapshot(db_path)
    except FileNotFoundError:  # a warehouse copied without its read-only copy: read it, read-only
        con = connect(db_path, read_only=True)
    try:
        subject = find_subject(con, kind, value)
        held = {section: len(rows) for section, rows in rows_for(con, subject).items() if rows}
        recorded = output_folders(con, db_path)
    finally:
        con.close()
    forms = name_forms(subject)
    needles = _identifiers(subject) | forms
    folders = list(dict.fromkeys([*recorded.own, *(Path(p).absolute() for p in extra_outputs)]))
    lines = [
        f"--{kind} {value} names: register id(s) {', '.join(sorted(subject.person_ids)) or 'none'}; "
        f"account(s) {', '.join(sorted(subject.platform_ids)) or 'none'}; "
        f"handle(s) {', '.join(sorted(subject.handles)) or 'none'}; name(s) {', '.join(sorted(subject.names)) or 'none'}",
        "  what the warehouse holds about them, deleted (or, in someone else's record, redacted):",
        *(f"    {section}: {n} record(s)" for section, n in sorted(held.items())),
        "  their names, handles and ids redacted from every other text the warehouse holds",
    ]
    for folder in folders:
        lines.append(f"outputs published again: {folder}")
        weeks = kept_weeks_naming(folder, needles)
        if weeks:
            lines.append(
                f"  kept weeks written again without them: {', '.join(w.isoformat() for w in weeks)}"
            )
    lines += [
        f"recorded in audit.erasures (dpo.erasure_log) and the erasure journal {journal_path(db_path)}",
        "the warehouse's storage rewritten so no freed block keeps them",
    ]
    return lines


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
    completed, the storage rewritten; for these erasures' people and for those of any erasure left unfinished
    before (`_with_unfinished`). Only the folders `publishes_as` recorded (and `extra_outputs`) are touched: a
    copy of a warehouse never publishes into its original's folders."""
    recorded = output_folders(con, publishes_as)
    folders = list(dict.fromkeys([*recorded.own, *(Path(p).absolute() for p in extra_outputs)]))
    places: dict[str, Any] = {
        "leftover copies removed": len(side_files.remove_leftovers(db_path, folders)),
    }
    for folder in recorded.others:
        if folder not in folders:
            places[f"outputs not published again: {folder}"] = "recorded by another warehouse (give --out)"
    _with_unfinished(con, db_path, folders, erasures, redaction, needles)
    publish_snapshot_from(con, db_path)
    # Held while the outputs are written again: a publisher that opened the copy before the erasure finishes first.
    with publishing_lock(folders):
        places.update(_rewrite_kept_weeks(db_path, folders, needles))
        places.update(_republish(db_path, folders))
        places.update(_redact_run_logs(folders, redaction))
    location = lake.read_locator(db_path)
    places["warehouse storage rewrite"] = (
        "lake data files with deletions rewritten, snapshots expired, old files removed, catalog vacuumed"
        if location
        else "copied into a fresh file that replaced it (no freed block, no WAL)"
    ) + " (done when storage_rewritten_at is set)"
    places["read-only copy published again"] = 1 if location is None else "a lake has none"
    for erased in erasures:
        complete_record(con, erased, places)
    places.update(_rewrite(con, db_path))
    return places


def _rewrite(con: duckdb.DuckDBPyConnection, db_path: Path) -> dict[str, Any]:
    """The storage rewritten and the read-only copy published, both recording every owed erasure as rewritten;
    `StorageRewriteOwed` (the copy published, recording them still owed) if the rewrite failed."""
    at = now_utc()
    try:
        done = rewrite_storage(con, db_path, at)
    except (lake_maintenance.MaintenanceFailed, duckdb.Error, OSError) as failed:
        publish_snapshot_from(con, db_path)
        raise StorageRewriteOwed(db_path, failed) from failed
    # From the connection, which still reads the content the rewritten file holds, but for the record of the rewrite
    # (written into the fresh file as it was made): the copy is given it the same way.
    publish_snapshot_from(con, db_path, in_the_copy=recording_rewritten(at))
    return done


class StorageRewriteOwed(Exception):
    """The rows are deleted and the record kept, but the storage was not rewritten: until it is, freed blocks or
    masked data files may still hold what was deleted. The next weekly run or erasure rewrites it."""

    def __init__(self, db_path: Path, cause: BaseException) -> None:
        first_line = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        self.reason = first_line
        super().__init__(
            f"the storage of {db_path} was not rewritten ({first_line}): the erased rows are deleted and the"
            " erasure recorded, but until the storage is rewritten its free space may still hold them."
            " The next weekly run rewrites it (or the next erasure); dpo.erasure_log.storage_rewritten_at stays"
            " empty until then"
        )


def finish_unfinished_erasures(db_path: Path) -> list[str]:
    """Every erasure left unfinished (stopped after its transaction, or its storage rewrite failed) finished as it
    would have been: what of its person the output folders and run logs still hold cleaned, the storage
    rewritten. The ids of those erasures (none: nothing done). Raises `StorageRewriteOwed` if the rewrite fails
    again."""
    with _writing(db_path) as con:
        owed = owed_rewrites(con)
        if owed:
            _everywhere_else(con, db_path, db_path, [], Redaction(), set(), ())
    if owed:
        _vacuum_lake(db_path)
    return owed


def _with_unfinished(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    folders: list[Path],
    erasures: list[Erased],
    redaction: Redaction,
    needles: set[str],
) -> None:
    """Adds to `redaction` and `needles` the people of the erasures left unfinished before these: the warehouse
    holds nothing of them any more, so what the output folders and run logs still hold of them is found by the
    keyed hashes the erasure journal kept of their ids, handles and names."""
    owed = set(owed_rewrites(con)) - {erased.erasure_id for erased in erasures}
    entries = [entry for entry in Journal(journal_path(db_path)).entries() if entry["erasure_id"] in owed]
    if not entries:
        return
    for _, subject in written_in(_texts_under(folders), entries, warehouse_secret(con)):
        forms = name_forms(subject)
        redaction.patterns += redaction_for(subject, forms).patterns
        needles |= _identifiers(subject) | forms


def _texts_under(folders: Iterable[Path]) -> Iterator[str]:
    """Every file the product wrote in the output folders (each kept week's too) and their run logs, as text; a
    JSON file as its strings read (JSON may write a name's letters as escapes)."""
    for folder in folders:
        files = [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
        for path in [*files, side_files.kept_path("run log", folder)]:
            if not path.is_file():
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            if path.suffix == ".json":
                with suppress(ValueError):
                    text = json.dumps(json.loads(text), ensure_ascii=False)
            yield text


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


def _rewrite_kept_weeks(db_path: Path, folders: list[Path], needles: set[str]) -> dict[str, Any]:
    """Each output folder's earlier weeks (`weeks/<as_of>/`) that name an erased person written again from the
    warehouse, which no longer holds them; a week the warehouse no longer stores (its run gone by retention) is
    removed whole instead. The top-level set is left to `_republish`: it stays on the latest week."""
    done: dict[str, Any] = {}
    snapshot = open_snapshot(db_path, own_writes=True)
    try:
        for folder in folders:
            rewritten, removed = [], []
            for week in kept_weeks_naming(folder, needles):
                try:
                    as_of, school_name = stored_week(snapshot, week)
                except NoStoredWeek:
                    remove_kept_week(folder, week)
                    removed.append(week.isoformat())
                    continue
                rewrite_kept_week(folder, week, week_files(snapshot, as_of, school_name)[2])
                rewritten.append(week.isoformat())
            if rewritten:
                done[f"kept weeks written again without them: {folder}"] = rewritten
            if removed:
                done[f"kept weeks removed (no longer stored): {folder}"] = removed
    finally:
        snapshot.close()
    return done


def _shown(erased: Erased) -> set[str]:
    """The erased thumbnails as a report embeds them (base64): a kept week showing one is written again."""
    return {base64.b64encode(jpeg).decode("ascii") for jpeg in erased.pictures}


def _identifiers(subject: Subject) -> set[str]:
    return {*subject.person_ids, *subject.platform_ids, *subject.handles, *subject.names}


def _redact_run_logs(folders: list[Path], redaction: Redaction) -> dict[str, int]:
    done = {}
    for folder in folders:
        log = side_files.kept_path("run log", folder)
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
                # Who erased the person and why, as the journal kept them: the record outlives the restore.
                who = entry.get("performed_by") or "socialaudit restore"
                why = f"re-applied erasure {entry['erasure_id']}"
                if entry.get("reason"):
                    why = f"{entry['reason']} ({why})"
                result = erase(con, subject, who, why, forms)
                erased.append(result)
                redaction.patterns += redaction_for(subject, forms).patterns
                needles |= _identifiers(subject) | forms | _shown(result)
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
