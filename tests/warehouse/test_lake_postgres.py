"""Schools' lakes in one PostgreSQL catalog: each school its own metadata schema, written by several processes
at once (the multi-machine layout of docs/trust.md), the same migrations applying."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warehouse import lake
from warehouse.db import connect, discover_migrations

WRITER = """
import sys
from datetime import date
from pathlib import Path
from warehouse.db import connect, migrate
from warehouse.load import store_media_fingerprints

con = connect(Path(sys.argv[1]))
migrate(con)
for commit in range(20):
    store_media_fingerprints(
        con, [{"media_ref": f"m{commit}", "platform": "x", "account_id": sys.argv[2], "url": "u", "error": None}]
    )
con.close()
"""


@pytest.fixture(scope="module")
def catalog(postgres: str) -> str:
    return "postgres:" + postgres


@pytest.mark.slow
def test_two_processes_write_two_schools_at_once_each_in_its_own_schema(catalog: str, tmp_path: Path) -> None:
    locators = {
        slug: lake.write_locator(
            tmp_path / f"{slug}.ducklake", lake.location_in(catalog, str(tmp_path / "data"), slug)
        )
        for slug in ("school-a", "school-b")
    }
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), slug], stderr=subprocess.PIPE, text=True)
        for slug, path in locators.items()
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=300)
        assert writer.returncode == 0, errors[-2000:]
    for slug, path in locators.items():
        con = connect(path, read_only=True)
        try:
            assert con.execute(
                "SELECT DISTINCT account_id, count(*) FROM raw.media_files GROUP BY 1"
            ).fetchall() == [(slug, 20)]
            assert con.execute("SELECT count(*) FROM meta.migrations").fetchone() == (
                len(discover_migrations()),
            )
        finally:
            con.close()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["school-a", "school-b"]
