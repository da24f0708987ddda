"""former-pupil-follower: a pupil who has left, still under 18 on the run date, follows or subscribes."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from checks.findings import Thresholds
from checks.identity import resolve_identities
from checks.rules.former_pupil_follower import RULE
from tests.builders.audience import audience, identity, x_member
from tests.builders.registers import AS_OF, X_ACCOUNT, pupil, register_index
from tests.builders.rules import rule_context, run_rule

KACPER = "1600000000000000011"


def former(subject_id: str, born: date | None, confidence: float = 0.9, **kw: object) -> dict:
    row = identity(subject_id, "former_pupil", "P0011", confidence, handle="kacper_n", **kw)  # type: ignore[arg-type]
    row["date_of_birth"] = born
    return row


@pytest.mark.parametrize(
    ("born", "raised"),
    [
        (date(2012, 1, 1), True),  # 14
        (date(2008, AS_OF.month, AS_OF.day + 1), True),  # 18 tomorrow: still 17 today
        (date(2008, AS_OF.month, AS_OF.day), False),  # 18 today
        (date(2001, 5, 5), False),  # an adult
        (None, False),  # no date of birth: the age cannot be shown
    ],
)
def test_only_former_pupils_under_18_on_the_run_date(
    memory_con: duckdb.DuckDBPyConnection, born: date | None, raised: bool
) -> None:
    findings = run_rule(RULE, memory_con, former(KACPER, born))
    assert bool(findings) is raised


def test_a_confident_match_is_medium_with_the_evidence_and_score(
    memory_con: duckdb.DuckDBPyConnection,
) -> None:
    (finding,) = run_rule(RULE, memory_con, former(KACPER, date(2012, 1, 1), evidence="matched P0011"))
    assert (finding.rule, finding.severity, finding.person_kind, finding.person_id) == (
        "former-pupil-follower",
        "medium",
        "former_pupil",
        "P0011",
    )
    assert finding.key == f"former-pupil-follower:x:{X_ACCOUNT}:follower:{KACPER}"
    assert finding.evidence == "matched P0011 (score 0.90)"


def test_a_possible_match_is_low_and_below_the_floor_nothing(memory_con: duckdb.DuckDBPyConnection) -> None:
    (low,) = run_rule(RULE, memory_con, former(KACPER, date(2012, 1, 1), confidence=0.7))
    assert low.severity == "low" and low.evidence.startswith("possible match")
    assert run_rule(RULE, memory_con, former(KACPER, date(2012, 1, 1), confidence=0.5)) == []
    strict = Thresholds(exception=0.95, review_floor=0.8)
    (demoted,) = run_rule(RULE, memory_con, former(KACPER, date(2012, 1, 1)), thresholds=strict)
    assert demoted.severity == "low"


def test_current_pupils_and_following_are_other_rules(memory_con: duckdb.DuckDBPyConnection) -> None:
    current = identity("1600000000000000012", "pupil", "P0001", 1.0)
    following = former("1600000000000000013", date(2012, 1, 1), relation="following")
    assert run_rule(RULE, memory_con, current, following) == []


def test_from_audience_to_findings(memory_con: duckdb.DuckDBPyConnection) -> None:
    index = register_index(
        [
            pupil("P0011", "Kacper", "Nowak", status="left", born=date(2012, 1, 1), left=date(2023, 7, 20)),
            pupil("P0012", "Amira", "Khan", status="left", born=date(2005, 1, 1), left=date(2016, 7, 20)),
        ]
    )
    members = audience(
        x_member(KACPER, "kacper_n", "Kacper Nowak"),
        x_member("1600000000000000014", "amira_k", "Amira Khan", bio="Uni of Leeds"),
    )
    findings = RULE.find(rule_context(memory_con, resolve_identities(members, index)))
    assert [(f.subject_id, f.person_id, f.severity) for f in findings] == [(KACPER, "P0011", "medium")]


def test_a_former_pupil_who_turns_18_and_still_follows_is_aged_out_not_gone(
    memory_con: duckdb.DuckDBPyConnection,
) -> None:
    from tests.builders.rules import identities

    assert RULE.aged_out is not None
    turned_18 = former(KACPER, date(2008, AS_OF.month, AS_OF.day))
    (earlier,) = run_rule(RULE, memory_con, former(KACPER, date(2008, AS_OF.month, AS_OF.day + 1)))
    ctx = rule_context(memory_con, identities(turned_18, former("1600000000000000014", date(2012, 1, 1))))
    assert RULE.aged_out(ctx) == {earlier.key}  # the same exception, now of an adult; the 14-year-old is not
    assert RULE.aged_out(rule_context(memory_con, identities(former(KACPER, None)))) == set()


def test_its_exception_resolves_as_aged_out(con: duckdb.DuckDBPyConnection) -> None:
    from tests.builders.registers import AS_OF as WEEK_2
    from warehouse.lifecycle import apply_findings

    (finding,) = run_rule(RULE, con, former(KACPER, date(2008, AS_OF.month, AS_OF.day + 1)))
    week_1 = date.fromordinal(WEEK_2.toordinal() - 7)
    apply_findings(con, week_1, [finding.as_row(week_1)])
    apply_findings(con, WEEK_2, [], aged_out={finding.key})
    ((status, reason),) = con.execute(
        "SELECT status, resolved_reason FROM audit.exceptions WHERE key = ?", [finding.key]
    ).fetchall()
    assert (status, reason) == ("resolved", "aged-out")
    ((note,),) = con.execute(
        "SELECT note FROM audit.exception_events WHERE key = ? AND event = 'resolved'", [finding.key]
    ).fetchall()
    assert "turned 18" in note


def test_a_birthday_keeps_the_findings_fingerprint_what_the_account_shows_changes_it(
    memory_con: duckdb.DuckDBPyConnection,
) -> None:
    born = date(2012, 1, 1)
    (aged_13,) = run_rule(RULE, memory_con, former(KACPER, born, evidence="left from Year 6, now 13"))
    (aged_14,) = run_rule(RULE, memory_con, former(KACPER, born, evidence="left from Year 6, now 14"))
    (renamed,) = run_rule(RULE, memory_con, former(KACPER, born, display_name="Kacper ⚽"))
    assert aged_13.evidence != aged_14.evidence and aged_13.fingerprint == aged_14.fingerprint
    assert renamed.fingerprint != aged_13.fingerprint
