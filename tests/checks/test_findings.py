"""Finding refuses what the output contract can't hold; RuleContext turns confidence into severity."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from checks.findings import Finding, RuleContext, Thresholds
from tests.builders.audience import identities
from tests.builders.registers import AS_OF, X_ACCOUNT, X_LABEL

FINDING = Finding(
    rule="pupil-follower",
    severity="high",
    platform="x",
    account=X_LABEL,
    subject_kind="follower",
    subject_id="1600000000000000001",
    subject_label="@jess_smith",
    subject_url="https://x.com/jess_smith",
    person_kind="pupil",
    person_id="P0001",
    confidence=0.91234,
    evidence="declared in pupils.csv",
)


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "urgent"},
        {"person_kind": "staff_personal"},  # an identity kind, not an output person kind
        {"confidence": 1.01},
        {"confidence": -0.1},
        {"confidence": float("nan")},
        {"evidence": ""},
    ],
)
def test_a_finding_outside_the_contract_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(FINDING, **change)  # type: ignore[arg-type]


def test_the_key_names_ids_only_and_the_row_carries_everything() -> None:
    assert FINDING.key == f"pupil-follower:x:{X_LABEL}:follower:1600000000000000001"
    assert "jess" not in FINDING.key.lower()
    row = FINDING.as_row(AS_OF)
    assert row["key"] == FINDING.key and row["as_of"] == AS_OF
    assert row["confidence"] == 0.912
    assert row["evidence_sha256"] == FINDING.fingerprint


def test_a_finding_with_a_basis_is_fingerprinted_on_it_not_on_its_wording() -> None:
    based = replace(FINDING, basis=("media:3_1",), evidence="pupil P0001, Year 5, aged 10")
    assert replace(based, evidence="pupil P0001, Year 6, aged 11").fingerprint == based.fingerprint
    assert replace(based, person_id="P0002").fingerprint != based.fingerprint  # another match
    assert replace(based, basis=("media:3_1", "media:3_2")).fingerprint != based.fingerprint  # a new image
    assert (
        replace(based, subject_id="1600000000000000009").fingerprint != based.fingerprint
    )  # another account
    assert (
        FINDING.fingerprint != replace(FINDING, evidence="declared in staff.csv").fingerprint
    )  # none declared


@pytest.mark.parametrize(
    ("confidence", "expected"), [(1.0, "high"), (0.85, "high"), (0.84, "low"), (0.6, "low"), (0.59, None)]
)
def test_severity_for(confidence: float, expected: str | None) -> None:
    ctx = RuleContext(AS_OF, duckdb.connect(":memory:"), identities(), {("x", X_ACCOUNT): X_LABEL})
    assert ctx.severity_for(confidence, "high") == expected
    assert ctx.account_label("x", X_ACCOUNT) == X_LABEL
    assert ctx.account_label("youtube", "UCother") == "UCother"


def test_thresholds_are_configurable() -> None:
    ctx = RuleContext(AS_OF, duckdb.connect(":memory:"), identities(), {}, Thresholds(0.95, 0.5))
    assert [ctx.severity_for(c, "medium") for c in (0.96, 0.9, 0.5, 0.49)] == ["medium", "low", "low", None]
