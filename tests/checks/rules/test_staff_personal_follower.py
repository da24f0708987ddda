"""staff-personal-follower: a staff member's personal (not approved official) account follows or subscribes."""

from __future__ import annotations

import duckdb
import pytest

from checks.identity import resolve_identities
from checks.rules.staff_personal_follower import RULE
from tests.builders.audience import audience, identity, x_member, yt_member
from tests.builders.registers import CHANNEL, X_ACCOUNT, X_LABEL, parent, register_index, staff
from tests.builders.rules import rule_context, run_rule

WARD = "1700000000000000002"


def test_nothing_is_raised_for_official_accounts_and_others(memory_con: duckdb.DuckDBPyConnection) -> None:
    assert (
        run_rule(
            RULE,
            memory_con,
            identity("1700000000000000001", "staff_official", "S001", 1.0),
            identity("1700000000000000003", "parent", "PA0001", 1.0),
            identity("1700000000000000004", "pupil", "P0001", 1.0),
            identity("1700000000000000005", "former_pupil", "P0003", 1.0),
            identity("1700000000000000006", "unknown", None, 0.0),
            identity("1700000000000000007", "staff_personal", "S001", 1.0, relation="following"),
            identity(
                "UCstaffCommenter00000000",
                "staff_personal",
                "S001",
                1.0,
                platform="youtube",
                relation="commenter",
            ),
            identity("1700000000000000008", "staff_personal", "S002", 0.5),  # below the review floor
        )
        == []
    )


def test_a_declared_personal_handle_is_medium(memory_con: duckdb.DuckDBPyConnection) -> None:
    evidence = "x account @helenward is declared in staff.csv personal_handles for staff S001, Headteacher"
    (finding,) = run_rule(
        RULE,
        memory_con,
        identity(
            WARD, "staff_personal", "S001", 1.0, handle="helenward", display_name="Helen", evidence=evidence
        ),
    )
    assert finding.key == f"staff-personal-follower:x:{X_ACCOUNT}:follower:{WARD}"
    assert (finding.rule, finding.severity, finding.account) == ("staff-personal-follower", "medium", X_LABEL)
    assert (finding.subject_kind, finding.subject_id, finding.subject_label) == (
        "follower",
        WARD,
        "@helenward",
    )
    assert (finding.person_kind, finding.person_id, finding.confidence) == ("staff", "S001", 1.0)
    assert finding.evidence == f"{evidence} (score 1.00)"


def test_a_name_match_is_medium(memory_con: duckdb.DuckDBPyConnection) -> None:
    (finding,) = run_rule(RULE, memory_con, identity("1700000000000000009", "staff_personal", "S002", 0.9))
    assert (finding.severity, finding.person_kind, finding.person_id) == ("medium", "staff", "S002")
    assert finding.evidence.endswith("(score 0.90)")


def test_a_subscribed_personal_channel_is_medium(memory_con: duckdb.DuckDBPyConnection) -> None:
    channel = "UCtomBakerPersonal00000C"
    (finding,) = run_rule(
        RULE,
        memory_con,
        identity(
            channel,
            "staff_personal",
            "S002",
            1.0,
            platform="youtube",
            relation="subscriber",
            handle=None,
            display_name="Tom B",
        ),
    )
    assert finding.key == f"staff-personal-follower:youtube:{CHANNEL}:subscriber:{channel}"
    assert (finding.subject_kind, finding.subject_id, finding.subject_label) == (
        "subscriber",
        channel,
        "Tom B",
    )
    assert finding.severity == "medium"


@pytest.mark.parametrize("confidence", [0.6, 0.65, 0.8])
def test_a_possible_match_is_low_and_says_so(
    memory_con: duckdb.DuckDBPyConnection, confidence: float
) -> None:
    (finding,) = run_rule(
        RULE, memory_con, identity("1700000000000000010", "staff_personal", "S002", confidence)
    )
    assert finding.severity == "low"
    assert finding.evidence.startswith("possible match")
    assert finding.evidence.endswith(f"(score {confidence:.2f})")


def test_from_audience_to_findings(memory_con: duckdb.DuckDBPyConnection) -> None:
    index = register_index(
        [],
        [
            staff(
                "S001",
                "Helen",
                "Ward",
                role="Headteacher",
                personal="x:helenward",
                official="x:@TinyLaneHead",
            ),
            staff("S002", "Tom", "Baker", preferred="Tommy"),
            # Also a parent, under the same handle: a personal account all the same (docs/contracts/registers.md).
            staff("S003", "Karen", "Smith", role="TA", personal="x:karen_smith"),
        ],
        [parent("PA0001", "Karen", "Smith", of=("P0001",), known="x:karen_smith")],
    )
    members = audience(
        x_member(WARD, "HelenWard", "H"),
        x_member("1700000000000000001", "tinylanehead", "Mrs Ward"),
        x_member("1700000000000000011", "tb_runs", "Tommy Baker 🏃"),
        x_member("1700000000000000012", "karen_smith", "Karen"),
        yt_member("UCtomBakerPersonal00000C", "Tom Baker"),
    )
    findings = RULE.find(rule_context(memory_con, resolve_identities(members, index)))
    assert {(f.subject_id, f.severity, f.person_id) for f in findings} == {
        (WARD, "medium", "S001"),
        ("1700000000000000011", "medium", "S002"),
        ("1700000000000000012", "medium", "S003"),
        ("UCtomBakerPersonal00000C", "medium", "S002"),
    }
