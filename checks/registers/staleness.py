"""A register export that has stopped changing: a silent blind spot (new pupils unknown, leavers still current).

Each register file's sha256 is stored with every register version (`ref.register_loads`); the week a file's
present content was first stored is the week it last changed. A file unchanged for `[registers]
stale_after_weeks` or more is a warning in the report and in `socialaudit doctor`, never a refusal: a small
school's staff list may rightly stand still, and only a person knows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from checks.registers.contract import REGISTER_SPECS
from checks.registers.problems import RegisterWarning

# (as_of of a stored register version, sha256 of each register file in it), newest first
History = Sequence[tuple[date, Mapping[str, str]]]


def unchanged_since(file: str, sha256: str, history: History) -> date | None:
    """The first week of the unbroken run of stored versions, newest back, in which `file` had this content."""
    since = None
    for as_of, files in history:
        if files.get(file) != sha256:
            break
        since = as_of
    return since


def stale_warnings(
    files: Mapping[str, str],
    sources: Mapping[str, str],
    history: History,
    as_of: date,
    stale_after_weeks: int,
) -> list[RegisterWarning]:
    """One warning per register file (by its contract name in `files`) unchanged for `stale_after_weeks` or more.
    `sources` names the file as it is in registers/ (pupils.xlsx) for the message."""
    warnings = []
    for spec in REGISTER_SPECS.values():
        sha = files.get(spec.file)
        since = unchanged_since(spec.file, sha, history) if sha else None
        if since is None:
            continue
        weeks = (as_of - since).days // 7
        if weeks >= stale_after_weeks:
            warnings.append(
                RegisterWarning(
                    sources.get(spec.file, spec.file),
                    None,
                    None,
                    f"has not changed since the week of {since.isoformat()} ({weeks} weeks): is the export from "
                    "the MIS still being saved here? New pupils and leavers since then are unknown to the audit "
                    f"([registers] stale_after_weeks = {stale_after_weeks})",
                )
            )
    return warnings


def register_file_hashes(registers_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """sha256 of each register file as it is now (CSV or workbook), by contract name; and its name in the folder."""
    hashes, sources = {}, {}
    for spec in REGISTER_SPECS.values():
        for name in (spec.file, spec.file.removesuffix(".csv") + ".xlsx"):
            path = registers_dir / name
            if path.is_file():
                hashes[spec.file] = hashlib.sha256(path.read_bytes()).hexdigest()
                sources[spec.file] = name
                break
    return hashes, sources
