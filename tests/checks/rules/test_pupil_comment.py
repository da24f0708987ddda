"""pupil-comment: one exception per comment thread a pupil's channel writes on the school's videos."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from checks.identity import resolve_identities
from checks.rules.pupil_comment import RULE
from tests.builders.audience import audience, identity, yt_member
from tests.builders.registers import AS_OF, CHANNEL, CHANNEL_LABEL, pupil, register_index
from tests.builders.rules import rule_context, run_rule
from warehouse.sql_models import MODELS_DIR

JESS = "UCjessSmithChannel00000A"
STRANGER = "UCstrangerChannel0000000B"


@pytest.fixture
def comments(memory_con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The columns of staging.stg_youtube__comments the rule reads (through marts.fct_comment_threads), with three
    threads by Jess and one by a stranger."""
    memory_con.execute("CREATE SCHEMA staging")
    memory_con.execute(
        "CREATE TABLE staging.stg_youtube__comments (as_of DATE, account_id VARCHAR, thread_id VARCHAR, "
        "comment_id VARCHAR, video_id VARCHAR, author_channel_id VARCHAR, author_display_name VARCHAR, text VARCHAR)"
    )
    rows = [
        (
            AS_OF,
            CHANNEL,
            "UgzThread1",
            "UgzThread1",
            "vid1",
            JESS,
            "@jessplays",
            "loved sports day!! from year 5",
        ),
        (AS_OF, CHANNEL, "UgzThread2", "UgzThread2", "vid2", JESS, "@jessplays", "hi miss ward"),
        (AS_OF, CHANNEL, "UgzThread3", "UgzThread3", "vid1", STRANGER, "@someone", "lovely concert"),
        ("2026-11-06", CHANNEL, "UgzOld", "UgzOld", "vid1", JESS, "@jessplays", "last week's comment"),
    ]
    memory_con.executemany("INSERT INTO staging.stg_youtube__comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    memory_con.execute("CREATE SCHEMA marts")
    memory_con.execute((MODELS_DIR / "marts" / "fct_comment_threads.sql").read_text(encoding="utf-8"))
    yield memory_con


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
    assert JESS in first.evidence and "(score 1.00)" in first.evidence
    assert first.key == f"pupil-comment:youtube:{CHANNEL}:comment:UgzThread1"


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


def test_from_commenters_to_findings(comments: duckdb.DuckDBPyConnection) -> None:
    index = register_index([pupil("P0001", "Jessica", "Smith", known=f"youtube:{JESS}")])
    members = audience(
        yt_member(JESS, "@jessplays", relation="commenter", handle="@jessplays"),
        yt_member(STRANGER, "@someone", relation="commenter", handle="@someone"),
    )
    findings = RULE.find(rule_context(comments, resolve_identities(members, index)))
    assert sorted((f.subject_id, f.severity, f.person_id) for f in findings) == [
        ("UgzThread1", "high", "P0001"),
        ("UgzThread2", "high", "P0001"),
    ]
