"""The week's Prefect artifacts (the UI's copy of the outputs) are made after the outputs are written: Prefect
refusing them is a warning, never a failure that would turn a published week into an unpublished one."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, cast

import pytest

import flows.prefect_artifacts
from dashboards.publishing import PublishedWeek
from flows.prefect_artifacts import attach_week_artifacts


def test_a_prefect_that_refuses_the_artifacts_costs_the_week_a_warning_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    made: list[str] = []

    def busy(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(
        flows.prefect_artifacts, "create_markdown_artifact", lambda **kw: made.append(kw["key"])
    )
    monkeypatch.setattr(flows.prefect_artifacts, "create_table_artifact", busy)
    # What the artifacts hold is not what this is about: the outputs are stand-ins, and so are their renderings.
    monkeypatch.setattr(flows.prefect_artifacts, "weekly_summary_markdown", lambda *args: "summary")
    monkeypatch.setattr(flows.prefect_artifacts, "open_exceptions_table", lambda *args: [])
    monkeypatch.setattr(flows.prefect_artifacts, "get_run_logger", lambda: logging.getLogger("a-flow-run"))
    week = PublishedWeek(outputs=cast(Any, None), decided={}, notices=[], not_read=[])

    with caplog.at_level(logging.WARNING, logger="a-flow-run"):
        attach_week_artifacts(date(2026, 11, 16), week, b"the warehouse's secret")

    assert made == ["socialaudit-weekly-summary"]
    assert "were not created (database is locked)" in caplog.text
