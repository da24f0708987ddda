"""Rows handed between DuckDB and polars (or between two DuckDB databases) as an Arrow C stream, the PyCapsule
interface both implement natively, so that neither needs pyarrow: a 170 MB library a school would otherwise
install for these hand-overs alone.

DuckDB's own shortcuts go through pyarrow: `.pl()`, `.arrow()`, `fetch_arrow_table()`, and a polars frame scanned
by name or registered as it is (DuckDB calls the frame's `to_arrow()`). The product uses these functions instead;
tests/warehouse/test_arrow_stream.py keeps the shortcuts out of its source and runs the hand-overs without pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import duckdb
import polars as pl


class ArrowStreamSource(Protocol):
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


class ArrowStream:
    """`source` (a polars frame, a DuckDB relation) as nothing but an Arrow C stream: DuckDB reads it through the
    PyCapsule interface instead of asking the source for a pyarrow table. Each read takes a fresh stream, so a
    relation's query runs again for each statement that reads it."""

    __slots__ = ("source",)

    def __init__(self, source: ArrowStreamSource) -> None:
        self.source = source

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.source.__arrow_c_stream__(requested_schema)


def frame(
    con: duckdb.DuckDBPyConnection, query: str, parameters: Sequence[Any] | None = None
) -> pl.DataFrame:
    """The result of `query` (with its bound `parameters`) as a polars frame, its columns typed as DuckDB's."""
    return pl.DataFrame(con.sql(query, params=parameters))


def relation(con: duckdb.DuckDBPyConnection, query: str) -> ArrowStream:
    """`query` on `con` as a stream another DuckDB database can read: it runs when that database reads it."""
    return ArrowStream(con.sql(query))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, rows: pl.DataFrame | ArrowStream) -> Iterator[None]:
    """`rows` readable on `con` as the view `name` inside the block."""
    con.register(name, rows if isinstance(rows, ArrowStream) else ArrowStream(rows))
    try:
        yield
    finally:
        con.unregister(name)
