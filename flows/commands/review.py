"""`socialaudit review KEY`: record a decision on an exception (a short write, then a fresh snapshot). The person
deciding is the operating-system user running the command (warehouse/people.py); `--by` names them."""

from __future__ import annotations

import argparse

import click

from flows.commands.parameters import ISO_DATE, Declared, argument, by_option, db_option, option, wait_option
from flows.warehouse_location import command_warehouse

NAME = "review"
SECTION = "Reviewing and acting"
HELP = "record a review decision on an exception: acknowledge, accept (with --until), false-positive, reopen"


def options() -> list[Declared]:
    return [
        argument("key", help="the exception key (see `socialaudit exceptions list`)"),
        db_option(),
        option(
            "--decision",
            required=True,
            type=click.Choice(("acknowledge", "accept", "false-positive", "reopen")),
            help="what is decided",
        ),
        option("--note", required=True, help="why (for accept: the reason it is acceptable)"),
        by_option(),
        option("--until", type=ISO_DATE, default=None, help="accept only: last day it holds (YYYY-MM-DD)"),
        wait_option(),
    ]


def run(args: argparse.Namespace) -> int:
    from warehouse.people import cli_actor
    from warehouse.privacy.access_log import cli_entry
    from warehouse.reviews import review_and_publish

    # A wait that runs out ends in a plain sentence (WarehouseBusy): nothing recorded, try again later.
    review = review_and_publish(
        command_warehouse(args),
        args.key,
        args.decision,
        args.note,
        cli_actor(args.by),
        args.until,
        timeout_seconds=args.wait,
        access=cli_entry("decide", args.by),
    )
    until = f" until {review.accepted_until}" if review.accepted_until else ""
    if review.awaiting_second:
        print(
            f"{review.key}: {review.decision}{until} proposed by {review.reviewer}; it is critical, so "
            "nothing changes until a second person (another operating-system user) records the same decision"
        )
        return 0
    seconded = f", confirmed by {review.seconded_by}" if review.seconded_by else ""
    print(
        f"{review.key}: {review.status_before} -> {review.status_after}{until} "
        f"(recorded for {review.reviewer}{seconded}, OS user {review.os_user})"
    )
    return 0
