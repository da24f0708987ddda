"""Rule fixtures: a RuleContext around a hand-written identities frame, and a migrated warehouse for SQL rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import polars as pl
import pytest

from checks.findings import Finding, RuleContext, Thresholds
from checks.rule_support.rule import Rule
from tests.checks.conftest import ACCOUNT_LABELS, AS_OF, identities

# A real migrated warehouse file per test (copied from one migrated per session).
from tests.warehouse.conftest import con as con
from tests.warehouse.conftest import db_path as db_path
from tests.warehouse.conftest import migrated_template as migrated_template


@pytest.fixture
def memory_con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


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
