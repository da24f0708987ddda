"""Refactoring changes no output: the session's two weeks of a sample school
(tests/e2e/shared_two_weeks.py) equal the recorded outputs byte for byte.

A change that is meant to alter outputs (a better rule, a new field) regenerates them on purpose:
`SOCIALAUDIT_UPDATE_GOLDEN=1 pytest tests/e2e/test_outputs_unchanged.py`, and the diff is reviewed like code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.builders.sample_weeks import SampleSchoolWeeks

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "seed1-small"
WEEKS = (0, 1)
FILES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")


@pytest.mark.parametrize("week", WEEKS)
@pytest.mark.parametrize("name", FILES)
def test_the_outputs_equal_the_recorded_ones(
    sample_school_two_weeks: SampleSchoolWeeks, week: int, name: str
) -> None:
    produced = sample_school_two_weeks.out_as_audited(week) / name
    recorded = GOLDEN / f"week{week}" / name
    if os.environ.get("SOCIALAUDIT_UPDATE_GOLDEN") == "1":
        recorded.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, recorded)
    assert produced.read_bytes() == recorded.read_bytes(), f"{name} of week {week} differs from {recorded}"
