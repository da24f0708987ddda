"""One Prefect test harness per session, and a way to run the real `socialaudit` command against it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK_OUTPUTS = REPO.parent / "shared" / "tools" / "check_outputs.py"
CHECK_DATASET = REPO.parent / "shared" / "tools" / "check_dataset.py"


@pytest.fixture(scope="session")
def prefect_api_url() -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        url = PREFECT_API_URL.value()
        assert url, "the Prefect test harness did not publish an API URL"
        yield str(url)


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def socialaudit(prefect_api_url: str):
    """Run `socialaudit ARGS` in a subprocess that talks to the session's Prefect server."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
        environment = {**os.environ, "PREFECT_API_URL": prefect_api_url, **(env or {})}
        executable = shutil.which("socialaudit", path=str(Path(sys.executable).parent)) or "socialaudit"
        completed = subprocess.run(
            [executable, *args], capture_output=True, text=True, env=environment, timeout=timeout, check=False
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def socialaudit_inprocess(
    prefect_api_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Run `socialaudit ARGS` in this process (same code path as the console script, without its start-up)."""
    from flows.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        with monkeypatch.context() as patch:
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            capsys.readouterr()
            code = main(list(args))
            captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def table_fingerprint(db_path: Path) -> dict[str, tuple[int, str]]:
    """Row count and a content hash of every base table: equal fingerprints mean nothing was written."""
    from warehouse.db import connect

    con = connect(db_path, read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
        result = {}
        for schema, table in sorted(tables):
            row = con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM "{schema}"."{table}" AS t'
            ).fetchone()
            assert row is not None
            count, digest = row
            result[f"{schema}.{table}"] = (int(count), str(digest))
        return result
    finally:
        con.close()
