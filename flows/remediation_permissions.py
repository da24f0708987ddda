"""Which actions each official account's credentials allow, checked before any is offered or taken.

X: the keys must sign in as the account itself (GET /2/users/me, a $0.010 user read), and X says with that answer the
access level the token was issued with (`x-access-level`: read, read-write, read-write-directmessages); a token
issued while the app could only read stays read-only until it is regenerated. YouTube: the owner's token is
refreshed (free), and Google says the scopes it was granted; rejecting comments needs youtube.force-ssl, changing a
video youtube, youtube.force-ssl or youtubepartner. `socialaudit doctor` records what it found in the warehouse,
where the review app reads it; `socialaudit remediate` checks again before it acts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.paging import RetryPolicy
from flows.config import Account, SchoolConfig
from warehouse.remediation_actions import ACTIONS, MANUAL, allowed_by

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


def _platform_actions(platform: str) -> list[str]:
    return [a.name for a in ACTIONS.values() if a.platform == platform]


def _label(account: Account) -> str:
    return f"@{account.handle}" if account.platform == "x" else account.handle


def check_x(config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None) -> AccountPermission:
    from connectors import x as xapi
    from connectors.x_actions import access_level
    from flows import credentials

    keys = credentials.x_credentials_for_account(config, account, sandbox)
    user, level = access_level(xapi.make_x_client(keys, base_url=base_url), POLICY)
    if str(user.get("id")) != account.id:
        raise RuntimeError(
            f"the X keys belong to @{user.get('username')}, not {_label(account)}: no action can be taken for the "
            f"school's account with them ({credentials.credential_places(config, account)})"
        )
    actions = _platform_actions("x")
    if level is None:
        detail = (
            f"X did not say what the keys of {_label(account)} may do (no x-access-level header): actions are "
            "offered, and the first one refused for want of write permission stops them"
        )
        return AccountPermission(account, None, (*actions, MANUAL), (), detail, known=False)
    allowed = [a for a in actions if allowed_by(ACTIONS[a], level, None)]
    refused = [a for a in actions if a not in allowed]
    if refused:
        detail = (
            f"the X keys of {_label(account)} are {level}: {', '.join(refused)} not offered; to act through X, set "
            "the app's permissions to 'Read and write' in the X developer console, then regenerate the access "
            "token and secret (a token keeps the permission it was issued with) and run doctor again"
        )
    else:
        detail = f"the X keys of {_label(account)} are {level}: {', '.join(allowed)} offered"
    return AccountPermission(account, level, (*allowed, MANUAL), tuple(refused), detail)


def check_youtube(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    from connectors import youtube as ytapi
    from flows import credentials

    keys = credentials.youtube_credentials_for_account(config, account, sandbox)
    scopes = frozenset(ytapi.refresh_sign_in(ytapi.make_youtube_client(keys, base_url=base_url), POLICY))
    actions = _platform_actions("youtube")
    allowed = [a for a in actions if allowed_by(ACTIONS[a], None, scopes)]
    refused = [a for a in actions if a not in allowed]
    shown = ", ".join(s.rsplit("/", 1)[-1] for s in sorted(scopes)) or "no YouTube scope"
    if refused:
        detail = (
            f"the YouTube token of {_label(account)} was granted {shown}: {', '.join(refused)} not offered; sign in "
            "again with `socialaudit auth youtube --client-secrets FILE` as the channel owner (it asks for "
            "youtube.force-ssl) and run doctor again"
        )
    else:
        detail = f"the YouTube token of {_label(account)} was granted {shown}: {', '.join(allowed)} offered"
    return AccountPermission(account, " ".join(sorted(scopes)), (*allowed, MANUAL), tuple(refused), detail)


def check_account(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    if account.platform == "x":
        return check_x(config, account, sandbox, base_url)
    return check_youtube(config, account, sandbox, base_url)


def record(
    db: Path, found: list[AccountPermission], checked_by: str, timeout: float = 10.0, publish: bool = True
) -> None:
    """Keep what was found in the warehouse (one short write) and, unless the caller publishes anyway, in the
    read-only copy the review app reads."""
    from warehouse.remediations import record_permission
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


def doctor_checks(
    config: SchoolConfig, sandbox: bool, base_url: str | None, db: Path
) -> list[tuple[str, bool, str, bool]]:
    """(area, ok, message, warning) per account for `socialaudit doctor`: actions the credentials do not allow
    are a warning (a school may choose to act by hand only), and so is a check that fails (the credentials' own line
    says what to fix)."""
    lines: list[tuple[str, bool, str, bool]] = []
    found: list[AccountPermission] = []
    for account in config.accounts:
        area = f"actions through {'X' if account.platform == 'x' else 'YouTube'} {_label(account)}"
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
