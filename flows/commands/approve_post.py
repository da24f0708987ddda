"""`socialaudit approve-post`: approve a draft checked with check-post, or export every such approval as CSV."""

from __future__ import annotations

import argparse
import csv
import sys

from dashboards.safe_text import spreadsheet_safe
from flows.commands.common import EXIT_COMPLETED, EXIT_FAILED
from flows.commands.parameters import PATH, Declared, argument, by_option, one_of, option
from flows.commands.sql import use_configured_key, warehouse_options

NAME = "approve-post"
SECTION = "Before posting"
HELP = "approve a checked draft (its images become approved media), or export the approvals as CSV"


def options() -> list[Declared]:
    return [
        one_of(
            argument(
                "check_id",
                required=False,
                metavar="CHECK_ID",
                help="the check to approve (check-post prints it)",
            ),
            option("--export", type=PATH, metavar="CSV", help="write every approval of a checked draft here"),
            required=True,
        ),
        *warehouse_options(),
        by_option(),
    ]


def run(args: argparse.Namespace) -> int:
    from flows.warehouse_location import command_warehouse
    from warehouse import post_checks
    from warehouse.privacy import access_log
    from warehouse.snapshot import open_snapshot

    db = command_warehouse(args)
    use_configured_key(args)
    if args.export is not None:
        con = open_snapshot(db)
        try:
            columns, rows = post_checks.approvals(con) if post_checks.has_tables(con) else ([], [])
        finally:
            con.close()
        # approved_by holds a name typed with --by: no cell may start a formula in the spreadsheet that opens it.
        with args.export.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([[spreadsheet_safe("" if v is None else v) for v in row] for row in rows])
        print(f"{len(rows)} approved image(s) written to {args.export}")
        return EXIT_COMPLETED
    try:
        approval_id = post_checks.approve_and_record(
            db, args.check_id, access_log.cli_entry("approve-post", args.by)
        )
    except post_checks.NotApprovable as error:
        print(f"socialaudit: approve-post: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(approval_id)
    return EXIT_COMPLETED
