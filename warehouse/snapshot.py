"""A read-only copy of the warehouse, published after every write, so readers never collide with the weekly run.

DuckDB lets one process write a file and refuses every other process (even read-only) meanwhile. The DPO's
SQL and the review app therefore read `<db>.readonly.duckdb`, which is replaced atomically after each run;
the few writes they need (review decisions) go to the warehouse itself in short transactions, retried while
the weekly run holds the lock.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from warehouse import lake, lake_maintenance, lake_stage, portable, side_files
from warehouse.db import (
    ATTACHED_AS,
    WarehouseBusy,
    WarehouseKeyError,
    connect,
    connect_waiting,
    current_encryption_key,
    is_encrypted,
    is_lock_conflict,
    transaction,
)
from warehouse.privacy import access_log
from warehouse.privacy.keyed import SECRET_TABLE, warehouse_secret

T = TypeVar("T")
log = logging.getLogger(__name__)
PUBLISHED_AS = "published_copy"
# Written into a copy (with the alias it is attached as) before it takes its place: see `copy_database`.
InTheCopy = Callable[[duckdb.DuckDBPyConnection, str], None]
__all__ = [
    "WarehouseBusy",
    "is_lock_conflict",
    "publish_snapshot",
    "publish_snapshot_from",
    "write_with_retry",
]


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".readonly.duckdb")


def publish_snapshot(db_path: Path, lock_wait_seconds: float = 120.0) -> Path:
    """Checkpoint the warehouse and atomically replace its read-only copy (same encryption as the original).

    A DuckLake needs no copy (its readers read a committed snapshot and never block the writer): publishing
    it drops the superseded snapshots and their files, so purged and erased rows leave the disk too."""
    con = connect_waiting(db_path, lock_wait_seconds)
    try:
        return publish_snapshot_from(con, db_path)
    finally:
        con.close()


def publish_snapshot_from(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    drop_old_snapshots: bool = True,
    in_the_copy: InTheCopy | None = None,
) -> Path:
    """Publish the copy through `con`, a writing connection the caller holds: while it is open no other process
    can write, so the copy is exactly what the caller committed.

    A lake has no copy: its superseded snapshots are dropped instead, unless `drop_old_snapshots` is False, when
    the caller first reads its own writes from the copy it keeps in memory (the weekly run's outputs: the
    maintenance's own commits would make that copy look out of date) and then calls `drop_old_snapshots_of`.

    DuckDB copies the database itself (`COPY FROM DATABASE`, same encryption key) into this process's own
    temporary file, removed if anything fails. The file is never opened by Python here: closing any descriptor
    of it would drop this process's POSIX lock on it, and another writer could take the warehouse mid-copy.
    `in_the_copy`: as for `copy_database` (an erasure's rewrite recorded in the copy as in the file it replaced).

    The access log recorded since the last write is folded in first, so the copy the DPO reads holds it. Copies a
    killed process left beside the warehouse go first: while `con` writes, no other process is making one."""
    access_log.fold(con, db_path)
    side_files.remove_leftovers(db_path)
    location = lake.read_locator(db_path)
    if location is not None and portable.is_lake(con):  # asked of the connection: nothing opens the file
        if drop_old_snapshots:
            _drop_superseded(con, location, db_path)
        return db_path
    return copy_database(con, db_path, snapshot_path(db_path), without_secret=True, in_the_copy=in_the_copy)


def drop_old_snapshots_of(db_path: Path) -> None:
    """A lake's superseded snapshots and their files dropped (what `publish_snapshot_from` does on a lake), through
    the writer this process keeps; nothing for a DuckDB file. Never raises: what was committed stands, and the next
    publish drops them."""
    location = lake.read_locator(db_path)
    if location is None:
        return
    con = None
    try:
        con = connect(db_path)
        _drop_superseded(con, location, db_path)
    except (duckdb.Error, lake.LakeError) as error:
        log.error("%s: the lake's old snapshots stay until the next publish. %s", db_path.name, error)
    finally:
        if con is not None:
            con.close()


def _drop_superseded(con: duckdb.DuckDBPyConnection, location: lake.LakeLocation, db_path: Path) -> None:
    try:
        lake_maintenance.drop_superseded_snapshots(con, location)
    except lake_maintenance.MaintenanceFailed as failed:
        # What was committed stands; the next publish finds the same snapshots to drop and tries again.
        log.error("%s: the lake's old snapshots stay until the next publish. %s", db_path.name, failed)


def copy_database(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    target: Path,
    without_secret: bool = False,
    in_the_copy: InTheCopy | None = None,
) -> Path:
    """Copy the warehouse `con` writes (`db_path`) into a fresh file, same encryption, that then atomically becomes
    `target` (its read-only copy, or the warehouse itself after an erasure). A caller whose context holds no key
    (another thread) never writes a plain copy of an encrypted file. `without_secret`: the copy holds no
    `meta.warehouse_secret` (the key behind erasure selectors is not for the copy's readers). `in_the_copy`: run
    with the copy's alias once it is made, before it becomes `target`: what it writes lands with the copy or not at
    all."""
    being_written = "warehouse being rewritten" if target == db_path else "read-only copy being written"
    temporary = side_files.transient_path(being_written, db_path)
    leftovers = (temporary, temporary.with_name(temporary.name + ".wal"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    key = current_encryption_key()
    if key is None and is_encrypted(con):
        raise WarehouseKeyError(f"{db_path} is encrypted but no key is in force here: nothing was copied")
    options = " (ENCRYPTION_KEY '" + key.replace("'", "''") + "')" if key else ""
    quoted = str(temporary).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS {PUBLISHED_AS}{options}")
        try:
            con.execute(f"COPY FROM DATABASE {ATTACHED_AS} TO {PUBLISHED_AS}")
            if without_secret and tuple(SECRET_TABLE.split(".")) in portable.base_tables(con, PUBLISHED_AS):
                con.execute(f"DELETE FROM {PUBLISHED_AS}.{SECRET_TABLE}")
            if in_the_copy is not None:
                in_the_copy(con, PUBLISHED_AS)
        finally:
            con.execute(f"DETACH {PUBLISHED_AS}")
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        for path in leftovers:
            path.unlink(missing_ok=True)
        raise
    return target


def open_snapshot(db_path: Path, own_writes: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the latest published copy; a clear error if no run has published one yet.

    `own_writes`: the caller only reads back what this process has just written and published (the run's or an
    erasure's outputs); a lake this process keeps open for writing is then read through it."""
    location = lake.read_locator(db_path)
    if location is not None:
        reader = lake.kept_reader(location) if own_writes else None
        if reader is not None:
            # The week's stage, kept in memory while the lake holds nothing newer, answers the report's queries
            # without the catalog and the Parquet files (warehouse/lake_stage.py).
            copy = lake_stage.copy_if_current(reader, location)
            if copy is not None:
                reader.close()
                return copy
            reader.execute(f"USE {ATTACHED_AS}")
            return reader
        return connect(db_path, read_only=True)
    target = snapshot_path(db_path)
    if not target.exists():
        raise FileNotFoundError(f"{target} does not exist yet: run the weekly audit first")
    return connect(target, read_only=True)


def read_secret(db_path: Path, lock_wait_seconds: float = 120.0) -> bytes:
    """The warehouse's secret, from the warehouse itself (its read-only copy holds none); a lake's, from the lake
    reader this process keeps when it has one."""
    if lake.read_locator(db_path) is not None:
        con = open_snapshot(db_path, own_writes=True)
    else:
        con = connect_waiting(db_path, lock_wait_seconds)
    try:
        return warehouse_secret(con)
    finally:
        con.close()


def write_with_retry(
    db_path: Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    timeout_seconds: float = 120.0,
    pause_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work` in one short write transaction, waiting while another process (the weekly run) holds the lock;
    `WarehouseBusy` (a plain sentence, nothing written) when it is held longer than `timeout_seconds`.

    On a lake, the transaction runs alone on it (`lake_maintenance.exclusive`): the app's threads deciding at once
    would otherwise conflict in DuckLake's commit, and a decision would race a publish's maintenance."""
    location = lake.read_locator(db_path)
    if location is None:
        return _write_once(db_path, work, timeout_seconds, pause_seconds, sleep)
    started = time.monotonic()
    try:
        with lake_maintenance.exclusive(location, timeout_seconds):
            return _write_once(db_path, work, timeout_seconds, pause_seconds, sleep)
    except lake_maintenance.LakeBusy:
        raise WarehouseBusy(db_path, time.monotonic() - started) from None


def _write_once(
    db_path: Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    timeout_seconds: float,
    pause_seconds: float,
    sleep: Callable[[float], None],
) -> T:
    con = connect_waiting(db_path, timeout_seconds, pause_seconds, sleep)
    try:
        with transaction(con):
            return work(con)
    finally:
        con.close()


# Room a run needs beside the warehouse: the week's new rows and the WAL (the read-only copy is counted apart).
STORE_HEADROOM_BYTES = 16 * 1024 * 1024


class NoRoomForWarehouse(Exception):
    """The warehouse's folder has too little free space for the week and the read-only copy."""


def check_room(db_path: Path) -> None:
    """Before anything is fetched: room for the week's writes and a full read-only copy of the warehouse."""
    folder = db_path.parent
    while not folder.exists():
        folder = folder.parent
    size = sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + ".wal")) if p.exists())
    needed = 2 * size + STORE_HEADROOM_BYTES
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise NoRoomForWarehouse(
            f"{folder} has {free // 2**20} MB free; storing the week and publishing the read-only copy of "
            f"{db_path.name} need about {needed // 2**20} MB: free some space first"
        )
