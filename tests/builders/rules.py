"""A RuleContext around a hand-written identities frame, and one rule run against it."""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from checks.findings import Finding, RuleContext, Thresholds
from checks.rule_support.rule import Rule
from tests.builders.audience import identities
from tests.builders.registers import ACCOUNT_LABELS, AS_OF


def rule_context(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame | None = None,
    thresholds: Thresholds | None = None,
    labels: dict[tuple[str, str], str] | None = None,
) -> RuleContext:
    return RuleContext(
        as_of=AS_OF,
        con=con,
        identities=identities() if frame is None else frame,
        account_labels=ACCOUNT_LABELS if labels is None else labels,
        thresholds=thresholds or Thresholds(),
        school_name="Tiny Lane Primary School",
    )


def run_rule(
    rule: Rule,
    con: duckdb.DuckDBPyConnection,
    *rows: dict[str, Any],
    thresholds: Thresholds | None = None,
    labels: dict[tuple[str, str], str] | None = None,
) -> list[Finding]:
    return rule.find(rule_context(con, identities(*rows), thresholds, labels))
