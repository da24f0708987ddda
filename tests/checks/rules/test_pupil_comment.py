"""pupil-comment: one exception per comment thread and pupil, for every comment a pupil writes on the school's
videos: top-level comments and replies (embedded in the thread or listed with comments.list), in every
moderation state read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import pytest

from checks.identity import resolve_identities
from checks.rules.pupil_comment import RULE
from tests.builders.audience import identity
from tests.builders.comment_pages import comment_snapshots, yt_comment, yt_reply, yt_thread
from tests.builders.registers import AS_OF, CHANNEL, CHANNEL_LABEL, pupil, register_index
from tests.builders.rules import rule_context, run_rule
from warehouse.load import store_snapshot

JESS = "UCjessSmithChannel00000A"
ALFIE = "UCalfiePriceChannel0000C"
STRANGER = "UCstrangerChannel0000000B"
KEY = f"pupil-comment:youtube:{CHANNEL}"


def store(
    con: duckdb.DuckDBPyConnection,
    threads_by_state: Mapping[str, Sequence[dict[str, Any]]],
    listed: Mapping[str, Sequence[dict[str, Any]]] | None = None,
    as_of: date = AS_OF,
) -> duckdb.DuckDBPyConnection:
    for snapshot in comment_snapshots(threads_by_state, listed):
        store_snapshot(con, snapshot, as_of, "run-test")
    return con


@pytest.fixture
def comments(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Two published threads by Jess, one by a stranger, and one of Jess's from last week."""
    store(
        con,
        {"published": [yt_thread(yt_comment("UgzOld", JESS, "last week's comment"))]},
        as_of=date(2026, 11, 6),
    )
    return store(
        con,
        {
            "published": [
                yt_thread(yt_comment("UgzThread1", JESS, "loved sports day!! from year 5")),
                yt_thread(yt_comment("UgzThread2", JESS, "hi miss ward", video_id="vid2")),
                yt_thread(yt_comment("UgzThread3", STRANGER, "lovely concert")),
            ]
        },
    )


def commenter(channel: str, kind: str, person_id: str | None, confidence: float) -> dict:
    return identity(
        channel, kind, person_id, confidence, platform="youtube", relation="commenter", handle="@jessplays"
    )


def test_one_high_exception_per_thread_a_pupil_wrote(comments: duckdb.DuckDBPyConnection) -> None:
    findings = run_rule(
        RULE, comments, commenter(JESS, "pupil", "P0001", 1.0), commenter(STRANGER, "unknown", None, 0.0)
    )
    assert sorted(f.subject_id for f in findings) == ["UgzThread1", "UgzThread2"]
    first = next(f for f in findings if f.subject_id == "UgzThread1")
    assert (first.rule, first.severity, first.subject_kind, first.platform, first.account) == (
        "pupil-comment",
        "high",
        "comment",
        "youtube",
        CHANNEL_LABEL,
    )
    assert (first.person_kind, first.person_id) == ("pupil", "P0001")
    assert first.subject_label == "loved sports day!! from year 5"
    assert first.subject_url == "https://www.youtube.com/watch?v=vid1&lc=UgzThread1"
    assert first.evidence.startswith(f"comment by channel {JESS} (@{JESS.lower()}) on video vid1: ")
    assert "(score 1.00)" in first.evidence
    assert first.key == f"{KEY}:comment:UgzThread1"  # the key a top-level comment has always had


def test_possible_matches_are_low_and_other_people_are_not_exceptions(
    comments: duckdb.DuckDBPyConnection,
) -> None:
    (low, _) = sorted(
        run_rule(RULE, comments, commenter(JESS, "pupil", "P0001", 0.7)), key=lambda f: f.subject_id
    )
    assert low.severity == "low" and low.evidence.startswith("possible match")
    for kind in ("parent", "staff_personal", "former_pupil", "unknown"):
        assert run_rule(RULE, comments, commenter(JESS, kind, "X", 1.0)) == []
    assert run_rule(RULE, comments, commenter(JESS, "pupil", "P0001", 0.3)) == []


def test_a_pupil_subscriber_who_does_not_comment_is_not_this_rule(
    comments: duckdb.DuckDBPyConnection,
) -> None:
    row = identity(JESS, "pupil", "P0001", 1.0, platform="youtube", relation="subscriber")
    assert run_rule(RULE, comments, row) == []


def test_a_pupil_who_only_replied_is_raised_on_the_thread(con: duckdb.DuckDBPyConnection) -> None:
    thread = yt_thread(
        yt_comment("UgzConcert", STRANGER, "lovely concert"),
        [yt_reply("UgzConcert", 1, JESS, "that was me on the recorder, year 4!")],
    )
    store(con, {"published": [thread]})
    (finding,) = run_rule(RULE, con, commenter(JESS, "pupil", "P0001", 1.0))
    assert (finding.subject_id, finding.person_id, finding.severity) == ("UgzConcert", "P0001", "high")
    assert finding.key == f"{KEY}:comment:UgzConcert:{JESS}"
    assert finding.evidence.startswith(f"reply UgzConcert.r1 by channel {JESS} ")
    assert finding.subject_url == "https://www.youtube.com/watch?v=vid1&lc=UgzConcert.r1"
    assert finding.subject_label == "that was me on the recorder, year 4!"


