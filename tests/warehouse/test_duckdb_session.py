"""Every DuckDB connection and cursor of the product comes from warehouse/duckdb_session.py, whose set-up lets a
large result of several pipelines be fetched at all (duckdb/duckdb#22215: with the default streaming buffer
DuckDB waits for ever on its own stream)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.paths import REPO, product_sources

OPENER = REPO / "warehouse" / "duckdb_session.py"

MANY_PIPELINES = """
import sys
from warehouse.db import connect
from warehouse.duckdb_session import cursor

con = connect(sys.argv[1])
con.execute("CREATE TABLE a AS SELECT range AS k FROM range(1000000)")
query = "SELECT k FROM a JOIN a AS b USING (k) UNION ALL SELECT k FROM a JOIN a AS b USING (k)"
assert len(con.execute(query).fetchall()) == 2_000_000
other = cursor(con)
other.execute("USE " + con.execute("SELECT current_database()").fetchone()[0])
assert len(other.execute(query + " WHERE k >= ?", [0]).fetchall()) == 2_000_000
print("ok")
"""


def opened_elsewhere(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            called = node.func
            if called.attr == "cursor" and not node.args:
                found.append(f"{path.name}:{node.lineno} .cursor()")
            elif (
                called.attr == "connect"
                and isinstance(called.value, ast.Name)
                and called.value.id == "duckdb"
            ):
                found.append(f"{path.name}:{node.lineno} duckdb.connect()")
    return found


def test_the_product_opens_duckdb_only_through_the_session_opener() -> None:
    found = [
        f"{path.relative_to(REPO)}: {finding}"
        for path in product_sources()
        if path != OPENER
        for finding in opened_elsewhere(path)
    ]
    assert found == []


def test_a_warehouse_connection_and_its_cursors_buffer_results_whole(tmp_path: Path) -> None:
    from warehouse.db import connect
    from warehouse.duckdb_session import cursor

    con = connect(tmp_path / "w.duckdb")
    try:
        for opened in (con, cursor(con)):
            settings = opened.execute(
                "SELECT current_setting('streaming_buffer_size'), current_setting('enable_progress_bar')"
            ).fetchone()
            assert settings is not None and settings[0].endswith("TiB") and settings[1] is False
    finally:
        con.close()


@pytest.mark.slow
def test_a_large_result_of_several_pipelines_is_fetched(tmp_path: Path) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", MANY_PIPELINES, str(tmp_path / "w.duckdb")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("DuckDB waited on its own stream: the connection's buffer is bounded") from None
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


# Just after midnight in London in summer is still the day before in UTC; east of UTC the day has long turned.
IN_UTC = """
import sys
from warehouse.db import connect
from warehouse.duckdb_session import cursor

con = connect(sys.argv[1])
con.execute("CREATE TABLE stamps AS SELECT TIMESTAMPTZ '2026-06-01 00:30:00+01' AS posted")
for opened in (con, cursor(con)):
    opened.execute("USE " + con.execute("SELECT current_database()").fetchone()[0])
    zone, day = opened.execute("SELECT current_setting('TimeZone'), posted::DATE FROM stamps").fetchone()
    polars_zone = opened.execute("SELECT posted FROM stamps").pl().schema["posted"].time_zone
    posted = opened.execute("SELECT posted FROM stamps").fetchone()[0]
    print(zone, day, polars_zone, posted.date(), posted.utcoffset())
"""


@pytest.mark.parametrize("machine_zone", ["Europe/London", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_a_connection_reads_and_dates_stamps_in_utc_whatever_the_machines_zone(
    tmp_path: Path, machine_zone: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", IN_UTC, str(tmp_path / "w.duckdb")],
        cwd=REPO,
        env={**os.environ, "TZ": machine_zone},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["UTC 2026-05-31 UTC 2026-05-31 0:00:00"] * 2
