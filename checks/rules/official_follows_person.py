"""official-follows-person: the official X account follows a pupil, a former pupil under 18, a parent or staff.

Policy: carleton-green.txt §4.1(iv) and (v); corbets-tey.txt §6 (the school's account approves follow requests, it
does not seek out people itself) and §7 (iii). An exception is an account the official X account follows resolved to
a current pupil (high), a former pupil under 18 on the run date, a parent, or a staff member's personal account
(medium); not a staff official account, nor one the resolver cannot place. A possible match is low.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from checks.findings import Finding, RuleContext
from checks.rule_support.audience import audience_findings, under_18
from checks.rule_support.rule import Rule

RULE_ID = "official-follows-person"
FOLLOWING = ("following",)


def find(ctx: RuleContext) -> list[Finding]:
    following = ctx.identities.filter(pl.col("relation") == "following")
    former = under_18(following.filter(pl.col("person_kind") == "former_pupil"), ctx.as_of)
    others = following.filter(pl.col("person_kind") != "former_pupil")
    findings = audience_findings(
        dataclasses.replace(ctx, identities=others), RULE_ID, ("pupil",), "pupil", "high", FOLLOWING
    )
    findings += audience_findings(
        dataclasses.replace(ctx, identities=former),
        RULE_ID,
        ("former_pupil",),
        "former_pupil",
        "medium",
        FOLLOWING,
    )
    findings += audience_findings(
        dataclasses.replace(ctx, identities=others), RULE_ID, ("parent",), "parent", "medium", FOLLOWING
    )
    findings += audience_findings(
        dataclasses.replace(ctx, identities=others),
        RULE_ID,
        ("staff_personal",),
        "staff",
        "medium",
        FOLLOWING,
    )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="The school's X account follows a pupil, parent or member of staff",
    general_basis="KCSIE and the Guidance for Safer Working Practice (professional boundaries online: no "
    "personal online relationships with pupils, former pupils under 18 or their parents)",
    example_clauses=(
        "carleton-green.txt §4.1(iv) (no on-line friendships with parents/carers and pupils), §4.1(v) (former pupils under 18)",
        "corbets-tey.txt §6 (parents' follow requests approved, not students'), §7 (students past and present)",
    ),
    what_counts="the official X account's following list includes a current pupil (high), a former pupil under 18, a "
    "parent or a staff member's personal account (medium)",
    find=find,
    aged_out=None,
    options=(),
    remediations=(),
    reads_images="",
    reads_text=frozenset(),
)
