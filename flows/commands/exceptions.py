"""`socialaudit exceptions list`: the warehouse's exceptions, read from the read-only snapshot."""

from __future__ import annotations

import argparse
import json
import sys

import click

from flows.commands.parameters import Subcommand, by_option, db_option, option
from flows.warehouse_location import command_warehouse

NAME = "exceptions"
SECTION = "Reviewing and acting"
HELP = "list exceptions and their status (reads the read-only snapshot, never the live warehouse)"
STATUS_CHOICES = ("new", "open", "acknowledged", "accepted", "false_positive", "resolved", "reopened", "all")


def subcommands() -> dict[str, Subcommand]:
    return {
        "list": Subcommand(
            "list exceptions",
            [
                db_option(),
                option(
                    "--status",
                    type=click.Choice(STATUS_CHOICES),
                    multiple=True,
                    help="repeatable; default: the ones needing attention (new, open, acknowledged, reopened)",
                ),
                option("--rule", multiple=True, help="repeatable rule id, e.g. pupil-follower"),
                option(
                    "--format",
                    type=click.Choice(("table", "csv", "json")),
                    default="table",
                    help="how rows are printed",
                ),
                by_option(),
            ],
        )
    }


def run(args: argparse.Namespace) -> int:
    from dashboards.listing import exceptions_table, select_exceptions
    from dashboards.report import OUTPUT_FIELDS, exceptions_csv
    from warehouse.privacy import access_log
    from warehouse.snapshot import open_snapshot

    db = command_warehouse(args)
    con = open_snapshot(db)
    try:
        rows = select_exceptions(con, statuses=args.status, rules=args.rule)
    finally:
        con.close()
    filters = (
        f"status={','.join(args.status or ['needing attention'])}; rule={','.join(args.rule or ['any'])}"
    )
    access_log.record(
        db, access_log.cli_entry("export", args.by, filters, f"{len(rows)} rows as {args.format}")
    )
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
    elif args.format == "csv":
        sys.stdout.write(exceptions_csv([{f: r[f] for f in OUTPUT_FIELDS} for r in rows]))
    else:
        print(exceptions_table(rows))
    return 0
