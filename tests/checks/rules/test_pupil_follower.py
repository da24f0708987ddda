"""pupil-follower: a current pupil following the X account or visibly subscribed to the channel."""

from __future__ import annotations

import duckdb
import pytest

from checks.findings import Thresholds
from checks.identity import resolve_identities
from checks.rules.pupil_follower import RULE
from tests.builders.audience import audience, identity, x_member, yt_member
from tests.builders.registers import CHANNEL, X_ACCOUNT, X_LABEL, parent, pupil, register_index, staff
from tests.builders.rules import rule_context, run_rule

JESS = "1600000000000000001"


def test_nothing_is_raised_for_people_who_may_follow(memory_con: duckdb.DuckDBPyConnection) -> None:
    assert (
        run_rule(
            RULE,
            memory_con,
            identity("1700000000000000001", "parent", "PA0001", 1.0),
            identity("1700000000000000002", "staff_official", "S001", 1.0),
            identity("1700000000000000003", "staff_personal", "S002", 1.0),  # another rule's business
            identity("1700000000000000004", "former_pupil", "P0003", 1.0),  # another rule's business
            identity("1700000000000000005", "unknown", None, 0.0),
            identity("1700000000000000006", "pupil", "P0001", 1.0, relation="following"),
            identity(
                "UCpupilCommenter00000000", "pupil", "P0001", 1.0, platform="youtube", relation="commenter"
            ),
            identity("1700000000000000007", "pupil", "P0002", 0.59),  # below the review floor
        )
        == []
    )


def test_no_identities_no_findings(memory_con: duckdb.DuckDBPyConnection) -> None:
    assert run_rule(RULE, memory_con) == []


def test_a_declared_pupil_follower_is_high(memory_con: duckdb.DuckDBPyConnection) -> None:
    evidence = "x account @jess_smith is declared in pupils.csv known_handles for pupil P0001, Year 5"
    (finding,) = run_rule(
        RULE,
        memory_con,
        identity(JESS, "pupil", "P0001", 1.0, handle="jess_smith", display_name="Jess", evidence=evidence),
    )
    assert finding.key == f"pupil-follower:x:{X_ACCOUNT}:follower:{JESS}"
    assert (finding.rule, finding.severity, finding.platform, finding.account) == (
        "pupil-follower",
        "high",
        "x",
        X_LABEL,
    )
    assert (finding.subject_kind, finding.subject_id, finding.subject_label) == (
        "follower",
        JESS,
        "@jess_smith",
    )
    assert finding.subject_url == "https://x.com/jess_smith"
    assert (finding.person_kind, finding.person_id, finding.confidence) == ("pupil", "P0001", 1.0)
    assert finding.evidence == f"{evidence} (score 1.00)"


def test_an_exact_name_match_is_high(memory_con: duckdb.DuckDBPyConnection) -> None:
    (finding,) = run_rule(RULE, memory_con, identity("1600000000000000002", "pupil", "P0002", 0.9))
    assert (finding.severity, finding.person_id, finding.confidence) == ("high", "P0002", 0.9)
    assert finding.evidence.endswith("(score 0.90)")
    assert not finding.evidence.startswith("possible match")


def test_a_visible_youtube_subscriber_is_named_by_channel_id(memory_con: duckdb.DuckDBPyConnection) -> None:
    channel = "UCjessSmithChannel00000A"
    (finding,) = run_rule(
        RULE,
        memory_con,
        identity(
            channel,
            "pupil",
            "P0001",
            1.0,
            platform="youtube",
            relation="subscriber",
            handle=None,
            display_name="Jess plays",
        ),
    )
    assert finding.key == f"pupil-follower:youtube:{CHANNEL}:subscriber:{channel}"
    assert (finding.subject_kind, finding.subject_id, finding.subject_label) == (
        "subscriber",
        channel,
        "Jess plays",
    )
    assert finding.subject_url == f"https://www.youtube.com/channel/{channel}"


def test_a_possible_match_is_low_and_says_so(memory_con: duckdb.DuckDBPyConnection) -> None:
    (finding,) = run_rule(
        RULE,
        memory_con,
        identity(
            "1600000000000000003",
            "pupil",
            "P0004",
            0.65,
            evidence='display name "Oliver Brown" matches several people',
        ),
    )
    assert finding.severity == "low"
    assert finding.evidence.startswith("possible match")
    assert "Oliver Brown" in finding.evidence and finding.evidence.endswith("(score 0.65)")


