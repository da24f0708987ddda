"""`socialaudit remediate KEY --action ACTION`: act on an exception through its platform, or record a step done by
hand; shows what will happen (the call, its cost or quota, whether it can be undone) and asks first."""

from __future__ import annotations

import argparse
import sys

import click

from flows.commands.common import EXIT_FAILED
from flows.commands.parameters import (
    Declared,
    argument,
    by_option,
    config_option,
    db_option,
    flag,
    one_of,
    option,
    sandbox_option,
    wait_option,
)
from flows.warehouse_location import warehouse_location
from warehouse.remediation.actions import ACTION_NAMES

NAME = "remediate"
SECTION = "Reviewing and acting"
HELP = "act on an exception through its platform (or record a step done by hand); next week's run checks it took effect"


def options() -> list[Declared]:
    return [
        argument("key", help="the exception key (see `socialaudit exceptions list`)"),
        option(
            "--action",
            required=True,
            type=click.Choice(ACTION_NAMES),
            help="one the exception's rule offers (docs/remediation.md)",
        ),
        db_option(),
        one_of(config_option("school.toml of the live set-up"), sandbox_option(), required=True),
        option("--note", default=None, help="why; for a manual step, what was done"),
        flag("--yes", help="do not ask before acting (the plan is still printed)"),
        by_option(),
        wait_option(),
    ]


def run(args: argparse.Namespace) -> int:
    from flows.config.school import load_config
    from flows.remediation import Remediator
    from flows.remediation_permissions import AccountPermission
    from warehouse.people import cli_actor
    from warehouse.privacy.access_log import cli_entry
    from warehouse.remediation.plans import Plan
    from warehouse.remediation.records import RemediationError

    sandbox = args.sandbox is not None
    config = load_config(args.sandbox / "school.toml" if sandbox else args.config)
    db = warehouse_location(args.db, config, sandbox=sandbox)
    if not db.exists():
        print(
            f"socialaudit: remediate refused: {db} does not exist: run the weekly audit first",
            file=sys.stderr,
        )
        return EXIT_FAILED

    def confirm(plan: Plan, permission: AccountPermission | None) -> bool:
        for line in plan.lines():
            print(line)
        if permission is not None:
            print(f"Credentials: {permission.detail}")
        if args.yes:
            return True
        if not sys.stdin.isatty():
            print("Not asked: standard input is not a terminal; run again with --yes to act", flush=True)
            return False
        answer = input(f"{plan.action.name} on {plan.key}: type yes to go ahead: ")
        return answer.strip().lower() == "yes"

    try:
        outcome = Remediator(db, config, sandbox, args.wait).act(
            args.key, args.action, cli_actor(args.by), args.note, confirm, cli_entry("remediate", args.by)
        )
    except RemediationError as problem:
        print(f"socialaudit: remediate refused: {problem}", file=sys.stderr)
        return EXIT_FAILED
    print(outcome.line, file=sys.stdout if outcome.done else sys.stderr)
    return outcome.status
