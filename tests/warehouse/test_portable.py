"""What DuckLake cannot store is taken out of a migration in one place; everything else passes through."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.portable import for_lake


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def test_keys_uniques_and_checks_go_and_the_columns_stay(con: duckdb.DuckDBPyConnection) -> None:
    sql = """
    -- a comment, with commas (and brackets
    CREATE TABLE t (
        id VARCHAR PRIMARY KEY,
        code VARCHAR UNIQUE NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('a', 'b')),  -- why (it matters)
        n INTEGER DEFAULT 3,
        note VARCHAR DEFAULT 'PRIMARY KEY, (not a key)',
        CHECK (n > 0 OR (kind = 'a' AND n IS NULL)),
        PRIMARY KEY (id, code),
        UNIQUE (code)
    );
    COMMENT ON TABLE t IS 'kept';
    CREATE INDEX t_code ON t (code);
    CREATE SEQUENCE s;
    """
    translated = for_lake(con, sql)
    con.execute(translated)
    columns = con.execute(
        "SELECT column_name, column_default FROM duckdb_columns() WHERE table_name = 't'"
    ).fetchall()
    assert [c[0] for c in columns] == ["id", "code", "kind", "n", "note"]
    assert "PRIMARY KEY, (not a key)" in str(columns[-1][1])
    assert con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type <> 'NOT NULL'"
    ).fetchone() == (0,)
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 't'").fetchone() == ("kept",)
    assert "INDEX" not in translated.upper().replace("'", "") or "t_code" not in translated
    assert "SEQUENCE" not in translated.upper()


def test_comments_on_a_views_columns_go_and_those_on_a_tables_stay(con: duckdb.DuckDBPyConnection) -> None:
    sql = """
    CREATE TABLE t (a INTEGER);
    CREATE OR REPLACE VIEW v AS SELECT a FROM t;
    COMMENT ON VIEW v IS 'the view';
    COMMENT ON COLUMN v.a IS 'dropped on a lake';
    COMMENT ON COLUMN t.a IS 'kept';
    """
    translated = for_lake(con, sql)
    assert "dropped on a lake" not in translated
    assert "'kept'" in translated and "'the view'" in translated


def test_statements_without_constraints_are_unchanged(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE t (a INTEGER, b VARCHAR)")
    sql = "ALTER TABLE t ADD COLUMN c JSON;\nUPDATE t SET b = 'x;y' WHERE a = 1;\nCREATE TABLE u AS SELECT 1 AS k;"
    translated = for_lake(con, sql)
    assert [s.strip() for s in translated.split(";\n")] == [s.strip() for s in sql.split(";\n")]
