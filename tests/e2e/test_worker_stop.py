"""Stopping the worker as its systemd unit stops it (ExecStop, then KillSignal to the worker) while it holds a run:
the run ends Completed with its outputs, nothing is left Running on the server."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sandbox.faults import FAULTS_ENV, Fault, FaultPlan
from tests.builders import prefect_server as server
from tests.builders.tiny_dataset import build_tiny_dataset

UNIT = server.REPO / "deploy" / "socialaudit-worker.service"


def _unit(key: str) -> str:
    (line,) = [line for line in UNIT.read_text(encoding="utf-8").splitlines() if line.startswith(f"{key}=")]
    return line.split("=", 1)[1]


def test_the_unit_waits_longer_than_its_drain_and_stops_the_worker_with_sigint():
    drain = shlex.split(_unit("ExecStop"))
    assert drain[1:4] == ["-m", "flows.worker_drain", "--pool"]
    assert float(drain[drain.index("--timeout") + 1]) < float(_unit("TimeoutStopSec"))
    assert _unit("KillSignal") == "SIGINT"


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_stopping_the_worker_while_it_holds_a_run_loses_nothing(tmp_path: Path) -> None:
    with server.prefect_server(tmp_path / "prefect-home", healthy_within=90) as env:
        school = build_tiny_dataset(tmp_path / "school")
        server.prefect(env, "work-pool", "create", "socialaudit", "--type", "process")
        server.prefect(env, "--no-prompt", "deploy", "--all", timeout=90)
        parameters = {
            "school_toml": str(school / "school.toml"),
            "db_path": str(tmp_path / "w.duckdb"),
            "out_dir": str(tmp_path / "out"),
            "as_of": "2026-11-16",
            "sandbox": True,
        }
        triggered = server.prefect(
            env, "deployment", "run", "weekly-audit/weekly", "--params", json.dumps(parameters)
        )
        run_id = next(line.split()[-1] for line in triggered.splitlines() if "UUID" in line)
        # The followers wait out one rate limit, so the run is surely in hand when the stop comes.
        slowed = {**env, FAULTS_ENV: FaultPlan([Fault("x.followers", "429", reset_in=10.0)]).to_json()}
        worker = server.start_worker(slowed, "socialaudit", tmp_path / "worker.log")
        run_url = f"{env['PREFECT_API_URL']}/flow_runs/{run_id}"
        try:
            deadline = time.monotonic() + 180
            while server.api_get(run_url, env=env)["state"]["type"] != "RUNNING":  # type: ignore[index]
                assert worker.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "worker.log"
                ).read_text()
                time.sleep(0.5)

            # systemd's stop: ExecStop as the unit writes it, then KillSignal to the worker's whole group.
            drain = shlex.split(_unit("ExecStop"))
            drain[0] = str(server.BIN / "python")
            drained = subprocess.run(
                drain, env=env, cwd=server.REPO, capture_output=True, text=True, timeout=300, check=False
            )
            assert drained.returncode == 0, drained.stderr
            assert "waiting for the run(s) in hand" in drained.stdout
            os.killpg(worker.pid, getattr(signal, _unit("KillSignal")))
            worker.wait(timeout=60)
        finally:
            server.stop_group(worker, signal.SIGKILL)
        state = server.api_get(run_url, env=env)["state"]  # type: ignore[index]
        assert state["type"] == "COMPLETED", state
        assert (tmp_path / "out" / "exceptions.json").exists()
        held = server.api_post(
            f"{env['PREFECT_API_URL']}/flow_runs/filter",
            {"flow_runs": {"state": {"type": {"any_": ["RUNNING", "PENDING"]}}}},
            env=env,
        )
        assert held == []
