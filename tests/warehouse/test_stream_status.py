"""What a week's runs could not read stays with the DPO, also after a re-run of the week replaced it."""

from __future__ import annotations

from datetime import date

from warehouse.stream_status import COMPLETE, FAILED, StreamStatus, store_stream_status

WEEK = date(2026, 3, 2)


def _followers(status: str, reason: str | None = None) -> StreamStatus:
    return StreamStatus("x", "100", "followers", status, reason, account="school")


def _partial_audits(con) -> list[tuple]:
    return con.execute(
        "SELECT run_id, stream, status, replaced, replaced_by FROM dpo.partial_audits ORDER BY run_id"
    ).fetchall()


def test_a_partial_attempt_replaced_by_a_rerun_is_kept_and_marked(con):
    store_stream_status(con, WEEK, "run-1", [_followers(FAILED, "429 until the reset")])
    store_stream_status(con, WEEK, "run-2", [_followers(COMPLETE)])
    assert _partial_audits(con) == [("run-1", "followers", "failed", True, "run-2")]
    assert con.execute("SELECT run_id, status FROM audit.stream_status").fetchall() == [("run-2", "complete")]


def test_a_rerun_that_is_partial_again_lists_both_attempts(con):
    store_stream_status(con, WEEK, "run-1", [_followers(FAILED, "quota")])
    store_stream_status(con, WEEK, "run-2", [_followers(FAILED, "429 until the reset")])
    assert _partial_audits(con) == [
        ("run-1", "followers", "failed", True, "run-2"),
        ("run-2", "followers", "failed", False, None),
    ]


def test_a_rerun_that_reads_the_same_changes_nothing(con):
    store_stream_status(con, WEEK, "run-1", [_followers(FAILED, "quota")])
    store_stream_status(con, WEEK, "run-2", [_followers(FAILED, "quota")])
    assert _partial_audits(con) == [("run-1", "followers", "failed", False, None)]


def test_dpo_exceptions_lists_every_exception_whoever_it_is_about(con):
    con.execute(
        "INSERT INTO audit.exceptions (key, rule, severity, status, platform, account, subject_kind, subject_id,"
        " person_kind, person_id, confidence, evidence, evidence_sha256, first_seen, last_seen, updated_at) VALUES"
        " ('k1', 'pupil-follower', 'high', 'new', 'x', 'school', 'follower', '1', 'pupil', 'P1', 0.9, 'e', 's',"
        "  DATE '2026-03-02', DATE '2026-03-02', now()),"
        " ('k2', 'political-content', 'medium', 'resolved', 'x', 'school', 'post', '2', NULL, NULL, 0.8, 'e', 's',"
        "  DATE '2026-03-02', DATE '2026-03-02', now())"
    )
    assert con.execute("SELECT count(*) FROM dpo.exceptions").fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM dpo.exceptions_by_person").fetchone() == (1,)
