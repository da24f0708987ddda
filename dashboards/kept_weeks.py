"""Each week's outputs kept in a dated folder inside `--out` (`weeks/2026-11-16/`), beside the latest set.

The dated folder holds the same files as the top level of that week's set, written whole before the set is
swapped in (dashboards/output_set.py files it into the new set in the same step). Old weeks go when the school's
`[retention] output_weeks` says (`prune_kept_weeks`); a week that names an erased person (`kept_weeks_naming`) is
written again without them (`rewrite_kept_week`), from the warehouse the erasure has already cleaned.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import markupsafe

from warehouse.side_files import kind, transient_path

WEEKS_DIR = kind("kept week").pattern.split("/")[0]  # "weeks", as the registry of side files names it


@dataclass(frozen=True)
class KeptWeek:
    """The week a set is kept under, and how many weeks of sets to keep (None: remove none)."""

    as_of: date
    keep_weeks: int | None = None

    @property
    def name(self) -> str:
        return self.as_of.isoformat()


def kept_weeks(out_dir: Path) -> dict[date, Path]:
    """The dated folders in `out_dir/weeks/`, by week; anything else a person put there is not one."""
    folder = out_dir / WEEKS_DIR
    if not folder.is_dir():
        return {}
    found = {}
    for entry in folder.iterdir():
        try:
            week = date.fromisoformat(entry.name)
        except ValueError:
            continue
        if entry.is_dir() and not entry.is_symlink() and entry.name == week.isoformat():
            found[week] = entry
    return dict(sorted(found.items()))


def prune_kept_weeks(out_dir: Path, kept: KeptWeek) -> list[date]:
    """Remove the weeks `[retention] output_weeks` no longer allows: those `keep_weeks` or more before this one."""
    if kept.keep_weeks is None:
        return []
    cutoff = kept.as_of - timedelta(weeks=kept.keep_weeks)
    gone = [week for week in kept_weeks(out_dir) if week <= cutoff]
    for week in gone:
        _remove(out_dir / WEEKS_DIR / week.isoformat())
    return gone


def kept_weeks_naming(out_dir: Path, needles: Iterable[str]) -> list[date]:
    """The kept weeks whose files name any of `needles` (a handle, a platform id, a name, a register id), however
    the file wrote it (as typed, HTML-escaped or JSON-escaped; any case). The latest set at the top level of
    `out_dir` is not among them: the erasure publishes it again."""
    forms = {
        form for needle in needles if needle and needle.strip() for form in _written_forms(needle.strip())
    }
    if not forms:
        return []
    return [
        week
        for week, folder in kept_weeks(out_dir).items()
        if any(_names_any(path, forms) for path in folder.iterdir() if path.is_file())
    ]


def write_all(folder: Path, files: Mapping[str, str]) -> None:
    """Each file written whole and synced, owner-only; none may be there already."""
    for name, text in files.items():
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())


def remove_kept_week(out_dir: Path, week: date) -> None:
    """`weeks/<week>/` removed whole (renamed aside first, so a reader never finds half a week)."""
    _remove(out_dir / WEEKS_DIR / week.isoformat())


def rewrite_kept_week(out_dir: Path, week: date, files: Mapping[str, str]) -> None:
    """`weeks/<week>/` replaced by `files`, written whole beside it first: a reader finds the old week or the new
    one, never half of either, and a killed process leaves only a transient folder the next publish sweeps."""
    target = out_dir / WEEKS_DIR / week.isoformat()
    staging = transient_path("kept week being rewritten", out_dir, week=week.isoformat())
    shutil.rmtree(staging, ignore_errors=True)
    os.mkdir(staging, 0o700)
    try:
        write_all(staging, files)
        if target.exists():
            _remove(target)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _written_forms(needle: str) -> set[str]:
    """How an output file may have written `needle`, case-folded: exceptions.json keeps non-ASCII as typed,
    report.html escapes markup characters (as Jinja does), a JSON string escapes quotes and backslashes."""
    json_inner = json.dumps(needle)[1:-1]
    ascii_inner = json.dumps(needle, ensure_ascii=True)[1:-1]
    forms = {needle, html.escape(needle), str(markupsafe.escape(needle)), json_inner, ascii_inner}
    return {form.casefold() for form in forms}


def _names_any(path: Path, forms: set[str]) -> bool:
    text = path.read_bytes().decode("utf-8", errors="replace").casefold()
    return any(form in text for form in forms)


def _remove(folder: Path) -> None:
    # Renamed aside first, so a reader never finds half a week: the folder is there whole or not at all.
    doomed = transient_path("kept week being removed", folder.parent.parent, week=folder.name)
    os.rename(folder, doomed)
    shutil.rmtree(doomed)
