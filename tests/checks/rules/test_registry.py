"""The rule registry: every rule module is registered once, under a DESIGN.md rule id, citing a policy clause."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

import pytest

import checks.rules
from checks.rules import RULES, rule_by_id
from checks.rules.base import Rule
from tests.checks.conftest import SHARED

POLICIES = SHARED / "policies"
# "corbets-tey.txt §6", "bledington.txt A", "carleton-green.txt §4.1(v)"
CITATION = re.compile(r"\b(?P<file>[a-z][a-z-]*\.txt)\s+(?P<section>§\s*\d+(?:\.\d+)*|[A-Z]\b)")
POLICY_FILE = re.compile(r"\b[a-z][a-z-]*\.txt\b")


def rule_modules() -> list[ModuleType]:
    names = [info.name for info in pkgutil.iter_modules(checks.rules.__path__) if not info.ispkg]
    return [importlib.import_module(f"checks.rules.{name}") for name in sorted(names)]


def design_rule_ids() -> set[str]:
    design = (SHARED / "DESIGN.md").read_text(encoding="utf-8")
    catalogue = design.split("## 1.", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z-]+)` \|", catalogue, flags=re.MULTILINE))


def section_exists(policy_file: str, section: str) -> bool:
    """The cited heading is in the policy text: '6.' for §6, '4.1' for §4.1, 'A.' for section A."""
    text = (POLICIES / policy_file).read_text(encoding="utf-8")
    number = section.lstrip("§").strip()
    heading = re.escape(number) + (r"\.?\s" if "." in number else r"\.\s")
    return re.search(rf"^\s*{heading}", text, flags=re.MULTILINE) is not None


def cited_sections(text: str) -> list[tuple[str, str]]:
    return [(m["file"], m["section"]) for m in CITATION.finditer(text)]


RULE_MODULES = [module for module in rule_modules() if hasattr(module, "RULE")]


def test_the_design_catalogue_is_readable() -> None:
    assert {"pupil-follower", "unapproved-media", "account-drift"} <= design_rule_ids()


def test_every_rule_module_is_registered() -> None:
    assert RULE_MODULES, "no rule modules found"
    registered = {id(rule) for rule in RULES}
    missing = [module.__name__ for module in RULE_MODULES if id(module.RULE) not in registered]
    assert missing == []
    assert len(RULES) == len(RULE_MODULES)


def test_rule_ids_are_unique_and_from_the_design_catalogue() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) <= design_rule_ids()
    for rule in RULES:
        assert isinstance(rule, Rule) and callable(rule.find)
        assert rule.title and rule.what_counts
        assert rule_by_id(rule.id) is rule
    with pytest.raises(KeyError):
        rule_by_id("no-such-rule")


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_rule_module_docstring_cites_a_policy_section(module: ModuleType) -> None:
    doc = module.__doc__ or ""
    citations = cited_sections(doc)
    assert citations, f"{module.__name__} cites no policy file and section"
    for policy_file in POLICY_FILE.findall(doc):
        assert (POLICIES / policy_file).is_file(), f"{policy_file} is not in {POLICIES}"
    for policy_file, section in citations:
        assert section_exists(policy_file, section), f"{policy_file} has no section {section}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_policy_cites_a_policy_section(rule: Rule) -> None:
    citations = cited_sections(rule.policy)
    assert citations, f"{rule.id}: policy {rule.policy!r} names no policy file and section"
    for policy_file in POLICY_FILE.findall(rule.policy):
        assert (POLICIES / policy_file).is_file(), f"{policy_file} is not in {POLICIES}"
    for policy_file, section in citations:
        assert section_exists(policy_file, section), f"{policy_file} has no section {section}"
