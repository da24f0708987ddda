"""After an erasure: the storage rewritten so no freed byte keeps the person.

A DELETE only marks space free. A DuckDB file keeps the deleted values in its freed blocks (and, until the next
checkpoint, in its WAL); a DuckLake keeps them in the data files a delete only masks, in the column statistics of
its catalog, in snapshots not yet expired, and a SQLite catalog in its free pages, a PostgreSQL one in dead tuples.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import lake, lake_maintenance, portable
from warehouse.db import ATTACHED_AS
from warehouse.snapshot import copy_database


def rewrite_storage(con: duckdb.DuckDBPyConnection, db_path: Path, at: datetime) -> dict[str, Any]:
    """Rewrite what `con` (a writing connection the caller holds, nothing left uncommitted) stores.

    A DuckDB file is copied into a fresh file (same encryption) that then replaces it: the caller must write
    nothing more through `con` afterwards (it still holds the old, now unlinked, file until it closes), and
    publishes its read-only copy with `recording_rewritten(at)`. A lake's affected data files are rewritten, old
    snapshots expired and their files removed; `vacuum_catalog` finishes it once the caller has closed every
    connection to the lake.

    Every erasure whose rewrite is owed (`owed_rewrites`: this one, and any an earlier failed or stopped one left)
    is recorded as rewritten at `at` only once it is: in a DuckDB file, inside the fresh file before it replaces
    the old one, so that a copy stopped midway leaves them owed; in a lake, once its maintenance succeeded. Raises
    if the rewrite failed: the erasures stay owed."""
    location = lake.read_locator(db_path)
    if location is not None and portable.is_lake(con):
        done = _rewrite_lake(con, location)
        recording_rewritten(at)(con, ATTACHED_AS)
        return done
    return _rewrite_file(con, db_path, at)


def owed_rewrites(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The erasures (ids, oldest first) whose storage rewrite failed or was stopped before it was done."""
    return [
        r[0]
        for r in con.execute(
            "SELECT erasure_id FROM audit.erasures WHERE storage_rewritten_at IS NULL ORDER BY performed_at"
        ).fetchall()
    ]


def recording_rewritten(at: datetime) -> Callable[[duckdb.DuckDBPyConnection, str], None]:
    """What records, in the database attached as the given alias, every owed erasure as rewritten at `at`."""

    def record(con: duckdb.DuckDBPyConnection, database: str) -> None:
        con.execute(
            f"UPDATE {database}.audit.erasures SET storage_rewritten_at = ? WHERE storage_rewritten_at IS NULL",
            [at.replace(tzinfo=None)],
        )

    return record


def _rewrite_file(con: duckdb.DuckDBPyConnection, db_path: Path, at: datetime) -> dict[str, Any]:
    before = db_path.stat().st_size
    con.execute("CHECKPOINT")  # the WAL merged and gone: nothing of the old file is left to replay
    # The lock held through `con` keeps other writers out until the new file is in place; one that was waiting
    # opens the path again and finds the new file.
    copy_database(con, db_path, db_path, in_the_copy=recording_rewritten(at))
    wal = db_path.with_name(db_path.name + ".wal")
    return {
        "warehouse file rewritten (bytes before, after)": [before, db_path.stat().st_size],
        "warehouse WAL left": wal.stat().st_size if wal.exists() else 0,
    }


def _rewrite_lake(con: duckdb.DuckDBPyConnection, location: lake.LakeLocation) -> dict[str, Any]:
    catalog = "'" + ATTACHED_AS + "'"
    files = f"SELECT sum(file_count) + sum(delete_file_count) FROM ducklake_table_info({catalog})"
    files_before = _count(con, files)
    lake_maintenance.rewrite_after_erasure(con, location)  # raises if it failed: the erasure is not done
    return {
        "lake data and delete files (before, after)": [files_before, _count(con, files)],
        "lake snapshots kept": _count(con, f"SELECT count(*) FROM ducklake_snapshots({catalog})"),
    }


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def vacuum_catalog(location: lake.LakeLocation) -> str:
    """The lake's catalog compacted, once no connection of this process has it open: SQLite's VACUUM rebuilds the
    file (free pages gone); PostgreSQL's VACUUM FULL rewrites the schema's tables (dead tuples gone). Returns what
    was done."""
    kind, _, target = location.catalog.partition(":")
    if kind == "sqlite":
        # Python's own SQLite, on a file DuckDB no longer holds (two SQLite copies on one open file break locks).
        connection = sqlite3.connect(target, isolation_level=None)
        try:
            connection.execute("VACUUM")
        finally:
            connection.close()
        return f"SQLite catalog vacuumed ({Path(target).name})"
    schema = location.metadata_schema or "public"
    with lake.postgres_catalog(location) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM catalog_db.information_schema.tables WHERE table_schema = ?", [schema]
            ).fetchall()
        ]
        for table in tables:
            lake.postgres_execute(con, f'VACUUM FULL "{schema}"."{table}"')
    return f"PostgreSQL catalog schema {schema}: {len(tables)} tables rewritten (VACUUM FULL)"
