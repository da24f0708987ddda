"""`socialaudit backup`: an encrypted backup of the warehouse (or of every lake of a trust) to a file or folder."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from flows.commands.parameters import PATH, Declared, option, trust_option
from flows.commands.sql import warehouse_options
from flows.warehouse_location import command_warehouse

NAME = "backup"
SECTION = "Running the audit"
HELP = "write an encrypted backup of the warehouse (a trust: every school's lake) to a file or a folder"


def options() -> list[Declared]:
    return [
        *warehouse_options(
            "school.toml: the warehouse and backup keys its [warehouse] names, its [retention] backup_weeks"
        ),
        trust_option(
            "instead of --db: every lake of this trust (each school's and the trust's own), one file each"
        ),
        option(
            "--out",
            type=PATH,
            required=True,
            metavar="FILE_OR_DIR",
            help="a new backup file (its name ending in .socialaudit-backup), or a folder to write it in, where "
            "this warehouse's backups older than [retention] backup_weeks are removed",
        ),
    ]


def run(args: argparse.Namespace) -> int:
    from flows.backup import backup_warehouse
    from flows.commands.sql import use_configured_key
    from flows.config.school import RetentionSettings, load_config
    from flows.credentials import backup_key
    from warehouse.backup.archive import SUFFIX

    os.umask(0o077)
    config = load_config(args.config) if args.config else None
    use_configured_key(args)
    key = backup_key(config)
    keep_weeks = (config.retention if config else RetentionSettings()).backup_weeks
    if args.trust:
        if args.out.name.endswith(SUFFIX):
            raise ValueError(
                f"--trust backs up every lake, one file each: --out is a folder, not a {SUFFIX} file"
            )
        warehouses = trust_lakes(args.trust)
    else:
        warehouses = [command_warehouse(args)]
    for db in warehouses:
        done = backup_warehouse(db, args.out, key, keep_weeks)
        print(
            f"backed up {db} as of {done['taken_at']:%Y-%m-%d %H:%M:%S} UTC ({done['tables']} tables, "
            f"{done['rows']} rows): {done['backup']}"
        )
        for old in done["removed"]:
            print(f"removed (older than {keep_weeks} weeks): {old}")
    return 0


def trust_lakes(trust_toml: Path) -> list[Path]:
    """The locator of every lake a trust run has made: each school's, and the trust's own history."""
    from flows.config.trust import audited_lakes, load_trust
    from flows.trust import TRUST_LAKE

    trust = load_trust(trust_toml)
    slugs = [*audited_lakes(trust), TRUST_LAKE]
    found = [trust.lake_dir / f"{slug}.ducklake" for slug in slugs]
    existing = [path for path in found if path.exists()]
    if not existing:
        raise FileNotFoundError(f"{trust.lake_dir} holds no lake yet: run the trust first")
    return existing
