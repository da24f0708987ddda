"""Nothing the product runs reports on itself (flows/commands/common.py TELEMETRY_OFF): not the commands, whose
Prefect client would otherwise print its telemetry notice on a person's terminal and write a device id, and not the
processes the systemd units start (the worker's flow runs import Prefect before any of the project's code)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from flows.commands.common import TELEMETRY_OFF
from tests.builders.prefect_server import unit_environment
from tests.builders.terminal import run_on_terminal

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NOTICE = "anonymous usage data"


def on_a_persons_terminal(tmp_path: Path, before_prefect: str) -> tuple[str, Path]:
    """`import prefect` after `before_prefect`, on a person's terminal (tests/builders/terminal.py) of a machine
    Prefect never ran on: what the terminal showed, and the Prefect home."""
    home = tmp_path / "prefect-home"
    env = {n: v for n, v in os.environ.items() if n not in TELEMETRY_OFF and not n.startswith("PREFECT_")}
    probe = f"{before_prefect}\nimport prefect\nprint('imported')"
    shown = run_on_terminal([sys.executable, "-c", probe], {**env, "PREFECT_HOME": str(home)}, timeout=120)
    assert shown.returncode == 0 and "imported" in shown.raw, shown.raw[-2000:]
    return shown.raw, home


@pytest.mark.parametrize(
    "before_prefect",
    [
        "from flows.cli import quiet_libraries; quiet_libraries(verbose=False)",  # every command, before Prefect
        "from flows.commands.common import prefect_defaults; prefect_defaults()",  # a host that runs a flow
    ],
)
def test_a_command_on_a_terminal_shows_and_writes_nothing_for_prefects_telemetry(
    tmp_path: Path, before_prefect: str
) -> None:
    shown, home = on_a_persons_terminal(tmp_path, before_prefect)
    assert NOTICE not in shown
    assert not (home / ".sdk_telemetry").exists()


def test_without_it_prefect_would_print_its_notice_and_write_a_device_id(tmp_path: Path) -> None:
    """What the two tests above keep out, seen: so they cannot pass because nothing would have happened anyway."""
    shown, home = on_a_persons_terminal(tmp_path, "pass")
    assert NOTICE in shown
    assert (home / ".sdk_telemetry").is_dir()


@pytest.mark.parametrize("unit", sorted(path.name for path in DEPLOY.glob("*.service")))
def test_every_unit_turns_telemetry_off(unit: str) -> None:
    assigned = unit_environment(DEPLOY / unit)
    assert {name: assigned.get(name) for name in TELEMETRY_OFF} == TELEMETRY_OFF
