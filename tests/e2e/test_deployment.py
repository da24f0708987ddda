"""The production commands of docs/production.md §5, as written: a real Prefect server, the pool, `deploy --all`, a
worker, a run; and stopping the worker as its systemd unit stops it (ExecStop, then KillSignal to the worker) while it
holds a run: the run ends Completed with its outputs, nothing is left Running on the server.

`socialaudit doctor`'s schedule checks against the same server: one line per fault, each with its fix, for a wrong
port, a missing auth string, a proxy without NO_PROXY, no deployment, no worker and no alerts; every line ok once
the guide's steps are done.

Alerts: `socialaudit alerts install` on the same server, then, for real, a window with no completed run, a run that
fails, a run that ends Partial and a backup that fails; each automation fires into a local webhook, in its own
flow's words.

The server, the pool and the deployments are made once for the module (the schedule checks read the server before
and after the pool and deployments are made): each run is a deployment run of its own."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.schedule_health import schedule_checks
from sandbox.faults import FAULTS_ENV, Fault, FaultPlan
from tests.builders import prefect_server as server
from tests.builders.forked_cli import ForkedCli, socialaudit_with
from tests.builders.ports import SHORT_POLL
from tests.builders.tiny_dataset import build_tiny_dataset

WORKER_UNIT = server.REPO / "deploy" / "socialaudit-worker.service"
AS_OF = "2026-11-16"
WINDOW_SECONDS = 10  # Prefect's shortest: the test waits it out, with nothing left to run, at its end


@pytest.fixture(scope="module")
def prefect_server(
    tmp_path_factory: pytest.TempPathFactory, prefect_databases: Path | None
) -> Iterator[dict[str, str]]:
    """The Prefect server with its own PREFECT_HOME, as deploy/prefect-server.service runs it."""
    home = tmp_path_factory.mktemp("prefect") / "prefect-home"
    with server.prefect_server(home, healthy_within=90, databases=prefect_databases) as env:
        yield env


Checks = list[tuple[str, bool, str, bool]]


PROXY_SETTINGS = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


def _checks(env: dict[str, str]) -> Checks:
    return schedule_checks(env["PREFECT_API_URL"], env["PREFECT_API_AUTH_STRING"])


def _checks_without_proxies(env: dict[str, str]) -> Checks:
    """The checks as the doctor tests make them, whatever proxy settings this machine has."""
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_SETTINGS:
            patch.delenv(name, raising=False)
        return _checks(env)


def _faults(lines: Checks) -> list[str]:
    return [f"{area}: {message}" for area, ok, message, _ in lines if not ok]


@pytest.fixture(scope="module")
def deployed(prefect_server: dict[str, str]) -> tuple[dict[str, str], dict[str, Checks]]:
    """The pool and every deployment of prefect.yaml, as docs/production.md §5 makes them; with what the schedule
    checks said before the pool was made, and once the server had scheduled the deployments' runs."""
    said = {"nothing deployed": _checks_without_proxies(prefect_server)}
    _prefect(prefect_server, "work-pool", "create", "socialaudit", "--type", "process")
    _prefect(prefect_server, "--no-prompt", "deploy", "--all", timeout=90)
    # The server's scheduler makes a new deployment's runs on its next pass (within a minute or so).
    deadline = time.monotonic() + 150
    while "no run is scheduled" in str(lines := _checks_without_proxies(prefect_server)):
        assert time.monotonic() < deadline, lines
        time.sleep(1)
    said["deployed"] = lines
    return prefect_server, said


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _get(env: dict[str, str], url: str) -> object:
    return server.api_get(url, timeout=5, env=env)


def _state_type(run_url: str, env: dict[str, str]) -> str | None:
    """The run's state type; None when the server is too busy to answer in time (on 2 cores a run, its worker and
    the other test worker share them with the server: a read once timed out here under load)."""
    try:
        run = server.api_get(run_url, timeout=30, env=env)
    except (TimeoutError, urllib.error.URLError):
        return None
    assert isinstance(run, dict)
    return str(run["state"]["type"])


