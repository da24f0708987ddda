"""Rows cross between DuckDB and polars without pyarrow, which a school's install does not have: each hand-over
runs in a process where pyarrow cannot be imported, and the product's source keeps to the hand-overs that work
there (DuckDB's `.pl()`, `.arrow()` and polars' `to_arrow()` / `to_pandas()` all need pyarrow)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.paths import REPO, product_sources

NEEDS_PYARROW = {
    "pl",
    "arrow",
    "fetch_arrow_table",
    "to_arrow_table",
    "fetch_record_batch",
    "to_arrow",
    "to_pandas",
}

WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None  # as if not installed: any import of it fails

from datetime import date, datetime

import duckdb
import polars as pl

from checks.validation import _pandas
from warehouse import arrow_stream
from warehouse.portable import upsert

con = duckdb.connect(":memory:")
con.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n INTEGER, scores DOUBLE[], day DATE, seen TIMESTAMP, note VARCHAR)")
upsert(con, "t", ("k",), ("k", "n", "scores", "day", "seen", "note"), [
    ["a", 1, [0.5, 1], date(2026, 1, 5), datetime(2026, 1, 5, 9), None],
    ["b", None, None, None, None, "kept"],
])
upsert(con, "t", ("k",), ("k", "n", "scores", "day", "seen", "note"), [["a", 2, [1.5], None, None, "new"]])
assert con.execute("FROM t ORDER BY k").fetchall() == [
    ("a", 2, [1.5], None, None, "new"),
    ("b", None, None, None, None, "kept"),
], con.execute("FROM t").fetchall()

frame = arrow_stream.frame(con, "SELECT k, n, day FROM t WHERE k = ? OR n IS NULL ORDER BY k", ["a"])
assert frame.schema == pl.Schema({"k": pl.String, "n": pl.Int32, "day": pl.Date}), frame.schema
assert frame.rows() == [("a", 2, None), ("b", None, None)]

with arrow_stream.registered(con, "rows", pl.DataFrame({"k": ["c"], "n": [3]})):
    con.execute("INSERT INTO t (k, n) SELECT k, n FROM rows")
assert con.execute("SELECT n FROM t WHERE k = 'c'").fetchone() == (3,)

other = duckdb.connect(":memory:")
other.execute("CREATE TABLE copied (k VARCHAR, scores DOUBLE[])")
with arrow_stream.registered(other, "rows", arrow_stream.frame(con, "SELECT k, scores FROM t")):
    other.execute("INSERT INTO copied BY NAME FROM rows")
assert sorted(other.execute("FROM copied").fetchall()) == [("a", [1.5]), ("b", None), ("c", None)]

pandas = _pandas(pl.DataFrame({"day": [date(2026, 1, 5), None], "n": [1, None], "flag": [True, None]}))
assert [str(t) for t in pandas.dtypes] == ["datetime64[ms]", "float64", "object"], pandas.dtypes
print("ok")
"""


def test_the_hand_overs_work_without_pyarrow() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYARROW], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


# An audience as marts.fct_audience makes it (joins under a UNION ALL), its result far past DuckDB's streaming buffer:
# asked for as a plain stream, DuckDB waits forever before handing it out (warehouse/arrow_stream.py says why).
A_LARGE_AUDIENCE = """
import sys
sys.modules["pyarrow"] = None

from datetime import date

import duckdb

from warehouse import arrow_stream

FOLLOWERS = 1_000_000
QUIET = "SET enable_progress_bar = false"  # under load it would print past two seconds, over the "ok" looked for
con = duckdb.connect(":memory:")
con.execute(QUIET)
BUFFER = "SELECT current_setting('streaming_buffer_size')"
buffer = con.execute(BUFFER).fetchone()
con.execute(f"CREATE TABLE users AS SELECT DATE '2026-11-16' AS as_of, range AS k FROM range({FOLLOWERS})")
con.execute(\"\"\"CREATE VIEW audience AS
    SELECT as_of, k FROM users JOIN users AS seen USING (as_of, k)
    UNION ALL
    SELECT as_of, k FROM users JOIN users AS seen USING (as_of, k)\"\"\")
assert arrow_stream.frame(con, "FROM audience").height == 2 * FOLLOWERS
assert arrow_stream.frame(con, "FROM audience WHERE as_of = ?", [date(2026, 11, 16)]).height == 2 * FOLLOWERS

other = duckdb.connect(":memory:")
other.execute(QUIET)
with arrow_stream.registered(other, "rows", arrow_stream.frame(con, "FROM audience")):
    assert other.execute("SELECT count(*) FROM rows").fetchone() == (2 * FOLLOWERS,)
assert con.execute(BUFFER).fetchone() == buffer  # as it was once the rows are read
print("ok")
"""


@pytest.mark.slow
def test_a_large_audience_is_handed_over() -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", A_LARGE_AUDIENCE],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            "a large audience was never handed over: DuckDB waits on its own stream"
        ) from None
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def calls_needing_pyarrow(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{path.name}:{node.lineno} imports {n}" for n in names if n.split(".")[0] == "pyarrow"]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in NEEDS_PYARROW
        ):
            found.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
    return found


def test_the_product_never_asks_for_pyarrow() -> None:
    found = [
        f"{path.relative_to(REPO)}: {finding}"
        for path in product_sources()
        for finding in calls_needing_pyarrow(path)
    ]
    assert found == []
