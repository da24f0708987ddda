"""Exceptions as the CLI and the review app list them: filtered rows from the warehouse (or its snapshot)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from dashboards.report import OPEN_STATUSES, exception_rows
from dashboards.safe_text import shown

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
