"""Data refused by a blocking validation is set aside for its own stream only; the rest of the week is kept."""

from __future__ import annotations

import functools

import pytest

from checks.validation import SuiteResult
from connectors.paging import Snapshot
from connectors.streams import StreamReads
from flows.stream_reading import set_aside_refused

ACCOUNT = "1580000000000000001"


def reads() -> StreamReads:
    found = StreamReads("x", ACCOUNT)
    for stream in ("account", "followers", "posts"):
        found.read(stream, functools.partial(Snapshot, "x", stream, ACCOUNT, []))
    return found


def result(suite: str, success: bool) -> SuiteResult:
    expectation = {"expectation": "expect_column_values_to_be_unique", "column": "id", "success": success}
    return SuiteResult(f"{suite}@{ACCOUNT}", success, True, 3, [expectation])


def test_a_refused_stream_is_set_aside_and_the_others_kept() -> None:
    account = reads()
    set_aside_refused([account], [result("x_followers", False), result("x_posts", True)])
    assert [s.stream for s in account.snapshots] == ["account", "posts"]
    (failure,) = account.failures
    assert (failure.stream, failure.status) == ("followers", "failed")
    assert failure.reason == "failed validation: expect_column_values_to_be_unique(id)"


def test_refused_media_sets_aside_the_posts_they_came_with() -> None:
    account = reads()
    set_aside_refused([account], [result("x_media", False)])
    assert [s.stream for s in account.snapshots] == ["account", "followers"]


def test_a_refusal_that_names_no_stream_read_stops_the_run() -> None:
    with pytest.raises(RuntimeError, match="nothing was stored"):
        set_aside_refused([reads()], [SuiteResult("x_followers@999", False, True, 1, [])])
