"""Every platform's plug-in for the flows, in the order platforms/ declares them; the weekly audit reads each
account through its platform's `read_account`, and `remediate` and the review app send an action through `send`.

tests/flows/test_platforms.py fails a declared platform without a plug here, or a plug that leaves a piece out.
"""

from __future__ import annotations

from flows.config.school import Account, SchoolConfig
from flows.plugins import facebook, instagram, x, youtube
from flows.plugins.plug import PlatformPlug
from flows.remediation_permissions import AccountPermission
from platforms import PLATFORMS

_PLUGGED = {plug.name: plug for plug in (x.PLUG, youtube.PLUG, facebook.PLUG, instagram.PLUG)}
PLUGS: dict[str, PlatformPlug] = {p.name: _PLUGGED[p.name] for p in PLATFORMS if p.name in _PLUGGED}


def check_account(
    config: SchoolConfig, account: Account, sandbox: bool, base_url: str | None
) -> AccountPermission:
    """Which actions the account's credentials allow, asked of its platform."""
    return PLUGS[account.platform].check_permissions(config, account, sandbox, base_url)
