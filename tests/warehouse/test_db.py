"""warehouse/db.py's transactions: telling whether one is open without disturbing it, and joining it or opening one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect, in_transaction, joining_or_own_transaction, transaction


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path / "w.duckdb")
    connection.execute("CREATE TABLE t (n INTEGER)")
    yield connection
    connection.close()


def test_an_open_transaction_is_told_apart_and_asking_leaves_it_usable(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert not in_transaction(con)
    con.execute("BEGIN TRANSACTION")
    assert in_transaction(con)
    con.execute("INSERT INTO t VALUES (1)")  # still open, not aborted by the asking
    con.execute("ROLLBACK")
    assert not in_transaction(con)
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_a_block_with_no_transaction_open_gets_its_own_committed_or_undone_whole(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with joining_or_own_transaction(con):
        assert in_transaction(con)
        con.execute("INSERT INTO t VALUES (1)")
    assert not in_transaction(con)
    with pytest.raises(duckdb.ConversionException), joining_or_own_transaction(con):
        con.execute("INSERT INTO t VALUES (2)")
        con.execute("INSERT INTO t VALUES ('three')")
    assert con.execute("SELECT list(n ORDER BY n) FROM t").fetchone() == ([1],)


def test_a_block_inside_the_callers_transaction_is_part_of_it(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError), transaction(con):
        with joining_or_own_transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
        assert in_transaction(con), "the inner block did not commit the caller's transaction"
        raise RuntimeError("the caller fails after the block")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
