"""A stored week's outputs, written from the warehouse: by the weekly run, or again by `socialaudit publish`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from dashboards.report import Outputs, write_outputs
from warehouse.register_versions import notices_for
from warehouse.stream_status import not_read_for


@dataclass(frozen=True)
class PublishedWeek:
    outputs: Outputs
    decided: dict[str, int]
    notices: list[dict[str, Any]]
    not_read: list[dict[str, Any]]


def publish_week(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    as_of: date,
    school_name: str,
    keep_weeks: int | None = None,
    review_url: str | None = None,
) -> PublishedWeek:
    """The week's set in `out_dir` (and its copy in `weeks/<as_of>/`, older weeks pruned to `keep_weeks`), the
    report linking to the review app at `review_url` when it has one."""
    outputs = write_outputs(con, out_dir, as_of, school_name, keep_weeks, review_url)
    decided = dict(
        con.execute(
            "SELECT status, count(*) FROM audit.exceptions"
            " WHERE status IN ('accepted', 'false_positive') GROUP BY status"
        ).fetchall()
    )
    return PublishedWeek(outputs, decided, notices_for(con, as_of), not_read_for(con, as_of))


class NoStoredWeek(Exception):
    """The warehouse holds no run for the week asked (or none at all)."""


def stored_week(con: duckdb.DuckDBPyConnection, as_of: date | None) -> tuple[date, str]:
    """The week to publish (the latest stored one unless `as_of`) and the school's name as that run stored it."""
    if as_of is None:
        row = con.execute("SELECT as_of, school_name FROM audit.runs ORDER BY as_of DESC LIMIT 1").fetchone()
    else:
        row = con.execute("SELECT as_of, school_name FROM audit.runs WHERE as_of = ?", [as_of]).fetchone()
    if row is None:
        asked = f"the week of {as_of.isoformat()}" if as_of else "any week"
        raise NoStoredWeek(f"the warehouse holds no stored run for {asked}")
    return row[0], str(row[1])
