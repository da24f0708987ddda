"""A warehouse as an image, and a warehouse made again from one: what a backup holds and a restore installs.

The image is every table of the warehouse, read at one moment, copied into a new DuckDB file encrypted with a
key of its own (random, for this backup only; it travels inside the encrypted backup, warehouse/backup/archive.py).
One kind of image for both kinds of warehouse:

- a school's DuckDB file is read through a writing connection, so the weekly run, an erasure or a review waits
  while it is copied: the image is exactly what was committed when the copy began;
- a trust school's DuckLake is read in one read-only transaction, i.e. one snapshot of its catalog and Parquet
  files, while runs may go on writing. Its image is the lake's content, not its files: the catalog's own rows
  (file lists, statistics, per-file encryption keys) and superseded snapshots do not travel, so the backup is
  the same whether the catalog is SQLite or PostgreSQL, and a restore writes a new lake whose files and keys are
  new.

Views are not copied: they are the models (warehouse/models), made again on the restored warehouse. Installing
makes the new warehouse with the landed migrations up to the image's, then copies every row by column name.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse import lake, lake_maintenance, portable, side_files
from warehouse.db import (
    ATTACHED_AS,
    WarehouseBusy,
    WarehouseKeyError,
    connect,
    connect_waiting,
    discover_migrations,
    load_openssl,
    migrate,
    transaction,
)
from warehouse.load import now_utc
from warehouse.privacy.keyed import NoWarehouseSecret, secret_id, warehouse_secret
from warehouse.sql_models import apply_models

IMAGE_AS = "backup_image"
ASIDE = ".before-restore"
UNKEYED = "none"  # the lake as it was, kept aside until the restored one is complete


class RestoreRefused(Exception):
    """The image cannot be installed here; the warehouse was left as it was."""


@dataclass(frozen=True)
class ImageFacts:
    kind: str  # "duckdb" (a school's file) or "ducklake" (a trust school's lake)
    warehouse: str  # the id of the warehouse's secret
    taken_at: datetime  # naive UTC, when the copy began
    migration: int | None  # the newest migration applied; None for a lake the migrations did not make
    tables: dict[str, int]  # "schema.table" -> rows


def take_image(db_path: Path, image: Path, image_key: str, wait_seconds: float = 120.0) -> ImageFacts:
    """Copy every table of the warehouse at `db_path` (a file or a lake's locator) into the new file `image`,
    encrypted with `image_key`, as of one moment (waiting up to `wait_seconds` while a run holds a file)."""
    location = lake.read_locator(db_path)
    taken_at = now_utc()
    con = connect(db_path, read_only=True) if location else connect_waiting(db_path, wait_seconds)
    try:
        load_openssl(con)
        con.execute(f"ATTACH {_literal(str(image))} AS {IMAGE_AS} (ENCRYPTION_KEY {_literal(image_key)})")
        try:
            with transaction(con):
                warehouse = _warehouse_id(con)
                for schema in _schemas(con, ATTACHED_AS):  # those holding only views (models) too
                    con.execute(f"CREATE SCHEMA IF NOT EXISTS {IMAGE_AS}.{portable.quoted(schema)}")
                tables = _tables(con, ATTACHED_AS)
                for schema, table in tables:
                    target = portable.qualified(IMAGE_AS, schema, table)
                    con.execute(
                        f"CREATE TABLE {target} AS FROM {portable.qualified(ATTACHED_AS, schema, table)}"
                    )
                counts = _counts(con, IMAGE_AS, tables)
                migration = _migration(con, ATTACHED_AS)
        finally:
            con.execute(f"DETACH {IMAGE_AS}")
    finally:
        con.close()
    return ImageFacts("ducklake" if location else "duckdb", warehouse, taken_at, migration, counts)


def _warehouse_id(con: duckdb.DuckDBPyConnection) -> str:
    """The id of the warehouse's secret; "none" for one that has none (a trust's own lake of counts)."""
    if ("meta", "warehouse_secret") not in _tables(con, ATTACHED_AS):
        return UNKEYED
    try:
        return secret_id(warehouse_secret(con))
    except NoWarehouseSecret:
        return UNKEYED


def newest_known_migration() -> int:
    return max((m.version for m in discover_migrations()), default=0)


def fill(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Make the new, empty warehouse `con` writes hold what the image attached as `backup_image` holds: the landed
    migrations up to the image's, every row copied by column name (a table no migration makes, as it is), the
    models. Returns rows per table, checked against the image's."""
    version = _migration(con, IMAGE_AS)
    if version is not None:
        if version > newest_known_migration():
            raise RestoreRefused(
                f"the backup is of a warehouse at migration {version}, newer than this install knows "
                f"({newest_known_migration()}): restore it with the socialaudit that made it"
            )
        migrate(con, [m for m in discover_migrations() if m.version <= version])
    tables = _tables(con, IMAGE_AS)
    with transaction(con):
        if version is not None:
            con.execute("DELETE FROM meta.migrations")  # the image's own rows, with when each was applied
        for schema in _schemas(con, IMAGE_AS):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {ATTACHED_AS}.{portable.quoted(schema)}")
        made = set(_tables(con, ATTACHED_AS))
        for schema, table in tables:
            source, target = (
                portable.qualified(IMAGE_AS, schema, table),
                portable.qualified(ATTACHED_AS, schema, table),
            )
            if (schema, table) in made:
                con.execute(f"INSERT INTO {target} BY NAME FROM {source}")
            else:
                con.execute(f"CREATE TABLE {target} AS FROM {source}")
        copied, expected = _counts(con, ATTACHED_AS, tables), _counts(con, IMAGE_AS, tables)
        if copied != expected:
            raise RestoreRefused(f"the restored tables do not hold the image's rows: {copied} != {expected}")
    if version is not None:
        apply_models(con)
    return copied


