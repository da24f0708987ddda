"""Every DuckDB connection the product opens, and every cursor it hands out, comes from here, set up for the
warehouse's queries (tests/warehouse/test_duckdb_session.py keeps `duckdb.connect` and `.cursor()` out of the rest
of the product).

- A result is buffered whole: DuckDB 1.5 hands out a query's result as a stream even to `fetchall()` and to an
  Arrow C stream, and a query of several pipelines (joins under a UNION ALL, as the marts are) whose result fills
  the streaming buffer (about 1 MB) while another pipeline still runs leaves every task blocked on a buffer nobody
  drains yet, the caller idle in `Executor::WaitForTask` for ever (duckdb/duckdb#22215, open). A large school's
  audience and the subjects present in its week fill it. The buffer is a setting of each connection, which DuckDB
  refuses globally and a cursor does not inherit, so it is set on each as it is opened.
- Time in UTC: DuckDB reads and casts a TIMESTAMPTZ in the session's time zone, which is otherwise the machine's
  own. A school's machine in Europe/London and a trust's in UTC would then date the same stamp differently around
  midnight (a profile's opening day, which the identity rules age a pupil on: the platforms' stamps are
  TIMESTAMPTZ), and hand Python and polars the stamps in different zones. Every stamp the product writes is UTC
  (`now_utc`); so is every session, whatever machine it runs on.
- No progress bar: DuckDB prints one over the command's own progress display once a query runs a few seconds.
- Where pyarrow is installed beside the product (a developer's environment; a school's install has none), DuckDB
  scans a registered Arrow stream through pyarrow's Acero, which warns on stderr, over that display, of any buffer
  polars handed over unaligned: Acero is asked to copy such a buffer into place instead (`reallocate`), quietly.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb

os.environ.setdefault("ACERO_ALIGNMENT_HANDLING", "reallocate")

STREAMING_BUFFER = "streaming_buffer_size"
UNBOUNDED = "1000TB"  # the largest DuckDB accepts, far beyond any memory: the buffer never fills


def open_database(
    database: str = ":memory:", config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect(database, config=config)`, set up as the module says."""
    return prepared(duckdb.connect(database, config=config or {}))


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor on `con` (a connection of its own to the same database), set up as the module says."""
    return prepared(con.cursor())


def prepared(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    try:
        con.execute(f"SET {STREAMING_BUFFER} = '{UNBOUNDED}'")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET TimeZone = 'UTC'")
    except BaseException:
        con.close()
        raise
    return con