def test_held_for_review_and_likely_spam_comments_are_raised_with_their_state(
    con: duckdb.DuckDBPyConnection,
) -> None:
    held = yt_thread(yt_comment("UgzHeld", JESS, "call me miss", moderation="heldForReview"))
    # A comment whose payload omits its state has the state its page was asked for.
    spam = yt_thread(yt_comment("UgzSpam", JESS, "free robux here"))
    store(con, {"heldForReview": [held], "likelySpam": [spam]})
    findings = {f.subject_id: f for f in run_rule(RULE, con, commenter(JESS, "pupil", "P0001", 1.0))}
    assert set(findings) == {"UgzHeld", "UgzSpam"}
    assert findings["UgzHeld"].evidence.startswith("top-level comment UgzHeld (held for review) by channel")
    assert findings["UgzSpam"].evidence.startswith("top-level comment UgzSpam (likely spam) by channel")
    assert findings["UgzHeld"].key == f"{KEY}:comment:UgzHeld"


def test_a_reply_embedded_and_listed_is_one_comment_of_one_finding(con: duckdb.DuckDBPyConnection) -> None:
    replies = [yt_reply("UgzLong", n, STRANGER if n != 6 else JESS, f"reply {n}") for n in range(1, 8)]
    # YouTube embeds a few replies (here 1-5 and Jess's 6th too); comments.list returns all seven again,
    # without the video id.
    listed = [
        yt_reply("UgzLong", n, STRANGER if n != 6 else JESS, f"reply {n}", video_id=None) for n in range(1, 8)
    ]
    thread = yt_thread(yt_comment("UgzLong", STRANGER, "first!"), replies[:6], total_replies=7)
    store(con, {"published": [thread]}, {"UgzLong": listed})
    (finding,) = run_rule(RULE, con, commenter(JESS, "pupil", "P0001", 1.0))
    assert finding.evidence.count("UgzLong.r6") == 1
    assert "on video vid1" in finding.evidence  # the thread's video when the reply does not say
    assert con.execute("SELECT count(*) FROM marts.fct_comments").fetchone() == (8,)


def test_a_pupils_comment_and_replies_in_one_thread_are_one_exception(con: duckdb.DuckDBPyConnection) -> None:
    thread = yt_thread(
        yt_comment("UgzMine", JESS, "our class assembly"),
        [
            yt_reply("UgzMine", 1, STRANGER, "who are you?"),
            yt_reply("UgzMine", 2, JESS, "jess in 5B", moderation="heldForReview"),
            yt_reply("UgzMine", 3, ALFIE, "me too"),
        ],
    )
    store(con, {"published": [thread]})
    findings = run_rule(
        RULE, con, commenter(JESS, "pupil", "P0001", 1.0), commenter(ALFIE, "pupil", "P0002", 0.9)
    )
    by_person = {f.person_id: f for f in findings}
    assert set(by_person) == {"P0001", "P0002"}
    assert by_person["P0001"].key == f"{KEY}:comment:UgzMine"
    assert by_person["P0001"].evidence.startswith(
        "top-level comment UgzMine, reply UgzMine.r2 (held for review) by channel"
    )
    assert by_person["P0002"].key == f"{KEY}:comment:UgzMine:{ALFIE}"
    assert len({f.key for f in findings}) == 2


def test_from_comments_and_replies_to_findings(con: duckdb.DuckDBPyConnection) -> None:
    """Reply authors are in the audience identity resolution reads, so a reply-only pupil is recognised; the
    school's own replies under its videos are not its audience."""
    thread = yt_thread(
        yt_comment("UgzFair", STRANGER, "great fair"),
        [
            yt_reply("UgzFair", 1, JESS, "my mum ran the cake stall"),
            yt_reply("UgzFair", 2, CHANNEL, "thank you for coming"),
        ],
    )
    store(con, {"published": [thread]})
    members = con.execute("SELECT * FROM marts.fct_audience WHERE as_of = ?", [AS_OF]).pl()
    assert sorted(members["subject_id"]) == sorted([JESS, STRANGER])
    index = register_index([pupil("P0001", "Jessica", "Smith", known=f"youtube:{JESS}")])
    findings = RULE.find(rule_context(con, resolve_identities(members, index)))
    assert [(f.subject_id, f.severity, f.person_id) for f in findings] == [("UgzFair", "high", "P0001")]
