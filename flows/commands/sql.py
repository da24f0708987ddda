"""`socialaudit sql`: one read-only query over the published warehouse copy, as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import click
import duckdb

from dashboards.safe_text import shown, spreadsheet_safe
from flows.commands.common import EXIT_REFUSED
from flows.commands.parameters import (
    Declared,
    argument,
    by_option,
    config_option,
    db_option,
    option,
    trust_option,
)
from flows.warehouse_location import command_warehouse

NAME = "sql"
SECTION = "Data protection"
HELP = "run one read-only SQL query over the latest published warehouse copy (the DPO's views are in dpo.*)"
# Statement kinds DuckDB parses as SELECT; PRAGMA is refused even where DuckDB would read it as one.
READ_ONLY_OPENINGS = ("select", "with", "from", "values", "show", "describe", "summarize", "table", "(")


class QueryRefused(Exception):
    """The text is not a single read-only query; nothing was run."""


def warehouse_options(
    config_help: str = "school.toml: the warehouse key its [warehouse] names (default: $SOCIALAUDIT_DB_KEY)",
) -> list[Declared]:
    """--db and --config, whose school.toml names the warehouse and its key."""
    return [db_option(), config_option(config_help)]


def use_configured_key(args: argparse.Namespace) -> None:
    """Put the warehouse key in force for this process, resolved the same way as the weekly run."""
    from flows.config.school import load_config
    from flows.credentials import warehouse_key
    from warehouse.db import use_encryption_key

    config = load_config(args.config) if getattr(args, "config", None) else None
    use_encryption_key(warehouse_key(config))


def options() -> list[Declared]:
    return [
        argument("query", help='one SELECT statement, e.g. "SELECT * FROM dpo.people_held"'),
        *warehouse_options(),
        trust_option(
            'instead of --db: the dpo.* views of every school of a trust (controller = "trust"), with a school column'
        ),
        option(
            "--format",
            type=click.Choice(("table", "csv", "json")),
            default="table",
            help="how rows are printed",
        ),
        by_option(),
    ]


def check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse anything but exactly one SELECT-like statement, before it runs."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        raise QueryRefused(f"the query does not parse: {error}") from None
    if len(statements) != 1:
        raise QueryRefused(f"exactly one statement is allowed, got {len(statements)}")
    kind = statements[0].type
    opening = re.sub(r"^(\s|--[^\n]*\n|/\*.*?\*/)*", "", query, flags=re.S).lower()
    if kind != duckdb.StatementType.SELECT or not opening.startswith(READ_ONLY_OPENINGS):
        raise QueryRefused(
            f"only a read-only SELECT is allowed here, not {kind.name}: the DPO's SQL never changes the warehouse"
        )
    _refuse_secrets(con, query)


# Tables no query of the DPO's reads: the key behind erasure selectors and keyed records (the published copy of a
# DuckDB warehouse holds none; a lake's readers read the lake itself).
SECRET_TABLES = ("warehouse_secret",)


def _refuse_secrets(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse a query whose plan reads a secret table, however it names it (a view, `query()`, quoting)."""
    try:
        plan = " ".join(str(cell) for row in con.execute(f"EXPLAIN {query}").fetchall() for cell in row)
    except duckdb.Error:
        return  # it does not bind: running it fails the same way, reading nothing
    read = [table for table in SECRET_TABLES if table in plan.casefold()]
    if read:
        raise QueryRefused(f"meta.{read[0]} is a secret: no query here reads it")


def open_read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """The published read-only copy, with file access and configuration changes switched off."""
    from warehouse.lake import read_locator
    from warehouse.snapshot import open_snapshot

    con = open_snapshot(db)
    location = read_locator(db)
    return _locked(con, [location.data_path] if location else [])


def _locked(con: duckdb.DuckDBPyConnection, lake_data: list[str]) -> duckdb.DuckDBPyConnection:
    # A lake's Parquet files stay readable; nothing else is.
    if lake_data:
        con.execute("SET allowed_directories = ?", [lake_data])
    # No read_csv('/etc/passwd'), no COPY TO, no ATTACH, and the query cannot switch it back on.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def open_trust_read_only(trust_toml: Path) -> duckdb.DuckDBPyConnection:
    """Every school's dpo.* views as one, where the trust is the data controller; refused where each school is."""
    from flows.config.trust import audited_lakes, load_trust
    from warehouse.trust_views import open_trust_views

    trust = load_trust(trust_toml)
    if trust.controller != "trust":
        raise QueryRefused(
            f'{trust_toml}: controller = "{trust.controller}": each school is its own data controller, so there '
            "are no trust-wide views; query one school with --db lake/<school>.ducklake"
        )
    lakes = audited_lakes(trust)
    return _locked(open_trust_views(lakes), [location.data_path for location in lakes.values()])


def run_query(db: Path, query: str, trust: Path | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = open_trust_read_only(trust) if trust else open_read_only(db)
    try:
        check_read_only(con, query)
        try:
            result = con.execute(query)
        except duckdb.Error as error:
            raise RuntimeError(f"the query failed: {' '.join(str(error).split())}") from None
        columns = [d[0] for d in result.description or []]
        return columns, result.fetchall()
    finally:
        con.close()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def format_rows(columns: list[str], rows: list[tuple[Any, ...]], style: str) -> str:
    if style == "json":
        # json.dumps escapes every control character itself.
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str, indent=2)
    if style == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([spreadsheet_safe(c) for c in columns])
        # No cell starts a formula (docs/dpo.md recommends csv for spreadsheets), none drives the terminal.
        writer.writerows([[spreadsheet_safe(_text(v), keep="\n\t\r") for v in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    columns = [shown(c) for c in columns]
    cells = [[shown(_text(v)) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def logged_warehouses(db: Path, trust: Path | None) -> list[Path]:
    """Whose access log a query goes into: the warehouse, or every school of the trust it read."""
    if trust is None:
        return [db]
    from flows.config.trust import audited_lakes, load_trust

    loaded = load_trust(trust)
    return [loaded.lake_dir / f"{slug}.ducklake" for slug in audited_lakes(loaded)]


ACCESS_LOG_MENTION = re.compile(r"access_log", re.IGNORECASE)
LOG_WAIT_SECONDS = 10.0


def bring_access_log_up_to_date(warehouses: list[Path]) -> None:
    """A query that reads the access log sees it up to now: the spool folded in and the copy published, unless
    the weekly run holds the warehouse (then it says so, and reads the copy as it is)."""
    from warehouse.db import WarehouseBusy
    from warehouse.snapshot import publish_snapshot

    for db in warehouses:
        try:
            publish_snapshot(db, LOG_WAIT_SECONDS)
        except (WarehouseBusy, OSError, duckdb.Error) as why:
            print(
                f"socialaudit sql: the access log shown ends at the last copy of {db} ({why})",
                file=sys.stderr,
            )


def run(args: argparse.Namespace) -> int:
    from warehouse.privacy import access_log

    args.db = command_warehouse(args)
    use_configured_key(args)
    warehouses = logged_warehouses(args.db, args.trust)
    if ACCESS_LOG_MENTION.search(args.query):
        bring_access_log_up_to_date(warehouses)
    try:
        columns, rows = run_query(args.db, args.query, args.trust)
    except QueryRefused as error:
        for db in warehouses:
            access_log.record(db, access_log.cli_entry("sql", args.by, args.query, f"refused: {error}"))
        print(f"socialaudit sql: refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    for db in warehouses:
        access_log.record(db, access_log.cli_entry("sql", args.by, args.query, f"{len(rows)} rows"))
    print(format_rows(columns, rows, args.format))
    return 0
