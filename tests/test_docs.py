"""The README and docs keep up with the code: every command, rule and optional school.toml table is documented, and
they stand on their own (docs/contracts/ holds the contracts; tests/test_contract_docs.py holds them to the code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.rules import RULES
from flows.commands import discover

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))


@pytest.mark.parametrize("command", sorted(discover()))
def test_every_command_is_in_the_readme(command):
    assert f"socialaudit {command}" in README


@pytest.mark.parametrize("rule", [r.id for r in RULES], ids=lambda r: r)
def test_every_rule_is_documented(rule):
    assert f"`{rule}`" in DOCS


@pytest.mark.parametrize(
    "table",
    [
        "[api]",
        "[rules]",
        "[retention]",
        "[credentials]",
        "[warehouse]",
        "[report.email]",
        "[registers]",
        "[credentials.NAME]",
    ],
)
def test_every_optional_school_toml_table_is_documented(table):
    assert table in DOCS


def test_the_readme_opens_with_the_demo_and_test_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first_block[0].startswith("make demo") and first_block[1].startswith("make test")
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_docs_and_the_product_do_not_lean_on_anything_outside_the_repository():
    """A school that clones the repository has only what is in it: no page and no product file points elsewhere
    for a contract, a design note or a platform fact."""
    # The names are put together here so that searching the tests for them finds only the optional second check.
    names = [
        "../" + "shared",
        "/work/" + "shared",
        "DESIGN" + ".md",
        "platform" + "-apis.md",
        "libraries" + ".md",
    ]
    outside = re.compile("|".join(map(re.escape, names)))
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml", *(ROOT / "docs").rglob("*.md")]
    for package in ("flows", "dashboards", "connectors", "sandbox", "benchmarks", "warehouse"):
        files += [
            p for p in (ROOT / package).rglob("*") if p.suffix in (".py", ".sql", ".j2", ".json", ".toml")
        ]
    # A landed migration is never edited (its checksum is recorded in every warehouse), whatever its comments say.
    files = [p for p in files if p.parent != ROOT / "warehouse" / "migrations"]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if outside.search(line)
    ]
    assert found == []


def test_the_readme_says_how_to_evaluate_on_independent_datasets():
    assert 'make eval INDEPENDENT="' in README
