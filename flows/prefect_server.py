"""The temporary Prefect server a command starts when no PREFECT_API_URL names a persistent one.

Prefect's own (`SubprocessASGIServer`) serves its API on a port of 127.0.0.1 with no authentication, and outlives
a run killed with SIGKILL (its stop is an exit handler, which such a kill never runs): any local user could then
read the flow runs, their logs and parameters. Ours differs in four ways:

- it requires an API auth string (`PREFECT_SERVER_API_AUTH_STRING`), random for this process and known only to it
  and the server it starts (through their environments, which other users cannot read);
- it dies with the process that started it: a watchdog thread in the server stops it when its parent is gone
  (reparented), whatever ended the parent;
- it tells a client refused because its SQLite was busy when to try again (`Retry-After`, below) instead of leaving
  it to Prefect's client's own back-off of 2, 4, 8 s;
- its own lines (its services' errors as it stops, with their tracebacks) never reach the person's terminal, which
  shows the command's own lines only; `--verbose` and `--debug` show them.

`own_temporary_server` puts ours in the place Prefect's client looks for its one temporary server, so the flow call
(or `_start_prefect_early`) starts ours.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

# The logging configuration a command puts in force unless --verbose or --debug: only its own lines on the terminal.
TERMINAL_LOGGING = Path(__file__).with_name("terminal_logging.yml")

# Run in the server's process before uvicorn: stop when the parent (argv[1]) is gone, then force the end if the
# graceful stop hangs.
WATCHDOG = """
import os, signal, sys, threading, time
parent = int(sys.argv[1])
sys.argv = ["uvicorn", *sys.argv[2:]]
def watch():
    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)
threading.Thread(target=watch, name="socialaudit-parent-watch", daemon=True).start()
from uvicorn.main import main
main()
"""


def own_temporary_server() -> None:
    """Where no persistent server is named and no temporary one exists yet: the next one started is ours."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    from prefect.server.api.server import SubprocessASGIServer

    if None in SubprocessASGIServer._instances:  # one per process: Prefect's client reuses whichever exists
        return
    auth = "socialaudit:" + secrets.token_urlsafe(32)
    os.environ["PREFECT_SERVER_API_AUTH_STRING"] = auth
    os.environ["PREFECT_API_AUTH_STRING"] = auth
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()
    _owned_server_class()()


def _owned_server_class() -> type:
    from prefect.server.api.server import SubprocessASGIServer

    class OwnedTemporaryServer(SubprocessASGIServer):
        """Prefect's temporary server, started under the watchdog and with this process's auth string."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            quiet = os.environ.get("PREFECT_LOGGING_SETTINGS_PATH") == str(TERMINAL_LOGGING)
            output = subprocess.DEVNULL if quiet else None  # None: the command's own terminal
            return subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
                [sys.executable, "-c", WATCHDOG, str(os.getpid()), *uvicorn_arguments(self)],
                env=server_environment(),
                stdout=output,
                stderr=output,
            )

    return OwnedTemporaryServer


def uvicorn_arguments(server: Any) -> list[str]:
    """Prefect's own uvicorn arguments (prefect/server/api/server.py, `_run_uvicorn_command`), serving our app."""
    import prefect

    return [
        "--app-dir",
        str(prefect.__module_path__.parent),
        "--factory",
        SERVER_APP,
        "--host",
        "127.0.0.1",
        "--port",
        str(server.port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


# SQLite lets one writer at a time: two runs writing at once (a trust's schools starting their child flow runs) get
# SQLITE_BUSY_SNAPSHOT, which Prefect's server answers 503 and its client retries after 2 s, then 4 s, ... unless the
# answer says when (prefect/client/base.py honours Retry-After). Measured on a trust of three small schools: 2-4
# such waits a run, each holding a school back. By then the other write has committed: a second is plenty, and the
# client still gives up after its usual number of tries.
RETRY_AFTER_SECONDS = 1
SERVER_APP = f"{__name__}:create_app"  # what uvicorn serves in the server's process


class RetryAfterWhenBusy:
    """ASGI wrapper: a 503 (the server's answer to a write it could not make for now) says when to try again."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_retry_after(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] == 503:
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"retry-after" for name, _ in headers):
                    headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_retry_after)


def create_app() -> Any:
    """The app uvicorn serves in the temporary server's process: Prefect's, answering busy with Retry-After."""
    from prefect.server.api.server import create_app as prefects_app

    return RetryAfterWhenBusy(prefects_app())


def server_environment() -> dict[str, str]:
    from prefect.settings import get_current_settings

    return {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }
