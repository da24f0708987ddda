"""A refused run says why in one line on the terminal: no traceback, none of the libraries' lines; `--debug`
shows the traceback, which otherwise goes to Prefect's API log only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.tiny_dataset import build_tiny_dataset


def _refused_run(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    school = build_tiny_dataset(tmp_path / "school")
    pupils = school / "registers" / "pupils.csv"
    first_pupil = pupils.read_text(encoding="utf-8").splitlines()[1]
    with pupils.open("a", encoding="utf-8") as handle:
        handle.write(first_pupil + "\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_LOGGING")}
    command = [sys.executable, "-m", "flows.cli", *options, "run", "--sandbox", str(school)]
    command += ["--db", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "out")]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.slow  # two CLI processes that each import Prefect
def test_a_refused_run_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    quiet = _refused_run(tmp_path / "quiet")
    assert quiet.returncode == 1
    assert "Traceback" not in quiet.stderr
    lines = [line for line in quiet.stderr.splitlines() if line.strip()]
    # Our own progress lines stay; nothing of Prefect's runs, its server advice or great-expectations' notices.
    others = [line for line in lines if "flows.progress - " not in line]
    assert len(others) == 1, quiet.stderr
    assert others[0].startswith("socialaudit: run failed: registers refused, nothing was stored")
    assert "duplicate id" in others[0]

    debug = _refused_run(tmp_path / "debug", "--debug")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert others[0] in debug.stderr.splitlines()
