"""A text finding on a post imported from the X archive says its alt text could not be checked."""

from __future__ import annotations

import dataclasses

import duckdb

from checks.findings import Finding
from checks.rule_support.archive_posts import UNCHECKED_ALT_TEXT, note_unchecked_alt_text
from tests.builders.raw_pages import WEEK, X_ACCOUNT, snapshot, x_post
from warehouse.load import store_snapshot


def finding(rule: str, post_id: str) -> Finding:
    return Finding(
        rule=rule,
        severity="medium",
        platform="x",
        account="TinyLanePrimary",
        subject_kind="post",
        subject_id=post_id,
        subject_label="post",
        subject_url=None,
        person_kind=None,
        person_id=None,
        confidence=1.0,
        evidence="text: 07700 900123",
        account_id=X_ACCOUNT,
    )


def test_only_text_findings_on_archive_posts_with_images_say_so(con: duckdb.DuckDBPyConnection) -> None:
    photo = {"media_key": "3_9", "type": "photo", "url": "https://pbs.twimg.com/media/a.jpg"}
    archived = snapshot(
        "x",
        X_ACCOUNT,
        "posts",
        [{"data": [x_post("11", "a", ["3_9"]), x_post("12", "b")], "includes": {"media": [photo]}}],
    )
    store_snapshot(con, dataclasses.replace(archived, source="archive"), WEEK[1], "import")
    api = snapshot(
        "x",
        X_ACCOUNT,
        "posts",
        [{"data": [x_post("13", "c", ["3_8"])], "includes": {"media": [{**photo, "media_key": "3_8"}]}}],
    )
    store_snapshot(con, api, WEEK[1], "r2")
    found = [
        finding("contact-details", "11"),
        finding("unapproved-media", "11"),
        finding("contact-details", "12"),  # no image: nothing to miss
        finding("political-content", "13"),  # the API's copy: alt text was read
    ]
    noted = [f.evidence.endswith(UNCHECKED_ALT_TEXT) for f in note_unchecked_alt_text(con, found)]
    assert noted == [True, False, False, False]
