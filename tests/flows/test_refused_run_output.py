"""A refused run says why in one line on the terminal: no traceback, none of the libraries' lines; `--debug`
shows the traceback, which otherwise goes to Prefect's API log only."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders.cli import CliResult
from tests.builders.prefect_database import copy_of_first_start
from tests.builders.terminal import run_on_terminal
from tests.builders.tiny_dataset import build_tiny_dataset


def _school_with_a_duplicate_pupil(tmp_path: Path) -> Path:
    school = build_tiny_dataset(tmp_path / "school")
    pupils = school / "registers" / "pupils.csv"
    first_pupil = pupils.read_text(encoding="utf-8").splitlines()[1]
    with pupils.open("a", encoding="utf-8") as handle:
        handle.write(first_pupil + "\n")
    return school


def _quiet_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_LOGGING")}


def _refused_command(tmp_path: Path, *options: str) -> list[str]:
    """`socialaudit` run as `python -m flows.cli`, for a week its registers refuse before anything is fetched."""
    school = _school_with_a_duplicate_pupil(tmp_path)
    command = [sys.executable, "-m", "flows.cli", *options, "run", "--sandbox", str(school)]
    return [*command, "--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "out")]


def _refused_run(tmp_path: Path, databases: Path | None) -> subprocess.CompletedProcess[str]:
    """With no Prefect server configured, in a Prefect home of its own. Its database, when pytest's cache keeps one,
    is a copy of one that has been through a first start (tests/builders/prefect_database.py), as on a school's
    second run: the temporary server's own lines go nowhere whatever its database (its first start and where its
    output goes: tests/test_prefect_database.py, tests/e2e/test_temporary_prefect_server.py), and migrating a new
    one was half of this run's CPU."""
    command = _refused_command(tmp_path)
    home = tmp_path / "prefect"
    copy_of_first_start(home, databases)
    environment = {
        **{k: v for k, v in _quiet_environment().items() if not k.startswith("PREFECT_API")},
        "PREFECT_HOME": str(home),
    }
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)


@pytest.mark.slow  # a CLI process that imports Prefect
def test_a_refused_run_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, socialaudit_inprocess: Callable[..., CliResult], prefect_databases: Path | None
) -> None:
    # As a school's ETL runs it: no Prefect server configured, so the run starts a temporary one, whose advice
    # and log lines must not reach the person.
    quiet = _refused_run(tmp_path / "quiet", prefect_databases)
    assert quiet.returncode == 1
    assert "Traceback" not in quiet.stderr
    lines = [line for line in quiet.stderr.splitlines() if line.strip()]
    # Our own progress lines stay; nothing of Prefect's runs, its server advice or great-expectations' notices.
    others = [line for line in lines if "flows.progress - " not in line]
    assert len(others) == 1, quiet.stderr
    assert others[0].startswith("socialaudit: run failed: registers refused, nothing was stored")
    assert "duplicate id" in others[0]

    # The traceback --debug adds is the run's own, whichever server records it: the session's (a temporary
    # server's start costs a refused run most of its ~10 s of CPU), and in this process, as --debug leaves the
    # libraries' own logging as it is (a process of its own started Prefect's and the rest for ~4 s of CPU).
    debug = socialaudit_inprocess(
        *_refused_command(tmp_path / "debug", "--debug")[3:]
    )  # after `python -m flows.cli`
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert others[0] in debug.stderr.splitlines()


@pytest.mark.slow  # a CLI process that imports Prefect
def test_on_a_terminal_a_refused_run_leaves_its_one_line(tmp_path: Path, prefect_api_url: str) -> None:
    # On the session's server: that a temporary server's lines never reach the person is the test above's (and
    # tests/e2e/test_temporary_prefect_server.py's); starting one was most of this run's ~10 s of CPU.
    shown = run_on_terminal(
        _refused_command(tmp_path), {**_quiet_environment(), "PREFECT_API_URL": prefect_api_url}
    )
    assert shown.returncode == 1
    assert "Traceback" not in shown.raw
    # The live display cleared; what the person is left with is the reason, whole, wrapped at the terminal's width.
    assert "".join(shown.final).startswith("socialaudit: run failed: registers refused, nothing was stored")
    assert "duplicate id" in "".join(shown.final)
    assert all(not line.startswith(" ") or line.strip() for line in shown.final)
    assert len(shown.final) == -(-len("".join(shown.final)) // 110)  # one line, as long as it needs to be
