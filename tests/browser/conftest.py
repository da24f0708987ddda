"""Browser tests: headless Debian Chromium driven by Playwright, and the Prefect harness of the flow tests.

`sample_school_two_weeks` is two weeks of a small sample school audited once per session for the modules that
read them (tests/xdist_scheduling.py SHARED_WEEKS keeps those on one worker)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sandbox.school import write_sample
from tests.builders.cli import CliResult
from tests.builders.sample_weeks import SAMPLE_WEEK0, SampleSchoolWeeks

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here: drive the distribution's Chromium, quietly.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope, not session: while Playwright runs, this thread counts as inside an event loop, and later
# tests that call asyncio.run() (Prefect clients, Secret blocks) would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make browser` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the browser tests, never skip them silently
        pytest.skip(message)
    assert shutil.which(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


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
