"""staff-personal-follower: a staff member's personal (not approved official) account follows or subscribes.

Policy: bledington.txt A, corbets-tey.txt §6. An exception is an X follower or visible YouTube subscriber resolved
to a staff member through a declared personal handle or their name, and not one of their `official_handles`.
"""

from __future__ import annotations

from checks.findings import Finding, RuleContext
from checks.rule_support.audience import audience_findings
from checks.rule_support.rule import Rule


def find(ctx: RuleContext) -> list[Finding]:
    return audience_findings(ctx, "staff-personal-follower", ("staff_personal",), "staff", "medium")


RULE = Rule(
    id="staff-personal-follower",
    title="Staff personal accounts following the school's accounts",
    general_basis="KCSIE (the staff code of conduct covers staff's use of social media) and the Guidance for "
    "Safer Working Practice (official communication through the school's accounts, not personal ones)",
    example_clauses=(
        "bledington.txt A (staff must not use their own personal Twitter account to follow the school's accounts)",
        "corbets-tey.txt §6 (no personal accounts for official business)",
    ),
    what_counts="a staff member's personal account (not one of their approved official handles) follows or "
    "subscribes",
    find=find,
    aged_out=None,
    options=(),
    remediations=("mute-account",),
    reads_images="",
    reads_text=frozenset(),
)
