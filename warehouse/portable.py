"""SQL that means the same on both back ends: a DuckDB file and a DuckLake.

DuckLake (1.5) refuses PRIMARY KEY, UNIQUE and CHECK constraints, indexes and sequences, and therefore also
`INSERT OR REPLACE` / `INSERT OR IGNORE` (they need a key to conflict on). The landed migrations use all of
the constraints, and must never be edited; so the migration runner passes each statement through
`for_lake` when the warehouse is a lake, and the few upserts go through `upsert`, a MERGE keyed on the
columns the primary key names, which both back ends run. What the lake loses is the database enforcing
uniqueness; the writers already delete-then-insert or merge on those keys, so no duplicate is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import duckdb
import polars as pl

from warehouse.arrow_stream import registered

DROPPED_STATEMENTS = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?(INDEX|SEQUENCE)\b", re.IGNORECASE)
TABLE_CONSTRAINT = re.compile(r"^\s*(PRIMARY\s+KEY|UNIQUE|CHECK|CONSTRAINT|FOREIGN\s+KEY)\b", re.IGNORECASE)
COLUMN_KEYWORDS = re.compile(r"\s+(PRIMARY\s+KEY|UNIQUE)\b", re.IGNORECASE)
CREATE_VIEW = re.compile(
    r"^\s*CREATE\s+(OR\s+REPLACE\s+)?VIEW\s+(IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)", re.IGNORECASE
)
COMMENT_ON_COLUMN = re.compile(r"^\s*COMMENT\s+ON\s+COLUMN\s+([\w.\"]+)\.[\w\"]+\s+IS\b", re.IGNORECASE)
CREATE_TABLE = re.compile(r"^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE\b", re.IGNORECASE)
CREATE_TABLE_AS = re.compile(
    r"^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?\S+\s+AS\b", re.IGNORECASE
)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the catalog in use is a DuckLake (the connection says so itself)."""
    row = con.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return row is not None and str(row[0]) == "ducklake"


# The base tables' columns, from duckdb_columns() less the views: on a DuckLake, information_schema.tables and
# duckdb_tables() read every table's statistics from the catalog (~0.3 s a call, against a few ms for these).
BASE_TABLE_COLUMNS = """
    SELECT c.schema_name, c.table_name, c.column_name, c.data_type, c.column_index FROM duckdb_columns() AS c
    WHERE c.database_name = coalesce($database, current_database())
      AND NOT EXISTS (SELECT 1 FROM duckdb_views() AS v WHERE v.database_name = c.database_name
                      AND v.schema_name = c.schema_name AND v.view_name = c.table_name)
"""


