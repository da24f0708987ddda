"""The checks pass of a week: who each follower is, then every enabled policy rule over the week's marts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from checks.findings import ConfiguredAccount, Finding, RuleContext, Thresholds
from checks.identity import RegisterIndex, resolve_identities
from checks.images.thumbnails import PictureSource, finding_pictures
from checks.registers.loaded import Registers
from checks.rule_support.archive_posts import note_unchecked_alt_text
from checks.rule_support.post_checks import note_post_checks
from checks.rules import RULES
from warehouse import arrow_stream
from warehouse.week import CheckOutcome


@dataclass(frozen=True)
class AuditSettings:
    """What the checks need of school.toml (flows builds it; checks never read configuration files)."""

    school_name: str
    accounts: tuple[ConfiguredAccount, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    email_domains: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled: tuple[str, ...] = ()


def run_checks(
    con: duckdb.DuckDBPyConnection,
    settings: AuditSettings,
    registers: Registers,
    as_of: date,
    pictures: PictureSource | None = None,
) -> CheckOutcome:
    """Identities, then every enabled rule; with `pictures` (what the run holds of this week's images), the
    thumbnails beside the media findings (checks/images/thumbnails.py)."""
    audience = arrow_stream.frame(con, "SELECT * FROM marts.fct_audience WHERE as_of = ?", [as_of])
    index = RegisterIndex(
        registers.pupils,
        registers.staff,
        registers.parents,
        as_of,
        school_name=settings.school_name,
        official_handles=tuple(a.handle for a in settings.accounts),
    )
    identities = resolve_identities(audience, index)
    ctx = RuleContext(
        as_of=as_of,
        con=con,
        identities=identities,
        account_labels={(a.platform, a.id): a.handle for a in settings.accounts},
        thresholds=settings.thresholds,
        school_name=settings.school_name,
        email_domains=settings.email_domains,
        phones=settings.phones,
        accounts=settings.accounts,
        options=settings.options,
    )
    findings: list[Finding] = []
    rules_run: list[str] = []
    aged_out: set[str] = set()
    for rule in RULES:
        if rule.id in settings.disabled:
            continue
        findings.extend(rule.find(ctx))
        rules_run.append(rule.id)
        if rule.aged_out is not None:
            aged_out |= rule.aged_out(ctx)
    findings = note_unchecked_alt_text(con, findings)
    findings = note_post_checks(con, findings, settings.thresholds.media_hash_max_distance)
    rows = [f.as_row(as_of) for f in findings]
    media_rules = {r.id for r in RULES if r.reads_images == "pixels" and r.id in rules_run}
    return CheckOutcome(
        identities=identities,
        findings=rows,
        pictures=finding_pictures(
            con, rows, media_rules, settings.thresholds.media_hash_max_distance, pictures, ctx.read_once
        )
        if pictures is not None
        else [],
        rules_run=rules_run,
        register_ids={
            *registers.pupils["pupil_id"].to_list(),
            *registers.staff["staff_id"].to_list(),
            *registers.parents["parent_id"].to_list(),
        },
        audience=audience.height,
        aged_out=aged_out,
    )
