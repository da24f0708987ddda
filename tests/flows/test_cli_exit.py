"""The program leaves without the interpreter's teardown only after everything with an effect has run: every
other exit handler first (whenever it was registered), both streams flushed, the command's exit status kept; and
only for a command that allows it and returned (an error ends the process the ordinary way)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from flows.cli import ExitWithoutTeardown
from flows.commands import discover

PROGRAM = textwrap.dedent(
    """
    import atexit, sys
    from pathlib import Path
    from flows.cli import ExitWithoutTeardown

    leaving = ExitWithoutTeardown()
    atexit.register(leaving)
    # Registered later, as Prefect's server and logging handlers are: they must still run.
    atexit.register(lambda: Path(sys.argv[1]).write_text("handler ran", encoding="utf-8"))
    sys.stdout.write("no newline, still buffered")
    if sys.argv[2] == "returned":
        leaving.status = 3
        sys.exit(3)
    raise RuntimeError("the command failed")
    """
)


def _program(tmp_path: Path, how: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "handler.txt"), how],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_returned_command_keeps_its_status_its_output_and_every_exit_handler(tmp_path: Path) -> None:
    done = _program(tmp_path, "returned")
    assert done.returncode == 3
    assert done.stdout == "no newline, still buffered"
    assert (tmp_path / "handler.txt").read_text(encoding="utf-8") == "handler ran"


def test_a_failed_command_ends_the_ordinary_way(tmp_path: Path) -> None:
    done = _program(tmp_path, "failed")
    assert done.returncode == 1
    assert "RuntimeError: the command failed" in done.stderr
    assert (tmp_path / "handler.txt").exists()


def test_an_unset_handler_does_nothing() -> None:
    ExitWithoutTeardown()()  # returns: this test process goes on


def test_only_the_weekly_run_and_the_trust_leave_without_teardown() -> None:
    # Others (sql, review) may hold a warehouse or a lake open until the interpreter closes it.
    allowing = {
        name for name, module in discover().items() if getattr(module, "LEAVES_WITHOUT_TEARDOWN", False)
    }
    assert allowing == {"run", "trust"}


def test_the_trust_lets_go_of_every_lake_even_when_its_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.commands.common
    import flows.config.trust
    import flows.trust
    from flows.commands import trust as trust_command
    from warehouse import lake

    location = lake.location_in("sqlite:" + str(tmp_path / "catalog"), str(tmp_path / "data"), "school-a")

    class FailingTrust:
        def with_options(self, **_: Any) -> Any:
            def run(**__: Any) -> None:
                lake.open_lake(location, "warehouse", read_only=False, config={}).close()  # a school's writer
                raise RuntimeError("a school's store failed")

            return run

    monkeypatch.setattr(flows.config.trust, "load_trust", lambda _: SimpleNamespace(schools=(), parallel=1))
    monkeypatch.setattr(flows.commands.common, "_start_prefect_early", lambda heap=None: lambda: None)
    monkeypatch.setattr(flows.trust, "trust_audit", FailingTrust())
    args = argparse.Namespace(
        trust=tmp_path / "trust.toml", out=tmp_path, as_of=None, deployment=None, school_timeout=60.0
    )
    with pytest.raises(RuntimeError, match="store failed"):
        trust_command.run(args)
    assert lake.kept_reader(location) is None
