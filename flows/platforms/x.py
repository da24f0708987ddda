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
from flows.config import Account, SchoolConfig
from flows.offline import Endpoints
from flows.platforms.plug import PlatformPlug
from flows.school_run_log import withheld_in_trust
from platforms import X
from warehouse.state import WarehouseState

CALLS = {
    "delete-post": x_actions.delete_post,
    "hide-reply": x_actions.hide_reply,
    "mute-account": x_actions.mute,
}


@task(name="fetch-x-account", cache_policy=NO_CACHE)
@withheld_in_trust
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


PLUG = PlatformPlug(X, fetch_x_account, lambda reach: reach.x_base_url, send, tuple(CALLS))
