"""`socialaudit doctor` checks the whole schedule against a real `prefect server` started as deploy/ starts it: one
line per fault, each with its fix, for a wrong port, a missing auth string, a proxy without NO_PROXY, no
deployment, no worker and no alerts; every line ok once the production guide's steps are done."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.schedule_health import schedule_checks
from tests.builders import prefect_server as server

# A real Prefect server starts for the module (~15 s): the fast loop leaves it out.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with server.prefect_server(tmp_path_factory.mktemp("prefect") / "prefect-home", healthy_within=90) as env:
        yield env


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _faults(lines: list[tuple[str, bool, str, bool]]) -> list[str]:
    return [f"{area}: {message}" for area, ok, message, _ in lines if not ok]


def test_a_wrong_port_is_one_line(prefect_env, no_proxy_settings):
    wrong = f"http://127.0.0.1:{server.free_port()}/api"
    (fault,) = _faults(schedule_checks(wrong, prefect_env["PREFECT_API_AUTH_STRING"]))
    assert "nothing answers" in fault and "port" in fault


def test_a_missing_or_wrong_auth_string_is_one_line(prefect_env, no_proxy_settings):
    (missing,) = _faults(schedule_checks(prefect_env["PREFECT_API_URL"], None))
    assert "PREFECT_API_AUTH_STRING is not set" in missing
    (wrong,) = _faults(schedule_checks(prefect_env["PREFECT_API_URL"], "socialaudit:not-it"))
    assert "refuses it" in wrong


def test_a_proxy_without_no_proxy_for_the_api_is_named(prefect_env, no_proxy_settings):
    no_proxy_settings.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.free_port()}")
    no_proxy_settings.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.free_port()}")
    faults = _faults(schedule_checks(prefect_env["PREFECT_API_URL"], prefect_env["PREFECT_API_AUTH_STRING"]))
    assert faults[0].startswith("schedule proxy:") and "NO_PROXY" in faults[0] and "127.0.0.1" in faults[0]
    no_proxy_settings.setenv("NO_PROXY", "localhost,127.0.0.1,::1")
    lines = schedule_checks(prefect_env["PREFECT_API_URL"], prefect_env["PREFECT_API_AUTH_STRING"])
    assert not [line for line in lines if line[0] == "schedule proxy"]
    assert lines[0][:2] == ("schedule API", True)


@pytest.mark.timeout(300)
def test_nothing_deployed_then_each_step_of_the_guide_clears_its_line(
    prefect_env, no_proxy_settings, tmp_path
):
    env = prefect_env
    url, auth = env["PREFECT_API_URL"], env["PREFECT_API_AUTH_STRING"]
    faults = _faults(schedule_checks(url, auth))
    assert [f.split(":")[0] for f in faults] == [
        "schedule weekly-audit/weekly",
        "schedule warehouse-backup/backup",
        "schedule alerts (weekly-audit)",
        "schedule alerts (warehouse-backup)",
    ], faults
    assert all("deploy --all" in f for f in faults[:2]) and all("alerts install" in f for f in faults[2:])

    server.prefect(env, "work-pool", "create", "socialaudit", "--type", "process")
    server.prefect(env, "--no-prompt", "deploy", "--all", timeout=90)
    # The server's scheduler makes a new deployment's runs on its next pass (within a minute or so).
    deadline = time.monotonic() + 150
    while "no run is scheduled" in str(lines := schedule_checks(url, auth)):
        assert time.monotonic() < deadline, lines
        time.sleep(3)
    assert [f.split(":")[0] for f in _faults(lines)] == [
        "schedule worker (socialaudit)",
        "schedule alerts (weekly-audit)",
        "schedule alerts (warehouse-backup)",
    ], lines
    said = "\n".join(message for _, _, message, _ in lines)
    assert "cron 0 6 * * 1 Europe/London; no run yet" in said and "cron 0 6 * * 0 Europe/London" in said
    assert said.count("next run at") == 2

    worker = server.start_worker(env, "socialaudit", tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 90
        while "schedule worker (socialaudit)" in "\n".join(_faults(schedule_checks(url, auth))):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the worker never polled"
            time.sleep(2)
    finally:
        server.stop_group(worker)

    installed = subprocess.run(
        [str(Path(sys.executable).parent / "socialaudit"), "alerts", "install", "--webhook"],
        env={**env, "SOCIALAUDIT_ALERT_URL": "http://127.0.0.1:9/alerts", "SOCIALAUDIT_DB": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    lines = schedule_checks(url, auth)
    assert _faults(lines) == [], lines
