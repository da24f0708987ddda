"""Which actions each official account's credentials allow, checked before any is offered or taken.

X: the keys must sign in as the account itself (GET /2/users/me, a $0.010 user read), and X says with that answer the
access level the token was issued with (`x-access-level`: read, read-write, read-write-directmessages); a token
issued while the app could only read stays read-only until it is regenerated. YouTube: the owner's token is
refreshed (free), and Google says the scopes it was granted; rejecting comments needs youtube.force-ssl, changing a
video youtube, youtube.force-ssl or youtubepartner. `socialaudit doctor` records what it found in the warehouse,
where the review app reads it; `socialaudit remediate` checks again before it acts. Each platform's check is its
plug-in's (flows/plugins/); what they share is here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from connectors.paging import RetryPolicy
from flows.config.school import Account, SchoolConfig
from platforms import platform
from warehouse.remediation.actions import ACTIONS

POLICY = RetryPolicy(max_retries=1, backoff_seconds=0.5, max_wait_seconds=5)


@dataclass(frozen=True)
class AccountPermission:
    account: Account
    granted: str | None  # the X access level, or the granted Google scopes (space-separated)
    allowed: tuple[str, ...]  # action names these credentials allow (the manual step always)
    refused: tuple[str, ...]  # the account's platform actions they do not allow
    detail: str  # one line: what was found and what to change
    known: bool = True  # False: the platform did not say (X without the header)

    def allows(self, action: str) -> bool:
        return action in self.allowed


def platform_actions(platform: str) -> list[str]:
    return [a.name for a in ACTIONS.values() if a.platform == platform]


def account_label(account: Account) -> str:
    return f"@{account.handle}" if account.platform == "x" else account.handle


def record(
    db: Path, found: list[AccountPermission], checked_by: str, timeout: float = 10.0, publish: bool = True
) -> None:
    """Keep what was found in the warehouse (one short write) and, unless the caller publishes anyway, in the
    read-only copy the review app reads."""
    from warehouse.remediation.ledger import record_permission
    from warehouse.reviews import republish_snapshot
    from warehouse.snapshot import write_with_retry

    def write(con: object) -> None:
        for item in found:
            record_permission(
                con,  # type: ignore[arg-type]
                item.account.platform,
                item.account.id,
                item.granted,
                list(item.allowed) if item.known else [],
                item.detail,
                checked_by,
            )

    write_with_retry(db, write, timeout_seconds=timeout)
    if publish:
        republish_snapshot(db, timeout)


# What an account's credentials allow, asked of its platform (flows/plugins/ check_account).
CheckAccount = Callable[[SchoolConfig, Account, bool, str | None], "AccountPermission"]


def doctor_checks(
    config: SchoolConfig, sandbox: bool, base_url: str | None, db: Path, check_account: CheckAccount
) -> list[tuple[str, bool, str, bool]]:
    """(area, ok, message, warning) per account for `socialaudit doctor`: actions the credentials do not allow
    are a warning (a school may choose to act by hand only), and so is a check that fails (the credentials' own line
    says what to fix)."""
    lines: list[tuple[str, bool, str, bool]] = []
    found: list[AccountPermission] = []
    for account in config.accounts:
        area = f"actions through {platform(account.platform).label} {account_label(account)}"
        try:
            item = check_account(config, account, sandbox, base_url)
        except Exception as error:
            # The credentials line above says what to fix; here only that no action can be offered meanwhile.
            reason = " ".join(str(error).split()) or type(error).__name__
            lines.append((area, True, f"not checked, none offered: {reason}", True))
            continue
        found.append(item)
        lines.append((area, True, item.detail, bool(item.refused) or not item.known))
    if found and db.exists():
        from flows import credentials
        from warehouse.db import encryption_key

        try:
            with encryption_key(credentials.warehouse_key(config)):
                record(db, found, "doctor")
            lines.append(("actions offered", True, f"recorded in {db.name} for the review app", False))
        except Exception as error:
            message = (
                f"not recorded in {db.name} ({' '.join(str(error).split())}): the review app offers none yet"
            )
            lines.append(("actions offered", True, message, True))
    return lines
