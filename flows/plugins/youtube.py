"""YouTube's plug-in for the flows: the channel the owner's token signs in as, and YouTube's actions."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from connectors import youtube as ytapi
from connectors import youtube_actions
from connectors.actions import WriteAnswer
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from flows import credentials
from flows.config.school import Account, SchoolConfig
from flows.offline import Endpoints
from flows.plugins.plug import PlatformPlug
from flows.remediation_permissions import POLICY, AccountPermission, account_label, platform_actions
from flows.school_run_log import withheld_from_prefect
from platforms import YOUTUBE
from warehouse.remediation.actions import ACTIONS, MANUAL, allowed_by
from warehouse.state import WarehouseState

REJECT_COMMENT, REJECT_AND_BAN = "reject-comment", "reject-comment-ban-author"
VIDEO_STATUS_CHANGES: dict[str, dict[str, Any]] = {
    "make-video-private": {"privacyStatus": "private"},
    "set-made-for-kids": {"selfDeclaredMadeForKids": True},
}


@task(name="fetch-youtube-channel", cache_policy=NO_CACHE)
@withheld_from_prefect
def fetch_youtube_channel(
    account: Account, endpoints: Endpoints, policy: RetryPolicy, state: WarehouseState, config: SchoolConfig
) -> StreamReads:
    """The channel the owner's token signs in as (`mine=true`, in the sandbox too), and the quota each stream
    spent. Every video is listed each week (`state` is not needed: an unchanged thumbnail is not fetched again)."""
    creds = credentials.youtube_credentials_for_account(config, account, endpoints.sandbox)
    meter = ytapi.QuotaMeter()
    youtube = ytapi.make_youtube_client(creds, base_url=endpoints.youtube_base_url, meter=meter)
    reads = StreamReads("youtube", account.id)
    ytapi.channel_streams(youtube, account.id, policy, mine=True, reads=reads)
    reads.quota_units = dict(meter.units)
    return reads


def send(
    config: SchoolConfig,
    account: Account,
    sandbox: bool,
    base_url: str | None,
    action: str,
    targets: list[str],
) -> WriteAnswer:
    youtube = ytapi.make_youtube_client(
        credentials.youtube_credentials_for_account(config, account, sandbox), base_url
    )
    if action in (REJECT_COMMENT, REJECT_AND_BAN):
        return youtube_actions.reject_comments(youtube, targets, action == REJECT_AND_BAN)
    return youtube_actions.update_video_status(youtube, targets[0], VIDEO_STATUS_CHANGES[action])


def check_permissions(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    keys = credentials.youtube_credentials_for_account(config, account, sandbox)
    scopes = frozenset(ytapi.refresh_sign_in(ytapi.make_youtube_client(keys, base_url=base_url), POLICY))
    actions = platform_actions("youtube")
    allowed = [a for a in actions if allowed_by(ACTIONS[a], None, scopes)]
    refused = [a for a in actions if a not in allowed]
    shown = ", ".join(s.rsplit("/", 1)[-1] for s in sorted(scopes)) or "no YouTube scope"
    if refused:
        detail = (
            f"the YouTube token of {account_label(account)} was granted {shown}: {', '.join(refused)} not offered; sign in "
            "again with `socialaudit auth youtube --client-secrets FILE` as the channel owner (it asks for "
            "youtube.force-ssl) and run doctor again"
        )
    else:
        detail = (
            f"the YouTube token of {account_label(account)} was granted {shown}: {', '.join(allowed)} offered"
        )
    return AccountPermission(account, " ".join(sorted(scopes)), (*allowed, MANUAL), tuple(refused), detail)


PLUG = PlatformPlug(
    YOUTUBE,
    fetch_youtube_channel,
    lambda reach: reach.youtube_base_url,
    send,
    (REJECT_COMMENT, REJECT_AND_BAN, *VIDEO_STATUS_CHANGES),
    check_permissions,
)
