"""A week stored into a lake through a stage: the lake's tables read into an in-memory database, the week written
there exactly as into a DuckDB file, and what changed written back to the lake in one transaction.

Why: every statement on a lake pays its catalog (a SQLite file or a PostgreSQL database: a few milliseconds a table
touched, against microseconds in a DuckDB file), and a week's store is some 500 statements, the rules' reads among
them. Through a stage the lake sees one read per table as the week starts and one write per changed table as it
ends (`make bench` times a trust of schools on lakes: docs/results/bench.md).

What the lake still guarantees: the week lands in one lake transaction or not at all, and a week staged from a lake
that another writer has changed since (a review decided, an erasure) is not written over it: `LakeMoved`, raised
before anything is written, and the caller stores the week directly instead. The stage lives in the writer's
process memory (spilling, like the lake's own spill, to the owner-only encrypted spill folder) and is dropped as
soon as the week is written back or has failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse import lake, portable
from warehouse.arrow_stream import frame, registered
from warehouse.db import ATTACHED_AS, migrate
from warehouse.duckdb_session import open_database
from warehouse.sql_models import apply_models

INLINING_SETTING = "ducklake_default_data_inlining_row_limit"
OWN_TABLES = frozenset({("meta", "migrations")})  # each database keeps its own record of what shaped it


class LakeMoved(Exception):
    """Another writer committed to the lake after the week was staged from it: nothing was written back."""


class NotStageable(Exception):
    """The lake's rows do not fit the warehouse's own tables (a key held twice): the week cannot be staged."""


@dataclass(frozen=True)
class Stage:
    """`cursor` is the stage: a DuckDB database of its own in memory, the warehouse's tables made by its own
    migrations. `was` (a database attached to it) holds the lake's rows as staged, None when the lake was new, so
    empty; `snapshot` is the lake's latest snapshot when they were read."""

    cursor: duckdb.DuckDBPyConnection
    was: str | None
    snapshot: int


STAGE_ALIAS = "stage"
ROWS_VIEW = "socialaudit_staged_rows"
WAS_ALIAS = "was"


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, fresh: bool) -> Iterator[Stage]:
    """A stage holding what the lake on `con` (migrated, nothing uncommitted) holds; `fresh`: the lake was made
    by this run, so there is nothing to read. Closed, with every row it held, when the block ends.

    A database apart, not one attached beside the lake: a statement that lists every catalog (`duckdb_columns()`,
    `information_schema`) would otherwise open the lake's catalog for as long as the week's transaction lasts, and
    a SQLite catalog then refuses every other writer's commit ("database is locked")."""
    snapshot = latest_snapshot(con)
    stage = open_database(":memory:", _stage_config(con))
    try:
        stage.execute(f"ATTACH ':memory:' AS {STAGE_ALIAS}")
        stage.execute(f"USE {STAGE_ALIAS}")
        migrate(stage)
        if not fresh:
            _read_lake(con, stage)
        yield Stage(stage, None if fresh else WAS_ALIAS, snapshot)
    finally:
        if not lake.holds_copy(stage):
            stage.close()


def keep_for_reading(con: duckdb.DuckDBPyConnection, stage: Stage, location: lake.LakeLocation) -> bool:
    """Once the stage is written back through `con`: keep it as the copy of the lake this process reads its own
    writes from (the run's outputs, `warehouse.snapshot.open_snapshot`), a database in memory instead of the lake's
    catalog and Parquet files for each of the report's queries. Kept only when the write-back's snapshot is the one
    snapshot after the stage's (so the stage holds exactly what it holds); the rows as staged are let go."""
    try:
        rows = con.execute(
            f"SELECT snapshot_id FROM ducklake_snapshots('{ATTACHED_AS}') WHERE snapshot_id > ?",
            [stage.snapshot],
        ).fetchall()
        if len(rows) != 1:
            return False
        if stage.was is not None:
            stage.cursor.execute(f"DETACH {stage.was}")
    except duckdb.Error:
        return False  # the week is committed whatever happens here: its outputs are then read from the lake
    lake.keep_copy(location, stage.cursor, int(rows[0][0]))
    return True


def copy_if_current(
    con: duckdb.DuckDBPyConnection, location: lake.LakeLocation
) -> duckdb.DuckDBPyConnection | None:
    """The copy kept of the lake on `con` (`keep_for_reading`) while it holds what the lake holds: no snapshot has
    been committed since the one it copies. Handed over once (the caller closes it); a copy the lake has moved past
    is closed here, and None returned: read the lake."""
    kept = lake.take_copy(location)
    if kept is None:
        return None
    copy, snapshot = kept
    if latest_snapshot(con) != snapshot:
        copy.close()
        return None
    copy.execute(f"USE {STAGE_ALIAS}")
    return copy


def _stage_config(con: duckdb.DuckDBPyConnection) -> dict[str, str | bool | int | float | list[str]]:
    """The lake writer's own settings for spilling: an owner-only folder, the files encrypted."""
    row = con.execute(
        "SELECT current_setting('temp_directory'), current_setting('temp_file_encryption')"
    ).fetchone()
    spill, encrypted = row if row else ("", True)
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "temp_directory": str(spill),
        "temp_file_encryption": bool(encrypted),
    }


def latest_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT max(snapshot_id) FROM ducklake_snapshots('{ATTACHED_AS}')").fetchone()
    return int(row[0]) if row and row[0] is not None else -1


