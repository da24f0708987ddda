"""The README's production commands, as written: a real Prefect server, the pool, `deploy --all`, a worker, a run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders.tiny_dataset import build_tiny_dataset

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`prefect server start` with its own PREFECT_HOME, as the README's systemd unit runs it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "SOCIALAUDIT_HOME": str(REPO),
        }
    )
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{env['PREFECT_API_URL']}/health")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the Prefect server did not become healthy in 60 s"
                time.sleep(0.5)
        yield env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _prefect(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [str(BIN / "prefect"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.mark.e2e
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
