"""Warehouses and lakes as tests make them, and readers of a warehouse file for assertions: counts, rows as dicts,
and a fingerprint of every table."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse import lake
from warehouse.db import connect, migrate
from warehouse.sql_models import apply_models


def migrated_warehouse(path: Path) -> Path:
    """A warehouse file at `path`, migrated with the real migrations and with every SQL model created: a copy of
    one made so once in this process, as a migrated warehouse is the same file every time (migrating a new one and
    creating its models cost ~1 s, ~3% of the suite's CPU when each test made its own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_once(), path)
    os.chmod(path, 0o600)  # as the product makes a warehouse: it holds children's data
    return path


@functools.cache
def _migrated_once() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="socialaudit-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "warehouse.duckdb"
    connection = connect(path)
    try:
        migrate(connection)
        apply_models(connection)
    finally:
        connection.close()
    return path


@dataclass(frozen=True)
class LakeOnDisk:
    """A school's lake as a test makes it: its locator file and its location (a SQLite catalog)."""

    locator: Path
    location: lake.LakeLocation

    @property
    def catalog(self) -> Path:
        """The catalog's SQLite file."""
        return Path(self.location.catalog.partition(":")[2])


def lake_in(folder: Path, slug: str = "school-a") -> LakeOnDisk:
    """A school's lake in `folder`: its SQLite catalog under folder/catalog, its data files under folder/data and its
    locator at folder/<slug>.ducklake. Nothing but the locator is made until the lake is first opened."""
    location = lake.location_in("sqlite:" + str(folder / "catalog"), str(folder / "data"), slug)
    return LakeOnDisk(lake.write_locator(folder / f"{slug}.ducklake", location), location)


def open_copy(template: Path, path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to a fresh copy of a migrated template (nothing left to migrate)."""
    shutil.copyfile(template, path)
    connection = connect(path)
    assert migrate(connection) == []
    return connection


def count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    row = con.execute(f"SELECT count(*) FROM ({sql})", list(params)).fetchone()
    assert row is not None
    return int(row[0])


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def table_fingerprint(db_path: Path) -> dict[str, tuple[int, str]]:
    """Row count and a content hash of every base table: equal fingerprints mean nothing was written."""
    con = connect(db_path, read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
        result = {}
        for schema, table in sorted(tables):
            row = con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM "{schema}"."{table}" AS t'
            ).fetchone()
            assert row is not None
            n, digest = row
            result[f"{schema}.{table}"] = (int(n), str(digest))
        return result
    finally:
        con.close()


def catalog_tables_holding(catalog: Path, text: str) -> list[str]:
    """The tables of a lake's SQLite catalog with a value holding `text`, but the column statistics: a known limit
    (docs/trust.md), DuckLake keeps a table's min/max column statistics after a delete."""
    connection = sqlite3.connect(catalog)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            table
            for table in tables
            if table != "ducklake_table_column_stats"
            and any(text in str(v) for row in connection.execute(f'SELECT * FROM "{table}"') for v in row)
        ]
    finally:
        connection.close()
