"""The production commands of docs/production.md §5, as written: a real Prefect server, the pool, `deploy --all`, a worker, a run."""

from __future__ import annotations

import json
import subprocess
import urllib.error
from collections.abc import Iterator

import pytest

from tests.builders import prefect_server as server
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`prefect server start` with its own PREFECT_HOME, as deploy/prefect-server.service runs it."""
    with server.prefect_server(tmp_path_factory.mktemp("prefect") / "prefect-home", healthy_within=60) as env:
        yield env


def _get(env: dict[str, str], url: str) -> object:
    return server.api_get(url, timeout=5, env=env)


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
    deployment = _get(env, f"{env['PREFECT_API_URL']}/deployments/name/weekly-audit/weekly")
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

    flow_run = _get(env, f"{env['PREFECT_API_URL']}/flow_runs/{run_id}")
    assert isinstance(flow_run, dict)
    assert flow_run["state"]["type"] == "COMPLETED", flow_run["state"]
    assert (tmp_path / "data" / "reports" / "latest" / "exceptions.json").exists()
    assert (tmp_path / "data" / "socialaudit.duckdb.readonly.duckdb").exists()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_the_prefect_api_refuses_a_caller_without_the_auth_string(prefect_server: dict[str, str]) -> None:
    """Started as deploy/ starts it, the API answers nobody who does not send PREFECT_API_AUTH_STRING: not the
    Secret blocks (X keys, tokens, the warehouse key when a school keeps it there), not a new flow run."""
    env = prefect_server
    api = env["PREFECT_API_URL"]
    stranger = {k: v for k, v in env.items() if k != "PREFECT_API_AUTH_STRING"}
    wrong = {**env, "PREFECT_API_AUTH_STRING": "socialaudit:guessed"}
    for caller in (stranger, wrong):
        for path in (
            "/block_documents/filter",
            "/flow_runs/filter",
            "/deployments/filter",
            "/work_pools/filter",
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                server.api_post(f"{api}{path}", {}, env=caller)
            assert refused.value.code == 401, path
        with pytest.raises(urllib.error.HTTPError) as refused:
            server.api_get(f"{api}/admin/settings", env=caller)
        assert refused.value.code == 401
        listed = subprocess.run(
            [str(server.BIN / "prefect"), "block", "ls"],
            env=caller,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert listed.returncode != 0
    assert server.api_post(f"{api}/block_documents/filter", {}, env=env) == []
    assert "Blocks" in server.prefect(env, "block", "ls")
    server.api_get(f"{api}/health")  # only the health probe answers without it
