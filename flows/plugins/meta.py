"""What the Facebook and Instagram plug-ins share: the Graph client on the account's token, the permission check
(`GET /debug_token`, one call) and the writes on a finding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connectors import meta as graph
from connectors import meta_actions
from connectors.actions import WriteAnswer
from connectors.meta_token import TokenInspection, inspect_token
from connectors.streams import StreamFailure
from flows.config.school import Account, SchoolConfig
from flows.meta_credentials import meta_places, meta_token_for_account
from flows.remediation_permissions import POLICY, AccountPermission, account_label, platform_actions
from warehouse.remediation.actions import ACTIONS, MANUAL, allowed_by

# A Meta token this close to its end is worth renewing before the next weekly run.
TOKEN_WARN_DAYS = 14


def graph_api(config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None) -> Any:
    return graph.make_graph_api(meta_token_for_account(config, account, sandbox), base_url)


def send(
    config: SchoolConfig,
    account: Account,
    sandbox: bool,
    base_url: str | None,
    action: str,
    targets: list[str],
) -> WriteAnswer:
    """The action on its one target (a comment, a post, a media)."""
    return meta_actions.write(graph_api(config, account, sandbox, base_url), action, targets[0])


def inspect(config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None) -> TokenInspection:
    """What Meta says of the account's token (`GET /debug_token`, one call); refused when it is not this account's
    Page token."""
    token = meta_token_for_account(config, account, sandbox)
    found = inspect_token(graph.make_graph_api(token, base_url), token, POLICY, account.platform)
    wrong = found.not_for(account.platform, account.id)
    if wrong:
        raise RuntimeError(
            f"the Meta token in {meta_places(config, account)} is not for {account_label(account)}: {wrong}; make "
            "the Page token of the school's Page (docs/production.md §2) and save it there"
        )
    return found


def check_permissions(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    granted = inspect(config, account, sandbox, base_url).scopes_on(account.platform, account.id)
    actions = platform_actions(account.platform)
    allowed = [a for a in actions if allowed_by(ACTIONS[a], None, granted)]
    refused = [a for a in actions if a not in allowed]
    shown = ", ".join(sorted(granted)) or "no permission"
    detail = f"the Meta token of {account_label(account)} holds {shown}: "
    if refused:
        needs = sorted({s for a in refused for s in ACTIONS[a].scopes})
        detail += (
            f"{', '.join(refused)} not offered; make a new Page token granting {', '.join(needs)} "
            f"(docs/production.md §2) and save it in {meta_places(config, account)}"
        )
    elif allowed:
        detail += f"{', '.join(allowed)} offered"
    else:
        detail += "no action through the API is offered on this platform (only the manual step)"
    return AccountPermission(account, " ".join(sorted(granted)), (*allowed, MANUAL), tuple(refused), detail)


def credentials_check(
    config: object, account: object, sandbox: bool, base_url: str | None
) -> tuple[bool, str, bool]:
    """`socialaudit doctor`'s line for a Meta account, as (ok, message, warning), in one call (`GET /debug_token`):
    the token valid, a Page token of this Page (or of the Page linked to this Instagram account), holding what the
    weekly read needs, and how long it lasts (a warning inside `TOKEN_WARN_DAYS`)."""
    assert isinstance(config, SchoolConfig) and isinstance(account, Account)
    try:
        found = inspect(config, account, sandbox, base_url)
    except Exception as error:
        return False, " ".join(str(error).split()) or type(error).__name__, False
    missing = found.missing_for_reading(account.platform, account.id)
    if missing:
        return (
            False,
            f"the Page token lacks {', '.join(missing)} on {account.id}: make a new Page token granting them "
            f"(docs/production.md §2) and save it in {meta_places(config, account)}",
            False,
        )
    now = datetime.now(UTC)
    ends = [t for t in (found.expires_at, found.data_access_expires_at) if t is not None]
    soon = any(t - now < timedelta(days=TOKEN_WARN_DAYS) for t in ends)
    message = (
        f"debug_token answered: a Page token of Page {found.profile_id} holding what the weekly read needs; "
        f"it {found.expiry_line(now)}"
    )
    if soon:
        message += f"; make a new one before then (docs/production.md §2) and save it in {meta_places(config, account)}"
    return True, message, soon


def not_read(platform: str, account_id: str, reason: str) -> StreamFailure:
    """The account's first stream, failed because the client cannot be made (the `meta` extra missing)."""
    first = "page" if platform == "facebook" else "account"
    return StreamFailure(platform, first, account_id, "failed", reason)
