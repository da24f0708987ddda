"""`socialaudit sar`: a subject access export of everything held about one person, as JSON and CSV."""

from __future__ import annotations

import argparse

from flows.commands.parameters import PATH, Declared, OneOf, by_option, one_of, option
from flows.commands.sql import use_configured_key, warehouse_options
from flows.warehouse_location import command_warehouse

NAME = "sar"
SECTION = "Data protection"
HELP = "export everything the warehouse holds about one person (subject access request)"


def selector_options() -> OneOf:
    """Who the request is about: one of --handle, --platform-id, --person."""
    return one_of(
        option("--handle", help="an X username or YouTube @handle (with or without @)"),
        option("--platform-id", help="an X user id or a YouTube channel id"),
        option("--person", help="a register id (pupil_id, staff_id or parent_id)"),
        required=True,
    )


def selector(args: argparse.Namespace) -> tuple[str, str]:
    if args.handle:
        return "handle", args.handle
    if args.platform_id:
        return "platform-id", args.platform_id
    return "person", args.person


def options() -> list[Declared]:
    return [
        selector_options(),
        *warehouse_options(),
        option(
            "--out",
            type=PATH,
            required=True,
            help="folder for cover.html (a letter for the person), sar.json and one CSV per section",
        ),
        by_option(),
        option("--reason", help="the request or case reference (recorded)"),
    ]


def run(args: argparse.Namespace) -> int:
    import os

    from dashboards.sar_export import write_export
    from warehouse.db import connect_waiting, migrate
    from warehouse.privacy import access_log
    from warehouse.privacy.subject_access import log_request, subject_access
    from warehouse.privacy.subjects import find_subject
    from warehouse.snapshot import open_snapshot, publish_snapshot_from

    os.umask(0o077)
    args.db = command_warehouse(args)
    use_configured_key(args)
    # The published copy: an export never waits for, or blocks, the weekly run.
    con = open_snapshot(args.db)
    try:
        subject = find_subject(con, *selector(args))
        export = subject_access(con, subject)
    finally:
        con.close()
    written = write_export(export, args.out)
    by = args.by or access_log.os_user()
    # Logged like an erasure, in one short write (waiting while a run holds the warehouse), then the copy again.
    writer = connect_waiting(args.db, 120.0)
    try:
        migrate(writer)
        writer.execute("BEGIN TRANSACTION")
        request_id = log_request(writer, subject, by, args.reason, args.out, export)
        total = sum(len(rows) for rows in export["sections"].values())
        entry = access_log.cli_entry("sar", args.by, object=request_id, detail=f"{total} records exported")
        access_log.insert(writer, [entry])
        writer.execute("COMMIT")
        publish_snapshot_from(writer, args.db)
    finally:
        writer.close()
    print(
        f"{total} records about {len(subject.person_ids)} register id(s) and {len(subject.platform_ids)} account(s)"
    )
    for path in written:
        print(path)
    return 0
