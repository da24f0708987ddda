"""Stop the worker without killing the run it holds: wait until no flow run of its pool is running on this machine.

Prefect's process worker ends the flow runs it supervises when it stops, leaving them `Running` on the server with
nothing behind them (and a deployment limited to one run at a time then starts nothing until someone clears it).
deploy/socialaudit-worker.service therefore runs this as its `ExecStop`: systemd signals the worker only once
every run in hand has ended, or when `TimeoutStopSec` (longer than `--timeout`) runs out.

    python -m flows.worker_drain --pool socialaudit --timeout 7000

Exit 0 once nothing runs (at once when nothing did), 1 when the timeout passed with a run still in hand (systemd
then stops the worker all the same) or the API could not be asked.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from typing import Any

import httpx

from flows.schedule_health import Api, ApiRefused

IN_HAND = ["PENDING", "RUNNING", "CANCELLING"]
POLL_SECONDS = 5.0


def runs_in_hand(api: Api, pool: str, host: str | None) -> list[dict[str, Any]]:
    """Runs of `pool` not yet ended; with `host`, not those whose infrastructure names another machine
    (`<host>:<pid>`)."""
    body = {"work_pools": {"name": {"any_": [pool]}}, "flow_runs": {"state": {"type": {"any_": IN_HAND}}}}
    runs = api.call("POST", "/flow_runs/filter", body) or []
    if host is None:
        return list(runs)
    return [r for r in runs if _on_host(str(r.get("infrastructure_pid") or ""), host)]


def _on_host(infrastructure: str, host: str) -> bool:
    """A run whose infrastructure names no machine (a bare pid, or none yet) counts as this one's: better to wait
    for another machine's run than to stop under one of ours."""
    return ":" not in infrastructure or infrastructure.startswith(f"{host}:")


def drain(api: Api, pool: str, timeout: float, host: str | None, poll: float = POLL_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        held = runs_in_hand(api, pool, host)
        if not held:
            return True
        if time.monotonic() >= deadline:
            return False
        names = ", ".join(f"{r.get('name')} ({r['state']['name']})" for r in held)
        print(f"waiting for the run(s) in hand to end before the worker stops: {names}", flush=True)
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.worker_drain", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pool", default="socialaudit", help="the work pool the worker polls (default socialaudit)"
    )
    parser.add_argument(
        "--timeout", type=float, default=7000.0, help="seconds to wait at most (default 7000)"
    )
    parser.add_argument(
        "--any-host", action="store_true", help="wait for the pool's runs on every machine, not only this one"
    )
    args = parser.parse_args(argv)
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        print("PREFECT_API_URL is not set: nothing to ask which runs are in hand", file=sys.stderr)
        return 1
    api = Api(api_url, os.environ.get("PREFECT_API_AUTH_STRING"))
    try:
        ended = drain(api, args.pool, args.timeout, None if args.any_host else socket.gethostname())
    except (ApiRefused, httpx.HTTPError, OSError) as error:
        print(f"could not ask the Prefect API which runs are in hand: {error}", file=sys.stderr)
        return 1
    finally:
        api.close()
    if not ended:
        print(
            f"a run was still in hand after {args.timeout:g} s: the worker stops all the same",
            file=sys.stderr,
        )
    return 0 if ended else 1


if __name__ == "__main__":
    sys.exit(main())
