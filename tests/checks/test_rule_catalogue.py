"""docs/contracts/rules.md's catalogue is the registry's: every rule's docstring, options and the text it reads."""

from __future__ import annotations

from checks import rule_catalogue
from checks.rules import RULES


def test_the_rule_catalogue_is_the_registrys():
    # Stale? Regenerate with: python -m checks.rule_catalogue
    text = rule_catalogue.DOC_PATH.read_text(encoding="utf-8")
    assert text == rule_catalogue.update(text)


def test_every_rule_has_its_entry_with_its_options():
    catalogue = rule_catalogue.render()
    for rule in RULES:
        assert f"### `{rule.id}`: {rule.title}" in catalogue
        assert all(f"`{key}`" in catalogue for key in rule.options)
