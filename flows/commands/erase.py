"""`socialaudit erase`: erase everything held about one person, wherever the product put it, and record that it
was done (where, and how much; never what)."""

from __future__ import annotations

import argparse
import json
import sys

from flows.commands.common import EXIT_PARTIAL, EXIT_REFUSED, confirmed
from flows.commands.parameters import PATH, Declared, confirmation, option
from flows.commands.sar import selector, selector_options
from flows.commands.sql import use_configured_key, warehouse_options
from flows.warehouse_location import command_warehouse

NAME = "erase"
SECTION = "Data protection"
HELP = "erase everything the product holds about one person, with a record in audit.erasures"


def options() -> list[Declared]:
    return [
        selector_options(),
        *warehouse_options(),
        option(
            "--by",
            required=True,
            help="who is carrying out the erasure (recorded, with the operating-system user)",
        ),
        option("--reason", required=True, help="the request or case reference (recorded)"),
        option(
            "--out",
            type=PATH,
            multiple=True,
            metavar="DIR",
            help="an output folder to publish again besides those the runs recorded (repeatable)",
        ),
        *confirmation("erase"),
    ]


def run(args: argparse.Namespace) -> int:
    import os

    from flows.erasure import StorageRewriteOwed, erase_person, erasure_preview
    from warehouse.privacy.access_log import cli_entry

    os.umask(0o077)
    args.db = command_warehouse(args)
    use_configured_key(args)
    kind, value = selector(args)
    print("socialaudit erase will:" if not args.dry_run else "socialaudit erase would:")
    for line in erasure_preview(args.db, kind, value, args.out):
        print(f"  {line}")
    if args.dry_run:
        print("dry run: nothing was changed")
        return 0
    if not confirmed(args, "Erase this person from everything above? It cannot be undone."):
        return EXIT_REFUSED
    # Waits while the weekly run holds the warehouse, then erases in one short transaction and cleans the rest.
    try:
        counts = erase_person(
            args.db,
            kind,
            value,
            args.by,
            args.reason,
            args.out,
            access=cli_entry("erase", args.by, detail=kind),
        )
    except StorageRewriteOwed as owed:
        print(f"socialaudit erase: erased and recorded, but not finished: {owed}", file=sys.stderr)
        return EXIT_PARTIAL
    for place, n in sorted(counts.items()):
        print(f"{place}: {json.dumps(n) if not isinstance(n, (int, str)) else n}")
    print(
        "erased and recorded in audit.erasures (dpo.erasure_log); the copies listed as not reachable are not: "
        "see docs/dpo.md. If the person is still in registers/*.csv or still follows the school, the next run "
        "will hold them again: remove them there too"
    )
    return 0
