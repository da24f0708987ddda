"""`socialaudit alerts install|status`: Prefect automations that say when the weekly audit or the weekly backup
failed, crashed, ended partial or did not complete within its window (flows/alerts.py)."""

from __future__ import annotations

import argparse
import os

from flows.commands.parameters import Subcommand, one_of, option

NAME = "alerts"
SECTION = "Setting up"
HELP = "install (or list) the Prefect automations that alert when the weekly run fails or does not run"
URL_ENV = "SOCIALAUDIT_ALERT_URL"


def subcommands() -> dict[str, Subcommand]:
    webhook_url = f"at URL (default: ${URL_ENV}, kept out of the shell's history)"
    return {
        "install": Subcommand(
            "create the notification block and each watched flow's automations on the Prefect server "
            "(PREFECT_API_URL)",
            [
                one_of(
                    option(
                        "--teams",
                        is_flag=False,
                        flag_value="",
                        default=None,
                        metavar="[URL]",
                        help=f"a Microsoft Teams webhook {webhook_url}",
                    ),
                    option(
                        "--webhook",
                        is_flag=False,
                        flag_value="",
                        default=None,
                        metavar="[URL]",
                        help=f"any webhook, sent a JSON POST, {webhook_url}",
                    ),
                    option(
                        "--block",
                        metavar="TYPE/NAME",
                        help="a notification block made before, e.g. sendgrid-email/dsl-alerts",
                    ),
                    required=True,
                ),
                option(
                    "--url-env",
                    default=URL_ENV,
                    metavar="VAR",
                    help=f"the variable holding the webhook URL (default {URL_ENV})",
                ),
                option(
                    "--flow",
                    multiple=True,
                    metavar="FLOW",
                    help="repeatable: the flows to watch (default: weekly-audit and warehouse-backup; a trust adds "
                    "trust-audit)",
                ),
                option(
                    "--no-run-within",
                    default="8d",
                    metavar="DURATION",
                    help="alert when no run completed within this long (default 8d; e.g. 36h)",
                ),
            ],
        ),
        "status": Subcommand("list socialaudit's automations on the Prefect server", []),
    }


def run(args: argparse.Namespace) -> int:
    from flows.commands.common import prefect_defaults

    prefect_defaults()
    if not os.environ.get("PREFECT_API_URL"):
        raise RuntimeError(
            "PREFECT_API_URL is not set: alerts live in the Prefect server that schedules the runs "
            "(e.g. export PREFECT_API_URL=http://127.0.0.1:4200/api)"
        )
    from flows.alerts import DEFAULT_FLOWS, install_alerts, installed_alerts, parse_window

    if args.action == "status":
        found = installed_alerts()
        for alert in found:
            print(f"{'on ' if alert['enabled'] else 'off'} {alert['name']}: {alert['trigger']}")
        if not found:
            print("no socialaudit alerts are installed: run `socialaudit alerts install`")
        return 0
    kind = "teams" if args.teams is not None else "webhook" if args.webhook is not None else "block"
    window = parse_window(args.no_run_within)
    url = None
    if kind != "block":
        url = args.teams or args.webhook or os.environ.get(args.url_env, "").strip()
        if not url:
            raise ValueError(f"no {kind} URL: give it after --{kind}, or put it in ${args.url_env}")
    installed = install_alerts(kind, url, args.block, tuple(args.flow or DEFAULT_FLOWS), window)
    print(f"notification block: {installed.block}")
    for name, automation_id in installed.automations:
        print(f"automation {automation_id}: {name}")
    return 0
