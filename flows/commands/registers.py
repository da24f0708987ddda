"""`socialaudit registers status|accept`: see and confirm register versions the weekly run held back."""

from __future__ import annotations

import argparse

import click

from flows.commands.parameters import Subcommand, by_option, db_option, option
from flows.warehouse_location import command_warehouse

NAME = "registers"
SECTION = "Reviewing and acting"
HELP = "list register versions held back by the weekly run (status), or confirm them so the next run uses them (accept)"
REGISTERS = ("pupils", "staff", "parents")


def subcommands() -> dict[str, Subcommand]:
    return {
        "status": Subcommand("list the register versions the weekly run held back", [db_option()]),
        "accept": Subcommand(
            "confirm held register versions, so the next run uses them",
            [
                db_option(),
                option(
                    "--register",
                    type=click.Choice(REGISTERS),
                    help="accept only this register's held version",
                ),
                by_option(),
                option("--note", help="why the change is right (e.g. 'Year 6 left in July')"),
            ],
        ),
    }


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    import duckdb

    from warehouse.privacy import access_log
    from warehouse.privacy.access_log import cli_entry
    from warehouse.register_versions import accept_holds, pending_holds
    from warehouse.reviews import republish_snapshot
    from warehouse.snapshot import open_snapshot, write_with_retry

    args.db = command_warehouse(args)
    if not args.db.exists():
        raise FileNotFoundError(f"{args.db} does not exist: run the weekly audit first")
    if args.action == "status":
        con = open_snapshot(args.db)
        try:
            holds = pending_holds(con)
        finally:
            con.close()
        if not holds:
            print("no register version is held: the registers in force are the files as last read")
        for hold in holds:
            print(f"{hold['register']}: held since {hold['first_held_on']}: {' '.join(hold['reasons'])}")
        return 0
    if not args.by or not args.note:
        raise ValueError("registers accept needs --by NAME and --note 'why the change is right'")
    entry = cli_entry("registers-accept", args.by, object=args.register or "every held register")

    def accept(con: duckdb.DuckDBPyConnection) -> int:
        done = accept_holds(con, args.register, args.by, args.note)
        access_log.keep(con, args.db, [replace(entry, detail=f"{done} version(s) accepted")])
        return done

    accepted = write_with_retry(args.db, accept)
    republish_snapshot(args.db)
    what = f"the held {args.register} register" if args.register else "every held register"
    if accepted == 0:
        print(f"nothing to accept: {what} is not held")
    else:
        print(f"accepted {accepted} held version(s) ({what}); the next weekly run uses them")
    return 0
