"""A weekly run on Prefect's temporary server sends no heartbeat (nobody outlives the process to read one, and its
thread holds the run's end for up to a second); on a standing server the flow run's heartbeats are as Prefect sets."""

from __future__ import annotations

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
