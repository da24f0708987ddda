"""What a run could not see it does not judge: no resolving, no raising, no `last_seen` inside a blind spot."""

from __future__ import annotations

import dataclasses
from typing import Any

import duckdb

from checks.findings import Finding
from tests.builders.raw_pages import WEEK
from tests.builders.warehouse import rows
from warehouse.lifecycle import apply_findings
from warehouse.stream_status import BlindSpot, StreamStatus, blind_spots

PUPIL = Finding(
    rule="pupil-follower",
    severity="high",
    platform="x",
    account="TinyLanePrimary",
    subject_kind="follower",
    subject_id="1600000000000000002",
    subject_label="a follower",
    subject_url=None,
    person_kind="pupil",
    person_id="P0001",
    confidence=0.97,
    evidence="declared handle",
)
STAFF = dataclasses.replace(
    PUPIL,
    rule="staff-personal-follower",
    subject_id="1600000000000000004",
    person_kind="staff",
    person_id="S001",
)
ACCOUNT = PUPIL.as_row(WEEK[0])["account_id"]
POST = dataclasses.replace(
    PUPIL, rule="unapproved-media", subject_kind="post", subject_id="1850000000000000012", person_kind=None
)
FOLLOWERS_NOT_READ = BlindSpot("x", ACCOUNT, "follower")


def exception(con: duckdb.DuckDBPyConnection, finding: Finding) -> dict[str, Any]:
    (row,) = rows(con, "SELECT * FROM audit.exceptions WHERE key = ?", [finding.key])
    return row


def test_exceptions_of_a_stream_not_read_keep_their_state_and_last_seen(
    con: duckdb.DuckDBPyConnection,
) -> None:
    apply_findings(con, WEEK[0], [PUPIL.as_row(WEEK[0]), POST.as_row(WEEK[0])])
    # Week 1: the followers were not read (so no follower findings), the posts were.
    counts = apply_findings(con, WEEK[1], [POST.as_row(WEEK[1])], blind=[FOLLOWERS_NOT_READ])
    assert counts["resolved"] == 0 and counts["not_judged"] == 1
    pupil = exception(con, PUPIL)
    assert (pupil["status"], pupil["last_seen"]) == ("new", WEEK[0])
    assert exception(con, POST)["last_seen"] == WEEK[1]
    # Week 2 reads everything again: the pupil is gone now, and only now is it resolved.
    apply_findings(con, WEEK[2], [POST.as_row(WEEK[2])])
    assert exception(con, PUPIL)["status"] == "resolved"


def test_a_finding_inside_a_failed_stream_is_not_raised_but_a_capped_stream_raises(
    con: duckdb.DuckDBPyConnection,
) -> None:
    counts = apply_findings(con, WEEK[0], [STAFF.as_row(WEEK[0])], blind=[FOLLOWERS_NOT_READ])
    assert counts["raised"] == 0
    assert con.execute("SELECT count(*) FROM audit.exceptions").fetchone() == (0,)
    capped = dataclasses.replace(FOLLOWERS_NOT_READ, can_raise=True)
    assert apply_findings(con, WEEK[0], [STAFF.as_row(WEEK[0])], blind=[capped])["raised"] == 1
    # Capped the week after: the follower beyond the cap is not resolved.
    assert apply_findings(con, WEEK[1], [], blind=[capped])["resolved"] == 0


def test_a_missing_image_blinds_only_the_media_rules_of_its_post(con: duckdb.DuckDBPyConnection) -> None:
    image_not_read = BlindSpot(
        "x", ACCOUNT, "post", subject_id=POST.subject_id, rules=("unapproved-media", "consent-breach")
    )
    text_rule = dataclasses.replace(POST, rule="contact-details")
    apply_findings(con, WEEK[0], [POST.as_row(WEEK[0]), text_rule.as_row(WEEK[0])])
    counts = apply_findings(con, WEEK[1], [], blind=[image_not_read])
    assert counts["resolved"] == 1  # the text rule saw the post: its exception is gone
    assert exception(con, POST)["status"] == "new"


def test_blind_spots_follow_the_streams_a_run_could_not_read(con: duckdb.DuckDBPyConnection) -> None:
    statuses = [
        StreamStatus("x", ACCOUNT, "followers", "failed", "quota"),
        StreamStatus("x", ACCOUNT, "posts", "complete"),
        StreamStatus("youtube", "UC1", "comments", "skipped", "videos failed"),
        StreamStatus("x", ACCOUNT, "following", "capped", "page limit"),
    ]
    spots = blind_spots(con, statuses, [])
    assert set(spots) == {
        BlindSpot("x", ACCOUNT, "follower"),
        BlindSpot("youtube", "UC1", "comment"),
        BlindSpot("x", ACCOUNT, "following", can_raise=True),
    }


def test_a_missing_image_leaves_the_text_rules_raising_but_never_resolving_on_its_post(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The text read in an image feeds the text rules: an image not downloaded this week may hide what they found
    in it, so their exceptions about its post stay as they were, while what they still find is raised."""
    from warehouse.stream_status import IMAGE_TEXT_RULES, MEDIA_RULES

    spots = [
        BlindSpot("x", ACCOUNT, "post", subject_id=POST.subject_id, rules=MEDIA_RULES),
        BlindSpot("x", ACCOUNT, "post", subject_id=POST.subject_id, rules=IMAGE_TEXT_RULES, can_raise=True),
    ]
    named = dataclasses.replace(POST, rule="pupil-named")
    politics = dataclasses.replace(POST, rule="political-content")
    apply_findings(con, WEEK[0], [named.as_row(WEEK[0])])
    counts = apply_findings(con, WEEK[1], [politics.as_row(WEEK[1])], blind=spots)
    assert counts["resolved"] == 0 and counts["raised"] == 1
    assert exception(con, named)["status"] == "new"
    assert exception(con, politics)["status"] == "new"
