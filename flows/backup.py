"""Backup and restore of a school's warehouse (a DuckDB file, or a trust school's DuckLake), wired.

Backup: the warehouse's image (warehouse/backup/image.py) sealed with the backup key into one file
(warehouse/backup/archive.py); written into a folder, the backups of the same warehouse there that are
`[retention] backup_weeks` or more older are removed.

Restore: the backup checked and opened into a private folder beside the warehouse; every erasure the journal
beside the live warehouse records since the backup was taken erased again in the image, before it is installed
(`flows.erasure.reapply_erasures`); then the image installed in the warehouse's place, and its read-only copy
published. The live warehouse is untouched until the image, already erased, is complete.

What a backup holds, and why each other kind of file is left out (the erasure journal above all: it must outlive
the backups), is the side-file registry's (warehouse/side_files.py `backup_contents`), recorded in every backup's
manifest.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dashboards.manifest import product_version
from flows.erasure import StorageRewriteOwed, reapply_erasures
from warehouse import lake, side_files
from warehouse.backup import archive as backup_archive
from warehouse.backup.archive import SUFFIX, BackupError, check_key_strength, read_archive, read_header
from warehouse.backup.image import (
    UNKEYED,
    RestoreRefused,
    holding,
    install_file,
    install_lake,
    newest_known_migration,
    take_image,
)
from warehouse.db import encryption_key
from warehouse.privacy.erasure_journal import Journal, journal_path
from warehouse.snapshot import publish_snapshot

IMAGE = "image.duckdb"
# An erasure records its time just before it commits, and nothing keeps an erasure of a lake from committing while
# a backup reads it: erasures recorded up to this long before a backup was taken are applied again too (applying
# one twice finds nobody the second time).
ERASURE_MARGIN = timedelta(minutes=15)


def backup_name(db_path: Path, taken_at_text: str) -> str:
    """`w-20261116T060312Z.socialaudit-backup` for `w.duckdb`: the warehouse's name and when it was taken."""
    return f"{db_path.stem}-{taken_at_text}{SUFFIX}"


def backup_warehouse(db_path: Path, out: Path, key: str | None, keep_weeks: int | None) -> dict[str, Any]:
    """Back up the warehouse at `db_path` into `out`: a new file when its name ends in `.socialaudit-backup`,
    otherwise a folder (made if need be) that gets a new file, named by the warehouse and the time, and loses the
    backups of this warehouse `keep_weeks` or more older. Returns what was done."""
    key = check_key_strength(key)
    location = lake.read_locator(db_path)
    if location is None and not db_path.is_file():
        raise BackupError(f"{db_path} is not a warehouse: nothing to back up")
    folder = not out.name.endswith(SUFFIX)
    if folder and out.exists() and not out.is_dir():
        raise BackupError(f"{out} is a file: give a folder, or a new file whose name ends in {SUFFIX}")
    with _private_folder(db_path.parent, "backup image") as staging:
        image_key = secrets.token_hex(32)
        facts = take_image(db_path, staging / IMAGE, image_key)
        stamp = facts.taken_at.strftime("%Y%m%dT%H%M%SZ")
        target = out / backup_name(db_path, stamp) if folder else out
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        manifest = {
            "kind": facts.kind,
            "warehouse": facts.warehouse,
            "taken_at": facts.taken_at.isoformat(),
            "migration": facts.migration,
            "tables": facts.tables,
            "image_key": image_key,
            "product_version": product_version(),
            "name": db_path.name,
            "files": side_files.backup_contents(),
        }
        backup_archive.write_archive(target, key, facts.warehouse, facts.taken_at, manifest, staging / IMAGE)
    removed = []
    if folder and keep_weeks:
        cutoff = facts.taken_at - timedelta(weeks=keep_weeks)
        removed = prune_backups(out, db_path, facts.warehouse, key, cutoff)
    return {
        "backup": target,
        "taken_at": facts.taken_at,
        "tables": len(facts.tables),
        "rows": sum(facts.tables.values()),
        "removed": removed,
    }


