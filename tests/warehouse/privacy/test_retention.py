"""Retention: each rule deletes only what is past its cutoff, keeps what the next run needs, and logs counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flows.config.school import RetentionSettings
from tests.builders.raw_pages import CHANNEL, WEEK, X_ACCOUNT, snapshot, x_post, x_user
from tests.builders.warehouse import count, rows
from warehouse.load import store_snapshot
from warehouse.privacy import retention

SHORT = replace(
    RetentionSettings(), raw_pages_weeks=2, unmatched_profiles_weeks=1, resolved_exceptions_months=1
)


def _identity(con, as_of: date, subject_id: str, kind: str, person_id: str | None) -> None:
    con.execute(
        "INSERT INTO audit.identities VALUES (?, 'x', ?, 'follower', ?, ?, ?, 0.9, 'test', 0)",
        [as_of, X_ACCOUNT, subject_id, kind, person_id],
    )


def _exception(con, key: str, status: str, resolved_on: date | None) -> None:
    con.execute(
        "INSERT INTO audit.exceptions VALUES (?, 'pupil-follower', 'high', ?, 'x', 'school', 'follower', '1', "
        "NULL, NULL, 'pupil', 'P1', 0.9, 'e', 'h', ?, ?, ?, ?, '111', NULL, NULL)",
        [key, status, WEEK[1], WEEK[1], resolved_on, datetime(2026, 1, 1)],
    )
    con.execute(
        "INSERT INTO audit.exception_events VALUES (?, ?, ?, 'raised', 'new', 'weekly-run', NULL, ?)",
        [key + "-raised", key, WEEK[1], datetime(2026, 1, 1)],
    )


def _seed(con) -> None:
    followers = [{"data": [x_user("11", "someone", "Some One")]}]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "followers", followers), WEEK[1], "run1")
    later = [{"data": [x_user("12", "another", "An Other")]}]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "followers", later), WEEK[4], "run4")
    posts = [{"data": [x_post("100", "Sports day")]}]
    store_snapshot(con, snapshot("x", X_ACCOUNT, "posts", posts, cursor="100"), WEEK[1], "run1")
    subscribers = [{"items": [{"id": "s1", "subscriberSnippet": {"channelId": "UCsub1", "title": "Sub"}}]}]
    store_snapshot(con, snapshot("youtube", CHANNEL, "subscribers", subscribers), WEEK[1], "run1")
    _identity(con, WEEK[1], "11", "unknown", None)
    _identity(con, WEEK[4], "12", "unknown", None)
    _identity(con, WEEK[1], "13", "pupil", "P1")
    _exception(con, "old-resolved", "resolved", date(2026, 9, 1))
    _exception(con, "still-open", "open", None)


def test_each_rule_purges_past_its_cutoff_and_logs_counts(con):
    _seed(con)
    con.execute("BEGIN TRANSACTION")
    purged = retention.enforce(con, SHORT, WEEK[4], "run4")
    con.execute("COMMIT")

    assert purged["raw_pages_weeks"] == 1  # week 1's follower page; week 4's, the posts and subscribers stay
    assert count(con, "SELECT * FROM raw.snapshots WHERE stream = 'followers'") == 1
    assert count(con, "SELECT * FROM raw.snapshots WHERE stream = 'posts'") == 1
    assert count(con, "SELECT * FROM raw.snapshots WHERE stream = 'subscribers'") == 1  # newest of its stream
    assert count(con, "SELECT * FROM raw.api_pages") == 3
    assert [r["subject_id"] for r in rows(con, "SELECT subject_id FROM audit.identities ORDER BY 1")] == [
        "12",
        "13",
    ]
    assert [r["key"] for r in rows(con, "SELECT key FROM audit.exceptions")] == ["still-open"]
    assert count(con, "SELECT * FROM audit.exception_events WHERE key = 'old-resolved'") == 0
    log = rows(con, "SELECT table_name, rule, rows_deleted FROM audit.purge_log ORDER BY table_name")
    assert log == [
        {"table_name": "audit.exceptions", "rule": "resolved_exceptions_months=1", "rows_deleted": 1},
        {"table_name": "audit.identities", "rule": "unmatched_profiles_weeks=1", "rows_deleted": 1},
        {"table_name": "raw.api_pages", "rule": "raw_pages_weeks=2", "rows_deleted": 1},
    ]
    policy = rows(con, "SELECT rule, keep_for FROM dpo.retention_status ORDER BY rule")
    assert {"rule": "raw_pages_weeks", "keep_for": "2 weeks"} in policy


def test_enforcing_again_deletes_nothing_more(con):
    _seed(con)
    retention.enforce(con, SHORT, WEEK[4], "run4")
    again = retention.enforce(con, SHORT, WEEK[4], "run4-again")
    assert set(again.values()) == {0}
    assert count(con, "SELECT * FROM audit.purge_log WHERE run_id = 'run4-again'") == 0


def test_defaults_keep_recent_data(con):
    _seed(con)
    purged = retention.enforce(con, RetentionSettings(), WEEK[4], "run4")
    assert purged["raw_pages_weeks"] == 0 and purged["resolved_exceptions_months"] == 0
    assert purged["unmatched_profiles_weeks"] == 1  # profiles that matched nobody go after a week


def test_drafts_checked_before_posting_lose_text_images_and_evidence_past_the_cutoff(con):
    from warehouse import post_checks

    con.execute("BEGIN TRANSACTION")
    old = post_checks.record_check(
        con,
        checked_by="pat",
        checked_identity="pat",
        via="app",
        platform="x",
        text="Well done Alfie Price",
        pupils_pictured=["P0001"],
        verdict="hold",
        findings=[{"rule": "pupil-named", "severity": "high", "evidence": "names pupil P0001"}],
        images=[post_checks.CheckedImage("a" * 64, "ff00", "00ff", 1, b"jpeg bytes")],
    )
    con.execute("UPDATE audit.post_checks SET checked_at = ? WHERE check_id = ?", [WEEK[1], old])
    recent = post_checks.record_check(
        con,
        checked_by="pat",
        checked_identity="pat",
        via="app",
        platform="x",
        text="Sports day",
        pupils_pictured=[],
        verdict="ok",
        findings=[],
        images=[post_checks.CheckedImage("b" * 64, "ff01", "01ff", 0, b"more bytes")],
    )
    purged = retention.enforce(con, SHORT, WEEK[4], "run4")
    con.execute("COMMIT")
    assert purged["raw_pages_weeks"] >= 1
    held = {r["check_id"]: r for r in rows(con, "SELECT * FROM audit.post_checks")}
    assert held[old]["draft_text"] is None and "Alfie" not in str(held[old]["findings"])
    assert "pupil-named" in str(held[old]["findings"])
    assert held[recent]["draft_text"] == "Sports day"
    images = {
        r["check_id"]: r for r in rows(con, "SELECT check_id, image, phash FROM audit.post_check_images")
    }
    assert images[old]["image"] is None and images[old]["phash"] == "ff00"
    assert images[recent]["image"] is not None
