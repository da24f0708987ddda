"""The register version in force, held versions waiting for a person, and the run's notices about registers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import polars as pl

from warehouse import arrow_stream
from warehouse.load import REGISTER_TABLES, now_utc
from warehouse.portable import upsert

IN_FORCE = "SELECT load_id, files FROM ref.register_loads ORDER BY loaded_at DESC, load_id DESC LIMIT 1"


@dataclass
class RegistersInForce:
    """The latest stored version: one frame per register (without load_id) and the sha256 of each file."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def registers_in_force(con: duckdb.DuckDBPyConnection) -> RegistersInForce:
    row = con.execute(IN_FORCE).fetchone()
    if row is None:
        return RegistersInForce()
    load_id, files = row
    frames = {
        table: arrow_stream.frame(
            con, f"SELECT * EXCLUDE (load_id) FROM ref.{table} WHERE load_id = ?", [load_id]
        )
        for table in REGISTER_TABLES
    }
    return RegistersInForce(frames=frames, files=json.loads(files))


def register_history(con: duckdb.DuckDBPyConnection) -> list[tuple[date, dict[str, str]]]:
    """Every stored register version, newest first: its week and the sha256 of each register file in it."""
    rows = con.execute(
        "SELECT as_of, files FROM ref.register_loads ORDER BY as_of DESC, loaded_at DESC"
    ).fetchall()
    return [(row[0], json.loads(row[1])) for row in rows]


def accepted_holds(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT register, file_sha256 FROM ref.register_holds WHERE accepted_at IS NOT NULL"
        ).fetchall()
    }


def record_holds(con: duckdb.DuckDBPyConnection, holds: Iterable[Any], as_of: date) -> None:
    """Remember each held version once (its first week); accepting it is a person's separate act."""
    upsert(
        con,
        "ref.register_holds",
        ("register", "file_sha256"),
        ("register", "file_sha256", "first_held_on", "reasons"),
        [[hold.register, hold.file_sha256, as_of, json.dumps(list(hold.reasons))] for hold in holds],
        replace=False,
    )


def pending_holds(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    # Only what the latest audited week held: an older held file since replaced by a good export is history.
    rows = con.execute(
        "SELECT register, file_sha256, first_held_on, reasons FROM ref.register_holds"
        " WHERE accepted_at IS NULL AND register || '.csv' IN ("
        "   SELECT file FROM audit.register_notices WHERE kind = 'held'"
        "   AND as_of = (SELECT max(as_of) FROM audit.runs))"
        " QUALIFY row_number() OVER (PARTITION BY register ORDER BY first_held_on DESC) = 1"
        " ORDER BY register"
    ).fetchall()
    return [
        {"register": r[0], "file_sha256": r[1], "first_held_on": r[2], "reasons": json.loads(r[3])}
        for r in rows
    ]


def accept_holds(con: duckdb.DuckDBPyConnection, register: str | None, by: str, note: str) -> int:
    """Confirm held versions (of one register, or all); the next run uses them. Returns how many."""
    where = "accepted_at IS NULL" + (" AND register = ?" if register else "")
    params: list[Any] = [by, now_utc(), note, *([register] if register else [])]
    before = con.execute(f"SELECT count(*) FROM ref.register_holds WHERE {where}", params[3:]).fetchone()
    con.execute(
        f"UPDATE ref.register_holds SET accepted_by = ?, accepted_at = ?, note = ? WHERE {where}", params
    )
    return int(before[0]) if before else 0


def store_notices(
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, notices: Iterable[dict[str, Any]]
) -> int:
    """Replace the week's notices (a re-run of the week says what that attempt saw, once)."""
    con.execute("DELETE FROM audit.register_notices WHERE as_of = ?", [as_of])
    rows = [
        [as_of, run_id, n["kind"], n["file"], n.get("line"), n.get("column"), n["message"]] for n in notices
    ]
    if rows:
        con.executemany("INSERT INTO audit.register_notices VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def notices_for(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    rows = con.execute(
        'SELECT kind, file, line, "column", message FROM audit.register_notices WHERE as_of = ?'
        " ORDER BY kind DESC, file, line NULLS FIRST",
        [as_of],
    ).fetchall()
    return [{"kind": r[0], "file": r[1], "line": r[2], "column": r[3], "message": r[4]} for r in rows]