def _read_lake(con: duckdb.DuckDBPyConnection, stage: duckdb.DuckDBPyConnection) -> None:
    """Each lake table read once (through Arrow) into the stage, and the stage copied as it was into `was`."""
    staged_tables = set(portable.base_tables(stage, STAGE_ALIAS))
    stage.execute(f"ATTACH ':memory:' AS {WAS_ALIAS}")
    tables = _tables(con, ATTACHED_AS)
    holding = _holding_rows(con, tables)
    for schema, table in tables:
        if (schema, table) not in staged_tables:
            raise NotStageable(
                f"the lake has a table {schema}.{table} the warehouse's migrations do not make"
            )
        if (schema, table) in holding:
            rows = frame(con, f"FROM {portable.qualified(ATTACHED_AS, schema, table)}")
            try:
                _insert(stage, portable.qualified(STAGE_ALIAS, schema, table), rows)
            except duckdb.ConstraintException as error:
                raise NotStageable(f"{schema}.{table}: {error}") from None
        stage.execute(f"CREATE SCHEMA IF NOT EXISTS {WAS_ALIAS}.{portable.quoted(schema)}")
        stage.execute(
            f"CREATE TABLE {portable.qualified(WAS_ALIAS, schema, table)} AS FROM {portable.qualified(STAGE_ALIAS, schema, table)}"
        )


def _holding_rows(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The lake's `tables` that hold any row, asked in one statement: reading a table into the stage is a query of
    its own on the lake, reading the catalog, for an empty table too, where one count of every table costs about
    4 ms each. A row a writer adds after this is not lost: the stage's snapshot was taken before, so the week's
    write-back finds the lake moved and writes nothing."""
    if not tables:
        return set()
    counts = " UNION ALL ".join(
        f"SELECT {index} AS i FROM (SELECT 1 FROM {portable.qualified(ATTACHED_AS, schema, table)} LIMIT 1)"
        for index, (schema, table) in enumerate(tables)
    )
    return {tables[int(index)] for (index,) in con.execute(counts).fetchall()}


def write_back(con: duckdb.DuckDBPyConnection, stage: Stage) -> dict[str, int]:
    """Write the stage's changes to the lake on `con`, in one transaction: a table that only gained rows gets
    them inserted, a table that lost or changed any is rewritten whole; the views are made as the stage has them
    where they differ. `LakeMoved`, with nothing written, if the lake has a newer snapshot than the one staged."""
    changed = {"tables_appended": 0, "tables_rewritten": 0}
    # Rows go straight to Parquet: inlining them in the catalog (DuckLake's default under 10 rows) pays off for
    # many small writes, and here each table is written once; inlined rows would only be flushed to files after.
    con.execute(f"SET SESSION {INLINING_SETTING} = 0")
    con.execute("BEGIN TRANSACTION")
    try:
        if latest_snapshot(con) != stage.snapshot:
            raise LakeMoved("another writer changed the lake while the week was being stored")
        # The views as every run makes them: made again only when they are not already the stage's (a new lake, a
        # model changed), each made on a lake costing some 20 ms of catalog reads while its query is bound.
        if _views(con, ATTACHED_AS) != _views(stage.cursor, STAGE_ALIAS):
            apply_models(con, again=True)
        for schema, table in _tables(stage.cursor, STAGE_ALIAS):
            kind = _write_table(con, stage, schema, table)
            if kind:
                changed[kind] += 1
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        con.execute(f"RESET SESSION {INLINING_SETTING}")
    return changed


def _write_table(con: duckdb.DuckDBPyConnection, stage: Stage, schema: str, table: str) -> str | None:
    staged_rows, target = (
        portable.qualified(STAGE_ALIAS, schema, table),
        portable.qualified(ATTACHED_AS, schema, table),
    )
    if stage.was is None:
        rows = f"FROM {staged_rows}"
        kind = "tables_appended"
    else:
        was = portable.qualified(stage.was, schema, table)
        if _any(stage.cursor, f"FROM {was} EXCEPT ALL FROM {staged_rows}"):
            con.execute(f"DELETE FROM {target}")
            rows, kind = f"FROM {staged_rows}", "tables_rewritten"
        else:
            rows, kind = f"FROM {staged_rows} EXCEPT ALL FROM {was}", "tables_appended"
    # Taken from the stage (in memory) first, so that the lake sees no statement for a table with nothing to write.
    held = frame(stage.cursor, rows)
    if held.is_empty():
        return "tables_rewritten" if kind == "tables_rewritten" else None
    _insert(con, target, held)
    return kind


def _insert(con: duckdb.DuckDBPyConnection, target: str, rows: pl.DataFrame) -> None:
    """`rows` (held: taken from another database) into `target`, column by name."""
    with registered(con, ROWS_VIEW, rows):
        con.execute(f"INSERT INTO {target} BY NAME FROM {ROWS_VIEW}")


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return [t for t in portable.base_tables(con, database) if t not in OWN_TABLES]


def _views(con: duckdb.DuckDBPyConnection, database: str) -> set[tuple[str, str, str]]:
    """Each view of `database` with its query as DuckDB writes it back (the same text for the same definition)."""
    rows = con.execute(
        "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = ? AND NOT internal",
        [database],
    ).fetchall()
    return {(schema, name, str(sql).partition(" AS ")[2]) for schema, name, sql in rows}


def _any(con: duckdb.DuckDBPyConnection, query: str) -> bool:
    return con.execute(f"SELECT EXISTS ({query})").fetchone() == (True,)