# --- installing into a DuckDB file -----------------------------------------------------------------------------


@contextmanager
def holding(db_path: Path, wait_seconds: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The live warehouse file's write lock, held for the block (a run waits meanwhile); None when there is no
    file, or one damaged past opening (what a restore is for). Another key than the file's, or a run that keeps
    it longer than `wait_seconds`, is raised before anything is done."""
    live = None
    if db_path.exists():
        try:
            live = connect_waiting(db_path, wait_seconds)
        except (WarehouseBusy, WarehouseKeyError):
            raise
        except duckdb.Error:
            live = None
    try:
        yield live
    finally:
        if live is not None:
            live.close()


def install_file(
    db_path: Path, image: Path, image_key: str, live: duckdb.DuckDBPyConnection | None
) -> dict[str, int]:
    """Replace the warehouse file at `db_path` with one made from the image, encrypted with the key in force.

    The new file is made beside it and then takes its place in one rename, while `live` holds the old one's
    write lock (`holding`: a run waiting for it opens the path again and finds the new file)."""
    temporary = side_files.transient_path("warehouse being restored", db_path)
    leftovers = (temporary, temporary.with_name(temporary.name + ".wal"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    try:
        con = connect(temporary)
        try:
            with _attached_image(con, image, image_key):
                counts = fill(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if live is not None:
            live.execute("CHECKPOINT")  # nothing of the old file left in a WAL to replay onto the new one
        os.replace(temporary, db_path)
        db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    finally:
        for path in leftovers:
            path.unlink(missing_ok=True)
    return counts


# --- installing into a DuckLake --------------------------------------------------------------------------------


def install_lake(db_path: Path, location: lake.LakeLocation, image: Path, image_key: str) -> dict[str, int]:
    """Replace the lake `location` (its catalog and data folder) with a new lake made from the image.

    The old lake is first moved aside (its SQLite file and data folder renamed, its PostgreSQL schema renamed),
    the new one made in its place, then the old one deleted; if anything fails, the new one is removed and the
    old one moved back."""
    if "://" in location.data_path:
        raise RestoreRefused(
            f"the lake's data path {location.data_path} is not a local folder: restore it there by hand"
        )
    lake.release(location)
    aside = _move_aside(location)
    try:
        lake.write_locator(db_path, location)
        con = connect(db_path)
        try:
            with _attached_image(con, image, image_key):
                counts = fill(con)
            lake_maintenance.drop_superseded_snapshots(
                con, location
            )  # inlined rows flushed to Parquet, the catalog's history cut
        finally:
            con.close()
            lake.release(location)
    except BaseException:
        _remove_lake(location, "")
        _move_back(location, aside)
        raise
    _remove_lake(location, ASIDE)
    return counts


def _data_folder(location: lake.LakeLocation, suffix: str) -> Path:
    folder = Path(location.data_path.rstrip("/"))
    return folder.with_name(folder.name + suffix)


def _catalog_files(location: lake.LakeLocation, suffix: str) -> list[Path]:
    """A SQLite catalog and the journal files SQLite may keep beside it."""
    catalog = location.catalog.partition(":")[2]
    return [Path(catalog + extra + suffix) for extra in ("", "-wal", "-journal", "-shm")]


def _schema(location: lake.LakeLocation, suffix: str) -> str:
    return (location.metadata_schema or "public") + suffix.replace(".", "_").replace("-", "_")


@dataclass
class _Aside:
    """What `_move_aside` moved: files and folders (live, aside), and whether the PostgreSQL schema went too."""

    paths: list[tuple[Path, Path]]
    schema: bool = False


def _move_aside(location: lake.LakeLocation) -> _Aside:
    """Rename the lake's catalog and data folder aside; refused when an earlier restore left them there."""
    moves = [(_data_folder(location, ""), _data_folder(location, ASIDE))]
    if location.kind == "sqlite":
        moves += list(zip(_catalog_files(location, ""), _catalog_files(location, ASIDE), strict=True))
    left = [str(aside) for _, aside in moves if aside.exists()]
    postgres = location.kind == "postgres"
    if postgres and _schema_exists(location, _schema(location, ASIDE)):
        left.append(f"PostgreSQL schema {_schema(location, ASIDE)}")
    if left:
        raise RestoreRefused(
            f"an earlier restore did not finish: {', '.join(left)} hold the lake as it was before it; move them "
            "back (or remove them) first"
        )
    done = _Aside([])
    try:
        for live, aside in moves:
            if live.exists():
                live.rename(aside)
                done.paths.append((live, aside))
        if postgres and _schema_exists(location, _schema(location, "")):
            _rename_schema(location, _schema(location, ""), _schema(location, ASIDE))
            done.schema = True
    except BaseException:
        _move_back(location, done)
        raise
    return done


def _move_back(location: lake.LakeLocation, aside: _Aside) -> None:
    if aside.schema:
        _rename_schema(location, _schema(location, ASIDE), _schema(location, ""))
    for live, moved in reversed(aside.paths):
        if moved.exists():
            moved.rename(live)


def _remove_lake(location: lake.LakeLocation, suffix: str) -> None:
    """Delete the lake (`suffix` "": the one at the location; ASIDE: the old one moved aside) for good."""
    shutil.rmtree(_data_folder(location, suffix), ignore_errors=True)
    if location.kind == "sqlite":
        for path in _catalog_files(location, suffix):
            path.unlink(missing_ok=True)
    elif _schema_exists(location, _schema(location, suffix)):
        with lake.postgres_catalog(location) as con:
            lake.postgres_execute(con, f"DROP SCHEMA {portable.quoted(_schema(location, suffix))} CASCADE")


def _schema_exists(location: lake.LakeLocation, schema: str) -> bool:
    with lake.postgres_catalog(location) as con:
        row = con.execute(
            "SELECT count(*) FROM postgres_query('catalog_db', ?)",
            [f"SELECT 1 FROM pg_namespace WHERE nspname = {_literal(schema)}"],
        ).fetchone()
    return bool(row and row[0])


def _rename_schema(location: lake.LakeLocation, old: str, new: str) -> None:
    with lake.postgres_catalog(location) as con:
        lake.postgres_execute(con, f"ALTER SCHEMA {portable.quoted(old)} RENAME TO {portable.quoted(new)}")


# --- shared ---------------------------------------------------------------------------------------------------


@contextmanager
def _attached_image(con: duckdb.DuckDBPyConnection, image: Path, image_key: str) -> Iterator[None]:
    con.execute(
        f"ATTACH {_literal(str(image))} AS {IMAGE_AS} (ENCRYPTION_KEY {_literal(image_key)}, READ_ONLY)"
    )
    try:
        yield
    finally:
        con.execute(f"DETACH {IMAGE_AS}")


def _schemas(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    rows = con.execute(
        "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? AND NOT internal ORDER BY ALL",
        [database],
    ).fetchall()
    return [str(row[0]) for row in rows]


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return portable.base_tables(con, database)


def _counts(con: duckdb.DuckDBPyConnection, database: str, tables: list[tuple[str, str]]) -> dict[str, int]:
    counts = {}
    for schema, table in tables:
        row = con.execute(f"SELECT count(*) FROM {portable.qualified(database, schema, table)}").fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def _migration(con: duckdb.DuckDBPyConnection, database: str) -> int | None:
    if ("meta", "migrations") not in _tables(con, database):
        return None
    row = con.execute(
        f"SELECT max(version) FROM {portable.qualified(database, 'meta', 'migrations')}"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
