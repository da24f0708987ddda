"""What the Facebook and Instagram plug-ins share: the Graph client on the account's token, the permission check
(`GET /me/permissions`, one call) and the writes on a finding."""

from __future__ import annotations

from typing import Any

from connectors import meta as graph
from connectors import meta_actions
from connectors.actions import WriteAnswer
from connectors.streams import StreamFailure
from flows.config.school import Account, SchoolConfig
from flows.meta_credentials import meta_places, meta_token_for_account
from flows.remediation_permissions import POLICY, AccountPermission, account_label, platform_actions
from warehouse.remediation.actions import ACTIONS, MANUAL, allowed_by


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


def granted_permissions(api: Any, platform: str) -> frozenset[str]:
    """The permissions the token holds, in one call (`GET /me/permissions`)."""

    def ask() -> Any:
        return api.call("GET", ("me", "permissions")).json()

    answer = graph.call_with_retries(
        ask, graph.classify(platform, "permissions"), POLICY, platform, "permissions"
    )
    return frozenset(
        str(p.get("permission")) for p in (answer or {}).get("data") or [] if p.get("status") == "granted"
    )


def check_permissions(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    granted = granted_permissions(graph_api(config, account, sandbox, base_url), account.platform)
    actions = platform_actions(account.platform)
    allowed = [a for a in actions if allowed_by(ACTIONS[a], None, granted)]
    refused = [a for a in actions if a not in allowed]
    shown = ", ".join(sorted(granted)) or "no permission"
    detail = f"the Meta token of {account_label(account)} holds {shown}: "
    if refused:
        needs = sorted({s for a in refused for s in ACTIONS[a].scopes})
        detail += (
            f"{', '.join(refused)} not offered; make a new Page token granting {', '.join(needs)} "
            f"(docs/etl-setup.md) and save it in {meta_places(config, account)}"
        )
    else:
        detail += f"{', '.join(allowed)} offered"
    return AccountPermission(account, " ".join(sorted(granted)), (*allowed, MANUAL), tuple(refused), detail)


def not_read(platform: str, account_id: str, reason: str) -> StreamFailure:
    """The account's first stream, failed because the client cannot be made (the `meta` extra missing)."""
    first = "page" if platform == "facebook" else "account"
    return StreamFailure(platform, first, account_id, "failed", reason)
