"""Two weeks of a small sample school audited into one warehouse (tests/e2e/shared_two_weeks.py makes them once per
session): where each week's outputs are, and copies of the warehouse as it was audited.

The warehouse itself is the live one: the only one the review app acts through on the school's accounts (a copy
refuses to act until it has run a week of its own). The one module that acts (tests/browser/test_accessibility.py)
uses it; a module that only records decisions or runs another week works on a copy of it as the weeks left it,
whatever was recorded in the live one since."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse.snapshot import snapshot_path

SAMPLE_WEEK0 = date(2026, 11, 16)


@dataclass(frozen=True)
class SampleSchoolWeeks:
    root: Path

    @property
    def dataset(self) -> Path:
        """The school as the last week left it (the sandbox serves it; acting through it changes it)."""
        return self.root / "school"

    @property
    def db(self) -> Path:
        return self.root / "warehouse.duckdb"

    def out(self, week: int) -> Path:
        return self.root / f"out{week}"

    @property
    def _as_audited(self) -> Path:
        return self.root / "as-audited" / self.db.name

    def keep_as_audited(self) -> None:
        """Called once the weeks are audited: the warehouse and its read-only copy kept aside as they are now, and
        each week's outputs (the modules that act work on the live ones)."""
        _copy_warehouse(self.db, self._as_audited)
        for out in sorted(self.root.glob("out*")):
            shutil.copytree(out, self._as_audited.parent / out.name)

    def out_as_audited(self, week: int) -> Path:
        """Week `week`'s outputs as its run wrote them."""
        return self._as_audited.parent / self.out(week).name

    def warehouse_copy(self, folder: Path) -> Path:
        """The warehouse (and its read-only copy) as the weeks left it, copied into `folder`."""
        db = folder / self.db.name
        _copy_warehouse(self._as_audited, db)
        return db


def _copy_warehouse(db: Path, to: Path) -> None:
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to)
    shutil.copy(snapshot_path(db), snapshot_path(to))
