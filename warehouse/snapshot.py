"""A read-only copy of the warehouse, published after every write, so readers never collide with the weekly run.

DuckDB lets one process write a file and refuses every other process (even read-only) meanwhile. The DPO's
SQL and the review app therefore read `<db>.readonly.duckdb`, which is replaced atomically after each run;
the few writes they need (review decisions) go to the warehouse itself in short transactions, retried while
the weekly run holds the lock.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from warehouse import lake
from warehouse.db import connect

T = TypeVar("T")
LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".readonly.duckdb")


def publish_snapshot(db_path: Path) -> Path:
    """Checkpoint the warehouse and atomically replace its read-only copy (same encryption as the original).

    A DuckLake needs no copy (its readers read a committed snapshot and never block the writer): publishing
    it drops the superseded snapshots and their files, so purged and erased rows leave the disk too."""
    location = lake.read_locator(db_path)
    if location is not None:
        con = connect(db_path)
        try:
            lake.drop_superseded_snapshots(con)
        finally:
            con.close()
        return db_path
    con = connect(db_path)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    target = snapshot_path(db_path)
    temporary = target.with_name(target.name + ".tmp")
    shutil.copyfile(db_path, temporary)
    os.chmod(temporary, 0o600)
    os.replace(temporary, target)
    return target


def open_snapshot(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the latest published copy; a clear error if no run has published one yet."""
    if lake.read_locator(db_path) is not None:
        return connect(db_path, read_only=True)
    target = snapshot_path(db_path)
    if not target.exists():
        raise FileNotFoundError(f"{target} does not exist yet: run the weekly audit first")
    return connect(target, read_only=True)


def is_lock_conflict(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) and any(m in str(error) for m in LOCK_MESSAGES)


def write_with_retry(
    db_path: Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    timeout_seconds: float = 120.0,
    pause_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work` in one short write transaction, waiting while another process (the weekly run) holds the lock."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            con = connect(db_path)
        except duckdb.IOException as error:
            if not is_lock_conflict(error) or time.monotonic() >= deadline:
                raise
            sleep(pause_seconds)
            continue
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return result
        finally:
            con.close()
