"""A command forked from the suite's starter (tests/builders/forked_cli.py) behaves as the console script does."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders.cli import run_console_script
from tests.builders.forked_cli import ForkedCli

pytestmark = pytest.mark.slow  # a starter process and several commands: seconds, not milliseconds


@pytest.fixture(scope="module")
def starter() -> Iterator[ForkedCli]:
    started = ForkedCli()
    yield started
    started.close()


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("no-such-command",),  # a usage error: exit 2, on stderr
        ("sql", "--db", "/nonexistent/w.duckdb", "SELECT 1"),  # a command that fails with its own message
    ],
    ids=["version", "usage-error", "failing-command"],
)
def test_a_forked_command_answers_as_the_console_script(starter: ForkedCli, args: tuple[str, ...]) -> None:
    env = dict(os.environ)
    forked = starter.run(list(args), env, timeout=120)
    console = run_console_script(*args, env=env)
    assert forked == console


def test_a_forked_command_reads_the_environment_it_is_given_and_its_own_working_directory(
    starter: ForkedCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # COLUMNS is read as the help is printed: the child's environment, not the starter's, counts.
    narrow = starter.run(["--help"], {**os.environ, "COLUMNS": "40"}, timeout=120)
    wide = starter.run(["--help"], {**os.environ, "COLUMNS": "200"}, timeout=120)
    assert narrow.returncode == wide.returncode == 0
    assert "Audit a school's official social media accounts." in wide.stdout
    # Wrapped at the narrowest click allows (50 columns), and a command's help line whole when there is room.
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 50
    assert max(len(line) for line in wide.stdout.splitlines()) > 80
    monkeypatch.chdir(tmp_path)
    made = starter.run(["sample", "--out", "school", "--seed", "1"], dict(os.environ), timeout=120)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "school" / "school.toml").is_file()
