"""Local review-app accounts, for a school without an identity provider: made on the command line
(`socialaudit reviewers add`), each password kept only as an argon2id hash (memory-hard: a stolen file resists
guessing on graphics cards), in an owner-only JSON file that `[review_app] accounts_file` names.

A local account signs in as `local:NAME`; what it may do is what `[[review_app.grants]]` gives `local:NAME`.
The file is read at each sign-in, so an account added or removed takes effect without restarting the app.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboards.access import LOCAL_PREFIX, Person
from warehouse.side_files import remove_leftovers, transient_path

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
MIN_PASSWORD = 12
MAX_PASSWORD = (
    1024  # argon2 hashes anything, but a megabyte "password" is only a way to burn the server's time
)
FORMAT_VERSION = 1
_HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters (64 MiB, 3 passes)
# Verified when the name is unknown, so a wrong name takes as long as a wrong password (no name probing by time).
_DUMMY_HASH = _HASHER.hash("socialaudit: no such account")


class AccountError(Exception):
    """An account cannot be made, changed or read; the message says why in one line."""


@dataclass(frozen=True)
class LocalAccount:
    name: str
    display_name: str
    password_hash: str
    created_at: str
    created_by: str

    @property
    def identity(self) -> str:
        return LOCAL_PREFIX + self.name


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": FORMAT_VERSION, "accounts": {}}
    except (OSError, ValueError) as error:
        raise AccountError(f"{path} cannot be read as the review app's accounts: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), dict):
        raise AccountError(f"{path} is not a review-app accounts file")
    return data


def load_accounts(path: Path) -> dict[str, LocalAccount]:
    accounts = {}
    for name, values in _read(path)["accounts"].items():
        try:
            accounts[name] = LocalAccount(name=name, **values)
        except TypeError:
            raise AccountError(f"{path}: the entry for {name!r} is damaged") from None
    return accounts


def _write(path: Path, accounts: dict[str, LocalAccount]) -> None:
    data = {
        "version": FORMAT_VERSION,
        "accounts": {
            name: {
                "display_name": a.display_name,
                "password_hash": a.password_hash,
                "created_at": a.created_at,
                "created_by": a.created_by,
            }
            for name, a in sorted(accounts.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(accounts=path)  # a killed writer's copy of the accounts
    temporary = transient_path("review app accounts being written", path)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    os.replace(temporary, path)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters (a passphrase is best)")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password must be at most {MAX_PASSWORD} characters")


def add_account(
    path: Path,
    name: str,
    password: str,
    display_name: str,
    created_by: str,
    created_at: str,
    replace: bool = False,
) -> LocalAccount:
    """Make (or, with `replace`, reset the password of) an account; the file stays owner-only."""
    if not NAME.fullmatch(name):
        raise AccountError(
            f"{name!r}: an account name is lower-case letters, digits, '.', '_' and '-' (at most 63), "
            "starting with a letter or digit"
        )
    check_password(password)
    accounts = load_accounts(path)
    if name in accounts and not replace:
        raise AccountError(f"there is already an account {name!r}: use --reset to set a new password")
    account = LocalAccount(
        name=name,
        display_name=display_name.strip() or name,
        password_hash=_HASHER.hash(password),
        created_at=created_at,
        created_by=created_by,
    )
    accounts[name] = account
    _write(path, accounts)
    return account


def remove_account(path: Path, name: str) -> None:
    accounts = load_accounts(path)
    if name not in accounts:
        raise AccountError(f"there is no account {name!r}")
    del accounts[name]
    _write(path, accounts)


def verify(path: Path, name: str, password: str) -> Person | None:
    """The person, when the name and password match an account; None otherwise, in about the same time."""
    if len(password) > MAX_PASSWORD:
        return None
    account = load_accounts(path).get(name) if NAME.fullmatch(name) else None
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    return Person(identity=account.identity, name=account.display_name, method="local")
