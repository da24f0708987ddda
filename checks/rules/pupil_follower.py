"""pupil-follower: a current pupil follows the official X account or is a visible YouTube subscriber.

Policy: corbets-tey.txt §6 and §8, bledington.txt B. An exception is an X follower or visible YouTube subscriber
resolved to a `current` pupil: high (every primary pupil is under 13); a possible match is low.
"""

from __future__ import annotations

from checks.findings import Finding, RuleContext
from checks.rule_support.audience import audience_findings
from checks.rule_support.rule import Rule


def find(ctx: RuleContext) -> list[Finding]:
    return audience_findings(ctx, "pupil-follower", ("pupil",), "pupil", "high")


RULE = Rule(
    id="pupil-follower",
    title="Pupils following the school's accounts",
    general_basis="KCSIE (online safety: no personal online contact between the school's staff and pupils); UK GDPR "
    "Art. 8 with the Data Protection Act 2018 s9 and the ICO Children's Code (13 is the age a child may consent to "
    "an online service)",
    example_clauses=(
        "corbets-tey.txt §6 (follow requests from parents, not students)",
        "corbets-tey.txt §8 (no student under 13 on social networking sites)",
        "bledington.txt B (pupils must not send follow requests)",
    ),
    what_counts="a current pupil follows the official X account or is a visible subscriber of the YouTube channel",
    find=find,
    aged_out=None,
    options=(),
    remediations=("mute-account",),
    reads_images="",
    reads_text=frozenset(),
)
