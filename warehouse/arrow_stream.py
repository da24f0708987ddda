"""Rows handed between DuckDB and polars (or between two DuckDB databases) as an Arrow C stream, the PyCapsule
interface both implement natively, so that neither needs pyarrow: a 170 MB library a school would otherwise
install for these hand-overs alone.

DuckDB's own shortcuts go through pyarrow: `.pl()`, `.arrow()`, `fetch_arrow_table()`, and a polars frame scanned
by name or registered as it is (DuckDB calls the frame's `to_arrow()`). The product uses these functions instead;
tests/warehouse/test_arrow_stream.py keeps the shortcuts out of its source and runs the hand-overs without pyarrow.

A query's result is handed over whole: while a stream is read, the connection's streaming buffer has no bound
(`_whole_result_buffered`). A relation's Arrow C stream is DuckDB's streaming result (with parameters, `con.sql`
itself runs the query as one), and with the default buffer (about 1 MB) DuckDB can wait forever before handing that
stream out: a query of several pipelines (joins under a UNION ALL, as in marts.fct_audience) whose result fills the
buffer while a pipeline is still running leaves every task blocked on a buffer nobody can drain yet, and the caller
idle in `Executor::WaitForTask` (duckdb/duckdb#22215, open: the stream counts as ready only once every other
pipeline has finished; `SET threads = 1` does not help). A large school's audience (some 12,000 X followers) fills
it. The other ways to have DuckDB finish the query first go through pyarrow (a relation's `execute()` result) or
give up the query's order (a MATERIALIZED CTE), so the whole result is held in memory, as `.pl()` held it.

Rows handed to another database are a query's result run once and held (a `frame`), not the query: DuckDB asks a
registered stream for its rows five times for one `INSERT ... FROM` it (to bind, to plan and to run), and a
relation's stream runs its query again each time; from a lake, each run reads the catalog and decrypts and decodes
the Parquet files again (2.5 times the time, for two million rows read from a lake into a stage).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import duckdb
import polars as pl

STREAMING_BUFFER = "streaming_buffer_size"
UNBOUNDED = "1000TB"  # the largest DuckDB accepts is far beyond any memory: the buffer never fills


class ArrowStreamSource(Protocol):
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


class ArrowStream:
    """`source` (a polars frame) as nothing but an Arrow C stream: DuckDB reads it through the PyCapsule interface
    instead of asking the source for a pyarrow table."""

    __slots__ = ("source",)

    def __init__(self, source: ArrowStreamSource) -> None:
        if isinstance(source, duckdb.DuckDBPyRelation):
            raise TypeError("a query's rows are handed over as its result: arrow_stream.frame(con, query)")
        self.source = source

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.source.__arrow_c_stream__(requested_schema)


def frame(
    con: duckdb.DuckDBPyConnection, query: str, parameters: Sequence[Any] | None = None
) -> pl.DataFrame:
    """The result of `query` (with its bound `parameters`) as a polars frame, its columns typed as DuckDB's."""
    with _whole_result_buffered(con):
        return pl.DataFrame(con.sql(query, params=parameters))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, rows: pl.DataFrame) -> Iterator[None]:
    """`rows` readable on `con` as the view `name` inside the block, as often as it asks for them."""
    con.register(name, ArrowStream(rows))
    try:
        yield
    finally:
        con.unregister(name)


@contextmanager
def _whole_result_buffered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """`con`'s streaming results buffered whole inside the block (the module's docstring says why). Put back only
    once the stream is read: any statement on `con`, this SET among them, closes the stream it has open."""
    row = con.execute(f"SELECT current_setting('{STREAMING_BUFFER}')").fetchone()
    con.execute(f"SET {STREAMING_BUFFER} = '{UNBOUNDED}'")
    try:
        yield
    finally:
        if row is None:
            con.execute(f"RESET {STREAMING_BUFFER}")
        else:
            con.execute(f"SET {STREAMING_BUFFER} = '{row[0]}'")
