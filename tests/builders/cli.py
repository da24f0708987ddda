"""What a run of the `socialaudit` command left: its exit code and its two streams."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str
