"""`make test`'s scheduler (tests/xdist_scheduling.py): whole modules, shared weeks on one worker, the longest units
first by their measured seconds (tests/unit_seconds.py)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.builders.python_source import names_called
from tests.unit_seconds import expected, from_junit, measured, write
from tests.xdist_scheduling import (
    DERIVED_WEEKS,
    SHARED_WEEKS,
    STANDING_SERVERS,
    STANDING_SERVERS_UNIT,
    ModulesAndSharedWeeksLongestFirst,
    runs_whole_audits,
    unit_of,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_WEEK_FIXTURES = set(SHARED_WEEKS.values())


def fixtures_requested(path: Path) -> set[str]:
    """Every argument name of every function in a module: the fixtures its tests and fixtures ask for."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            names |= {a.arg for a in node.args.args + node.args.kwonlyargs}
    return names


def test_every_module_reading_a_shared_week_is_scheduled_with_it() -> None:
    readers = {
        path.relative_to(REPO).as_posix(): {
            DERIVED_WEEKS.get(name, name) for name in fixtures_requested(path)
        }
        & SHARED_WEEK_FIXTURES
        for path in sorted((REPO / "tests").rglob("test_*.py"))
    }
    readers = {module: weeks for module, weeks in readers.items() if weeks}
    # One week per module: a module reading two would tie two units together.
    assert readers == {module: {week} for module, week in SHARED_WEEKS.items()}


def test_every_module_starting_a_standing_prefect_server_is_one_unit_with_the_others() -> None:
    starters = {
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "tests").rglob("test_*.py"))
        if {"prefect_server", "start_worker"} & names_called(path)
    }
    assert starters == STANDING_SERVERS
    assert {unit_of(f"{module}::test_x") for module in starters} == {STANDING_SERVERS_UNIT}
    assert runs_whole_audits(STANDING_SERVERS_UNIT)


class Worker:
    """Stands in for xdist's WorkerController: records the test indices it is sent."""

    def __init__(self, name: str) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False
        self.sent: list[int] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent += indices

    def shutdown(self) -> None:
        self.shutting_down = True


def test_every_whole_audit_unit_has_a_measured_figure_and_every_figure_a_unit() -> None:
    units = {
        unit_of(path.relative_to(REPO).as_posix()) for path in sorted((REPO / "tests").rglob("test_*.py"))
    }
    figures = measured()
    assert sorted(u for u in units if runs_whole_audits(u) and u not in figures) == [], (
        "a whole-audit unit without a figure: write tests/unit_seconds.json again (tests/unit_seconds.py)"
    )
    assert sorted(set(figures) - units) == [], "a figure of a unit that no longer exists"
    assert all(seconds > 0 for seconds in figures.values())


def test_a_unit_without_a_figure_is_expected_to_take_the_middle_one_of_its_kind() -> None:
    figures = {"tests/e2e/test_a.py": 10.0, "tests/e2e/test_b.py": 30.0, "tiny_school_week": 50.0}
    figures |= {"tests/checks/test_a.py": 1.0, "tests/checks/test_b.py": 3.0}
    assert expected("tests/e2e/test_b.py", figures) == 30.0
    assert expected("tests/browser/test_new.py", figures) == 30.0
    assert expected("tests/flows/test_new.py", figures) == 2.0
    assert expected("tests/flows/test_new.py", {}) == 0.0


def test_the_longest_units_go_first_and_a_shared_week_is_one_unit() -> None:
    collection = [
        "tests/checks/test_a.py::test_one",
        "tests/checks/test_a.py::test_two",
        "tests/warehouse/test_b.py::test_one",
        "tests/e2e/test_sample_school.py::test_one",
        "tests/e2e/test_weekly_lifecycle.py::test_one[x]",
        "tests/e2e/test_partial_audits.py::test_one",
        "tests/e2e/test_partial_audits.py::test_two",
    ]
    config = SimpleNamespace(
        getvalue=lambda name: {"tx": ["2*popen"]}[name], option=SimpleNamespace(loadscopereorder=True)
    )
    seconds = {
        "tests/e2e/test_weekly_lifecycle.py": 60.0,
        "sample_school_week": 90.0,
        "tests/checks/test_a.py": 0.5,
    }
    scheduler = ModulesAndSharedWeeksLongestFirst(cast(pytest.Config, config), seconds=seconds)
    workers = [Worker("gw0"), Worker("gw1")]
    for worker in workers:
        scheduler.add_node(cast(Any, worker))
        scheduler.add_node_collection(cast(Any, worker), collection)
    scheduler.schedule()

    handed = [[collection[i] for i in worker.sent] for worker in workers]
    # The longest unit (the sample school's week) to one worker, the next (a module) to the other, which holds
    # a single test and so is handed the next unit at once: the short module with a figure before the one without
    # (expected to take the middle figure of the others: 0.5 s, the same, so xdist's order, most tests first).
    assert {n.split("::")[0] for n in handed[0]} == {
        "tests/e2e/test_sample_school.py",
        "tests/e2e/test_partial_audits.py",
    }
    assert handed[1] == ["tests/e2e/test_weekly_lifecycle.py::test_one[x]", *collection[:2]]
    assert list(scheduler.workqueue) == ["tests/warehouse/test_b.py"]
    shared_week = {
        n
        for n in collection
        if n.startswith(("tests/e2e/test_sample_school.py", "tests/e2e/test_partial_audits.py"))
    }
    assert [shared_week <= set(sent) for sent in handed].count(True) == 1
    assert [bool(shared_week & set(sent)) for sent in handed].count(True) == 1
    # A module is never split between the workers.
    for module in ("tests/checks/test_a.py", "tests/e2e/test_weekly_lifecycle.py"):
        assert sum(any(n.startswith(module) for n in sent) for sent in handed) <= 1


