"""Facebook's plug-in for the flows: a Page read with its Page token, and the Page's actions on a finding."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors.facebook_reading import read_facebook_page
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from flows.config.school import Account, SchoolConfig
from flows.offline import Endpoints
from flows.plugins import meta
from flows.plugins.plug import PlatformPlug
from flows.school_run_log import withheld_from_prefect
from platforms import FACEBOOK
from warehouse.state import WarehouseState

# The catalogue's Facebook actions (warehouse/remediation/actions.py), sent by connectors/meta_actions.py.
ACTIONS: tuple[str, ...] = ("hide-comment", "delete-comment", "delete-page-post")


@task(name="fetch-facebook-page", cache_policy=NO_CACHE)
@withheld_from_prefect
def fetch_facebook_page(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, state: WarehouseState, config: SchoolConfig
) -> StreamReads:
    """Every stream of the Page; the comments of posts unchanged since the last run are carried, not read again."""
    reads = StreamReads("facebook", account.id)
    try:
        api = meta.graph_api(config, account, endpoints.sandbox, endpoints.graph_base_url)
    except meta.graph.MetaNotInstalled as missing:
        reads.failures.append(meta.not_read("facebook", account.id, str(missing)))
        reads.stopped = str(missing)
        return reads
    return read_facebook_page(
        api,
        account.id,
        policy,
        state.cursor("facebook", account.id, "comments"),
        state.open_subjects("facebook", account.id),
        reads,
    )


PLUG = PlatformPlug(
    FACEBOOK,
    fetch_facebook_page,
    lambda reach: reach.graph_base_url,
    meta.send,
    ACTIONS,
    meta.check_permissions,
)
