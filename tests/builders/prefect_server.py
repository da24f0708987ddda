"""The persistent Prefect server (deploy/prefect-server.service's command) on a free port with its own PREFECT_HOME,
and `prefect` commands against it.

The server is started as deploy/prefect-server.service starts it, API authentication included; every client here
sends the auth string (tests/e2e/test_deployment.py shows a call without it refused).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.builders.ports import free_port
from tests.builders.prefect_database import copy_of_first_start
from tests.builders.processes import descendants

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _headers(env: dict[str, str] | None) -> dict[str, str]:
    """The Basic authorization a client of an authenticated server sends (PREFECT_API_AUTH_STRING)."""
    auth = (env or {}).get("PREFECT_API_AUTH_STRING")
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}


def api_get(url: str, timeout: float = 10, env: dict[str, str] | None = None) -> object:
    request = urllib.request.Request(url, headers=_headers(env))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def api_post(
    url: str, body: dict[str, object], timeout: float = 10, env: dict[str, str] | None = None
) -> object:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **_headers(env)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


# --- the server as deploy/prefect-server.service starts it ----------------------------------------------------

UNIT = REPO / "deploy" / "prefect-server.service"
UNIT_ENV_FILE = REPO / "deploy" / "prefect-server.env.example"


def _unit_lines(key: str, unit: Path = UNIT) -> list[str]:
    return [
        line.removeprefix(f"{key}=")
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"{key}=")
    ]


def unit_environment(unit: Path = UNIT) -> dict[str, str]:
    """A unit's Environment= assignments (the server's by default), split and unquoted the way systemd does
    (shell-like words)."""
    return dict(
        word.partition("=")[::2] for line in _unit_lines("Environment", unit) for word in shlex.split(line)
    )


def unit_command() -> list[str]:
    (line,) = _unit_lines("ExecStart")
    return shlex.split(line)


def unit_env_file_names() -> list[str]:
    """The variables the unit's EnvironmentFile holds, as its example in deploy/ lists them."""
    return re.findall(r"^([A-Z_]+)=", UNIT_ENV_FILE.read_text(encoding="utf-8"), flags=re.M)


def stop_group(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal the process group `process` leads (started with start_new_session) and reap it."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def prefect_server(
    home: Path,
    healthy_within: float = 120,
    settings: dict[str, str] | None = None,
    databases: Path | None = None,
) -> Iterator[dict[str, str]]:
    """The Prefect server as deploy/prefect-server.service runs it (its command, environment and environment
    file, with an API auth string), on a free port of 127.0.0.1, with any further Prefect `settings` a test
    needs. Yields the environment of a client (a worker, the CLI, `socialaudit`): the API's URL and the matching
    PREFECT_API_AUTH_STRING. With `databases` (pytest's cache folder for them), its prefect.db in `home` starts as
    a copy of a first start's (tests/builders/prefect_database.py), as a server restarted on its own does."""
    from cryptography.fernet import Fernet

    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    auth = "socialaudit:" + secrets.token_urlsafe(24)
    env_file = {
        "PREFECT_SERVER_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PREFECT_SERVER_API_AUTH_STRING": auth,
    }
    assert set(unit_env_file_names()) == set(env_file), (
        "deploy/prefect-server.env.example changed: follow it here"
    )
    server_env = {
        **base,
        **unit_environment(),
        **env_file,
        "PREFECT_HOME": str(home),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        **(settings or {}),
    }
    assert server_env["PREFECT_UI_URL"] == "http://127.0.0.1:4200", "the unit names the UI for alert links"
    server_env["PREFECT_UI_URL"] = f"http://127.0.0.1:{port}"
    command = unit_command()
    assert command[1:5] == ["-m", "flows.prefect_server", "--host", "127.0.0.1"], command
    command = [sys.executable, *command[1:]]
    command[command.index("--port") + 1] = str(port)
    env = {
        **base,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_API_AUTH_STRING": auth,
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "SOCIALAUDIT_HOME": str(REPO),
    }
    copy_of_first_start(home, databases)
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        command, env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + healthy_within
        while True:
            try:
                api_get(
                    f"{env['PREFECT_API_URL']}/health"
                )  # the one path Prefect answers without the auth string
                break
            except OSError:
                assert server.poll() is None, (home / "server.log").read_text()[-3000:]
                assert time.monotonic() < deadline, (
                    f"the Prefect server did not become healthy in {healthy_within:g} s"
                )
                time.sleep(0.5)
        yield env
    finally:
        stop_group(server)
        log.close()


def prefect(env: dict[str, str], *args: str, timeout: float = 120) -> str:
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


def flow_runs_under(worker: subprocess.Popen[bytes]) -> set[str]:
    """The ids of the flow runs whose processes `worker` started and which are still alive (the id is in each
    one's environment: PREFECT__FLOW_RUN_ID)."""
    ids: set[str] = set()
    for pid in descendants(worker.pid):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        ids.update(
            v.decode().removeprefix("PREFECT__FLOW_RUN_ID=")
            for v in environ
            if v.startswith(b"PREFECT__FLOW_RUN_ID=")
        )
    return ids


def kill_unit(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL `process` and everything it started, as systemd kills a unit's whole control group: Prefect's
    process worker starts each flow run in a session of its own, which a signal to the worker's group misses.
    Nothing is signalled once `process` has been reaped: its pid may be another process's by then."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGSTOP)  # it starts nothing more while its processes are found
    for pid in [*descendants(process.pid), process.pid]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def start_worker(
    env: dict[str, str], pool: str, log: Path, limit: int | None = None
) -> subprocess.Popen[bytes]:
    """`prefect worker start` in its own process group (its flow-run processes are in sessions of their own:
    `kill_unit` ends them with it).

    It asks for scheduled runs every 2 s, not Prefect's 10: a tiny school's run takes seconds, and with a limit
    of one run at a time each next school waited up to 10 s to be picked up."""
    handle = log.open("wb")
    return subprocess.Popen(
        [
            str(BIN / "prefect"),
            "worker",
            "start",
            "--pool",
            pool,
            *(["--limit", str(limit)] if limit else []),
        ],
        env={**env, "PREFECT_WORKER_QUERY_SECONDS": "2"},
        cwd=REPO,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
