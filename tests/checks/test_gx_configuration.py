"""Great-expectations building an expectation's configuration once per reading changes no validation's result."""

from __future__ import annotations

from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import great_expectations.expectations.expectation as gx_expectation
import polars as pl
import pytest
from great_expectations.expectations.expectation import Expectation

from checks import gx_configuration, validation
from checks.validation import SuiteResult, validate
from tests.checks.test_validation import (
    PLANTED,
    comments_one_without_its_video,
    good_frames,
    suites,
)


def frames_for(planted: int | None) -> dict[str, pl.DataFrame]:
    frames = good_frames()
    frames["yt_comments"] = comments_one_without_its_video(frames["yt_comments"])
    if planted is None:
        return frames
    suite, plant, *_ = PLANTED[planted]
    return {suite: plant(frames[suite])}


def results(frames: dict[str, pl.DataFrame], *, installed: bool) -> list[SuiteResult]:
    validation.prepare()  # which installs it: before, so that GX as it came stays so
    if installed:
        gx_configuration.install()
    else:
        gx_configuration.uninstall()
    try:
        return validate(frames, suites())
    finally:
        gx_configuration.install()


def first_of_each_kind() -> list[int]:
    """The first planted fault of each expectation in each suite: what a configuration is built from differs by
    expectation (its keys, `mostly`, a row condition, a derived column), not by the value planted."""
    seen: dict[tuple[str, str], int] = {}
    for position, (suite, _, expectation, *_) in enumerate(PLANTED):
        seen.setdefault((suite, expectation), position)
    return sorted(seen.values())


@pytest.mark.parametrize(
    "planted",
    [None, *first_of_each_kind()],
    ids=["none-planted", *(f"{PLANTED[p][0]}-{PLANTED[p][2]}" for p in first_of_each_kind())],
)
def test_every_suite_s_results_are_those_of_gx_as_it_came(planted: int | None) -> None:
    frames = frames_for(planted)

    once = results(frames, installed=True)

    assert once == results(frames, installed=False)
    assert all(result.success for result in once) is (planted is None)


def test_the_methods_wrapped_are_those_read_in_this_version_of_gx() -> None:
    # A new GX may read or change the expectation differently in these methods: read them again, then name it here.
    assert gx.__version__ == gx_configuration.READ_IN_VERSION
    gx_configuration.install()
    for name in gx_configuration.READ_ONLY_METHODS:
        assert getattr(Expectation, name).__wrapped__.__qualname__ == f"Expectation.{name}"


def configurations_built(monkeypatch: pytest.MonkeyPatch, *, installed: bool) -> int:
    """How many configurations one gathering of an expectation's arguments builds."""
    expectation = gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["current", "left"], mostly=0.9)
    built = 0
    real = gx_expectation.ExpectationConfiguration

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal built
        built += 1
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(gx_expectation, "ExpectationConfiguration", counted)
        if not installed:
            gx_configuration.uninstall()
        try:
            kwargs = expectation._get_runtime_kwargs()
        finally:
            gx_configuration.install()
    assert kwargs["column"] == "status" and kwargs["mostly"] == 0.9
    assert kwargs["value_set"] == ["current", "left"]
    return built


def test_one_gathering_of_arguments_builds_the_configuration_once(monkeypatch: pytest.MonkeyPatch) -> None:
    assert configurations_built(monkeypatch, installed=True) == 1
    assert configurations_built(monkeypatch, installed=False) > 5


def test_an_expectation_changed_after_a_reading_is_read_afresh() -> None:
    gx_configuration.install()
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="pupil_id")
    assert expectation._get_success_kwargs()["column"] == "pupil_id"

    expectation.column = "staff_id"

    assert expectation._get_success_kwargs()["column"] == "staff_id"
    assert expectation.configuration.kwargs["column"] == "staff_id"


def test_nothing_is_held_once_a_reading_returns() -> None:
    gx_configuration.install()
    expectation = gxe.ExpectColumnValuesToBeUnique(column="pupil_id")
    expectation._get_runtime_kwargs()

    assert gx_configuration._held() == {}
