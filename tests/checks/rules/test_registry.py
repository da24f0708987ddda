"""The rule registry: `checks/rules/` holds rules only, each registered once, under a rule id of the catalogue
(docs/contracts/rules.md), citing a policy clause the catalogue quotes; what rules share lives beside it
(`checks/rule_support/`). Where the policy texts themselves are at hand (the optional second check,
tests/builders/second_check.py), each cited section is also looked up in them."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import checks.rules
from checks.rule_support.published_text import PUBLISHED_TEXT_FIELDS
from checks.rule_support.rule import Rule
from checks.rules import RULE_OPTIONS, RULES, rule_by_id, rules_reading
from tests.builders.paths import REPO
from tests.builders.second_check import shared_path

CATALOGUE = REPO / "docs" / "contracts" / "rules.md"
# "corbets-tey.txt §6", "bledington.txt A", "carleton-green.txt §4.1(v)"
CITATION = re.compile(r"\b(?P<file>[a-z][a-z-]*\.txt)\s+(?P<section>§\s*\d+(?:\.\d+)*|[A-Z]\b)")
POLICY_FILE = re.compile(r"\b[a-z][a-z-]*\.txt\b")
RULES_DIR = Path(checks.rules.__file__).parent


def rule_modules() -> list[ModuleType]:
    """Every module and package in `checks/rules/`: each must be a rule."""
    names = [info.name for info in pkgutil.iter_modules(checks.rules.__path__)]
    return [importlib.import_module(f"checks.rules.{name}") for name in sorted(names)]


def _table_rows(heading: str) -> list[list[str]]:
    """The cells of each row of the first table under `heading` in the catalogue."""
    text = CATALOGUE.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def catalogue_rule_ids() -> list[str]:
    """The rules the catalogue's generated part lists, one `### `id`: title` heading each."""
    return re.findall(r"^### `([a-z-]+)`:", CATALOGUE.read_text(encoding="utf-8"), flags=re.MULTILINE)


def catalogue_clauses() -> set[tuple[str, str]]:
    """(policy file, section) of every clause the catalogue quotes."""
    return {(cells[0], cells[1]) for cells in _table_rows("## The policy clauses cited")}


POLICIES = shared_path("policies")


def section_exists(policy_file: str, section: str) -> bool:
    """The cited heading is in the policy text: '6.' for §6, '4.1' for §4.1, 'A.' for section A."""
    assert POLICIES is not None
    text = (POLICIES / policy_file).read_text(encoding="utf-8")
    number = section.lstrip("§").strip()
    heading = re.escape(number) + (r"\.?\s" if "." in number else r"\.\s")
    return re.search(rf"^\s*{heading}", text, flags=re.MULTILINE) is not None


def check_citations(text: str, where: str) -> None:
    """Every policy file and section `text` cites is in the catalogue, and in the policy text when at hand."""
    citations = cited_sections(text)
    assert citations, f"{where} cites no policy file and section"
    quoted = catalogue_clauses()
    quoted_files = {policy for policy, _ in quoted}
    for policy_file in POLICY_FILE.findall(text):
        assert policy_file in quoted_files, f"{where}: {policy_file} is not in {CATALOGUE.name}"
    for policy_file, section in citations:
        assert (policy_file, section) in quoted, (
            f"{where}: {policy_file} {section} is not in {CATALOGUE.name}"
        )
        if POLICIES is not None:  # the optional second check
            assert section_exists(policy_file, section), f"{policy_file} has no section {section}"


def cited_sections(text: str) -> list[tuple[str, str]]:
    return [(m["file"], m["section"]) for m in CITATION.finditer(text)]


RULE_MODULES = rule_modules()


def test_the_catalogue_is_readable() -> None:
    ids = catalogue_rule_ids()
    assert {"pupil-follower", "unapproved-media", "account-drift"} <= set(ids)
    assert len(ids) == len(set(ids))
    assert ("corbets-tey.txt", "§6") in catalogue_clauses()


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_module_in_checks_rules_defines_a_rule(module: ModuleType) -> None:
    """Helpers live in checks/rule_support/, not here: a module without its own RULE fails."""
    rule = getattr(module, "RULE", None)
    assert isinstance(rule, Rule), f"{module.__name__} defines no RULE: move helpers to checks/rule_support/"
    assert rule.find.__module__ == module.__name__, f"{module.__name__}: RULE.find is defined elsewhere"


def test_checks_rules_holds_only_python_rule_modules() -> None:
    """No SQL, data or sub-packages next to the rules: their SQL is a warehouse model (warehouse/models/marts)."""
    others = sorted(
        p.name for p in RULES_DIR.iterdir() if p.name != "__pycache__" and (p.is_dir() or p.suffix != ".py")
    )
    assert others == []


def test_every_rule_module_is_registered() -> None:
    assert RULE_MODULES, "no rule modules found"
    registered = {id(rule) for rule in RULES}
    missing = [module.__name__ for module in RULE_MODULES if id(module.RULE) not in registered]
    assert missing == []
    assert len(RULES) == len(RULE_MODULES)