def base_table_columns(
    con: duckdb.DuckDBPyConnection, database: str | None = None
) -> list[tuple[str, str, str, str]]:
    """(schema, table, column, type) of every base table of `database` (the current one when None), in order."""
    rows = con.execute(
        f"SELECT schema_name, table_name, column_name, data_type FROM ({BASE_TABLE_COLUMNS})"
        " ORDER BY schema_name, table_name, column_index",
        {"database": database},
    ).fetchall()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def base_tables(con: duckdb.DuckDBPyConnection, database: str | None = None) -> list[tuple[str, str]]:
    """(schema, table) of every base table of `database` (the current one when None), in order."""
    rows = con.execute(
        f"SELECT DISTINCT schema_name, table_name FROM ({BASE_TABLE_COLUMNS}) ORDER BY ALL",
        {"database": database},
    ).fetchall()
    return [(str(schema), str(table)) for schema, table in rows]


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the current database has the base table `schema.table`."""
    row = con.execute(
        f"SELECT count(*) FROM ({BASE_TABLE_COLUMNS}) WHERE schema_name = $schema AND table_name = $table",
        {"database": None, "schema": schema, "table": table},
    ).fetchone()
    return bool(row and row[0])


def quoted(identifier: str) -> str:
    """`identifier` as a quoted SQL identifier, whatever it holds."""
    return '"' + identifier.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """`database.schema.table` (or any dotted name), each part quoted."""
    return ".".join(quoted(part) for part in parts)


def view_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """`schema.view` of every view there is: what `for_lake` needs to know, read once for many translations."""
    return {
        _bare(r[0])
        for r in con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views()").fetchall()
    }


def for_lake(con: duckdb.DuckDBPyConnection, sql: str, views: set[str] | None = None) -> str:
    """`sql` (one or more statements) with what DuckLake cannot store taken out: key, unique and check
    constraints, indexes, sequences, comments on a view's columns. Everything else passes through unchanged.

    `views`: the views there are (`view_names`), kept up to date with those `sql` creates, for a caller translating
    many scripts in turn (on a lake each listing reads the catalog); None: listed here."""
    views = view_names(con) if views is None else views
    kept = []
    for statement in con.extract_statements(sql):
        text = _without_comments(statement.query)
        if DROPPED_STATEMENTS.match(text):
            continue
        if view := CREATE_VIEW.match(text):
            views.add(_bare(view.group(3)))
        if (column := COMMENT_ON_COLUMN.match(text)) and _bare(column.group(1)) in views:
            continue
        if CREATE_TABLE.match(text):
            text = _table_without_constraints(text)
        kept.append(text.strip().rstrip(";").strip())
    return ";\n".join(s for s in kept if s) + ";"


def upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    key: Sequence[str],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    replace: bool = True,
) -> None:
    """Insert `rows` into `table`; a row whose `key` is already there replaces it (`replace`) or is skipped."""
    batch = [list(row) for row in rows]
    if not batch:
        return
    on = " AND ".join(f'target."{k}" IS NOT DISTINCT FROM source."{k}"' for k in key)
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f'source."{c}"' for c in columns)
    matched = (
        "WHEN MATCHED THEN UPDATE SET " + ", ".join(f'"{c}" = source."{c}"' for c in columns)
        if replace
        else ""
    )
    partition = ", ".join(f'"{k}"' for k in key)
    # Each column typed from its values as pyarrow infers them: several Python types in one take their common type.
    frame = pl.DataFrame(
        {
            **{c: [row[i] for row in batch] for i, c in enumerate(columns)},
            "upsert_row": list(range(len(batch))),
        },
        strict=False,
    )
    with registered(con, "upsert_rows", frame):
        # A batch may name one key twice: the last row wins, as INSERT OR REPLACE row by row would.
        con.execute(
            f"MERGE INTO {table} AS target USING (SELECT * FROM upsert_rows QUALIFY row_number()"
            f" OVER (PARTITION BY {partition} ORDER BY upsert_row DESC) = 1) AS source"
            f" ON {on} {matched} WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
        )


def _bare(name: str) -> str:
    return name.replace('"', "").lower()


def _without_comments(sql: str) -> str:
    """`--` comments removed (outside quotes), so commas and brackets in them cannot mislead the parser."""
    out, i, quote = [], 0, ""
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _outside_quotes(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of `text` from `start` that is not inside quotes, with the bracket depth after it."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth


def _split_top_level(body: str) -> list[str]:
    parts, start = [], 0
    for i, ch, depth in _outside_quotes(body):
        if ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def _matching_paren(text: str, open_at: int) -> int:
    for i, ch, depth in _outside_quotes(text, open_at):
        if ch == ")" and depth == 0:
            return i
    raise ValueError(f"unbalanced brackets in: {text[:80]}")


def _column_without_constraints(column: str) -> str:
    column = COLUMN_KEYWORDS.sub("", column)
    while match := re.search(r"\s+CHECK\s*\(", column, re.IGNORECASE):
        end = _matching_paren(column, match.end() - 1)
        column = column[: match.start()] + column[end + 1 :]
    return column


def _table_without_constraints(statement: str) -> str:
    if CREATE_TABLE_AS.match(statement):
        return statement
    open_at = statement.find("(")
    if open_at < 0:
        return statement
    close_at = _matching_paren(statement, open_at)
    elements = [
        _column_without_constraints(e)
        for e in _split_top_level(statement[open_at + 1 : close_at])
        if not TABLE_CONSTRAINT.match(e)
    ]
    return statement[: open_at + 1] + ",".join(elements).rstrip() + "\n)" + statement[close_at + 1 :]
