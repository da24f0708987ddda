"""`socialaudit alerts install|status`: Prefect automations that say when the weekly audit or the weekly backup
failed, crashed, ended partial or did not complete within its window (flows/alerts.py)."""

from __future__ import annotations

import argparse
import os

NAME = "alerts"
HELP = "install (or list) the Prefect automations that alert when the weekly run fails or does not run"
URL_ENV = "SOCIALAUDIT_ALERT_URL"


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="alerts_command", required=True)
    install = actions.add_parser(
        "install",
        help="create the notification block and each watched flow's automations on the Prefect server (PREFECT_API_URL)",
        description="create the notification block and each watched flow's automations on the Prefect server "
        "(PREFECT_API_URL)",
    )
    through = install.add_mutually_exclusive_group(required=True)
    through.add_argument(
        "--teams", action="store_true", help=f"a Microsoft Teams webhook (its URL in ${URL_ENV})"
    )
    through.add_argument(
        "--webhook", action="store_true", help=f"any webhook: a JSON POST (its URL in ${URL_ENV})"
    )
    through.add_argument(
        "--block",
        metavar="TYPE/NAME",
        help="a notification block made before, e.g. sendgrid-email/dsl-alerts",
    )
    install.add_argument(
        "--url-env",
        default=URL_ENV,
        metavar="VAR",
        help=f"the variable holding the webhook URL (default {URL_ENV})",
    )
    install.add_argument(
        "--flow",
        action="append",
        metavar="FLOW",
        help="repeatable: the flows to watch (default: weekly-audit and warehouse-backup; a trust adds trust-audit)",
    )
    install.add_argument(
        "--no-run-within",
        default="8d",
        metavar="DURATION",
        help="alert when no run completed within this long (default 8d; e.g. 36h)",
    )
    actions.add_parser(
        "status",
        help="list socialaudit's automations on the Prefect server",
        description="list socialaudit's automations on the Prefect server",
    )


def run(args: argparse.Namespace) -> int:
    from flows.commands.common import prefect_defaults

    prefect_defaults()
    if not os.environ.get("PREFECT_API_URL"):
        raise RuntimeError(
            "PREFECT_API_URL is not set: alerts live in the Prefect server that schedules the runs "
            "(e.g. export PREFECT_API_URL=http://127.0.0.1:4200/api)"
        )
    from flows.alerts import DEFAULT_FLOWS, install_alerts, installed_alerts, parse_window

    if args.alerts_command == "status":
        found = installed_alerts()
        for alert in found:
            print(f"{'on ' if alert['enabled'] else 'off'} {alert['name']}: {alert['trigger']}")
        if not found:
            print("no socialaudit alerts are installed: run `socialaudit alerts install`")
        return 0
    kind = "teams" if args.teams else "webhook" if args.webhook else "block"
    window = parse_window(args.no_run_within)
    url = os.environ.get(args.url_env) if kind != "block" else None
    installed = install_alerts(kind, url, args.block, tuple(args.flow or DEFAULT_FLOWS), window)
    print(f"notification block: {installed.block}")
    for name, automation_id in installed.automations:
        print(f"automation {automation_id}: {name}")
    return 0