@pytest.mark.parametrize(
    ("confidence", "severity"),
    [(1.0, "high"), (0.85, "high"), (0.8499, "low"), (0.6, "low"), (0.5999, None), (0.0, None)],
)
def test_thresholds_decide_the_severity(
    memory_con: duckdb.DuckDBPyConnection, confidence: float, severity: str | None
) -> None:
    findings = run_rule(RULE, memory_con, identity("1600000000000000004", "pupil", "P0001", confidence))
    assert [f.severity for f in findings] == ([severity] if severity else [])


def test_configured_thresholds_are_used(memory_con: duckdb.DuckDBPyConnection) -> None:
    strict = Thresholds(exception=0.95, review_floor=0.8)
    findings = run_rule(
        RULE,
        memory_con,
        identity("1600000000000000005", "pupil", "P0001", 1.0),
        identity("1600000000000000006", "pupil", "P0002", 0.9),
        identity("1600000000000000007", "pupil", "P0004", 0.7),
        thresholds=strict,
    )
    assert [(f.subject_id, f.severity) for f in findings] == [
        ("1600000000000000005", "high"),
        ("1600000000000000006", "low"),
    ]


def test_an_unconfigured_account_is_named_by_its_id(memory_con: duckdb.DuckDBPyConnection) -> None:
    (finding,) = run_rule(RULE, memory_con, identity(JESS, "pupil", "P0001", 1.0), labels={})
    assert finding.account == X_ACCOUNT


def test_from_audience_to_findings(memory_con: duckdb.DuckDBPyConnection) -> None:
    index = register_index(
        [
            pupil("P0001", "Jessica", "Smith", preferred="Jess", known="x:jess_smith"),
            pupil("P0002", "William", "Price", preferred="Billy"),
            pupil("P0004", "Oliver", "Brown"),
            pupil("P0005", "Oliver", "Brown"),
        ],
        [staff("S001", "Helen", "Ward", official="x:TinyLaneHead")],
        [parent("PA0001", "Karen", "Smith", of=("P0001",), known="x:karen_smith")],
    )
    members = audience(
        x_member(JESS, "jess_smith", "J ✨"),
        x_member("1600000000000000002", "bp2016", "Billy Price"),  # his birth year (a year not his lowers it)
        x_member("1600000000000000003", "ob", "Oliver Brown"),
        x_member("1600000000000000004", "jsmith", "Jessica Smith", bio="proud mum of two"),
        x_member("1600000000000000005", "karen_smith", "Karen Smith"),
        x_member("1600000000000000006", "TinyLaneHead", "Mrs Ward"),
        x_member("1600000000000000007", "jess_smith", "Jess", relation="following"),
        yt_member("UCbillyPriceChannel0000B", "Billy Price"),
    )
    findings = RULE.find(rule_context(memory_con, resolve_identities(members, index)))
    assert {(f.subject_id, f.severity, f.person_id) for f in findings} == {
        (JESS, "high", "P0001"),
        ("1600000000000000002", "high", "P0002"),
        ("1600000000000000003", "high", "P0004"),  # a pupil either way; the evidence names both Oliver Browns
        ("UCbillyPriceChannel0000B", "high", "P0002"),
    }


def test_a_shared_account_is_a_finding_per_pupil_each_keyed_apart(
    memory_con: duckdb.DuckDBPyConnection,
) -> None:
    findings = run_rule(
        RULE,
        memory_con,
        identity(JESS, "pupil", "P0001", 0.9, evidence="... a shared account: it also names Tom Smith"),
        identity(JESS, "pupil", "P0002", 0.9, evidence="... a shared account: it also names Jess Smith"),
    )
    assert sorted((f.person_id, f.severity) for f in findings) == [("P0001", "high"), ("P0002", "high")]
    # The first keeps the subject's key (so an exception raised before stays the same one); the other is keyed
    # also on its register id.
    base = f"pupil-follower:x:{X_ACCOUNT}:follower:{JESS}"
    assert sorted(f.key for f in findings) == [base, f"{base}:P0002"]
