"""`socialaudit approve-post`: approve a draft checked with check-post, or export every such approval as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.common import EXIT_COMPLETED, EXIT_FAILED
from flows.commands.sql import add_warehouse_args, use_configured_key

NAME = "approve-post"
HELP = "approve a checked draft (its images become approved media), or export the approvals as CSV"


def register(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("check_id", nargs="?", help="the check to approve (check-post prints it)")
    what.add_argument(
        "--export", type=Path, metavar="CSV", help="write every approval of a checked draft here"
    )
    add_warehouse_args(parser)
    parser.add_argument("--by", metavar="NAME", help="who approves (recorded; default: the OS user)")


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
            rows = post_checks.export_approvals(con, args.export) if post_checks.has_tables(con) else 0
        finally:
            con.close()
        print(f"{rows} approved image(s) written to {args.export}")
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
