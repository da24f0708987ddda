"""`socialaudit reviewers add|remove|list`: local accounts for the review app, for a school without an identity
provider (argon2id password hashes in `[review_app] accounts_file`; roles from `[[review_app.grants]]`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flows.commands.parameters import (
    OneOf,
    Subcommand,
    argument,
    config_option,
    flag,
    one_of,
    option,
    trust_option,
)

if TYPE_CHECKING:
    from dashboards.access import ReviewAppSettings

NAME = "reviewers"
SECTION = "Setting up"
HELP = "make, reset, remove and list the review app's local accounts (passwords kept as argon2id hashes)"


def subcommands() -> dict[str, Subcommand]:
    def where() -> OneOf:
        return one_of(
            config_option("school.toml ([review_app] accounts_file)"),
            trust_option("a trust's trust.toml"),
            required=True,
        )

    name = argument("name", metavar="NAME", help="the account name (signs in as local:NAME)")
    return {
        "add": Subcommand(
            "make an account (or, with --reset, set a new password for one); asks for the password",
            [
                argument("name", metavar="NAME", help="the account name (signs in as local:NAME)"),
                where(),
                option("--display-name", default="", help="the name pages greet the person by"),
                flag("--reset", help="set a new password for an existing account"),
                flag("--password-stdin", help="read the password from standard input (one line)"),
            ],
        ),
        "remove": Subcommand("remove an account", [name, where()]),
        "list": Subcommand("list the accounts and the roles granted to each", [where()]),
    }


def settings_of(args: argparse.Namespace) -> ReviewAppSettings:
    if args.trust:
        from flows.config.trust import load_trust

        return load_trust(args.trust).review_app
    from flows.config.school import load_config

    return load_config(args.config).review_app


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password (at least 12 characters): ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ: nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    from dashboards import accounts
    from dashboards.access import LOCAL_PREFIX
    from warehouse.load import now_utc
    from warehouse.people import same_identity
    from warehouse.privacy.access_log import os_user

    settings = settings_of(args)
    path = Path(settings.accounts_file)
    if args.action == "list":
        for account in accounts.load_accounts(path).values():
            roles = sorted(
                {g.role for g in settings.grants if any(same_identity(account.identity, w) for w in g.who)}
            )
            print(f"{account.identity}\t{account.display_name}\t{', '.join(roles) or 'no role granted'}")
        return 0
    if not args.name:
        raise ValueError(f"reviewers {args.action} needs the account name")
    if args.action == "remove":
        accounts.remove_account(path, args.name)
        print(f"removed {LOCAL_PREFIX}{args.name} from {path}")
        return 0
    account = accounts.add_account(
        path,
        args.name,
        read_password(args.password_stdin),
        args.display_name,
        created_by=os_user(),
        created_at=now_utc().isoformat(timespec="seconds"),
        replace=args.reset,
    )
    granted = any(any(same_identity(account.identity, w) for w in g.who) for g in settings.grants)
    print(f"{'reset' if args.reset else 'made'} {account.identity} in {path}")
    if not granted:
        print(
            f"{account.identity} has no role yet: add it to a [[review_app.grants]] who list",
            file=sys.stderr,
        )
    return 0
