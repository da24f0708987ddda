"""What a run of the `socialaudit` command left: its exit code and its two streams; and the console script itself,
as installed beside this interpreter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def console_script() -> str:
    """The installed `socialaudit` program of this environment (else whichever is on PATH)."""
    return shutil.which("socialaudit", path=str(Path(sys.executable).parent)) or "socialaudit"


def run_console_script(*args: str, env: Mapping[str, str], timeout: float = 300) -> CliResult:
    """`socialaudit ARGS` as a process of its own, started from the console script."""
    completed = subprocess.run(
        [console_script(), *args], capture_output=True, text=True, env=dict(env), timeout=timeout, check=False
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)
