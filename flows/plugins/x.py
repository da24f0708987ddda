"""X's plug-in for the flows: an account read with the school's keys within the run's bill, and X's actions."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors import x as xapi
from connectors import x_actions
from connectors.actions import WriteAnswer
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from connectors.x_reading import read_x_account
from flows import credentials
from flows.config.school import Account, SchoolConfig
from flows.offline import Endpoints
from flows.plugins.plug import PlatformPlug
from flows.remediation_permissions import POLICY, AccountPermission, account_label, platform_actions
from flows.school_run_log import withheld_from_prefect
from platforms import X
from warehouse.remediation.actions import ACTIONS, MANUAL, allowed_by
from warehouse.state import WarehouseState

CALLS = {
    "delete-post": x_actions.delete_post,
    "hide-reply": x_actions.hide_reply,
    "mute-account": x_actions.mute,
}


@task(name="fetch-x-account", cache_policy=NO_CACHE)
@withheld_from_prefect
def fetch_x_account(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, state: WarehouseState, config: SchoolConfig
) -> StreamReads:
    """Each stream on its own: a failed one is recorded, the others still read and stored. The posts that still
    have open exceptions are looked up by id too (X says which were deleted), inside the same spend guard."""
    creds = credentials.x_credentials_for_account(config, account, endpoints.sandbox)
    client = xapi.make_x_client(creds, base_url=endpoints.x_base_url)
    return read_x_account(
        client,
        account.id,
        policy,
        state.cursor("x", account.id, "posts"),
        config.api,
        state.open_posts(account.id),
        state.tweet_counts.get(account.id),
        state.mutual_follows.get(account.id, 0),
    )


def send(
    config: SchoolConfig,
    account: Account,
    sandbox: bool,
    base_url: str | None,
    action: str,
    targets: list[str],
) -> WriteAnswer:
    client = xapi.make_x_client(credentials.x_credentials_for_account(config, account, sandbox), base_url)
    return CALLS[action](client, targets[0])


def check_permissions(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    keys = credentials.x_credentials_for_account(config, account, sandbox)
    user, level = x_actions.access_level(xapi.make_x_client(keys, base_url=base_url), POLICY)
    if str(user.get("id")) != account.id:
        raise RuntimeError(
            f"the X keys belong to @{user.get('username')}, not {account_label(account)}: no action can be taken for the "
            f"school's account with them ({credentials.credential_places(config, account)})"
        )
    actions = platform_actions("x")
    if level is None:
        detail = (
            f"X did not say what the keys of {account_label(account)} may do (no x-access-level header): actions are "
            "offered, and the first one refused for want of write permission stops them"
        )
        return AccountPermission(account, None, (*actions, MANUAL), (), detail, known=False)
    allowed = [a for a in actions if allowed_by(ACTIONS[a], level, None)]
    refused = [a for a in actions if a not in allowed]
    if refused:
        detail = (
            f"the X keys of {account_label(account)} are {level}: {', '.join(refused)} not offered; to act through X, set "
            "the app's permissions to 'Read and write' in the X developer console, then regenerate the access "
            "token and secret (a token keeps the permission it was issued with) and run doctor again"
        )
    else:
        detail = f"the X keys of {account_label(account)} are {level}: {', '.join(allowed)} offered"
    return AccountPermission(account, level, (*allowed, MANUAL), tuple(refused), detail)


PLUG = PlatformPlug(X, fetch_x_account, lambda reach: reach.x_base_url, send, tuple(CALLS), check_permissions)
