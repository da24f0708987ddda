"""Alerts on the weekly run, as Prefect automations: a run that failed or crashed, a run that ended Partial, and no
run that completed within its window (the worker or the server was down, the schedule was paused).

The automations live in the Prefect server and fire there, so they work when no worker is running: that is the
point of the third. Each sends through a Prefect notification block (a Microsoft Teams webhook, any webhook, or a
block already made in the Prefect UI, e.g. an e-mail block). The messages name the flow run, its state and a link
to it, never its state message: a run's message may quote a register line, and a notification leaves the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from prefect.blocks.core import Block
from prefect.blocks.notifications import CustomWebhookNotificationBlock, MicrosoftTeamsWebhook
from prefect.client.orchestration import get_client
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

ALERT_BLOCK = "socialaudit-alerts"
AUTOMATION_PREFIX = "socialaudit"
DEFAULT_FLOWS = ("weekly-audit",)
DEFAULT_WINDOW = timedelta(days=8)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}

FAILED_BODY = (
    "The {{ flow.name }} run {{ flow_run.name }} ended {{ flow_run.state.name }} at {{ flow_run.state.timestamp }}. "
    "Its outputs may not be published this week: read the run's log in Prefect ({{ flow_run|ui_url }}), fix the "
    "cause, and run the week again (docs/production.md, section 8)."
)
PARTIAL_BODY = (
    "The run {{ flow_run.name }} ended Partial at {{ flow_run.state.timestamp }}: a stream could not be read, so "
    "this week's report says at the top what was not looked at. Fix the cause it names and run the week again "
    "({{ flow_run|ui_url }}; docs/production.md, section 8)."
)
NO_RUN_BODY = (
    "No {flows} run has completed in the last {window}: the schedule may not have fired (the Prefect worker or "
    "server was down, the deployment was paused) or every run failed. Check `prefect deployment inspect` and the "
    "worker (docs/production.md, section 11)."
)


class AlertsRefused(Exception):
    """The alerts could not be installed as asked; the message says why."""


@dataclass(frozen=True)
class Installed:
    block: str
    automations: list[tuple[str, UUID]]


def parse_window(text: str) -> timedelta:
    """`8d`, `36h`, `90m`, `30s` or a combination (`1d12h`): at least 10 seconds, as Prefect requires."""
    parts = _DURATION.findall(text.strip().lower())
    if not parts or _DURATION.sub("", text.strip().lower()).strip():
        raise AlertsRefused(f"{text!r} is not a duration such as 8d, 36h or 90m")
    window = sum((timedelta(**{_UNITS[unit]: float(value)}) for value, unit in parts), timedelta())
    if window < timedelta(seconds=10):
        raise AlertsRefused("the window must be at least 10 seconds (Prefect's shortest for a missing run)")
    return window


def describe_window(window: timedelta) -> str:
    if window % timedelta(days=1) == timedelta():
        return f"{window.days} days"
    if window % timedelta(hours=1) == timedelta():
        return f"{int(window.total_seconds() // 3600)} hours"
    return f"{int(window.total_seconds())} seconds"


def notification_block(kind: str, url: str | None, existing: str | None) -> Block:
    """The block the automations send through: saved as `socialaudit-alerts`, or one made before (TYPE/NAME)."""
    if kind == "block":
        if not existing or "/" not in existing:
            raise AlertsRefused("--block needs the block as TYPE/NAME, e.g. sendgrid-email/dsl-alerts")
        try:
            loaded: Block = Block.load(existing)  # type: ignore[assignment]  # synchronous outside an event loop
            return loaded
        except ValueError as error:
            raise AlertsRefused(f"no notification block {existing}: {error}") from None
    if not url or not url.startswith(("https://", "http://")):
        raise AlertsRefused(f"the {kind} URL must be an http(s) address (it is read from the environment)")
    if kind == "teams":
        block: Block = MicrosoftTeamsWebhook(url=url)  # type: ignore[arg-type]
    else:
        block = CustomWebhookNotificationBlock(
            name=ALERT_BLOCK,
            url=url,
            json_data={"subject": "{{subject}}", "text": "{{body}}", "source": "socialaudit"},
            headers=None,
            cookies=None,
        )
    block.save(ALERT_BLOCK, overwrite=True)
    return block


def _on_runs(
    expect: set[str], of_flows: dict[str, str | list[str]], match: dict[str, str | list[str]] | None = None
) -> EventTrigger:
    """Fires once for each run of the watched flows that emits one of `expect`."""
    return EventTrigger(
        expect=expect,
        match={"prefect.resource.id": "prefect.flow-run.*", **(match or {})},
        match_related=of_flows,
        for_each={"prefect.resource.id"},
        posture=Posture.Reactive,
        threshold=1,
    )


def automations_for(flows: tuple[str, ...], window: timedelta, block_id: UUID) -> list[AutomationCore]:
    """The three automations, on runs of `flows` (by flow name, however they were started)."""
    of_flows: dict[str, str | list[str]] = {
        "prefect.resource.role": "flow",
        "prefect.resource.name": list(flows),
    }
    names = ", ".join(flows)

    def send(subject: str, body: str) -> list[Any]:
        return [SendNotification(block_document_id=block_id, subject=subject, body=body)]

    return [
        AutomationCore(
            name=f"{AUTOMATION_PREFIX}: {names} failed or crashed",
            description="A run of the audit ended Failed (including NotPublished) or Crashed.",
            trigger=_on_runs({"prefect.flow-run.*"}, of_flows, {"prefect.state-type": ["FAILED", "CRASHED"]}),
            actions=send("socialaudit: the weekly audit did not complete", FAILED_BODY),
        ),
        AutomationCore(
            name=f"{AUTOMATION_PREFIX}: {names} partial",
            description="A run of the audit completed as a partial audit (a stream could not be read).",
            trigger=_on_runs({"prefect.flow-run.Partial"}, of_flows),
            actions=send("socialaudit: a partial audit this week", PARTIAL_BODY),
        ),
        AutomationCore(
            name=f"{AUTOMATION_PREFIX}: no {names} run completed in {describe_window(window)}",
            description="No run of the audit completed (or ended Partial) within its window.",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Completed", "prefect.flow-run.Partial"},
                match={"prefect.resource.id": "prefect.flow-run.*"},
                match_related=of_flows,
                posture=Posture.Proactive,
                threshold=1,
                within=window,
            ),
            actions=send(
                "socialaudit: no weekly audit has completed",
                NO_RUN_BODY.format(flows=names, window=describe_window(window)),
            ),
        ),
    ]


def install_alerts(
    kind: str, url: str | None, existing: str | None, flows: tuple[str, ...], window: timedelta
) -> Installed:
    """Save the block, replace any socialaudit automations on these flows, create the three; idempotent."""
    block = notification_block(kind, url, existing)
    block_id = block._block_document_id
    if block_id is None:
        raise AlertsRefused("the notification block has no id on the server")
    wanted = automations_for(flows, window, block_id)
    with get_client(sync_client=True) as client:
        replaced = {w.name for w in wanted}
        earlier_window = f"{AUTOMATION_PREFIX}: no {', '.join(flows)} run completed in "
        for automation in client.read_automations():
            if automation.name in replaced or automation.name.startswith(earlier_window):
                client.delete_automation(automation.id)
        created = [(automation.name, client.create_automation(automation)) for automation in wanted]
    return Installed(block=block._block_document_name or existing or ALERT_BLOCK, automations=created)


def installed_alerts() -> list[dict[str, Any]]:
    """socialaudit's automations on the server: name, enabled, trigger in a line."""
    with get_client(sync_client=True) as client:
        return [
            {"name": a.name, "enabled": a.enabled, "trigger": a.trigger.describe_for_cli().strip()}
            for a in client.read_automations()
            if a.name.startswith(f"{AUTOMATION_PREFIX}: ")
        ]
