"""Each stream read on its own: a failure is recorded with its reason, the streams needing it are skipped."""

from __future__ import annotations

import pytest

from connectors.errors import QuotaExhausted
from connectors.paging import Snapshot
from connectors.streams import StreamReads


def snapshot(stream: str, complete: bool = True) -> Snapshot:
    return Snapshot("youtube", stream, "UC1", [], complete=complete)


def quota() -> Snapshot:
    raise QuotaExhausted("youtube", "comments", "daily quota exceeded")


def test_a_failed_stream_is_recorded_and_the_others_are_kept() -> None:
    reads = StreamReads("youtube", "UC1")
    assert reads.read("videos", lambda: snapshot("videos")) is not None
    assert reads.read("comments", quota) is None
    reads.read("subscribers", lambda: snapshot("subscribers", complete=False))
    reads.skip("replies", "comments")
    assert [s.stream for s in reads.snapshots] == ["videos", "subscribers"]
    outcomes = {o["stream"]: (o["status"], o["reason"]) for o in reads.outcomes()}
    assert outcomes["videos"] == ("complete", None)
    assert outcomes["subscribers"][0] == "capped"
    assert outcomes["comments"] == ("failed", "youtube comments: daily quota exceeded")
    assert outcomes["replies"] == ("skipped", "not read because youtube comments could not be read")


def test_strict_reads_raise_the_first_failure() -> None:
    with pytest.raises(QuotaExhausted):
        StreamReads("youtube", "UC1", strict=True).read("comments", quota)


def test_a_programming_error_is_not_taken_for_a_platform_failure() -> None:
    def broken() -> Snapshot:
        raise KeyError("items")

    with pytest.raises(KeyError):
        StreamReads("youtube", "UC1").read("videos", broken)
