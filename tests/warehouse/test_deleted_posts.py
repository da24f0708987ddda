"""A post X says was deleted leaves the posts the rules read, and its exceptions resolve with the reason
`deleted`; an error of any other kind, or for an id not asked about, says nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from checks.findings import Finding
from connectors.paging import Page, Snapshot
from tests.builders.raw_pages import T0, WEEK, X_ACCOUNT, snapshot, x_post
from tests.builders.warehouse import rows
from warehouse.lifecycle import apply_findings
from warehouse.load import store_snapshot

NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def not_found(post_id: str, kind: str = NOT_FOUND, resource_type: str = "tweet") -> dict[str, Any]:
    return {
        "value": post_id,
        "detail": f"Could not find tweet with ids: [{post_id}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": "ids",
        "resource_id": post_id,
        "type": kind,
    }


def lookup(asked: list[str], payload: dict[str, Any]) -> Snapshot:
    page = Page(
        "x",
        "post_lookup",
        X_ACCOUNT,
        0,
        payload.get("data", []),
        payload,
        {"ids": ",".join(asked)},
        T0 + timedelta(days=7),
    )
    return Snapshot("x", "post_lookup", X_ACCOUNT, [page])


def post_finding(post_id: str) -> Finding:
    return Finding(
        rule="unapproved-media",
        severity="high",
        platform="x",
        account="TinyLanePrimary",
        subject_kind="post",
        subject_id=post_id,
        subject_label="Sports day",
        subject_url=None,
        person_kind=None,
        person_id=None,
        confidence=1.0,
        evidence="3_1: not in the approved library",
        account_id=X_ACCOUNT,
    )


def test_only_resource_not_found_for_an_asked_post_counts_as_deleted(con: duckdb.DuckDBPyConnection) -> None:
    posts = [x_post(str(n), f"post {n}") for n in (101, 102, 103, 104)]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": posts}]), WEEK[1], "r1")
    answer = {
        "data": [x_post("104", "post 104")],
        "errors": [
            not_found("101"),
            not_found("102", "https://api.twitter.com/2/problems/not-authorized-for-resource"),
            not_found("103", resource_type="user"),
            not_found("999"),  # never asked: not ours to conclude about
        ],
    }
    store_snapshot(con, lookup(["101", "102", "103", "104"], answer), WEEK[2], "r2")
    assert [r["post_id"] for r in rows(con, "SELECT post_id FROM staging.stg_x__deleted_posts")] == ["101"]
    held = {r["post_id"] for r in rows(con, "SELECT post_id FROM staging.stg_x__posts")}
    assert held == {"102", "103", "104"}


def test_a_deleted_posts_exceptions_resolve_with_the_reason(con: duckdb.DuckDBPyConnection) -> None:
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": [x_post("201", "a")]}]), WEEK[1], "r1")
    apply_findings(con, WEEK[1], [post_finding("201").as_row(WEEK[1]), post_finding("202").as_row(WEEK[1])])
    store_snapshot(con, lookup(["201", "202"], {"errors": [not_found("201")]}), WEEK[2], "r2")
    apply_findings(con, WEEK[2], [])
    resolved = rows(
        con, "SELECT subject_id, status, resolved_reason FROM audit.exceptions ORDER BY subject_id"
    )
    assert resolved == [
        {"subject_id": "201", "status": "resolved", "resolved_reason": "deleted"},
        {"subject_id": "202", "status": "resolved", "resolved_reason": "gone"},
    ]
    notes = rows(con, "SELECT note FROM audit.exception_events WHERE event = 'resolved' ORDER BY note")
    assert notes[0]["note"].startswith("deleted: X says the post no longer exists")


def test_both_spellings_of_the_problem_type_and_the_archives_deleted_posts_count(
    con: duckdb.DuckDBPyConnection,
) -> None:
    posts = [x_post(str(n), f"post {n}") for n in (301, 302, 303, 304)]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": posts}]), WEEK[1], "r1")
    answer = {
        "errors": [not_found("301"), not_found("302", "https://api.x.com/2/problems/resource-not-found")]
    }
    store_snapshot(con, lookup(["301", "302"], answer), WEEK[2], "r2")
    # deleted-tweets.js of the school's archive (socialaudit import-x-archive): stream `deleted_posts`.
    archived = [{"id": "303", "deleted_at": "Mon Nov 02 10:00:00 +0000 2026"}]
    page = Page("x", "deleted_posts", X_ACCOUNT, 0, archived, {"data": archived}, {"source": "archive"}, T0)
    store_snapshot(
        con, Snapshot("x", "deleted_posts", X_ACCOUNT, [page], source="archive"), WEEK[2], "import"
    )
    deleted = {r["post_id"] for r in rows(con, "SELECT post_id FROM staging.stg_x__deleted_posts")}
    assert deleted == {"301", "302", "303"}
    assert {r["post_id"] for r in rows(con, "SELECT post_id FROM staging.stg_x__posts")} == {"304"}


def test_an_edited_post_is_audited_as_its_latest_version(con: duckdb.DuckDBPyConnection) -> None:
    first = x_post("401", "Sports day on Fridya")
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": [first]}]), WEEK[1], "r1")
    edited = {**x_post("402", "Sports day on Friday"), "edit_history_tweet_ids": ["401", "402"]}
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": [edited]}]), WEEK[2], "r2")
    held = rows(con, "SELECT post_id, text FROM staging.stg_x__posts")
    assert held == [{"post_id": "402", "text": "Sports day on Friday"}]


def test_a_week_whose_post_lookup_failed_keeps_the_post_and_its_exception_open(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """A look-up that keeps failing leaves no snapshot (tests/connectors/test_x_post_lookup.py): the week knows
    nothing of the post but what it held, so the rules still read it and its exception stays open."""
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": [x_post("501", "a")]}]), WEEK[1], "r1")
    apply_findings(con, WEEK[1], [post_finding("501").as_row(WEEK[1])])
    # Week 2 reads the posts since week 1's newest: 501, deleted meanwhile or not, is not among them.
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", [{"data": [x_post("502", "b")]}]), WEEK[2], "r2")
    assert rows(con, "SELECT post_id FROM staging.stg_x__deleted_posts") == []
    read = rows(con, "SELECT DISTINCT subject_id FROM marts.fct_published_text WHERE platform = 'x'")
    assert {r["subject_id"] for r in read} == {"501", "502"}
    counts = apply_findings(con, WEEK[2], [post_finding("501").as_row(WEEK[2])])
    assert counts["resolved"] == 0
    held = rows(con, "SELECT subject_id, status, resolved_reason FROM audit.exceptions")
    assert held == [{"subject_id": "501", "status": "open", "resolved_reason": None}]
