"""Exceptions as the CLI and the review app list them: filtered rows from the warehouse (or its snapshot), and the
app's list in pages, most urgent first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from dashboards.report import OPEN_STATUSES, exception_rows
from dashboards.safe_text import shown
from warehouse.safeguarding import urgency

PAGE_SIZE = 25

FILTERS = ("status", "rule", "severity", "platform")


def select_exceptions(
    con: duckdb.DuckDBPyConnection,
    statuses: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
    severities: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Exceptions matching every filter given (default statuses: the ones needing attention), worst first."""
    wanted = list(statuses or OPEN_STATUSES)
    clauses, params = [], []
    if "all" not in wanted:
        clauses.append("status IN (SELECT unnest(?::VARCHAR[]))")
        params.append(wanted)
    for column, values in (("rule", rules), ("severity", severities), ("platform", platforms)):
        if values:
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(values))
    return exception_rows(con, " AND ".join(clauses) or "TRUE", params, ("updated_at",))


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values each filter can take in this warehouse."""
    return {
        column: [
            str(v[0])
            for v in con.execute(f"SELECT DISTINCT {column} FROM audit.exceptions ORDER BY 1").fetchall()
        ]
        for column in FILTERS
    }


def exceptions_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table for a terminal; platform text has its control characters removed."""
    columns = ("key", "status", "severity", "rule", "subject_label", "last_seen")
    cells = [[shown(r[c]) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"{len(rows)} exception{'' if len(rows) == 1 else 's'}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Page:
    """One page of the list: its rows, its number (from 1) of `pages`, and how many rows all the pages hold."""

    rows: list[dict[str, Any]]
    number: int
    pages: int
    total: int
    size: int

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def page_number(asked: str | None) -> int:
    """The page asked for in the URL; anything that is not a whole number (from a hand-typed or forged link) is the
    first page."""
    text = (asked or "").strip()
    return max(int(text), 1) if text.isascii() and text.isdigit() and len(text) <= 9 else 1


def one_page(
    rows: list[dict[str, Any]],
    readable: Callable[[dict[str, Any]], bool],
    asked: str | None,
    size: int = PAGE_SIZE,
) -> Page:
    """The page of the rows this reader may read, most urgent first (warehouse/safeguarding.py `urgency`). What
    they may not read is left out before the rows are counted and cut into pages, so no page number reaches it; a
    page past the last is the last."""
    mine = sorted((r for r in rows if readable(r)), key=urgency)
    pages = max(1, -(-len(mine) // size))
    number = min(page_number(asked), pages)
    start = (number - 1) * size
    return Page(mine[start : start + size], number, pages, len(mine), size)
