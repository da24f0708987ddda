"""The temporary Prefect server a run starts (no PREFECT_API_URL): locked, silent on the person's terminal, and gone
when the run is killed; one that cannot start (its database damaged) fails the run in seconds, saying why.

Probed as a stranger would: another local process calls the server's API without the run's auth string, and the
run is killed with SIGKILL (no exit handler runs) while its server is up."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from flows.commands.common import EXIT_FAILED
from flows.prefect_server import SERVER_APP
from tests.builders.cli import console_script
from tests.builders.prefect_database import copy_of_first_start
from tests.builders.processes import children
from tests.builders.tiny_dataset import build_tiny_dataset


def server_of(run: int, within: float = 120) -> tuple[int, int]:
    """(pid, port) of the uvicorn process the run started, once it shows."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for pid in children(run):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            words = [w.decode(errors="replace") for w in command]
            if SERVER_APP in words and "--port" in words:
                return pid, int(words[words.index("--port") + 1])
        time.sleep(0.05)
    raise AssertionError("the run started no temporary Prefect server")


def listening_inode(port: int) -> str:
    """The inode of the socket listening on 127.0.0.1:`port` (/proc/net/tcp: state 0A is LISTEN)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
            return fields[9]
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def own_server_environment(home: Path) -> dict[str, str]:
    """This process's environment for a command that starts its own temporary server, with its Prefect home at
    `home` (no standing server's API named)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    environment.update({"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    return environment


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_a_killed_runs_temporary_server_is_locked_and_dies_with_it(
    tmp_path: Path, prefect_databases: Path | None
) -> None:
    school = build_tiny_dataset(tmp_path / "school")
    # A home whose database has been through a first start, as on a school's second run: what is asked here does
    # not depend on it, and migrating a new one was most of the server's start (its first start is
    # tests/test_prefect_database.py's, and tests/e2e/test_production_trial.py's through the persistent one).
    copy_of_first_start(tmp_path / "prefect", prefect_databases)
    environment = own_server_environment(tmp_path / "prefect")
    args = [
        "run",
        "--sandbox",
        str(school),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
    ]
    run = subprocess.Popen(
        [console_script(), *args], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # One client for every call: each client made loads the system's certificates (~12 s of CPU over the polls).
    client = httpx.Client()
    try:
        server, port = server_of(run.pid)
        # The server's own lines (its services' errors as it stops) never reach the person's terminal: only the
        # command's do (seen once on a loaded machine: a traceback under a refused run's one line). What it says
        # goes to a file never named, read only should it end as it starts (tests/flows/test_temporary_server_start.py).
        assert os.readlink(f"/proc/{run.pid}/fd/2").startswith("pipe:")
        said = os.readlink(f"/proc/{server}/fd/2")
        assert os.readlink(f"/proc/{server}/fd/1") == "/dev/null" and said.endswith(" (deleted)")
        os.kill(run.pid, signal.SIGSTOP)  # held while its server is up: the run cannot finish and stop it
        api = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if client.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # It serves on the socket the run bound and handed it (--fd): no other process could take the port between
        # its choice and the server's start. (Whether the run has closed its own copy yet is not asked: the run is
        # stopped above at any point, the moment after it started the server among them.)
        words = Path(f"/proc/{server}/cmdline").read_bytes().decode().split("\0")
        handed = os.readlink(f"/proc/{server}/fd/{words[words.index('--fd') + 1]}")
        assert handed == f"socket:[{listening_inode(port)}]"
        assert client.post(f"{api}/flow_runs/filter", json={}, timeout=10).status_code == 401
        assert client.get(f"{api}/admin/settings", timeout=10).status_code == 401
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        deadline = time.monotonic() + 30
        while alive(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(server), "the temporary Prefect server outlived the killed run"
    finally:
        client.close()
        if run.poll() is None:
            run.kill()
            run.wait()


def test_a_run_whose_prefect_database_is_damaged_fails_saying_so_and_where_it_is(tmp_path: Path) -> None:
    """Prefect would start its server again and again until its start-up timeout, then blame a port."""
    school = build_tiny_dataset(tmp_path / "school")
    home = tmp_path / "prefect"
    home.mkdir()
    (home / "prefect.db").write_bytes(b"not a database, " * 2048)
    environment = own_server_environment(home)
    # Were the command to wait out the start-up timeout, the test's own timeout ends it first.
    environment["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "3600"
    db = tmp_path / "w.duckdb"
    args = ["run", "--sandbox", str(school), "--db", str(db), "--out", str(tmp_path / "out")]

    done = subprocess.run(
        [console_script(), *args], env=environment, capture_output=True, text=True, timeout=600, check=False
    )

    assert done.returncode == EXIT_FAILED
    assert done.stderr.splitlines() == [
        "socialaudit: run failed: Prefect's temporary server ended as it started, 3 time(s), exit status 3: "
        "sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database "
        f"(Prefect's database: {home / 'prefect.db'})"
    ]
    assert (home / "prefect.db").read_bytes() == b"not a database, " * 2048  # left as it was found
