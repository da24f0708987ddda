"""Instagram's plug-in for the flows: a professional account read with the linked Page's token, and its actions."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.instagram_reading import read_instagram_account
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from flows.config.school import Account, SchoolConfig
from flows.offline import Endpoints
from flows.plugins import meta
from flows.plugins.plug import PlatformPlug
from flows.school_run_log import withheld_from_prefect
from platforms import INSTAGRAM
from warehouse.state import WarehouseState

ACTIONS: tuple[str, ...] = ("hide-ig-comment", "delete-ig-comment", "turn-off-ig-comments", "delete-ig-media")


@task(name="fetch-instagram-account", cache_policy=NO_CACHE)
@withheld_from_prefect
def fetch_instagram_account(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, state: WarehouseState, config: SchoolConfig
) -> StreamReads:
    """Every stream of the account; the comments of media unchanged since the last run are carried."""
    reads = StreamReads("instagram", account.id)
    try:
        api = meta.graph_api(config, account, endpoints.sandbox, endpoints.graph_base_url)
    except meta.graph.MetaNotInstalled as missing:
        reads.failures.append(meta.not_read("instagram", account.id, str(missing)))
        reads.stopped = str(missing)
        return reads
    return read_instagram_account(
        api,
        account.id,
        policy,
        state.cursor("instagram", account.id, "comments"),
        state.open_subjects("instagram", account.id),
        reads,
    )


PLUG = PlatformPlug(
    INSTAGRAM,
    fetch_instagram_account,
    lambda reach: reach.graph_base_url,
    meta.send,
    ACTIONS,
    meta.check_permissions,
)
