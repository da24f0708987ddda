"""docs/dpia.md is what `socialaudit dpia` says for the default policy, its rules linked to the catalogue: the DPIA and
the code never drift apart (tests/e2e/test_retention_as_documented.py then holds a run to the DPIA's retention table).
A school's own DPIA stands alone: it describes every rule in full."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checks.rules import RULES
from dashboards.dpia import DOCS_CATALOGUE, DOCS_DICTIONARY, generate_dpia
from flows.commands.dpia import docs_sample
from flows.config.school import RetentionSettings

DPIA = Path(__file__).resolve().parents[2] / "docs" / "dpia.md"


def test_docs_dpia_is_the_generated_default() -> None:
    assert DPIA.read_text(encoding="utf-8") == docs_sample(), "run: python -m flows.commands.dpia"


def test_the_docs_sample_links_every_rule_to_the_catalogue() -> None:
    text = DPIA.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"[`{rule.id}`]({DOCS_CATALOGUE}#" in text, rule.id


def test_a_schools_dpia_describes_every_rule_in_full() -> None:
    text = generate_dpia("Oak Primary", RetentionSettings(), date.today(), False, RULES)
    assert DOCS_CATALOGUE not in text and f"]({DOCS_DICTIONARY})" not in text
    assert "- `dpo`: `access_log`" in text
    flat = " ".join(text.split())
    for rule in RULES:
        assert " ".join(rule.what_counts.split()) in flat, rule.id
        assert " ".join(rule.policy.split()).replace("|", "\\|") in flat, rule.id