class RecordingWorker(Worker):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.batches: list[list[int]] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.batches.append(list(indices))
        super().send_runtest_some(indices)


def _started(
    scheduler: ModulesAndSharedWeeksLongestFirst, worker: RecordingWorker, collection: list[str]
) -> RecordingWorker:
    """`worker` joined, its collection in, and the scheduler asked to hand out work (as xdist does)."""
    scheduler.add_node(cast(Any, worker))
    scheduler.add_node_collection(cast(Any, worker), collection)
    scheduler.schedule()
    return worker


def _one_worker_started(collection: list[str]) -> tuple[ModulesAndSharedWeeksLongestFirst, RecordingWorker]:
    config = SimpleNamespace(
        getvalue=lambda name: {"tx": ["1*popen"]}[name], option=SimpleNamespace(loadscopereorder=False)
    )
    scheduler = ModulesAndSharedWeeksLongestFirst(cast(pytest.Config, config))
    return scheduler, _started(scheduler, RecordingWorker("gw0"), collection)


def test_a_worker_replacing_a_crashed_one_gets_only_what_was_never_run() -> None:
    collection = [
        "tests/checks/test_a.py::test_one",
        "tests/checks/test_a.py::test_two",
        "tests/checks/test_b.py::test_one",
        "tests/checks/test_b.py::test_two",
        "tests/checks/test_b.py::test_three",
        "tests/checks/test_c.py::test_one",
    ]
    scheduler, first = _one_worker_started(collection)
    for done in ("tests/checks/test_a.py::test_one", "tests/checks/test_a.py::test_two"):
        scheduler.mark_test_complete(cast(Any, first), collection.index(done))
    scheduler.mark_test_complete(cast(Any, first), collection.index("tests/checks/test_b.py::test_one"))

    # The worker dies in the middle of test_b.py::test_two (a native crash): that test is the one reported.
    assert scheduler.remove_node(cast(Any, first)) == "tests/checks/test_b.py::test_two"

    replacement = _started(scheduler, RecordingWorker("gw1"), collection)
    # Never an empty batch (a worker waits forever on one), never a finished module or the test that crashed.
    assert all(replacement.batches)
    assert [collection[i] for i in replacement.sent] == [
        "tests/checks/test_b.py::test_three",
        "tests/checks/test_c.py::test_one",
    ]
    for index in list(replacement.sent):
        scheduler.mark_test_complete(cast(Any, replacement), index)
    assert replacement.shutting_down


def test_a_late_worker_given_a_single_test_is_told_there_is_no_other() -> None:
    collection = [
        "tests/checks/test_a.py::test_one",
        "tests/checks/test_a.py::test_two",
        "tests/checks/test_b.py::test_one",
    ]
    scheduler, first = _one_worker_started(collection)
    scheduler.mark_test_complete(cast(Any, first), 0)
    assert scheduler.remove_node(cast(Any, first)) == "tests/checks/test_a.py::test_two"

    replacement = _started(scheduler, RecordingWorker("gw1"), collection)
    # One test left: the worker runs it only because it is also told to shut down after it.
    assert [collection[i] for i in replacement.sent] == ["tests/checks/test_b.py::test_one"]
    assert replacement.shutting_down


def test_the_figures_are_written_from_a_junit_report_by_unit(tmp_path: Path) -> None:
    report = tmp_path / "durations.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.e2e.test_sample_school" name="test_one" time="80.5"/>'
        '<testcase classname="tests.e2e.test_partial_audits" name="test_two" time="9.5"/>'
        '<testcase classname="tests.test_xdist_scheduling" name="test_three" time="0.25"/>'
        '<testcase classname="tests.test_xdist_scheduling" name="test_four" time="0.5"/>'
        '<testcase classname="tests.test_gitignore" name="test_five" time="0.01"/>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert from_junit(report) == {
        "sample_school_week": 90.0,
        "tests/test_xdist_scheduling.py": 0.8,
        "tests/test_gitignore.py": 0.1,  # a figure, however quick
    }
    table = tmp_path / "unit_seconds.json"
    write(from_junit(report), "a test's own", table)
    assert measured(table) == from_junit(report)


def test_a_unit_the_run_skipped_keeps_its_earlier_figure_and_none_is_made_up(tmp_path: Path) -> None:
    report = tmp_path / "durations.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.e2e.test_sample_school" name="test_one" time="80.5"/>'
        '<testcase classname="tests.e2e.test_remediation_independent" name="test_two" time="0.001">'
        '<skipped message="no independent school at hand"/></testcase>'
        '<testcase classname="tests.e2e.test_partial_audits" name="test_three" time="0.002">'
        '<skipped message="not here"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    earlier = {"tests/e2e/test_remediation_independent.py": 75.0, "sample_school_week": 70.0}
    assert from_junit(report, earlier) == {
        "sample_school_week": 80.5,  # this run's, where it ran (its skipped module among the week's readers)
        "tests/e2e/test_remediation_independent.py": 75.0,
    }
    assert from_junit(report) == {"sample_school_week": 80.5}
