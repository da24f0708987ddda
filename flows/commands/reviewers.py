"""`socialaudit reviewers add|remove|list`: local accounts for the review app, for a school without an identity
provider (argon2id password hashes in `[review_app] accounts_file`; roles from `[[review_app.grants]]`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboards.access import ReviewAppSettings

NAME = "reviewers"
HELP = "make, reset, remove and list the review app's local accounts (passwords kept as argon2id hashes)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add", "remove", "list"))
    parser.add_argument("name", nargs="?", help="add, remove: the account name (signs in as local:NAME)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml ([review_app] accounts_file)"
    )
    source.add_argument(
        "--trust", type=Path, metavar="TRUST_TOML", help="or trust.toml, for a trust's review app"
    )
    parser.add_argument("--display-name", default="", help="add: the name pages greet the person by")
    parser.add_argument(
        "--reset", action="store_true", help="add: set a new password for an existing account"
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="add: read the password from standard input (one line)"
    )


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