def _prefect(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    return server.prefect(env, *args, timeout=timeout)


def _unit(key: str) -> str:
    (line,) = [
        line for line in WORKER_UNIT.read_text(encoding="utf-8").splitlines() if line.startswith(f"{key}=")
    ]
    return line.split("=", 1)[1]


class Receiver:
    """A webhook on 127.0.0.1 that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alerts"
        threading.Thread(target=self.httpd.serve_forever, kwargs=SHORT_POLL, daemon=True).start()

    def wait_for(self, subject_part: str, seconds: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for alert in self.received:
                if subject_part in alert["subject"]:
                    return alert
            time.sleep(0.25)
        raise AssertionError(f"no alert {subject_part!r} within {seconds:g} s; received {self.received}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.httpd.shutdown()


def test_the_prefect_api_refuses_a_caller_without_the_auth_string(prefect_server: dict[str, str]) -> None:
    """Started as deploy/ starts it, the API answers nobody who does not send PREFECT_API_AUTH_STRING: not the
    Secret blocks (X keys, tokens, the warehouse key when a school keeps it there), not a new flow run. Before the
    doctor's guide installs the alerts (their webhook is a block): the server holds no block yet."""
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


def test_doctor_names_a_wrong_port_in_one_line(prefect_server, no_proxy_settings):
    wrong = f"http://127.0.0.1:{server.free_port()}/api"
    (fault,) = _faults(schedule_checks(wrong, prefect_server["PREFECT_API_AUTH_STRING"]))
    assert "nothing answers" in fault and "port" in fault


def test_doctor_names_a_missing_or_wrong_auth_string_in_one_line(prefect_server, no_proxy_settings):
    (missing,) = _faults(schedule_checks(prefect_server["PREFECT_API_URL"], None))
    assert "PREFECT_API_AUTH_STRING is not set" in missing
    (wrong,) = _faults(schedule_checks(prefect_server["PREFECT_API_URL"], "socialaudit:not-it"))
    assert "refuses it" in wrong


def test_doctor_names_a_proxy_without_no_proxy_for_the_api(prefect_server, no_proxy_settings):
    no_proxy_settings.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.free_port()}")
    no_proxy_settings.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.free_port()}")
    faults = _faults(_checks(prefect_server))
    assert faults[0].startswith("schedule proxy:") and "NO_PROXY" in faults[0] and "127.0.0.1" in faults[0]
    no_proxy_settings.setenv("NO_PROXY", "localhost,127.0.0.1,::1")
    lines = _checks(prefect_server)
    assert not [line for line in lines if line[0] == "schedule proxy"]
    assert lines[0][:2] == ("schedule API", True)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_doctor_from_nothing_deployed_each_step_of_the_guide_clears_its_line(
    deployed, no_proxy_settings, tmp_path, forked_cli
):
    """Before any other test here starts a worker on the pool: the worker's line clears only when one polls."""
    env, said = deployed
    faults = _faults(said["nothing deployed"])
    assert [f.split(":")[0] for f in faults] == [
        "schedule weekly-audit/weekly",
        "schedule warehouse-backup/backup",
        "schedule alerts (weekly-audit)",
        "schedule alerts (warehouse-backup)",
    ], faults
    assert all("deploy --all" in f for f in faults[:2]) and all("alerts install" in f for f in faults[2:])

    lines = said["deployed"]
    assert [f.split(":")[0] for f in _faults(lines)] == [
        "schedule worker (socialaudit)",
        "schedule alerts (weekly-audit)",
        "schedule alerts (warehouse-backup)",
    ], lines
    text = "\n".join(message for _, _, message, _ in lines)
    assert "cron 0 6 * * 1 Europe/London; no run yet" in text and "cron 0 6 * * 0 Europe/London" in text
    assert text.count("next run at") == 2

    worker = server.start_worker(env, "socialaudit", tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 90
        while "schedule worker (socialaudit)" in "\n".join(_faults(_checks(env))):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the worker never polled"
            time.sleep(0.5)
    finally:
        server.stop_group(worker)

    installed = socialaudit_with(
        forked_cli,
        {**env, "SOCIALAUDIT_ALERT_URL": "http://127.0.0.1:9/alerts", "SOCIALAUDIT_DB": ""},
        *("alerts", "install", "--webhook"),
        timeout=120,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    lines = _checks(env)
    assert _faults(lines) == [], lines


@pytest.mark.timeout(600)
def test_the_automations_fire_on_a_missing_run_a_failed_run_and_a_partial_run(
    deployed: tuple[dict[str, str], dict[str, Checks]],
    tmp_path: Path,
    receiver: Receiver,
    forked_cli: ForkedCli | None,
) -> None:
    """After the doctor's guide (which installed the alerts once already) and before any run completes here."""
    env = {**deployed[0], "SOCIALAUDIT_ALERT_URL": receiver.url, "SOCIALAUDIT_DB": ""}
    for _ in range(2):  # installing again replaces, never duplicates
        installed = socialaudit_with(
            forked_cli, env, "alerts", "install", "--webhook", "--no-run-within", f"{WINDOW_SECONDS}s"
        )
        assert installed.returncode == 0, installed.stderr
    status = socialaudit_with(forked_cli, env, "alerts", "status")
    # The audit: failed, partial, no run; the backup: failed, no run (a backup never ends Partial).
    assert status.returncode == 0 and len(status.stdout.splitlines()) == 5, status.stdout
    assert "warehouse-backup partial" not in status.stdout
    assert receiver.url not in installed.stdout + status.stdout

    # The window for "no completed run" passes while the failed, partial and backup runs below are made, so
    # its alert is looked for last rather than waited for here with nothing running.

    # A run that fails for real: the registers are refused (a pupil's name in the refused cell).
    school = build_tiny_dataset(tmp_path / "school")
    pupils = school / "registers" / "pupils.csv"
    lines = pupils.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    named = cells[header.index("forename")]
    cells[header.index("date_of_birth")] = named  # refused, and quoted in the refusal
    pupils.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    failed = socialaudit_with(
        forked_cli,
        env,
        "run",
        "--sandbox",
        str(school),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
    )
    assert failed.returncode == 1, failed.stderr[-2000:]
    alert = receiver.wait_for("did not complete")
    assert "ended Failed" in alert["text"] and "/runs/flow-run/" in alert["text"]
    runs = server.api_post(f"{env['PREFECT_API_URL']}/flow_runs/filter", {}, env=env)
    assert isinstance(runs, list)
    (state,) = [r["state"] for r in runs if r["state"]["type"] == "FAILED"]
    # The server holds the kind of failure only (flows/school_run_log.py); the alert carries not even that.
    assert "registers refused" in state["message"] and named not in state["message"]
    assert "registers refused" not in json.dumps(alert) and named not in json.dumps(alert)

    # A run that ends Partial: X's followers cannot be read.
    fixed = build_tiny_dataset(tmp_path / "school-2")
    with (fixed / "school.toml").open(
        "a", encoding="utf-8"
    ) as toml:  # give up after retries of 50 ms, not 2 s
        toml.write("\n[api]\nbackoff_seconds = 0.05\n")
    faults = json.dumps([{"route": "x.followers", "kind": "429-no-reset", "times": -1}])
    partial = socialaudit_with(
        forked_cli,
        {**env, "SOCIALAUDIT_SANDBOX_FAULTS": faults},
        "run",
        "--sandbox",
        str(fixed),
        "--db",
        str(tmp_path / "w2.duckdb"),
        "--out",
        str(tmp_path / "out2"),
        "--as-of",
        AS_OF,
    )
    assert partial.returncode == 3, partial.stderr[-2000:]
    alert = receiver.wait_for("partial audit")
    assert "ended Partial" in alert["text"]

    # A backup that fails (no backup key) alerts in the backup's own words, not the audit's.
    backup = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from flows.backup_flow import warehouse_backup; "
            "warehouse_backup(school_toml=sys.argv[1], out_dir=sys.argv[2], db_path=sys.argv[3])",
            str(fixed / "school.toml"),
            str(tmp_path / "backups"),
            str(tmp_path / "w2.duckdb"),
        ],
        env={**env, "SOCIALAUDIT_BACKUP_KEY": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert backup.returncode != 0, backup.stdout[-2000:]
    alert = receiver.wait_for("backup failed")
    assert "run the week again" not in alert["text"] and "backup" in alert["text"]

    # No completed run within the window (a Partial run starts it again): the proactive automation says so.
    missing = receiver.wait_for("no weekly audit has completed", seconds=WINDOW_SECONDS + 60)
    assert f"{WINDOW_SECONDS} seconds" in missing["text"]
    assert os.environ.get("SOCIALAUDIT_ALERT_URL") is None


def test_the_unit_waits_longer_than_its_drain_and_stops_the_worker_with_sigint():
    drain = shlex.split(_unit("ExecStop"))
    assert drain[1:4] == ["-m", "flows.worker_drain", "--pool"]
    assert float(drain[drain.index("--timeout") + 1]) < float(_unit("TimeoutStopSec"))
    assert _unit("KillSignal") == "SIGINT"


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_the_scheduled_deployment_runs_through_a_worker_and_a_stop_while_it_holds_the_run_loses_nothing(
    deployed: tuple[dict[str, str], dict[str, Checks]], tmp_path: Path
) -> None:
    """The weekly deployment as prefect.yaml makes it, its run taken by a worker started as the unit starts it; the
    worker stopped as systemd stops it while the run is in hand. One run shows both: it completes with the outputs,
    the read-only copy and the owner-only data folder a scheduled week leaves."""
    env, _ = deployed
    deployment = _get(env, f"{env['PREFECT_API_URL']}/deployments/name/weekly-audit/weekly")
    assert isinstance(deployment, dict)
    schedule = deployment["schedules"][0]["schedule"]
    assert (schedule["cron"], schedule["timezone"]) == ("0 6 * * 1", "Europe/London")
    assert deployment["work_pool_name"] == "socialaudit"

    school = build_tiny_dataset(tmp_path / "school")
    data = tmp_path / "data"
    parameters = {
        "school_toml": str(school / "school.toml"),
        "db_path": str(data / "socialaudit.duckdb"),
        "out_dir": str(data / "reports" / "latest"),
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
        while _state_type(run_url, env) != "RUNNING":
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
    assert (data / "reports" / "latest" / "exceptions.json").exists()
    assert (data / "socialaudit.duckdb.readonly.duckdb").exists()
    assert data.stat().st_mode & 0o777 == 0o700
    held = server.api_post(
        f"{env['PREFECT_API_URL']}/flow_runs/filter",
        {"flow_runs": {"state": {"type": {"any_": ["RUNNING", "PENDING"]}}}},
        env=env,
    )
    assert held == []
