"""What the flows need of a platform: how one official account is read, where its API is, how an action is sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connectors.actions import WriteAnswer
from flows.config.school import Account, SchoolConfig
from flows.offline import Endpoints
from flows.remediation_permissions import CheckAccount
from platforms import Platform

# One action on a finding: (config, the school's account, sandbox, the API's base URL, action name, targets).
SendAction = Callable[[SchoolConfig, Account, bool, str | None, str, list[str]], WriteAnswer]


@dataclass(frozen=True)
class PlatformPlug:
    """A platform's plug-in for the flows. `read_account`: the Prefect task that reads every stream of one official
    account, called as `read_account.submit(account, endpoints, policy, state, config)` and returning its
    `StreamReads` (a failed stream recorded, the others read); `base_url`: where its API is this run (None: the
    real platform); `send`: one action of warehouse/remediation/actions.py `ACTIONS` through its connector, of the
    `actions` it can send; `check_permissions`: which of them the account's credentials allow, asked of the
    platform (`socialaudit doctor`, and `remediate` before it acts)."""

    declared: Platform
    read_account: (
        Any  # a prefect Task: (Account, Endpoints, RetryPolicy, WarehouseState, SchoolConfig) -> StreamReads
    )
    base_url: Callable[[Endpoints], str | None]
    send: SendAction
    actions: tuple[str, ...]
    check_permissions: CheckAccount

    @property
    def name(self) -> str:
        return self.declared.name
