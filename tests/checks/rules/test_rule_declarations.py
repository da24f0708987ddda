"""What each rule declares of itself is what the rest of the program acts on: the actions the catalogue offers for
its findings are the remediations it declares; the rules an image download blinds are those that declare reading
images; and every rule id the warehouse or the sample school's scorer spells is a registered rule's."""

from __future__ import annotations

import pytest

from checks.rule_support.rule import Rule
from checks.rules import RULES
from sandbox.school import evaluation
from warehouse import stream_status
from warehouse.remediation import actions as remediation_actions
from warehouse.remediation.actions import ACTIONS, MANUAL

IDS = [rule.id for rule in RULES]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_the_actions_offered_for_a_rule_are_the_remediations_it_declares(rule: Rule) -> None:
    offered = {a.name for a in ACTIONS.values() if rule.id in a.rules and a.name != MANUAL}
    assert set(rule.remediations) == offered
    assert rule.id in ACTIONS[MANUAL].rules


def test_the_rules_an_unread_image_blinds_are_those_that_read_images() -> None:
    assert {rule.reads_images for rule in RULES} <= {"pixels", "text", ""}
    assert set(stream_status.MEDIA_RULES) == {r.id for r in RULES if r.reads_images == "pixels"}
    assert set(stream_status.IMAGE_TEXT_RULES) == {r.id for r in RULES if r.reads_images == "text"}


def test_every_rule_id_spelled_outside_the_registry_is_a_registered_rule() -> None:
    spelled = {
        "warehouse/remediation/actions.py ALL_RULES": remediation_actions.ALL_RULES,
        "warehouse/remediation/actions.py PUBLISHED_CONTENT_RULES": remediation_actions.PUBLISHED_CONTENT_RULES,
        "warehouse/remediation/actions.py FOLLOWER_RULES": remediation_actions.FOLLOWER_RULES,
        "warehouse/stream_status.py MEDIA_RULES": stream_status.MEDIA_RULES,
        "warehouse/stream_status.py IMAGE_TEXT_RULES": stream_status.IMAGE_TEXT_RULES,
        "sandbox/school/evaluation.py IDENTITY_RULES": evaluation.IDENTITY_RULES,
        "sandbox/school/evaluation.py FOLLOWER_RULES": evaluation.FOLLOWER_RULES,
    }
    unknown = {where: sorted(set(ids) - set(IDS)) for where, ids in spelled.items() if set(ids) - set(IDS)}
    assert unknown == {}
    assert sorted(remediation_actions.ALL_RULES) == sorted(IDS)
