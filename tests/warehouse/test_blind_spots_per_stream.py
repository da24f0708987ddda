"""Which exceptions each stream's absence leaves unjudged: every stream of every platform, failed or skipped, blinds
the run to the subject kinds it shows, on its own account only, and to nothing else."""

from __future__ import annotations

import duckdb
import pytest

from platforms import PLATFORMS
from warehouse.stream_status import COMPLETE, FAILED, SKIPPED, StreamStatus, blind_spots

ACCOUNT, OTHER_ACCOUNT = "1580000000000000001", "1580000000000000009"

# (platform, stream) -> the subject kinds whose exceptions keep their state when it was not read
BLINDS = {
    ("x", "account"): {"account"},
    ("x", "followers"): {"follower"},
    ("x", "following"): {"following"},
    ("x", "posts"): {"post"},
    ("youtube", "channel"): {"account"},
    ("youtube", "uploads"): {"video"},
    ("youtube", "videos"): {"video"},
    ("youtube", "subscribers"): {"subscriber"},
    ("youtube", "comments"): {"comment"},
    # A reply-only commenter's exception would look resolved were the replies not read.
    ("youtube", "comment_replies"): {"comment"},
    ("facebook", "page"): {"account"},
    ("facebook", "posts"): {"post"},
    ("facebook", "visitor_posts"): {"post", "comment"},
    ("facebook", "photos"): {"post"},
    ("facebook", "comments"): {"comment"},
    ("facebook", "followers"): {"follower"},
    ("instagram", "account"): {"account"},
    ("instagram", "media"): {"post"},
    ("instagram", "comments"): {"comment"},
    ("instagram", "followers"): {"follower"},
}


def test_the_table_names_every_stream_a_platform_declares() -> None:
    assert set(BLINDS) == {(p.name, s.name) for p in PLATFORMS for s in p.streams}


@pytest.mark.parametrize("not_read", [FAILED, SKIPPED])
@pytest.mark.parametrize(("platform", "stream"), BLINDS, ids=[f"{p}-{s}" for p, s in BLINDS])
def test_a_stream_not_read_blinds_the_subject_kinds_it_shows_and_nothing_else(
    platform: str, stream: str, not_read: str
) -> None:
    # The account's other streams and a second account's same stream read in full: a blind spot spilling onto
    # them would show.
    statuses = [
        StreamStatus(
            p.name,
            account,
            s.name,
            not_read if (p.name, s.name, account) == (platform, stream, ACCOUNT) else COMPLETE,
        )
        for p in PLATFORMS
        for s in p.streams
        for account in (ACCOUNT, OTHER_ACCOUNT)
    ]
    spots = blind_spots(duckdb.connect(), statuses, [])
    unjudged = [s for s in spots if not s.can_raise]
    assert {s.subject_kind for s in unjudged} == BLINDS[(platform, stream)]
    assert {(s.platform, s.account_id, s.subject_id, s.rules) for s in unjudged} == {
        (platform, ACCOUNT, None, None)
    }
