"""What `socialaudit doctor` says about the schedule: can this machine's worker reach the Prefect API as the service
will (the same proxy settings, the same auth string), are both deployments there with their cron and time zone,
has a worker polled their pool lately, are the alerts installed for both flows, how did the last run end and when
is the next one.

Every call goes over plain HTTP with a short timeout and no retries, as a worker's first call would: a wrong port
or a proxy that swallows the local API shows here in seconds, not after the client's back-off. The proxy is applied
exactly as the Prefect client applies it (httpx reading HTTP(S)_PROXY and NO_PROXY from the environment).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from flows.alerts import AUTOMATION_PREFIX, DEFAULT_FLOWS

# The two deployments a school's prefect.yaml declares, by the flow each runs.
DEPLOYMENTS = {"weekly-audit": "weekly", "warehouse-backup": "backup"}
PREFECT_YAML = Path(__file__).resolve().parents[1] / "prefect.yaml"
TIMEOUT_SECONDS = 5.0
# A worker heartbeats every 30 s by default: three missed beats and it is not polling.
WORKER_SILENT_AFTER = timedelta(seconds=90)
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
LOOPBACK_NO_PROXY = "localhost,127.0.0.1,::1"


@dataclass(frozen=True)
class Line:
    area: str
    ok: bool
    message: str
    warning: bool = False

    def as_tuple(self) -> tuple[str, bool, str, bool]:
        return (self.area, self.ok, self.message, self.warning)


class ApiRefused(Exception):
    """The API answered, but not with what was asked (the message says what to fix)."""


def proxied(api_url: str) -> str | None:
    """The proxy the Prefect client would send `api_url` through, or None (NO_PROXY covers it, or no proxy)."""
    with httpx.Client() as client:
        transport = client._transport_for_url(httpx.URL(api_url))
        if transport is client._transport:
            return None
    return next((os.environ[name] for name in PROXY_VARIABLES if os.environ.get(name)), "a proxy")


def check_proxy(api_url: str) -> Line | None:
    through = proxied(api_url)
    if through is None:
        return None
    host = urlsplit(api_url).hostname or api_url
    return Line(
        "schedule proxy",
        False,
        f"the Prefect API ({host}) would be reached through the proxy {through}, which cannot reach this machine's "
        f"local API: add {host} to NO_PROXY (e.g. NO_PROXY={LOOPBACK_NO_PROXY} for a server on this machine) in "
        "/etc/socialaudit/socialaudit.env and in the shell, so the proxy carries only the platforms' calls",
    )


class Api:
    """The Prefect REST API with the auth string the worker sends (PREFECT_API_AUTH_STRING)."""

    def __init__(self, url: str, auth: str | None) -> None:
        headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
        self.url = url.rstrip("/")
        self.client = httpx.Client(headers=headers, timeout=TIMEOUT_SECONDS)

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.client.request(method, f"{self.url}{path}", json=body)
        if response.status_code == 401:
            have = (
                "is set but the server refuses it"
                if self.client.headers.get("Authorization")
                else "is not set"
            )
            raise ApiRefused(
                f"PREFECT_API_AUTH_STRING {have}: set it to the value of PREFECT_SERVER_API_AUTH_STRING "
                "(/etc/socialaudit/prefect-server.env) in /etc/socialaudit/socialaudit.env and in the shell"
            )
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ApiRefused(f"{method} {path} answered {response.status_code}: {response.text[:200]}")
        return response.json()


def check_reachable(api: Api) -> Line:
    try:
        version = api.call("GET", "/admin/version")
    except httpx.ConnectError:
        return Line(
            "schedule API",
            False,
            f"nothing answers at {api.url}: is prefect-server.service running, and is the port in PREFECT_API_URL "
            "the one it listens on (--port, 4200 by default)?",
        )
    except httpx.TimeoutException:
        return Line("schedule API", False, f"{api.url} did not answer within {TIMEOUT_SECONDS:g} s")
    except (ApiRefused, httpx.HTTPError) as error:
        return Line("schedule API", False, str(error))
    if version is None:
        return Line(
            "schedule API", False, f"{api.url} answers but is not a Prefect API: end PREFECT_API_URL in /api"
        )
    return Line("schedule API", True, f"{api.url} answers with the auth string (Prefect {version})")


def _declared_schedules() -> dict[str, tuple[str, str | None]]:
    """The cron and time zone prefect.yaml gives each deployment, where the checkout has one."""
    if not PREFECT_YAML.exists():
        return {}
    declared = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8")) or {}
    found: dict[str, tuple[str, str | None]] = {}
    for deployment in declared.get("deployments") or []:
        for schedule in deployment.get("schedules") or []:
            if "cron" in schedule:
                found[str(deployment.get("name"))] = (str(schedule["cron"]), schedule.get("timezone"))
    return found


def _when(text: str | None) -> str:
    if not text:
        return "an unknown time"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")


def _runs(api: Api, deployment_id: str, types: dict[str, list[str]], sort: str) -> list[dict[str, Any]]:
    body = {
        "deployments": {"id": {"any_": [deployment_id]}},
        "flow_runs": {"state": {"type": types}},
        "sort": sort,
        "limit": 1,
    }
    return list(api.call("POST", "/flow_runs/filter", body) or [])


def check_deployment(
    api: Api,
    flow: str,
    name: str,
    deployment: dict[str, Any] | None,
    declared: dict[str, tuple[str, str | None]],
) -> list[Line]:
    """`deployment`: the API's record of `flow/name`, None when it is not deployed."""
    area = f"schedule {flow}/{name}"
    if deployment is None:
        return [Line(area, False, "not deployed: run `prefect --no-prompt deploy --all` from the checkout")]
    crons = [
        (s["schedule"].get("cron"), s["schedule"].get("timezone"))
        for s in deployment.get("schedules") or []
        if s.get("active") and s.get("schedule", {}).get("cron")
    ]
    if deployment.get("paused") or not crons:
        return [
            Line(
                area, False, "deployed but paused or with no active schedule: `prefect deployment resume` it"
            )
        ]
    cron, zone = crons[0]
    if not zone:
        return [
            Line(area, False, f"cron {cron} has no time zone, so it runs in UTC: deploy prefect.yaml again")
        ]
    wanted = declared.get(name)
    if wanted and (cron, zone) != wanted:
        return [
            Line(
                area,
                False,
                f"cron {cron} {zone}, but prefect.yaml says {wanted[0]} {wanted[1]}: deploy it again",
            )
        ]
    finished = _runs(api, deployment["id"], {"not_any_": ["SCHEDULED", "PENDING"]}, "START_TIME_DESC")
    upcoming = _runs(api, deployment["id"], {"any_": ["SCHEDULED"]}, "EXPECTED_START_TIME_ASC")
    last = (
        f"the last run ended {finished[0]['state']['name']} at {_when(finished[0]['state'].get('timestamp'))}"
        if finished
        else "no run yet"
    )
    lines = [Line(area, True, f"cron {cron} {zone}; {last}")]
    if finished and finished[0]["state"]["type"] in ("FAILED", "CRASHED"):
        lines.append(
            Line(area, True, f"{last}: read its log in Prefect and run it again once fixed", warning=True)
        )
    if not upcoming:
        lines.append(
            Line(
                area,
                False,
                "no run is scheduled: is the server's scheduler running (prefect-server)? Just after a deploy, it makes the runs on its next pass (a minute or so)",
            )
        )
    else:
        lines.append(Line(area, True, f"next run at {_when(upcoming[0].get('expected_start_time'))}"))
    return lines


