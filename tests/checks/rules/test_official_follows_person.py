"""official-follows-person: the school's X account follows a pupil, former pupil under 18, parent or staff."""

from __future__ import annotations

from datetime import date

import duckdb

from checks.identity import resolve_identities
from checks.rules.official_follows_person import RULE
from tests.builders.audience import audience, identity, x_member
from tests.builders.registers import X_ACCOUNT, parent, pupil, register_index, staff
from tests.builders.rules import rule_context, run_rule


def following(
    subject_id: str, kind: str, person_id: str | None, confidence: float = 1.0, born: date | None = None
) -> dict:
    row = identity(subject_id, kind, person_id, confidence, relation="following")
    row["date_of_birth"] = born
    return row


def test_each_kind_of_person_followed_and_its_severity(memory_con: duckdb.DuckDBPyConnection) -> None:
    findings = run_rule(
        RULE,
        memory_con,
        following("1", "pupil", "P0001"),
        following("2", "former_pupil", "P0011", born=date(2012, 1, 1)),
        following("3", "parent", "PA0001"),
        following("4", "staff_personal", "S002"),
    )
    assert sorted((f.subject_id, f.severity, f.person_kind, f.person_id) for f in findings) == [
        ("1", "high", "pupil", "P0001"),
        ("2", "medium", "former_pupil", "P0011"),
        ("3", "medium", "parent", "PA0001"),
        ("4", "medium", "staff", "S002"),
    ]
    assert {f.subject_kind for f in findings} == {"following"}
    assert findings[0].key.startswith(f"official-follows-person:x:{X_ACCOUNT}:following:")


def test_who_the_school_may_follow(memory_con: duckdb.DuckDBPyConnection) -> None:
    assert (
        run_rule(
            RULE,
            memory_con,
            following("5", "staff_official", "S001"),
            following("6", "unknown", None, 0.0),
            following("7", "former_pupil", "P0012", born=date(2001, 1, 1)),  # an adult now
            identity("8", "pupil", "P0001", 1.0),  # a follower, not followed: pupil-follower's business
        )
        == []
    )


def test_a_possible_match_is_low(memory_con: duckdb.DuckDBPyConnection) -> None:
    (finding,) = run_rule(RULE, memory_con, following("9", "pupil", "P0001", confidence=0.7))
    assert finding.severity == "low" and "possible match" in finding.evidence
    assert run_rule(RULE, memory_con, following("10", "pupil", "P0001", confidence=0.4)) == []


def test_from_audience_to_findings(memory_con: duckdb.DuckDBPyConnection) -> None:
    index = register_index(
        [pupil("P0001", "Jessica", "Smith", known="x:jess_smith")],
        [staff("S001", "Helen", "Ward", official="x:TinyLaneHead", personal="x:helenward")],
        [parent("PA0001", "Karen", "Smith", known="x:karen_smith")],
    )
    members = audience(
        x_member("1", "jess_smith", "J", relation="following"),
        x_member("2", "TinyLaneHead", "Mrs Ward", relation="following"),
        x_member("3", "helenward", "Helen", relation="following"),
        x_member("4", "karen_smith", "K", relation="following"),
        x_member("5", "jess_smith", "J", relation="follower"),
    )
    findings = RULE.find(rule_context(memory_con, resolve_identities(members, index)))
    assert sorted((f.subject_id, f.severity) for f in findings) == [
        ("1", "high"),
        ("3", "medium"),
        ("4", "medium"),
    ]