def prune_backups(folder: Path, db_path: Path, warehouse: str, key: str, cutoff: Any) -> list[Path]:
    """Remove the backups in `folder` of this warehouse (its name, and the id its header authenticates) taken at
    or before `cutoff`. A file this key does not open, or of another warehouse, is left alone."""
    removed = []
    for path in sorted(folder.glob(f"{db_path.stem}-*{SUFFIX}")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            header = read_header(path, key)
        except BackupError:
            continue
        if header.warehouse == warehouse and header.taken_at <= cutoff:
            path.unlink()
            removed.append(path)
    return removed


def restore_warehouse(
    db_path: Path,
    archive: Path,
    key: str | None,
    journal: Path | None = None,
    location: lake.LakeLocation | None = None,
    without_journal: bool = False,
) -> dict[str, Any]:
    """Restore the backup `archive` as the warehouse at `db_path` (a file, or a lake's locator: its lake; a
    locator that is gone is written again for `location`), erasing again everyone the erasure journal (`journal`,
    default the one beside `db_path`) says was erased since the backup was taken; refused where that journal is
    missing unless `without_journal`. Returns what was done."""
    key = check_key_strength(key)
    header = read_header(archive, key)  # a wrong key is told before anything is written
    if db_path.is_symlink():
        raise RestoreRefused(f"{db_path} is a symbolic link: give the warehouse's own path")
    location = lake.read_locator(db_path) or location
    if location is None and db_path.suffix == lake.LOCATOR_SUFFIX:
        raise RestoreRefused(
            f"{db_path} is not there to say where the lake is: give the trust's trust.toml (--trust) as well"
        )
    journal = journal or journal_path(db_path)
    # A warehouse without a secret (a trust's own lake of counts) holds nobody an erasure could have named.
    if not journal.exists() and not without_journal and header.warehouse != UNKEYED:
        raise RestoreRefused(
            f"no erasure journal at {journal}: anyone erased since the backup was taken would come back; give "
            "--journal PATH, or --without-journal to restore knowing that (then erase them again); nothing was changed"
        )
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _private_folder(db_path.parent, "restore image") as staging:
        _, manifest, image = read_archive(archive, key, staging)
        image_key = str(manifest.get("image_key", ""))
        migration = manifest.get("migration")
        if isinstance(migration, int) and migration > newest_known_migration():
            raise RestoreRefused(
                f"{archive} is of a warehouse at migration {migration}, newer than this install knows "
                f"({newest_known_migration()}): restore it with the socialaudit that made it"
            )
        since = header.taken_at - ERASURE_MARGIN
        if location is not None:
            reapplied = _erased_again(image, image_key, since, journal, db_path)
            counts = install_lake(db_path, location, image, image_key)
        else:
            with holding(db_path) as live:  # the key checked and runs kept out before anything is done
                reapplied = _erased_again(image, image_key, since, journal, db_path)
                counts = install_file(db_path, image, image_key, live)
            publish_snapshot(db_path)
    return {
        "taken_at": header.taken_at,
        "tables": len(counts),
        "rows": sum(counts.values()),
        "journal": journal if journal.exists() else None,
        "erasures re-applied": reapplied,
    }


def restore_preview(db_path: Path, archive: Path, key: str | None, journal: Path | None = None) -> list[str]:
    """What `restore_warehouse` would do, read without writing anything: the backup (checked against the key),
    the warehouse it replaces, and the erasures the journal would have it carry out again."""
    header = read_header(archive, check_key_strength(key))
    journal = journal or journal_path(db_path)
    replaced = "an existing warehouse, replaced whole" if db_path.exists() else "no warehouse there yet"
    lines = [
        f"the backup {archive}, taken {header.taken_at:%Y-%m-%d %H:%M:%S} UTC, put in place of {db_path} ({replaced})",
        "  everything stored since the backup was taken is lost, but for the erasures below",
    ]
    if journal.exists():
        again = Journal(journal).entries(header.taken_at - ERASURE_MARGIN)
        lines.append(f"  erasures carried out again from the journal {journal}: {len(again)}")
        lines += [
            f"    {entry['erasure_id']} of {entry['erased_at']} by {entry.get('performed_by') or 'unknown'}"
            for entry in again
        ]
    else:
        lines.append(
            f"  no erasure journal at {journal}: anyone erased since the backup was taken would come back"
        )
    lines.append("the read-only copy and the outputs published again from the restored warehouse")
    return lines


def _erased_again(
    image: Path, image_key: str, since: datetime, journal: Path, restored_as: Path
) -> list[dict[str, Any]]:
    """Everyone the journal says was erased since `since`, erased again in the image, before anything of it
    reaches the warehouse's place; the outputs it publishes are those of the warehouse it becomes (none for a
    restore to another path)."""
    with encryption_key(image_key):
        try:
            return reapply_erasures(image, since=since, journal=journal, publishes_as=restored_as)
        except StorageRewriteOwed as owed:
            # Installed, the image would hold in its free space the people erased again until the next run.
            raise RestoreRefused(
                f"the backup's copy could not be rewritten after erasing again those the journal names"
                f" ({owed.reason}); nothing was changed"
            ) from owed


@contextmanager
def _private_folder(beside: Path, kind: str) -> Iterator[Path]:
    """An owner-only folder of this process's own beside the warehouse (same disk, same protection), removed
    afterwards whatever happens (or, after a kill, as a leftover): it holds the image (encrypted with its own
    key) while it is worked on."""
    beside.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = side_files.transient_folder(kind, beside)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
