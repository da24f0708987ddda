"""`make test`'s scheduler (tests/xdist_scheduling.py): whole modules, shared weeks on one worker, audits first."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.xdist_scheduling import SHARED_WEEKS, ModulesAndSharedWeeksAuditsFirst

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
        path.relative_to(REPO).as_posix(): fixtures_requested(path) & SHARED_WEEK_FIXTURES
        for path in sorted((REPO / "tests").rglob("test_*.py"))
    }
    readers = {module: weeks for module, weeks in readers.items() if weeks}
    # One week per module: a module reading two would tie two units together.
    assert readers == {module: {week} for module, week in SHARED_WEEKS.items()}


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


def test_whole_audits_go_first_and_a_shared_week_is_one_unit() -> None:
    collection = [
        "tests/checks/test_a.py::test_one",
        "tests/checks/test_a.py::test_two",
        "tests/warehouse/test_b.py::test_one",
        "tests/e2e/test_sample_school.py::test_one",
        "tests/e2e/test_trust.py::test_one[x]",
        "tests/e2e/test_partial_audits.py::test_one",
        "tests/e2e/test_partial_audits.py::test_two",
    ]
    config = SimpleNamespace(
        getvalue=lambda name: {"tx": ["2*popen"]}[name], option=SimpleNamespace(loadscopereorder=True)
    )
    scheduler = ModulesAndSharedWeeksAuditsFirst(cast(pytest.Config, config))
    workers = [Worker("gw0"), Worker("gw1")]
    for worker in workers:
        scheduler.add_node(cast(Any, worker))
        scheduler.add_node_collection(cast(Any, worker), collection)
    scheduler.schedule()

    handed = [[collection[i] for i in worker.sent] for worker in workers]
    # Each worker's first unit is a whole-audit one; the sample school's week is one unit, on one worker.
    assert {sent[0].split("::")[0] for sent in handed} <= {
        "tests/e2e/test_sample_school.py",
        "tests/e2e/test_partial_audits.py",
        "tests/e2e/test_trust.py",
    }
    shared_week = {
        n
        for n in collection
        if n.startswith(("tests/e2e/test_sample_school.py", "tests/e2e/test_partial_audits.py"))
    }
    assert [shared_week <= set(sent) for sent in handed].count(True) == 1
    assert [bool(shared_week & set(sent)) for sent in handed].count(True) == 1
    # A module is never split between the workers.
    for module in ("tests/checks/test_a.py", "tests/e2e/test_trust.py"):
        assert sum(any(n.startswith(module) for n in sent) for sent in handed) <= 1


class RecordingWorker(Worker):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.batches: list[list[int]] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.batches.append(list(indices))
        super().send_runtest_some(indices)


def _started(
    scheduler: ModulesAndSharedWeeksAuditsFirst, worker: RecordingWorker, collection: list[str]
) -> RecordingWorker:
    """`worker` joined, its collection in, and the scheduler asked to hand out work (as xdist does)."""
    scheduler.add_node(cast(Any, worker))
    scheduler.add_node_collection(cast(Any, worker), collection)
    scheduler.schedule()
    return worker


def _one_worker_started(collection: list[str]) -> tuple[ModulesAndSharedWeeksAuditsFirst, RecordingWorker]:
    config = SimpleNamespace(
        getvalue=lambda name: {"tx": ["1*popen"]}[name], option=SimpleNamespace(loadscopereorder=False)
    )
    scheduler = ModulesAndSharedWeeksAuditsFirst(cast(pytest.Config, config))
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
