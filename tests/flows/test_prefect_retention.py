"""Prefect keeps its own records no longer than the DPIA says: the server unit in deploy/ and the CLI's temporary
server both switch on Prefect 3.8's database vacuum for flow runs (with their logs and artifacts) and events."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from flows.commands.common import PREFECT_RETENTION
from tests.builders.prefect_server import unit_environment

ROOT = Path(__file__).resolve().parents[2]


def _unit_environment() -> dict[str, str]:
    """As systemd passes them to the server (quotes taken off the way it does)."""
    return {k: v for k, v in unit_environment().items() if k.startswith("PREFECT_")}


@pytest.mark.parametrize("environment", [_unit_environment(), PREFECT_RETENTION], ids=["deploy", "cli"])
def test_prefect_vacuums_flow_runs_after_eight_weeks_and_events_after_a_week(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import Settings

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    enabled = settings.server.services.db_vacuum.enabled
    assert isinstance(enabled, set) and {"flow_runs", "events"} <= enabled
    assert settings.server.services.db_vacuum.retention_period == timedelta(weeks=8)
    assert settings.server.events.retention_period == timedelta(days=7)


def test_the_dpia_says_what_prefect_keeps() -> None:
    dpia = (ROOT / "docs" / "dpia.md").read_text(encoding="utf-8")
    assert "keeps flow runs, logs and artifacts for 8 weeks and events for 7 days" in dpia
    assert json.loads(_unit_environment()["PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED"]) == [
        "events",
        "flow_runs",
    ]
