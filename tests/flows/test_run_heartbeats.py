"""A weekly run on Prefect's temporary server sends no heartbeat (nobody outlives the process to read one, and its
thread holds the run's end for up to a second); on a standing server the flow run's heartbeats are as Prefect sets."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace

import pytest
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)

from flows.commands.common import heartbeats_only_to_a_standing_server


def test_a_run_on_the_temporary_server_sends_no_heartbeat() -> None:
    with temporary_settings(updates={PREFECT_API_URL: None}):
        before = get_current_settings().flows.heartbeat_frequency
        with heartbeats_only_to_a_standing_server():
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == before


def test_a_run_on_a_standing_server_sends_its_heartbeats() -> None:
    with (
        temporary_settings(
            updates={PREFECT_API_URL: "http://127.0.0.1:4200/api", PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}
        ),
        heartbeats_only_to_a_standing_server(),
    ):
        assert get_current_settings().flows.heartbeat_frequency == 60


def test_a_trust_run_on_the_temporary_server_sends_no_heartbeat_and_collects_as_before(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`socialaudit trust run` goes through the same start-up as a school's run (flow_run_from_the_command_line): no
    heartbeat thread when nobody outlives the process, and its start-up frozen out of the collector until the run
    ends."""
    import flows.commands.common
    import flows.config.trust
    import flows.trust
    from flows.commands import trust as command

    seen: dict[str, object] = {}

    class Flow:
        def with_options(self, **_: object) -> Flow:
            return self

        def __call__(self, **_: object) -> dict[str, object]:
            seen["heartbeat"] = get_current_settings().flows.heartbeat_frequency
            seen["frozen"] = gc.get_freeze_count()
            return {"schools": [], "not_completed": [], "report": "report.html"}

    monkeypatch.setattr(flows.config.trust, "load_trust", lambda _: SimpleNamespace(schools=[], parallel=1))
    monkeypatch.setattr(flows.commands.common, "_start_prefect_early", lambda heap=None: lambda: None)
    monkeypatch.setattr(flows.trust, "trust_audit", Flow())
    monkeypatch.setattr("flows.live_display.live_display", lambda: None)
    args = SimpleNamespace(
        trust=tmp_path / "trust.toml", out=tmp_path, as_of=None, deployment=False, school_timeout=1.0
    )
    frozen_before, enabled_before = gc.get_freeze_count(), gc.isenabled()
    with temporary_settings(updates={PREFECT_API_URL: None, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        assert command.run(args) == 0  # type: ignore[arg-type]
    assert seen["heartbeat"] is None
    assert isinstance(seen["frozen"], int) and seen["frozen"] > frozen_before
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen_before, enabled_before)
