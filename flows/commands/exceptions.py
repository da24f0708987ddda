"""`socialaudit exceptions list`: the warehouse's exceptions, read from the read-only snapshot."""

from __future__ import annotations

import argparse
import json
import sys

from flows.warehouse_location import add_db_option, command_warehouse

NAME = "exceptions"
HELP = "list exceptions and their status (reads the read-only snapshot, never the live warehouse)"
STATUS_CHOICES = ("new", "open", "acknowledged", "accepted", "false_positive", "resolved", "reopened", "all")


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list exceptions", description="list exceptions")
    add_db_option(listing)
    listing.add_argument(
        "--status",
        action="append",
        choices=STATUS_CHOICES,
        help="repeatable; default: the ones needing attention (new, open, acknowledged, reopened)",
    )
    listing.add_argument("--rule", action="append", help="repeatable rule id, e.g. pupil-follower")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    listing.add_argument(
        "--by",
        metavar="NAME",
        help="who is asking (recorded in the access log, with the operating-system user)",
    )


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
