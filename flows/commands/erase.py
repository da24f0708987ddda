"""`socialaudit erase`: erase everything held about one person, and record that it was done (not what)."""

from __future__ import annotations

import argparse

from flows.commands.sar import add_selector, selector
from flows.commands.sql import add_warehouse_args, use_configured_key
from flows.warehouse_location import command_warehouse

NAME = "erase"
HELP = "erase everything the warehouse holds about one person, with a record in audit.erasures"


def register(parser: argparse.ArgumentParser) -> None:
    add_selector(parser)
    add_warehouse_args(parser)
    parser.add_argument("--by", required=True, help="who is carrying out the erasure (recorded)")
    parser.add_argument("--reason", required=True, help="the request or case reference (recorded)")


def run(args: argparse.Namespace) -> int:
    from warehouse.privacy import erase, find_subject
    from warehouse.snapshot import publish_snapshot, write_with_retry

    args.db = command_warehouse(args)
    use_configured_key(args)
    kind, value = selector(args)

    def work(con):  # type: ignore[no-untyped-def]
        return erase(con, find_subject(con, kind, value), args.by, args.reason)

    # Waits while the weekly run holds the warehouse, then erases in one short transaction.
    counts = write_with_retry(args.db, work)
    # The read-only copy still holds the erased rows until it is replaced.
    publish_snapshot(args.db)
    for table, n in sorted(counts.items()):
        print(f"{table}: {n}")
    print(
        "erased and recorded in audit.erasures; if the person is still in registers/*.csv or still follows the "
        "school, the next run will hold them again: remove them there too"
    )
    return 0
