"""Alerts on the scheduled flows (the weekly audit and the weekly backup; a trust's audit), as Prefect automations:
a run that failed or crashed, a run that ended Partial (only for the flows that can), and no run that completed
within its window (the worker or the server was down, the schedule was paused). Each flow's alerts say, in its own
words, what failed and what to do.

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
DEFAULT_WINDOW = timedelta(days=8)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


@dataclass(frozen=True)
class FlowAlerts:
    """What the alerts on one flow say: each flow's failure means something else and asks for something else."""

    flow: str
    what: str  # "the weekly audit", in a sentence
    failed_subject: str
    failed_body: str
    no_run_subject: str
    no_run_body: str
    partial_subject: str | None = None  # None: the flow never ends Partial, so no automation waits for it
    partial_body: str | None = None


# Prefect's link is None when the server was started without PREFECT_UI_URL (deploy/prefect-server.service sets it).
NO_LINK = "no link: set PREFECT_UI_URL where the Prefect server runs"
_LINK = "({{ flow_run|ui_url or '" + NO_LINK + "' }})"
WEEKLY = FlowAlerts(
    flow="weekly-audit",
    what="the weekly audit",
    failed_subject="socialaudit: the weekly audit did not complete",
    failed_body=(
        "The {{ flow.name }} run {{ flow_run.name }} ended {{ flow_run.state.name }} at "
        "{{ flow_run.state.timestamp }}. Its outputs may not be published this week: read the run's log in Prefect "
        f"{_LINK}, fix the cause, and run the week again (the ETL's guide, when a run fails)."
    ),
    partial_subject="socialaudit: a partial audit this week",
    partial_body=(
        "The run {{ flow_run.name }} ended Partial at {{ flow_run.state.timestamp }}: a stream could not be read, "
        "so this week's report says at the top what was not looked at. Fix the cause it names and run the week "
        f"again {_LINK}."
    ),
    no_run_subject="socialaudit: no weekly audit has completed",
    no_run_body=(
        "No weekly-audit run has completed in the last {window}: the schedule may not have fired (the Prefect "
        "worker or server was down, the deployment was paused) or every run failed. Check `socialaudit doctor` "
        "and the worker."
    ),
)
BACKUP = FlowAlerts(
    flow="warehouse-backup",
    what="the weekly backup",
    failed_subject="socialaudit: the weekly backup failed",
    failed_body=(
        "The backup run {{ flow_run.name }} ended {{ flow_run.state.name }} at {{ flow_run.state.timestamp }}: "
        "no new backup of the warehouse was written, and the last good one grows older. Read the run's log in "
        f"Prefect {_LINK}: the usual causes are a missing backup key (SOCIALAUDIT_BACKUP_KEY), a full or "
        "read-only backup folder, or the warehouse key. Fix it and run the backup deployment again "
        "(prefect deployment run warehouse-backup/backup); the weekly audit is not affected."
    ),
    no_run_subject="socialaudit: no backup has completed",
    no_run_body=(
        "No warehouse-backup run has completed in the last {window}: the newest backup is older than that. The "
        "schedule may not have fired (the Prefect worker or server was down, the deployment was paused) or every "
        "backup failed. Check `socialaudit doctor` and the worker."
    ),
)
TRUST = FlowAlerts(
    flow="trust-audit",
    what="the trust's weekly audit",
    failed_subject="socialaudit: the trust's audit did not complete",
    failed_body=(
        "The trust run {{ flow_run.name }} ended {{ flow_run.state.name }} at {{ flow_run.state.timestamp }}: "
        "one or more schools were not audited (each school's own weekly-audit run says which). Read the runs' "
        f"logs in Prefect {_LINK}, fix the cause, and run the trust again."
    ),
    partial_subject="socialaudit: a partial trust audit this week",
    partial_body=(
        "The trust run {{ flow_run.name }} ended Partial at {{ flow_run.state.timestamp }}: a school's stream "
        "could not be read. Each school's report says at the top what was not looked at; fix the cause and run "
        f"the trust again {_LINK}."
    ),
    no_run_subject="socialaudit: no trust audit has completed",
    no_run_body=(
        "No trust-audit run has completed in the last {window}: the schedule may not have fired or every run "
        "failed. Check the workers and `prefect deployment inspect`."
    ),
)
FLOW_ALERTS = {alerts.flow: alerts for alerts in (WEEKLY, BACKUP, TRUST)}
# A school's two deployments (prefect.yaml): the audit and the backup are both watched unless told otherwise.
DEFAULT_FLOWS = (WEEKLY.flow, BACKUP.flow)


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
        raise AlertsRefused(f"the {kind} URL must be an http(s) address")
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


