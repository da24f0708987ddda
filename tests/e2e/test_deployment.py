"""The README's production commands, as written: a real Prefect server, the pool, `deploy --all`, a worker, a run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import prefect_server as server
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`prefect server start` with its own PREFECT_HOME, as the README's systemd unit runs it."""
    with server.prefect_server(tmp_path / "prefect-home", healthy_within=60) as env:
        yield env


def _get(url: str) -> object:
    return server.api_get(url, timeout=5)


def _prefect(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    return server.prefect(env, *args, timeout=timeout)


@pytest.mark.slow
# ~60 s on an idle 2-core machine (server ~15 s, deploy ~10 s, worker + run ~30 s); the timeout is the ceiling.
@pytest.mark.timeout(180)
def test_the_scheduled_deployment_runs_the_audit_through_a_worker(prefect_server, tmp_path):
    env = prefect_server
    dataset = build_tiny_dataset(tmp_path / "school")

    _prefect(env, "work-pool", "create", "socialaudit", "--type", "process")
    _prefect(env, "--no-prompt", "deploy", "--all", timeout=90)
    deployment = _get(f"{env['PREFECT_API_URL']}/deployments/name/weekly-audit/weekly")
    assert isinstance(deployment, dict)
    schedule = deployment["schedules"][0]["schedule"]
    assert (schedule["cron"], schedule["timezone"]) == ("0 6 * * 1", "Europe/London")
    assert deployment["work_pool_name"] == "socialaudit"

    parameters = {
        "school_toml": str(dataset / "school.toml"),
        "db_path": str(tmp_path / "data" / "socialaudit.duckdb"),
        "out_dir": str(tmp_path / "data" / "reports" / "latest"),
        "as_of": "2026-11-16",
        "sandbox": True,
    }
    triggered = _prefect(env, "deployment", "run", "weekly-audit/weekly", "--params", json.dumps(parameters))
    run_id = next(line.split()[-1] for line in triggered.splitlines() if "UUID" in line)

    _prefect(env, "worker", "start", "--pool", "socialaudit", "--run-once", timeout=150)

    flow_run = _get(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}")
    assert isinstance(flow_run, dict)
    assert flow_run["state"]["type"] == "COMPLETED", flow_run["state"]
    assert (tmp_path / "data" / "reports" / "latest" / "exceptions.json").exists()
    assert (tmp_path / "data" / "socialaudit.duckdb.readonly.duckdb").exists()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
