"""Findings about the official accounts' audience: who follows or subscribes to them, and whom they follow.

Each finding is about one audience member that identity resolution (`ctx.identities`) placed in the registers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from checks.ages import is_minor
from checks.findings import Finding, RuleContext

AUDIENCE_RELATIONS = ("follower", "subscriber")


def under_18(identities: pl.DataFrame, on: date) -> pl.DataFrame:
    """Rows whose matched pupil is under 18 on `on` (an 18th birthday on the run date is 18)."""
    minors = [is_minor(born, on) for born in identities["date_of_birth"].to_list()]
    return identities.filter(pl.Series(minors, dtype=pl.Boolean))


def audience_findings(
    ctx: RuleContext,
    rule: str,
    resolved_kinds: tuple[str, ...],
    person_kind: str,
    severity: str,
    relations: tuple[str, ...] = AUDIENCE_RELATIONS,
) -> list[Finding]:
    """A finding per audience member resolved to one of `resolved_kinds` with enough confidence."""
    matches = ctx.identities.filter(
        pl.col("relation").is_in(list(relations)) & pl.col("person_kind").is_in(list(resolved_kinds))
    )
    findings = []
    seen: set[tuple[str, str, str, str]] = set()
    for row in matches.iter_rows(named=True):
        level = ctx.severity_for(row["confidence"], severity)
        if level is None:
            continue
        finding = _finding(ctx, rule, level, person_kind, row)
        subject = (row["platform"], row["account_id"], row["relation"], row["subject_id"])
        # A shared account is a finding per pupil (checks/identity/whose.py): the first keeps the subject's key,
        # each other is keyed also on its register id (never a name).
        findings.append(finding.keyed_also_on(row["person_id"]) if subject in seen else finding)
        seen.add(subject)
    return findings


def _finding(ctx: RuleContext, rule: str, severity: str, person_kind: str, row: dict[str, Any]) -> Finding:
    label = f"@{row['handle']}" if row["platform"] == "x" and row["handle"] else row["display_name"]
    relation = row["relation"]
    subject_kind = "subscriber" if relation == "subscriber" else relation
    prefix = "possible match, needs a person's judgement: " if severity == "low" else ""
    return Finding(
        rule=rule,
        severity=severity,
        platform=row["platform"],
        account=ctx.account_label(row["platform"], row["account_id"]),
        account_id=row["account_id"],
        subject_kind=subject_kind,
        subject_id=row["subject_id"],
        subject_label=label,
        subject_url=row["subject_url"],
        person_kind=person_kind,
        person_id=row["person_id"],
        confidence=float(row["confidence"]),
        evidence=f"{prefix}{row['evidence']} (score {row['confidence']:.2f})",
        # The account (the key), the person it was matched to (another match is another person_id) and what the
        # account shows that the match read; never the evidence's wording (an age, a score).
        basis=(f"handle:{row['handle'] or ''}", f"name:{row['display_name'] or ''}"),
    )
