"""The trust's own record: one row per school per audited week, counts only (never a person), for the trends.

It lives in a lake of its own beside the schools' lakes (docs/trust.md): with `controller = "schools"` the trust
holds no personal data, and this table is all the trust-wide storage there is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from warehouse import portable
from warehouse.db import transaction

COLUMNS = ("as_of", "slug", "name", "status", "reason", "exceptions", "by_severity", "by_rule", "recorded_at")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """The table, made once: each statement on a lake is a commit of its own outside a transaction."""
    if portable.table_exists(con, "trust", "school_runs"):
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS trust")
    # No primary key: the trust's history lives in a DuckLake, which has none; `record` replaces a week's row.
    con.execute(
        "CREATE TABLE IF NOT EXISTS trust.school_runs ("
        " as_of DATE NOT NULL, slug VARCHAR NOT NULL, name VARCHAR NOT NULL, status VARCHAR NOT NULL,"
        " reason VARCHAR, exceptions INTEGER, by_severity JSON, by_rule JSON, recorded_at TIMESTAMP NOT NULL)"
    )
    con.execute(
        "COMMENT ON TABLE trust.school_runs IS 'One row per school per audited week: status and open exception"
        " counts by severity and rule; no personal data.'"
    )


def record(con: duckdb.DuckDBPyConnection, as_of: date, outcomes: Iterable[dict[str, Any]]) -> None:
    """This week's outcome per school, replacing an earlier attempt at the same week (a rerun): one transaction,
    the table made in it the first time."""
    recorded_at = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        [
            as_of,
            o["slug"],
            o["name"],
            o["status"],
            o.get("reason"),
            o.get("exceptions"),
            json.dumps(o.get("by_severity") or {}, sort_keys=True),
            json.dumps(o.get("by_rule") or {}, sort_keys=True),
            recorded_at,
        ]
        for o in outcomes
    ]
    with transaction(con):
        ensure(con)
        if rows:
            con.execute(
                "DELETE FROM trust.school_runs WHERE as_of = ? AND list_contains(?, slug)",
                [as_of, [row[1] for row in rows]],
            )
            one_row = f"({', '.join('?' * len(COLUMNS))})"
            con.execute(
                f"INSERT INTO trust.school_runs VALUES {', '.join([one_row] * len(rows))}",
                [value for row in rows for value in row],
            )


def history(con: duckdb.DuckDBPyConnection, weeks: int = 13) -> list[dict[str, Any]]:
    """The last `weeks` audited weeks of every school, oldest first (none before the first is recorded)."""
    if not portable.table_exists(con, "trust", "school_runs"):
        return []
    cursor = con.execute(
        "SELECT as_of, slug, name, status, reason, exceptions, by_severity, by_rule FROM trust.school_runs"
        " WHERE as_of IN (SELECT DISTINCT as_of FROM trust.school_runs ORDER BY as_of DESC LIMIT ?)"
        " ORDER BY as_of, slug",
        [weeks],
    )
    names = [d[0] for d in cursor.description]
    out = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        row["by_severity"] = json.loads(row["by_severity"] or "{}")
        row["by_rule"] = json.loads(row["by_rule"] or "{}")
        out.append(row)
    return out
