"""The collector is off while a run starts up, on again once every start-up party is done, and as it was after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from flows.start_up_heap import StartUpHeap


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_waits_for_every_party_then_walks_only_what_came_after() -> None:
    gc.enable()
    heap = StartUpHeap()
    heap.joined()  # a warm-up thread beside the run's own
    assert not gc.isenabled()
    made_at_start_up: list[list[int]] = [[] for _ in range(10)]  # lists: objects the collector tracks
    heap.made()
    assert not gc.isenabled(), "the warm-up is still at work"
    assert gc.get_freeze_count() >= len(made_at_start_up)
    heap.made()
    assert gc.isenabled()
    Cycle()  # garbage the run makes is still collected
    assert gc.collect() >= 1
    # What start-up made stays frozen: the collector's generations (what gc.get_objects lists) never hold it. The
    # freeze count itself may fall meanwhile: a frozen object another thread frees by its reference count leaves it.
    walked = {id(o) for o in gc.get_objects()}
    assert not any(id(o) in walked for o in made_at_start_up)
    heap.release()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_run_that_ends_early_leaves_the_collector_as_it_was() -> None:
    gc.enable()
    heap = StartUpHeap()
    heap.joined()
    heap.release()  # failed before its start-up was done
    assert gc.isenabled() and gc.get_freeze_count() == 0
    heap.made()  # the warm-up ends after the run: nothing frozen again, nothing switched
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_turned_off_before_the_run_stays_off() -> None:
    gc.disable()
    heap = StartUpHeap()
    heap.made()
    assert not gc.isenabled()
    heap.release()
    assert not gc.isenabled()
