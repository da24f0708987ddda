"""The production guide's one-box trial, as written: the commands of its marked block (docs/production.md, between
the `production-trial:begin` and `production-trial:end` comments) run in order in an empty folder holding only the
checkout's code, against a real `prefect server` and worker they start themselves; the trial run completes and
writes the trial's own warehouse and report, never the live ones."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import prefect_server as server
from tests.builders.paths import REPO

GUIDE = REPO / "docs" / "production.md"
CHECKOUT = (
    "platforms",
    "flows",
    "checks",
    "warehouse",
    "connectors",
    "dashboards",
    "sandbox",
    "prefect.yaml",
    ".venv",
)


def trial_commands() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- production-trial:begin -->\n```sh\n(.*?)```\n<!-- production-trial:end -->", text, flags=re.S
    )
    assert block, "docs/production.md has no marked trial block"
    return block.group(1)


def test_the_trial_starts_the_server_as_its_unit_does() -> None:
    commands = trial_commands()
    unit = server.unit_environment()
    for name in (
        "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD",
        "PREFECT_SERVER_EVENTS_RETENTION_PERIOD",
    ):
        assert f"{name}={unit[name]}" in commands, name
    for name in (
        "PREFECT_SERVER_ENCRYPTION_KEY",
        "PREFECT_SERVER_API_AUTH_STRING",
        "NO_PROXY",
        "PREFECT_HOME",
    ):
        assert f"{name}=" in commands, name


def server_log(folder: Path) -> str:
    """The end of what the block's Prefect server wrote: a failed trial says what its server did."""
    log = folder / "data" / "prefect-server.log"
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else "(none written)"


@pytest.mark.timeout(600)
def test_the_production_trial_runs_as_written_in_a_fresh_folder(tmp_path: Path) -> None:
    for part in CHECKOUT:
        source = Path(sys.prefix) if part == ".venv" else REPO / part
        (tmp_path / part).symlink_to(source)
    port = server.free_port()
    commands = trial_commands().replace(":4200", f":{port}").replace("--port 4200", f"--port {port}")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOCIALAUDIT_"))}
    trial = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", commands],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = trial.communicate(timeout=560)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(trial.pid, signal.SIGTERM)  # the server the block left running
    assert trial.returncode == 0, f"{out[-2000:]}\n{err[-4000:]}\nserver log:\n{server_log(tmp_path)}"
    assert (tmp_path / "data" / "trial" / "reports" / "latest" / "exceptions.json").exists()
    assert (
        not (tmp_path / "data" / "reports").exists()
        and not (tmp_path / "data" / "socialaudit.duckdb").exists()
    )
    assert "pupil-follower" in out, out[-2000:]
