"""The Prefect servers of a test session start on a copy of a first start's database
(tests/builders/prefect_database.py): it holds nothing of any run, and a copy that is not whole is not used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.builders.prefect_database import FILE_NAME, copy_of_first_start, template_name, whole

pytestmark = pytest.mark.slow  # starts a Prefect server: seconds


def _rows_by_table(database: Path) -> dict[str, int]:
    """Every table of the SQLite database, with its count of rows."""
    with sqlite3.connect(database) as con:
        tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
    con.close()
    return counts


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache with the copy made in it: one first start of a server."""
    folder = tmp_path_factory.mktemp("cache")
    copy_of_first_start(tmp_path_factory.mktemp("server"), folder)
    return folder


def test_the_copy_holds_prefects_schema_and_block_types_and_nothing_of_a_run(
    cache: Path, tmp_path: Path
) -> None:
    copy = copy_of_first_start(tmp_path / "server", cache)

    assert copy == tmp_path / "server" / FILE_NAME
    rows = _rows_by_table(copy)
    assert "flow_run" in rows
    assert {table for table, count in rows.items() if count} <= {
        "alembic_version",
        "block_type",
        "block_schema",
        "block_schema_reference",
    }
    assert rows["block_type"] > 0
    assert [path.name for path in cache.iterdir()] == [template_name()], "no partial copy is left behind"


def test_a_copy_is_used_only_while_whole(cache: Path, tmp_path: Path) -> None:
    made = cache / template_name()
    assert whole(made)
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    cut = tmp_path / "cut.db"
    cut.write_bytes(made.read_bytes()[: made.stat().st_size // 2])
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a SQLite database" * 100)

    for damaged in (tmp_path / "missing.db", bare, cut, garbage):
        assert not whole(damaged), damaged.name
