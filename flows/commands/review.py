"""`socialaudit review KEY`: record a decision on an exception (a short write, then a fresh snapshot). The person
deciding is the operating-system user running the command (warehouse/people.py); `--by` names them."""

from __future__ import annotations

import argparse

from flows.commands.common import iso_date
from flows.warehouse_location import add_db_option, add_wait_option, command_warehouse

NAME = "review"
HELP = "record a review decision on an exception: acknowledge, accept (with --until), false-positive, reopen"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help="the exception key (see `socialaudit exceptions list`)")
    add_db_option(parser)
    parser.add_argument(
        "--decision", required=True, choices=("acknowledge", "accept", "false-positive", "reopen")
    )
    parser.add_argument("--note", required=True, help="why (for accept: the reason it is acceptable)")
    parser.add_argument(
        "--by",
        default=None,
        metavar="NAME",
        help="how to name who decided (default: the operating-system user, who is the one accountable)",
    )
    parser.add_argument(
        "--until", type=iso_date, default=None, help="accept only: last day it holds (YYYY-MM-DD)"
    )
    add_wait_option(parser)


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
