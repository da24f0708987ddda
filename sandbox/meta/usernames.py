"""Which Instagram usernames can exist. Instagram lets a person choose 1 to 30 characters of ASCII letters, digits,
periods and underscores, without a period first, last or twice in a row, and keeps them in lower case: a letter
with an accent ("rónán") or a space cannot be chosen, so Graph never serves one. The sandbox refuses a dataset that
names one rather than serve an account the platform could not hold."""

from __future__ import annotations

import re

INSTAGRAM_USERNAME = re.compile(r"(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}")


def is_instagram_username(name: str) -> bool:
    return INSTAGRAM_USERNAME.fullmatch(name) is not None


def check_instagram_username(name: object, where: str) -> None:
    """Raise ValueError naming `where` when `name` is a username Instagram would not let anyone have."""
    if not isinstance(name, str) or not is_instagram_username(name):
        raise ValueError(
            f"{where} names Instagram username {name!r}, which Instagram does not allow (1-30 lower-case ASCII "
            "letters, digits, periods and underscores, no period first, last or twice in a row)"
        )