def alerts_for(flow: str) -> FlowAlerts:
    try:
        return FLOW_ALERTS[flow]
    except KeyError:
        known = ", ".join(FLOW_ALERTS)
        raise AlertsRefused(f"no alerts are written for a flow named {flow!r}: choose from {known}") from None


def automation_names(flow: str, window: timedelta) -> list[str]:
    """The names `automations_for` gives, by which `doctor` and a new install find them."""
    alerts = alerts_for(flow)
    names = [f"{AUTOMATION_PREFIX}: {flow} failed or crashed"]
    if alerts.partial_subject:
        names.append(f"{AUTOMATION_PREFIX}: {flow} partial")
    return [*names, f"{AUTOMATION_PREFIX}: no {flow} run completed in {describe_window(window)}"]


def automations_for(flows: tuple[str, ...], window: timedelta, block_id: UUID) -> list[AutomationCore]:
    """Each flow's automations (by flow name, however its runs were started), in that flow's own words: failed or
    crashed, partial where the flow can end Partial, and no completed run within `window`."""

    def send(subject: str, body: str) -> list[Any]:
        return [SendNotification(block_document_id=block_id, subject=subject, body=body)]

    made: list[AutomationCore] = []
    for flow in flows:
        alerts = alerts_for(flow)
        names = automation_names(flow, window)
        of_flow: dict[str, str | list[str]] = {
            "prefect.resource.role": "flow",
            "prefect.resource.name": [flow],
        }
        made.append(
            AutomationCore(
                name=names[0],
                description=f"A run of {alerts.what} ended Failed (including NotPublished) or Crashed.",
                trigger=_on_runs(
                    {"prefect.flow-run.*"}, of_flow, {"prefect.state-type": ["FAILED", "CRASHED"]}
                ),
                actions=send(alerts.failed_subject, alerts.failed_body),
            )
        )
        if alerts.partial_subject and alerts.partial_body:
            made.append(
                AutomationCore(
                    name=names[1],
                    description=f"A run of {alerts.what} completed partially (a stream could not be read).",
                    trigger=_on_runs({"prefect.flow-run.Partial"}, of_flow),
                    actions=send(alerts.partial_subject, alerts.partial_body),
                )
            )
        made.append(
            AutomationCore(
                name=names[-1],
                description=f"No run of {alerts.what} completed (or ended Partial) within its window.",
                trigger=EventTrigger(
                    expect={"prefect.flow-run.Completed", "prefect.flow-run.Partial"},
                    match={"prefect.resource.id": "prefect.flow-run.*"},
                    match_related=of_flow,
                    posture=Posture.Proactive,
                    threshold=1,
                    within=window,
                ),
                actions=send(
                    alerts.no_run_subject, alerts.no_run_body.format(window=describe_window(window))
                ),
            )
        )
    return made


def install_alerts(
    kind: str, url: str | None, existing: str | None, flows: tuple[str, ...], window: timedelta
) -> Installed:
    """Save the block, replace any socialaudit automations on these flows, create theirs; idempotent."""
    for flow in flows:
        alerts_for(flow)  # an unknown flow is refused before anything is saved
    block = notification_block(kind, url, existing)
    block_id = block._block_document_id
    if block_id is None:
        raise AlertsRefused("the notification block has no id on the server")
    wanted = automations_for(flows, window, block_id)
    with get_client(sync_client=True) as client:
        for automation in client.read_automations():
            if _watches_any(automation.name, flows):
                client.delete_automation(automation.id)
        created = [(automation.name, client.create_automation(automation)) for automation in wanted]
    return Installed(block=block._block_document_name or existing or ALERT_BLOCK, automations=created)


def _watches_any(name: str, flows: tuple[str, ...]) -> bool:
    """A socialaudit automation on one of `flows` (also one an earlier install made for several flows at once)."""
    return name.startswith(f"{AUTOMATION_PREFIX}: ") and any(
        re.search(rf"(?<![\w-]){re.escape(flow)}(?![\w-])", name) for flow in flows
    )


def installed_alerts() -> list[dict[str, Any]]:
    """socialaudit's automations on the server: name, enabled, trigger in a line."""
    with get_client(sync_client=True) as client:
        return [
            {"name": a.name, "enabled": a.enabled, "trigger": a.trigger.describe_for_cli().strip()}
            for a in client.read_automations()
            if a.name.startswith(f"{AUTOMATION_PREFIX}: ")
        ]
