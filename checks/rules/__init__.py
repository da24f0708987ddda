"""The registry of policy rules: every rule module is listed here, and every listed rule runs. What each rule
declares of itself (its school.toml options, the published text it reads) is collected here for the rest of the
program to read."""

from __future__ import annotations

from checks.rule_support.rule import Rule
from checks.rules import (
    account_drift,
    consent_breach,
    contact_details,
    former_pupil_follower,
    official_follows_person,
    political_content,
    pupil_comment,
    pupil_follower,
    pupil_named,
    pupil_named_in_comment,
    staff_personal_follower,
    unapproved_media,
)

RULES: tuple[Rule, ...] = (
    pupil_follower.RULE,
    staff_personal_follower.RULE,
    unapproved_media.RULE,
    former_pupil_follower.RULE,
    official_follows_person.RULE,
    pupil_comment.RULE,
    consent_breach.RULE,
    pupil_named.RULE,
    pupil_named_in_comment.RULE,
    contact_details.RULE,
    political_content.RULE,
    account_drift.RULE,
)


# school.toml's `[rules.<rule-id>]` keys, per rule: any other key there is refused (flows/config/tables.py).
RULE_OPTIONS: dict[str, tuple[str, ...]] = {rule.id: rule.options for rule in RULES}


def rules_reading(field: str) -> frozenset[str]:
    """The ids of the rules that read this field of the school's published text (e.g. `alt_text`)."""
    return frozenset(rule.id for rule in RULES if field in rule.reads_text)


def rule_by_id(rule_id: str) -> Rule:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
