"""Subject access and erasure of a commenter: their threads, their replies embedded in others' threads and the
replies read with comments.list (stream `comment_replies`), and the pupil-comment exceptions about them."""

from __future__ import annotations

import json

import duckdb
import pytest

from checks.findings import Finding
from tests.builders.comment_pages import comment_snapshots, yt_comment, yt_reply, yt_thread
from tests.builders.findings import AS_OF, insert_exception
from tests.builders.raw_pages import CHANNEL
from tests.builders.warehouse import count
from warehouse.load import store_snapshot
from warehouse.privacy.erasure import erase
from warehouse.privacy.subject_access import subject_access
from warehouse.privacy.subjects import find_subject

JESS = "UCjessSmithChannel00000A"
STRANGER = "UCstrangerChannel0000000B"
OTHER = "UCotherParentChannel0000C"


@pytest.fixture
def commented(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Jess replies in a stranger's thread (embedded, and listed again by comments.list) and starts a held
    thread; another parent's thread does not involve her."""
    concert = yt_thread(
        yt_comment("UgzConcert", STRANGER, "lovely concert"),
        [yt_reply("UgzConcert", 1, JESS, "that was me!"), yt_reply("UgzConcert", 2, STRANGER, "well done")],
        total_replies=7,
    )
    held = yt_thread(
        yt_comment("UgzHeld", JESS, "call me miss", moderation="heldForReview"),
        [yt_reply("UgzHeld", 1, STRANGER, "who is this")],
    )
    other = yt_thread(yt_comment("UgzOther", OTHER, "great fair"))
    listed = [yt_reply("UgzConcert", 1, JESS, "that was me!", video_id=None)]
    listed += [yt_reply("UgzConcert", n, STRANGER, f"reply {n}", video_id=None) for n in range(2, 8)]
    for snapshot in comment_snapshots(
        {"published": [concert, other], "heldForReview": [held]}, {"UgzConcert": listed}
    ):
        store_snapshot(con, snapshot, AS_OF, "run-test")
    reply_finding = Finding(
        rule="pupil-comment",
        severity="high",
        platform="youtube",
        account="@tinylaneprimary",
        account_id=CHANNEL,
        subject_kind="comment",
        subject_id="UgzConcert",
        subject_label="that was me!",
        subject_url="https://www.youtube.com/watch?v=vid1&lc=UgzConcert.r1",
        person_kind="pupil",
        person_id="P0001",
        confidence=1.0,
        evidence=f"reply UgzConcert.r1 by channel {JESS} (@jess) on video vid1: declared (score 1.00)",
    ).keyed_also_on(JESS)
    insert_exception(con, reply_finding)
    return con


def _raw_mentions(con: duckdb.DuckDBPyConnection, needle: str) -> int:
    return count(con, "SELECT * FROM raw.api_pages WHERE contains(payload::VARCHAR, ?)", [needle])


def test_a_subject_access_export_holds_the_persons_replies(commented: duckdb.DuckDBPyConnection) -> None:
    export = subject_access(commented, find_subject(commented, "platform-id", JESS))
    objects = export["sections"]["raw_objects"]
    ids = sorted((o["stream"], o["object"]["id"]) for o in objects)
    assert ids == [
        ("comment_replies", "UgzConcert.r1"),
        ("comments", "UgzConcert.r1"),  # her reply, not the stranger's thread it sits in
        ("comments", "UgzHeld"),  # her thread, held for review
    ]
    (exception,) = export["sections"]["exceptions"]
    assert exception["key"].endswith(f":comment:UgzConcert:{JESS}")


def test_erasure_removes_the_persons_replies_and_keeps_everyone_elses(
    commented: duckdb.DuckDBPyConnection,
) -> None:
    counts = erase(commented, find_subject(commented, "platform-id", JESS), "A. Dpo", "SAR-1").counts
    assert counts["raw.api_pages (objects removed)"] == 3  # her thread, her embedded reply, her listed reply
    assert counts["audit.exceptions"] == 1
    assert _raw_mentions(commented, JESS) == 0
    assert count(commented, "SELECT * FROM marts.fct_comments WHERE author_channel_id = ?", [JESS]) == 0
    kept = commented.execute(
        "SELECT comment_id FROM marts.fct_comments WHERE as_of = ? ORDER BY comment_id", [AS_OF]
    ).fetchall()
    assert [r[0] for r in kept] == ["UgzConcert", *[f"UgzConcert.r{n}" for n in range(2, 8)], "UgzOther"]
    thread = commented.execute(
        "SELECT p.payload FROM raw.api_pages AS p JOIN raw.snapshots AS s USING (snapshot_id) "
        "WHERE s.stream = 'comments' AND contains(p.payload::VARCHAR, 'UgzConcert')"
    ).fetchone()
    assert thread is not None
    (concert,) = [t for t in json.loads(thread[0])["items"] if t["id"] == "UgzConcert"]
    assert [r["id"] for r in concert["replies"]["comments"]] == ["UgzConcert.r2"]
