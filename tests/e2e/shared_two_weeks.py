"""`sample_school_two_weeks`: two weeks of a small sample school audited once per session, for modules of both
tests/e2e and tests/browser (tests/conftest.py registers this module as a plugin; tests/xdist_scheduling.py
SHARED_WEEKS keeps its readers on one worker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from sandbox.school import write_sample
from tests.builders.cli import CliResult
from tests.builders.sample_weeks import SAMPLE_WEEK0, SampleSchoolWeeks


@pytest.fixture(scope="session")
def sample_school_two_weeks(
    tmp_path_factory: pytest.TempPathFactory, socialaudit: Callable[..., CliResult]
) -> SampleSchoolWeeks:
    """The small sample school of seed 1 audited for the weeks of 16 and 23 November 2026 into one warehouse:
    findings of every severity, a week of history, both charts of the report (tests/builders/sample_weeks.py says
    who may change what)."""
    root = tmp_path_factory.mktemp("sample-school-two-weeks")
    weeks = SampleSchoolWeeks(root)
    for week in (0, 1):
        write_sample(weeks.dataset, seed=1, size="small", as_of=SAMPLE_WEEK0, week=week)
        as_of = (SAMPLE_WEEK0 + timedelta(weeks=week)).isoformat()
        result = socialaudit(
            "run",
            "--sandbox",
            str(weeks.dataset),
            "--db",
            str(weeks.db),
            "--out",
            str(weeks.out(week)),
            "--as-of",
            as_of,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    weeks.keep_as_audited()
    return weeks
