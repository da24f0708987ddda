"""former-pupil-follower: a former pupil who is still under 18 on the run date follows or subscribes.

Policy: carleton-green.txt §4.1(v), willow-tree.txt §4.1(v), corbets-tey.txt §7 (iii). An exception is an X follower
or visible YouTube subscriber resolved to a pupil whose status is `left` and whose date of birth makes them under 18
on the run date (not one without a date of birth). Medium; a possible match is low.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from checks.findings import Finding, RuleContext
from checks.rule_support.audience import audience_findings, under_18
from checks.rule_support.rule import Rule


def find(ctx: RuleContext) -> list[Finding]:
    minors = under_18(ctx.identities.filter(pl.col("person_kind") == "former_pupil"), ctx.as_of)
    return _findings(dataclasses.replace(ctx, identities=minors))


def aged_out(ctx: RuleContext) -> set[str]:
    """The keys of former pupils still following who are 18 or more on the run date (their date of birth known)."""
    former = ctx.identities.filter(
        (pl.col("person_kind") == "former_pupil") & pl.col("date_of_birth").is_not_null()
    )
    minors = set(under_18(former, ctx.as_of)["subject_id"].to_list())
    adults = former.filter(~pl.col("subject_id").is_in(list(minors)))
    return {finding.key for finding in _findings(dataclasses.replace(ctx, identities=adults))}


def _findings(ctx: RuleContext) -> list[Finding]:
    return audience_findings(ctx, "former-pupil-follower", ("former_pupil",), "former_pupil", "medium")


RULE = Rule(
    id="former-pupil-follower",
    title="Former pupils under 18 following the school's accounts",
    general_basis="KCSIE (a child is anyone under 18) and the Guidance for Safer Working Practice (no personal "
    "online contact with pupils or former pupils under 18)",
    example_clauses=(
        "carleton-green.txt §4.1(v) (communication with former pupils under 18 strongly discouraged)",
        "willow-tree.txt §4.1(v) (the same)",
        "corbets-tey.txt §7 (iii. no interaction with students past or present under 18)",
    ),
    what_counts="a pupil who has left, and is still under 18 on the run date, follows the X account or is a visible "
    "subscriber of the YouTube channel",
    find=find,
    aged_out=aged_out,
    options=(),
    remediations=("mute-account",),
    reads_images="",
    reads_text=frozenset(),
)
