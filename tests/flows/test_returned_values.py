"""A flow's final state read through flows/returned_values.py: what the flow returned, when the server's answer
to the final state change was lost and the server's copy (without data) came back instead. Real flows against the
session's Prefect server; the lost answer is tests/builders/lost_answers.py's. The weekly audit's callers reading
it so: tests/e2e/test_after_the_store.py (a command) and below (a trust's school)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.exceptions import MissingResult
from prefect.states import Cancelled, Completed, Failed, State

import flows.returned_values
import flows.trust
from flows.config.trust import TrustSchool
from flows.returned_values import final_state, keeps_returned
from tests.builders.lost_answers import final_answer_lost

WEEK = {"exceptions": 3, "raised": 1, "resolved": 0, "report": "out/report.html"}
NOT_PUBLISHED = {**WEEK, "not_published": "x"}
ENDINGS: dict[str, tuple[Callable[..., State[Any]], str, str, dict[str, Any]]] = {  # what a State is made of
    "Partial": (Completed, "Partial", "not read: x followers", WEEK),
    "NotPublished": (Failed, "NotPublished", "stored; outputs not published", NOT_PUBLISHED),
}


@flow(name="returns-a-week")
@keeps_returned
def returns(ending: str | int) -> Any:
    # By name: a State given to a flow as a parameter reaches it as its data.
    if isinstance(ending, str):
        kind, name, message, data = ENDINGS[ending]
        return kind(name=name, message=message, data=dict(data))
    return {**WEEK, "exceptions": ending}


def run_returning(ending: str | int) -> State[Any]:
    state: State[Any] = returns(ending, return_state=True)  # type: ignore[assignment]
    return state


@pytest.mark.slow
def test_a_returned_value_whose_answer_was_lost_is_read_as_returned(
    prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with final_answer_lost(monkeypatch) as lost:
        state = run_returning(7)
    assert lost == ["COMPLETED"]
    # The server's copy: read as it is, the run has no result.
    assert state.is_completed() and state.data is None
    with pytest.raises(MissingResult):
        state.result(_sync=True)  # type: ignore[call-overload]

    assert final_state(state).result(_sync=True) == {**WEEK, "exceptions": 7}  # type: ignore[call-overload]


@pytest.mark.parametrize("name", ENDINGS)
@pytest.mark.slow
def test_a_returned_state_whose_answer_was_lost_is_the_state_the_flow_chose(
    name: str, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, message, data = ENDINGS[name]
    with final_answer_lost(monkeypatch) as lost:
        state = run_returning(name)
    assert lost == [state.type.value]
    assert state.data is None  # the server's copy

    read = final_state(state)
    assert (read.type, read.name, read.message) == (state.type, name, message)
    assert read.result(raise_on_failure=False, _sync=True) == data  # type: ignore[call-overload]


def test_an_answered_run_is_read_from_its_own_state_and_nothing_is_kept_after(prefect_api_url: str) -> None:
    state = run_returning(3)
    run_id = state.state_details.flow_run_id
    assert run_id in flows.returned_values._returned
    assert final_state(state) is state
    assert run_id not in flows.returned_values._returned


def test_an_ending_the_server_decided_otherwise_is_the_servers(prefect_api_url: str) -> None:
    state = run_returning(3)
    cancelled: State[Any] = Cancelled(message="cancelled by a person")
    cancelled.state_details.flow_run_id = state.state_details.flow_run_id
    assert final_state(cancelled) is cancelled


@pytest.mark.slow
def test_what_is_kept_is_bounded_for_callers_that_never_read(
    prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows.returned_values, "KEPT_AT_MOST", 2)
    monkeypatch.setattr(flows.returned_values, "_returned", type(flows.returned_values._returned)())
    runs = [run_returning(n).state_details.flow_run_id for n in range(3)]
    assert list(flows.returned_values._returned) == runs[1:]


def test_a_trust_school_whose_answer_was_lost_keeps_why_it_was_not_published(
    tmp_path: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flows/trust.py reads a school's weekly audit through final_state: a week stored but not published is
    still said so, not "State data is missing" or an error without its reason."""
    sentence = "stored; outputs not published (the disk is full)"

    @flow(name="weekly-audit")
    @keeps_returned
    def weekly_audit(**parameters: Any) -> State[Any]:
        return Failed(name="NotPublished", message=sentence, data={**WEEK, "not_published": sentence})

    monkeypatch.setattr(flows.trust, "weekly_audit", weekly_audit)
    monkeypatch.setattr(flows.trust.lake, "release", lambda *args: None)
    monkeypatch.setattr(flows.trust.lake, "read_locator", lambda locator: locator)
    school = TrustSchool(slug="elm-road", school_toml=tmp_path / "school.toml", sandbox=True)

    with (
        final_answer_lost(monkeypatch) as lost,
        pytest.raises(flows.trust.OutputsNotPublished, match="disk is full"),
    ):
        flows.trust._audit_in_lake(school, tmp_path / "elm-road.ducklake", tmp_path / "out", "2026-11-16")
    assert lost == ["FAILED"]
