"""`[policy]`: a school names its own policy and, per rule, its clause; what the outputs cite follows from it, and
a school that names none is cited the rule's general basis, never another school's file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.rule_support.citation import SchoolPolicy, cited_rules
from checks.rules import RULES, rule_by_id
from flows.config.school import ConfigError, load_config

SCHOOL = """\
[school]
name = "Oakfield Primary"

[[accounts]]
platform = "x"
handle = "OakfieldPrimary"
id = "1580000000000000001"
"""
EXAMPLE_FILE = re.compile(r"\b(bledington|carleton-green|corbets-tey|cornist-park|willow-tree)\.txt\b")


def load(tmp_path: Path, extra: str) -> SchoolPolicy:
    path = tmp_path / "school.toml"
    path.write_text(SCHOOL + extra, encoding="utf-8")
    return load_config(path).policy


def test_a_school_naming_no_policy_is_cited_each_rules_general_basis(tmp_path: Path) -> None:
    policy = load(tmp_path, "")
    for rule in cited_rules(RULES, policy):
        assert rule.policy == rule_by_id(rule.id).general_basis
        assert not EXAMPLE_FILE.search(rule.policy), rule.id


def test_the_schools_own_clause_is_cited_and_the_rest_keep_their_general_basis(tmp_path: Path) -> None:
    policy = load(
        tmp_path,
        '[policy]\ndocument = "Oakfield Social Media Policy"\nurl = "https://oakfield.example/policy.pdf"\n'
        '[policy.clauses]\npupil-follower = "§6.2 (no pupil follows the school)"\n',
    )
    cited = {rule.id: rule.policy for rule in cited_rules(RULES, policy)}
    assert cited["pupil-follower"] == (
        "Oakfield Social Media Policy (https://oakfield.example/policy.pdf) §6.2 (no pupil follows the school)"
    )
    assert cited["consent-breach"] == rule_by_id("consent-breach").general_basis


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[policy]\ndocument = "P"\n[policy.clauses]\npupil-folower = "§1"\n', "did you mean pupil-follower"),
        ('[policy.clauses]\npupil-follower = "§1"\n', "[policy] document is required"),
        (
            '[policy]\ndocument = "P"\n[policy.clauses]\npupil-follower = 6\n',
            "pupil-follower must be the clause",
        ),
        ('[policy]\ndocument = ""\n', "document must be a non-empty string"),
        ('[policy]\ndocument = "P"\nurl = "policy.pdf"\n', "url must be a web address"),
        ('[policy]\ndocument = "P"\nclause = "§1"\n', "unknown key clause in [policy]"),
    ],
)
def test_a_policy_table_that_cannot_be_cited_is_refused_with_its_line(
    tmp_path: Path, extra: str, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, extra)
    assert message in str(refused.value)
    assert "school.toml line" in str(refused.value)


def test_the_school_toml_init_writes_names_no_policy_so_each_rule_is_cited_its_general_basis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a school set up by `init` and no [policy] of its own is cited (the report of one such school, naming
    its own clauses, is tests/e2e/test_school_set_up_by_init.py's): never an example school's policy file."""
    from flows.cli import main

    assert main(["init", str(tmp_path), "--mis", "sims"]) == 0
    capsys.readouterr()
    policy = load_config(tmp_path / "school.toml").policy
    for rule in cited_rules(RULES, policy):
        assert rule.policy == rule_by_id(rule.id).general_basis, rule.id
        assert not EXAMPLE_FILE.search(rule.policy), rule.id
