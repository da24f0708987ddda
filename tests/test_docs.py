"""The README and docs keep up with the code: every command, rule and optional school.toml table is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.rules import RULES
from flows.commands import discover

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


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