def test_rule_ids_are_unique_and_every_one_is_in_the_catalogue() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(catalogue_rule_ids())
    for rule in RULES:
        assert isinstance(rule, Rule) and callable(rule.find)
        assert rule.title and rule.what_counts
        assert rule_by_id(rule.id) is rule
    with pytest.raises(KeyError):
        rule_by_id("no-such-rule")


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_rule_module_docstring_cites_a_policy_section(module: ModuleType) -> None:
    check_citations(module.__doc__ or "", module.__name__)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_example_clause_of_a_rule_cites_a_catalogued_policy_section(rule: Rule) -> None:
    assert rule.example_clauses, f"{rule.id} declares no example clause"
    check_citations("; ".join(rule.example_clauses), rule.id)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_rules_general_basis_names_no_schools_policy_file(rule: Rule) -> None:
    """What a school that names no policy sees: law and national guidance, never another school's document."""
    assert rule.general_basis.strip(), f"{rule.id} declares no general basis"
    assert not POLICY_FILE.search(rule.general_basis), (
        f"{rule.id}'s general basis names a school's policy file"
    )
    assert rule.policy == rule.general_basis


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_the_catalogue_gives_each_rules_general_basis(rule: Rule) -> None:
    page = (REPO / "docs" / "contracts" / "rules.md").read_text(encoding="utf-8")
    # What a general basis is (the law or guidance cited when the school names no clause) is said once, above.
    intro = " ".join(page.split("<!-- generated from the registry", 1)[0].split())
    assert (
        "*general basis* is the law or guidance cited when the school's `[policy]` names no clause" in intro
    )
    section = page.split(f"### `{rule.id}`:", 1)[1].split("\n### ", 1)[0]
    # A basis another rule has word for word is quoted under the first such rule and named here.
    first = next(other for other in RULES if other.general_basis == rule.general_basis)
    if first is rule:
        assert f"General basis: {rule.general_basis}." in section
    else:
        assert f"General basis: as `{first.id}`." in section
        assert f"General basis: {rule.general_basis}." in page.split(f"### `{first.id}`:", 1)[1]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_registered_rule_has_a_docstring_naming_its_policy_and_what_counts(rule: Rule) -> None:
    """The module a registered rule comes from opens with the rule id, cites a policy file and section, and says
    what counts as an exception."""
    module = sys.modules[rule.find.__module__]
    assert module.__name__.startswith("checks.rules."), f"{rule.id} is not a module of checks/rules/"
    doc = module.__doc__ or ""
    assert doc.startswith(f"{rule.id}: "), f"{module.__name__}: docstring does not open with {rule.id!r}"
    assert cited_sections(doc), f"{module.__name__} cites no policy file and section"
    assert re.search(r"What counts|An exception is", doc), f"{module.__name__} does not say what counts"


# --- what a rule reads beyond the marts: declared by the rule, collected by the registry ---------------------------


def calls(module: ModuleType, name: str) -> list[ast.Call]:
    tree = ast.parse(inspect.getsource(module))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def option_keys_read(module: ModuleType) -> set[str]:
    """The keys a rule module looks up in its options: `options.get("key", ...)` and `options["key"]`."""
    keys = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            receiver, key = node.func.value, node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript):
            receiver, key = node.value, node.slice
        else:
            continue
        if isinstance(receiver, ast.Name) and receiver.id == "options" and isinstance(key, ast.Constant):
            keys.add(str(key.value))
    return keys


def test_a_rule_cannot_leave_out_what_it_reads() -> None:
    """No default: a rule module that forgets its options or the text it reads does not import."""
    fields = {field.name: field for field in dataclasses.fields(Rule)}
    for name in ("options", "reads_text"):
        assert fields[name].default is dataclasses.MISSING
        assert fields[name].default_factory is dataclasses.MISSING


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_declares_its_options_and_the_text_it_reads(rule: Rule) -> None:
    assert isinstance(rule.options, tuple) and all(isinstance(o, str) and o for o in rule.options)
    assert len(set(rule.options)) == len(rule.options)
    assert isinstance(rule.reads_text, frozenset)
    assert rule.reads_text <= set(PUBLISHED_TEXT_FIELDS), f"{rule.id} reads a field the mart does not have"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_rule_reads_exactly_the_options_it_declares(rule: Rule) -> None:
    """school.toml refuses an undeclared key, so an option read but not declared could never be set; one declared
    but never read would be accepted and do nothing."""
    assert option_keys_read(sys.modules[rule.find.__module__]) == set(rule.options)
    if rule.options:
        assert calls(sys.modules[rule.find.__module__], "options_for"), f"{rule.id} never reads its options"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_rule_reads_published_text_only_as_it_declares(rule: Rule) -> None:
    """`published_items` hands a rule only the fields it names: each call names the rule's own declaration, so what
    it reads and what it declares cannot part (and the archive note follows the declaration)."""
    module = sys.modules[rule.find.__module__]
    found = calls(module, "published_items")
    assert bool(found) == bool(rule.reads_text), f"{rule.id}: reads_text and published_items disagree"
    for call in found:
        assert len(call.args) == 2 and isinstance(call.args[1], ast.Name), ast.unparse(call)
        assert getattr(module, call.args[1].id) == rule.reads_text, ast.unparse(call)


def test_the_registry_collects_what_the_rules_declare() -> None:
    assert {rule.id: rule.options for rule in RULES} == RULE_OPTIONS
    assert rules_reading("alt_text") == {rule.id for rule in RULES if "alt_text" in rule.reads_text}
    # The ones the archive note names today: every text rule reads alt text.
    assert rules_reading("alt_text") == {"pupil-named", "contact-details", "political-content"}