def check_worker(api: Api, pool: str) -> list[Line]:
    area = f"schedule worker ({pool})"
    workers = api.call("POST", f"/work_pools/{pool}/workers/filter", {"limit": 50})
    if workers is None:
        return [
            Line(
                area, False, f"there is no work pool {pool}: `prefect work-pool create {pool} --type process`"
            )
        ]
    now = datetime.now(UTC)
    beats = [
        datetime.fromisoformat(w["last_heartbeat_time"].replace("Z", "+00:00"))
        for w in workers
        if w.get("last_heartbeat_time")
    ]
    latest = max(beats, default=None)
    if latest is None or now - latest > WORKER_SILENT_AFTER:
        since = f"since {latest:%Y-%m-%d %H:%M} UTC" if latest else "ever"
        return [
            Line(
                area,
                False,
                f"no worker has polled the pool {since}: start it (systemctl start socialaudit-worker) and read "
                "its log (journalctl -u socialaudit-worker) if it stops",
            )
        ]
    return [Line(area, True, f"a worker polled the pool {int((now - latest).total_seconds())} s ago")]


def check_alerts(api: Api, flows: tuple[str, ...] = DEFAULT_FLOWS) -> list[Line]:
    automations = api.call("POST", "/automations/filter", {}) or []
    enabled = [
        a["name"] for a in automations if a.get("enabled") and a["name"].startswith(f"{AUTOMATION_PREFIX}: ")
    ]
    lines = []
    for flow in flows:
        failed = f"{AUTOMATION_PREFIX}: {flow} failed or crashed" in enabled
        missing = any(
            name.startswith(f"{AUTOMATION_PREFIX}: no {flow} run completed in ") for name in enabled
        )
        if failed and missing:
            lines.append(
                Line(f"schedule alerts ({flow})", True, "failed or crashed, and no run within its window")
            )
        else:
            lines.append(
                Line(
                    f"schedule alerts ({flow})",
                    False,
                    f"no alert is installed for {flow}: run `socialaudit alerts install --teams` (or --webhook, "
                    "--block) so a failed or missing run is heard",
                )
            )
    return lines


def schedule_checks(
    api_url: str, auth: str | None, deployments: dict[str, str] = DEPLOYMENTS
) -> list[tuple[str, bool, str, bool]]:
    """One line per fault, each with what to do; an unreachable API is one line and nothing after it."""
    lines: list[Line] = []
    if proxy := check_proxy(api_url):
        lines.append(proxy)
    api = Api(api_url, auth)
    try:
        reachable = check_reachable(api)
        lines.append(reachable)
        if reachable.ok:
            declared = _declared_schedules()
            found: dict[str, dict[str, Any] | None] = {}

            def deployment_lines(flow: str, name: str) -> list[Line]:
                found[flow] = api.call("GET", f"/deployments/name/{flow}/{name}")
                return check_deployment(api, flow, name, found[flow], declared)

            for flow, name in deployments.items():
                lines += _reported(partial(deployment_lines, flow, name))
            # The pools the deployments run on, each once (a deployment served by `serve()` has none).
            pools = dict.fromkeys(
                d["work_pool_name"] for d in found.values() if d and d.get("work_pool_name")
            )
            lines += _reported(lambda: [line for pool in pools for line in check_worker(api, pool)])
            lines += _reported(lambda: check_alerts(api, tuple(deployments)))
    finally:
        api.close()
    return [line.as_tuple() for line in lines]


def _reported(step: Callable[[], list[Line]]) -> list[Line]:
    """A step's lines, or one line saying how the API refused it (the other steps still run)."""
    try:
        return step()
    except (ApiRefused, httpx.HTTPError) as error:
        return [Line("schedule", False, " ".join(str(error).split()))]
