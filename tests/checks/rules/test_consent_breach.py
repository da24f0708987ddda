"""consent-breach over a real warehouse: approvals by id or by hash that picture pupils without consent, per today's registers."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from checks.rules.consent_breach import RULE
from tests.builders.images import platform_copy, textured_image
from tests.builders.published import Published
from tests.builders.registers import AS_OF, CHANNEL_LABEL, X_LABEL, approval, pupil

POST = "1850000000000000001"
CONSENTING = pupil("P0001", "Ava", "Green")
LIBRARY = {"sports_day.jpg": textured_image(1), "nativity.jpg": textured_image(2)}


def pictures(approval_row: dict, *pupil_ids: str) -> dict:
    return {**approval_row, "pupils_pictured": list(pupil_ids)}


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    return Published(con)


@pytest.mark.parametrize(
    ("missing", "person_kind", "why"),
    [
        (pupil("P0002", "Ben", "Hall", consent="withdrawn"), "pupil", "photo consent is withdrawn"),
        (pupil("P0002", "Ben", "Hall", consent="refused"), "pupil", "photo consent is refused"),
        (
            pupil("P0002", "Ben", "Hall", status="left", left=date(2025, 7, 18)),
            "former_pupil",
            "left the school on 2025-07-18",
        ),
    ],
)
def test_an_image_matched_by_hash_picturing_a_pupil_without_consent(
    school: Published, missing: dict, person_kind: str, why: str
) -> None:
    school.registers(
        [CONSENTING, missing],
        approvals=[pictures(approval("A001", "sports_day.jpg"), "P0001", "P0002")],
        library=LIBRARY,
    )
    school.post(
        POST, "Sports day!", images={"3_1": platform_copy(LIBRARY["sports_day.jpg"], scale=0.5, quality=65)}
    )
    school.store()
    (finding,) = school.findings(RULE)
    assert (finding.rule, finding.severity, finding.platform, finding.account) == (
        "consent-breach",
        "critical",
        "x",
        X_LABEL,
    )
    assert (finding.subject_kind, finding.subject_id) == ("post", POST)
    assert (finding.person_kind, finding.person_id) == (person_kind, "P0002")
    assert "3_1" in finding.evidence and "A001 (sports_day.jpg)" in finding.evidence
    assert f"P0002 ({why})" in finding.evidence and "P0001" not in finding.evidence


def test_consent_withdrawn_after_publication_flags_last_years_photo(school: Published) -> None:
    ben = pupil("P0002", "Ben", "Hall")
    approvals = [pictures(approval("A001", "sports_day.jpg"), "P0002")]
    school.registers(
        [CONSENTING, ben], approvals=approvals, library=LIBRARY, as_of=AS_OF - timedelta(days=365)
    )
    school.post(POST, "Sports day!", images={"3_1": platform_copy(LIBRARY["sports_day.jpg"])})
    school.store(AS_OF - timedelta(days=365))
    assert school.findings(RULE, AS_OF - timedelta(days=365)) == []
    # This week the parents withdrew consent; nothing was re-posted or re-fetched.
    school.registers(
        [CONSENTING, {**ben, "photo_consent": "withdrawn"}], approvals=approvals, library=LIBRARY
    )
    (finding,) = school.findings(RULE)
    assert (finding.subject_id, finding.person_id) == (POST, "P0002")
    assert "withdrawn" in finding.evidence


def test_an_approval_by_post_or_video_id_names_the_pupils(school: Published) -> None:
    refused = pupil("P0003", "Cara", "Moss", consent="refused")
    school.registers(
        [CONSENTING, refused],
        approvals=[
            pictures(approval("A002", None, "x", post_id=POST), "P0001", "P0003"),
            pictures(approval("A003", None, "youtube", post_id="vidConcert01"), "P0003"),
            pictures(approval("A004", None, "youtube", post_id="vidAssembly1"), "P0001"),
        ],
    )
    school.post(POST, "Our choir", images={"3_2": platform_copy(textured_image(9))})
    school.video("vidConcert01", "Concert", thumbnail=platform_copy(textured_image(10)))
    school.video("vidAssembly1", "Assembly", thumbnail=platform_copy(textured_image(11)))
    school.store()
    post, video = school.findings(RULE)
    assert (post.subject_id, post.person_id) == (POST, "P0003")
    assert "A002 by post id" in post.evidence
    assert (video.platform, video.subject_kind, video.subject_id, video.account) == (
        "youtube",
        "video",
        "vidConcert01",
        CHANNEL_LABEL,
    )
    assert "A003 by video id" in video.evidence and "vidConcert01" in video.evidence


def test_a_near_miss_image_is_not_that_approval(school: Published) -> None:
    withdrawn = pupil("P0002", "Ben", "Hall", consent="withdrawn")
    school.registers(
        [withdrawn], approvals=[pictures(approval("A001", "sports_day.jpg"), "P0002")], library=LIBRARY
    )
    school.post(POST, "Another day", images={"3_1": platform_copy(textured_image(7))})
    school.store()
    assert school.findings(RULE) == []


def test_one_finding_per_post_and_every_pupil_listed(school: Published) -> None:
    school.registers(
        [
            CONSENTING,
            pupil("P0002", "Ben", "Hall", consent="withdrawn"),
            pupil("P0003", "Cara", "Moss", status="left", left=date(2026, 7, 17)),
        ],
        approvals=[
            pictures(approval("A001", "sports_day.jpg", "any"), "P0002"),
            pictures(approval("A002", "nativity.jpg", "website"), "P0001", "P0003"),
        ],
        library=LIBRARY,
    )
    school.post(
        POST,
        "Two photos",
        images={
            "3_1": platform_copy(LIBRARY["sports_day.jpg"]),
            "3_2": platform_copy(LIBRARY["nativity.jpg"]),
        },
    )
    school.store()
    (finding,) = school.findings(RULE)
    assert finding.person_id == "P0002"
    assert "P0002 (photo consent is withdrawn)" in finding.evidence
    assert "P0003 (left the school on 2026-07-17)" in finding.evidence


def test_pupils_with_consent_are_clear(school: Published) -> None:
    school.registers(
        [CONSENTING], approvals=[pictures(approval("A001", "sports_day.jpg"), "P0001")], library=LIBRARY
    )
    school.post(POST, "Sports day!", images={"3_1": platform_copy(LIBRARY["sports_day.jpg"])})
    school.store()
    assert school.findings(RULE) == []


def test_a_draft_approved_after_its_check_flags_its_published_copy_once_consent_is_withdrawn(
    school: Published,
) -> None:
    """An approval given to a checked draft (check-post, then approve-post) covers the published copy as the
    library's approvals do and names the pupils the poster declared: once a parent withdraws consent, the copy is a
    consent breach (the whole road from check to post: tests/e2e/test_check_before_posting.py)."""
    from checks.media_hash import fingerprint_image
    from tests.builders.images import original
    from warehouse import post_checks
    from warehouse.db import transaction
    from warehouse.people import Actor

    draft = textured_image(3)
    checked = fingerprint_image(original(draft))
    waiting = {"rule": "unapproved-media", "severity": "high", "evidence": "new photo", "image": "draft.jpg"}
    with transaction(school.con):
        check_id = post_checks.record_check(
            school.con,
            checked_by="Ms Poster (alice)",
            checked_identity="alice",
            via="cli",
            platform="x",
            text="Reading award winners",
            pupils_pictured=["P0002"],
            verdict="hold",
            findings=[waiting],
            images=[post_checks.CheckedImage(checked["sha256"], checked["phash"], checked["dhash"], 1, None)],
        )
        post_checks.approve(school.con, check_id, Actor("bob", "Headteacher", "cli"))
    ben = pupil("P0002", "Ben", "Hall")
    school.registers([CONSENTING, ben])
    school.post(POST, "Reading award winners", images={"3_1": platform_copy(draft)})
    school.store()
    assert school.findings(RULE) == []  # approved, and the pupil pictured has consent
    school.registers([CONSENTING, {**ben, "photo_consent": "withdrawn"}])
    (finding,) = school.findings(RULE)
    assert (finding.subject_id, finding.person_id) == (POST, "P0002")
    assert "P0002 (photo consent is withdrawn)" in finding.evidence
