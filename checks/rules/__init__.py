"""The registry of policy rules: every rule module is listed here, and every listed rule runs."""

from __future__ import annotations

from checks.rules import pupil_follower, staff_personal_follower, unapproved_media
from checks.rules.base import Rule

RULES: tuple[Rule, ...] = (
    pupil_follower.RULE,
    staff_personal_follower.RULE,
    unapproved_media.RULE,
)


def rule_by_id(rule_id: str) -> Rule:
    for rule in RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
