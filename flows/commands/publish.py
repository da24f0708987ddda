"""`socialaudit publish`: write a stored week's outputs again (after a run said "stored; outputs not published")."""

from __future__ import annotations

import argparse
import os

from flows.commands.parameters import ISO_DATE, PATH, Declared, config_option, db_option, option
from flows.warehouse_location import command_warehouse

NAME = "publish"
SECTION = "Running the audit"
HELP = "write a stored week's outputs (and the read-only copy) again, e.g. after 'outputs not published'"


def options() -> list[Declared]:
    return [
        db_option(),
        option("--out", type=PATH, required=True, help="the output folder"),
        option(
            "--as-of",
            type=ISO_DATE,
            default=None,
            help="the stored week YYYY-MM-DD (default: the latest stored)",
        ),
        config_option(
            "school.toml: the warehouse key its [warehouse] names (default: $SOCIALAUDIT_DB_KEY)",
            default=None,
        ),
    ]


def keep_weeks(args: argparse.Namespace) -> int | None:
    """`[retention] output_weeks` of --config; without it no kept week is removed (the next run prunes them)."""
    if not args.config:
        return None
    from flows.config.school import load_config

    return load_config(args.config).retention.output_weeks


def run(args: argparse.Namespace) -> int:
    from dashboards.output_set import check_out_dir, publishing_lock
    from dashboards.publishing import publish_week, stored_week
    from flows.commands.sql import use_configured_key
    from warehouse.snapshot import open_snapshot, publish_snapshot
    from warehouse.stream_status import describe
    from warehouse.week import io_cause

    os.umask(0o077)
    db = command_warehouse(args)
    if not db.exists():
        raise FileNotFoundError(f"{db} does not exist")
    check_out_dir(args.out)
    use_configured_key(args)
    try:
        publish_snapshot(db)
        with publishing_lock([args.out]):
            con = open_snapshot(db)
            try:
                as_of, school_name = stored_week(con, args.as_of)
                week = publish_week(con, args.out, as_of, school_name, keep_weeks(args))
            finally:
                con.close()
    except OSError as error:
        raise OSError(io_cause(error)) from error
    print(
        f"published the week of {as_of.isoformat()}: {len(week.outputs.exceptions)} exceptions; "
        f"report: {week.outputs.paths['report.html']}"
    )
    if week.not_read:
        print("that week was a partial audit, not read: " + "; ".join(describe(row) for row in week.not_read))
    return 0
