"""`socialaudit restore`: a backup put back in the warehouse's place, with every erasure since re-applied."""

from __future__ import annotations

import argparse
import os
import sys

from flows.commands.common import EXIT_REFUSED, confirmed
from flows.commands.parameters import PATH, Declared, confirmation, flag, option, trust_option
from flows.commands.sql import warehouse_options
from flows.warehouse_location import command_warehouse

NAME = "restore"
SECTION = "Running the audit"
HELP = "restore a backup as the warehouse, erasing again everyone erased since it was taken"


def options() -> list[Declared]:
    return [
        option(
            "--from",
            "archive",
            type=PATH,
            required=True,
            metavar="BACKUP",
            help="the backup file (socialaudit backup)",
        ),
        *warehouse_options(
            "school.toml: the warehouse and backup keys its [warehouse] names, its [warehouse] path"
        ),
        trust_option(
            "for a school's lake (--db lake/<slug>.ducklake) whose locator is gone: the trust that places it"
        ),
        option(
            "--journal",
            type=PATH,
            metavar="PATH",
            help="the erasure journal to re-apply (default: the one beside the warehouse, <db>.erasures.jsonl)",
        ),
        flag(
            "--without-journal",
            help="restore although no erasure journal is there: anyone erased since the backup was taken comes back",
        ),
        *confirmation("restore"),
    ]


def run(args: argparse.Namespace) -> int:
    from flows.backup import restore_preview, restore_warehouse
    from flows.commands.sql import use_configured_key
    from flows.config.school import load_config
    from flows.credentials import backup_key

    os.umask(0o077)
    db = command_warehouse(args)
    use_configured_key(args)
    key = backup_key(load_config(args.config) if args.config else None)
    location = None
    if args.trust:
        from flows.config.trust import load_trust, school_lake

        location = school_lake(load_trust(args.trust), db.name.removesuffix(".ducklake"))
    print("socialaudit restore will:" if not args.dry_run else "socialaudit restore would:")
    for line in restore_preview(db, args.archive, key, args.journal):
        print(f"  {line}")
    if args.dry_run:
        print("dry run: nothing was changed")
        return 0
    if not confirmed(args, "Put this backup in the warehouse's place?"):
        return EXIT_REFUSED
    done = restore_warehouse(db, args.archive, key, args.journal, location, args.without_journal)
    print(
        f"restored {db} from the backup taken {done['taken_at']:%Y-%m-%d %H:%M:%S} UTC "
        f"({done['tables']} tables, {done['rows']} rows)"
    )
    if done["journal"] is None:
        print(
            f"socialaudit: warning: no erasure journal at {args.journal or 'the warehouse'}: an erasure carried out "
            "since the backup was taken could not be re-applied; erase again anyone erased since then "
            "(docs/dpo.md, Backups)",
            file=sys.stderr,
        )
    for erasure in done["erasures re-applied"]:
        print(f"erasure {erasure['erasure_id']} re-applied")
    print(f"erasures re-applied: {len(done['erasures re-applied'])}")
    return 0
