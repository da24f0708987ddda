"""`socialaudit sql`: read-only answers from the published copy, refusals that change nothing, no collisions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.audits import Audit
from tests.builders.warehouse import table_fingerprint
from warehouse.snapshot import snapshot_path


@pytest.fixture(scope="module")
def warehouse(tiny_school_week: Audit) -> Path:
    """The session's audited tiny school (tests/e2e/conftest.py): every test here leaves it as it was."""
    return tiny_school_week.db


def test_a_select_answers_as_a_table_csv_or_json(warehouse, socialaudit_inprocess):
    query = "SELECT person_ref, held_as FROM dpo.people_held WHERE person_ref = 'pupil:P0001'"
    table = socialaudit_inprocess("sql", query, "--db", str(warehouse))
    assert table.returncode == 0, table.stderr
    assert "pupil:P0001 | register" in table.stdout and "(1 row)" in table.stdout
    csv_out = socialaudit_inprocess("sql", query, "--db", str(warehouse), "--format", "csv")
    assert csv_out.stdout.splitlines() == ["person_ref,held_as", "pupil:P0001,register"]
    as_json = socialaudit_inprocess("sql", query, "--db", str(warehouse), "--format", "json")
    assert json.loads(as_json.stdout) == [{"person_ref": "pupil:P0001", "held_as": "register"}]


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO audit.runs SELECT * FROM audit.runs",
        "UPDATE ref.pupils SET surname = 'X'",
        "DELETE FROM audit.exceptions",
        "DROP TABLE audit.exceptions",
        "CREATE TABLE dpo.mine AS SELECT 1",
        "SELECT 1; DROP TABLE audit.exceptions",
        "SELECT 1; SELECT 2",
        "ATTACH '/tmp/other.duckdb' AS other",
        "COPY ref.pupils TO '/tmp/pupils.csv'",
        "PRAGMA table_info('ref.pupils')",
        "SET enable_external_access = true",
        "CALL pragma_version()",
        "INSTALL httpfs",
        "CHECKPOINT",
        "-- a comment first\nDELETE FROM audit.exceptions",
    ],
)
def test_anything_but_one_select_is_refused_and_changes_nothing(warehouse, query, socialaudit_inprocess):
    before = (table_fingerprint(warehouse), table_fingerprint(snapshot_path(warehouse)))
    result = socialaudit_inprocess("sql", query, "--db", str(warehouse))
    assert result.returncode == 2
    assert result.stderr.startswith("socialaudit sql: refused:"), result.stderr
    assert (table_fingerprint(warehouse), table_fingerprint(snapshot_path(warehouse))) == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_json_auto('/etc/passwd')",
    ],
)
def test_file_access_from_a_select_is_refused(warehouse, query, socialaudit_inprocess):
    result = socialaudit_inprocess("sql", query, "--db", str(warehouse))
    assert result.returncode == 1
    assert "disabled by configuration" in result.stderr or "Permission Error" in result.stderr, result.stderr


def test_the_dpo_never_collides_with_a_run_holding_the_warehouse(warehouse, socialaudit_inprocess):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from warehouse.db import connect; con = connect(sys.argv[1]);"
            " con.execute('BEGIN TRANSACTION'); print('holding', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        import duckdb

        from warehouse.db import connect

        with pytest.raises(duckdb.IOException, match="lock"):
            connect(warehouse, read_only=True)
        result = socialaudit_inprocess("sql", "SELECT count(*) AS n FROM dpo.rules", "--db", str(warehouse))
        assert result.returncode == 0, result.stderr
        assert holder.poll() is None  # answered while the run still held the warehouse
    finally:
        holder.kill()
        holder.wait()


def _documented_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "docs" / "dpo.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_every_query_in_the_dpo_guide_runs(warehouse, socialaudit_inprocess):
    queries = _documented_queries()
    assert len(queries) >= 8
    for query in queries:
        result = socialaudit_inprocess("sql", query, "--db", str(warehouse), "--format", "csv")
        assert result.returncode == 0, (query, result.stderr)
    people = socialaudit_inprocess("sql", queries[0], "--db", str(warehouse), "--format", "json")
    assert any(row["person_ref"] == "pupil:P0001" for row in json.loads(people.stdout))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM meta.warehouse_secret",
        'SELECT secret FROM meta."WAREHOUSE_SECRET"',
        "SELECT * FROM query('SELECT * FROM meta.' || 'warehouse_secret')",
        "SELECT * FROM query_table('meta.warehouse_secret')",
        "WITH k AS (SELECT * FROM meta.warehouse_secret) SELECT count(*) FROM k",
    ],
)
def test_the_secret_behind_erasure_selectors_is_out_of_the_dpos_reach(
    warehouse, query, socialaudit_inprocess
):
    from warehouse.db import connect
    from warehouse.privacy.keyed import warehouse_secret

    result = socialaudit_inprocess("sql", query, "--db", str(warehouse))
    assert result.returncode == 2 and "is a secret" in result.stderr, result.stderr
    con = connect(warehouse, read_only=True)
    try:
        secret = warehouse_secret(con).hex()
    finally:
        con.close()
    assert secret.encode() not in snapshot_path(warehouse).read_bytes()  # the copy the DPO reads holds none
