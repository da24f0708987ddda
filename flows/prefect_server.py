"""The Prefect server: the temporary one a command starts when no PREFECT_API_URL names a persistent one, and the
persistent one a school or a trust schedules with (`python -m flows.prefect_server`, deploy/prefect-server.service).

Prefect's own (`SubprocessASGIServer`) serves its API on a port of 127.0.0.1 with no authentication, and outlives
a run killed with SIGKILL (its stop is an exit handler, which such a kill never runs): any local user could then
read the flow runs, their logs and parameters. Ours differs:

- it requires an API auth string (`PREFECT_SERVER_API_AUTH_STRING`), random for this process and known only to it
  and the server it starts (through their environments, which other users cannot read);
- it dies with the process that started it: a watchdog thread in the server stops it when its parent is gone
  (reparented), whatever ended the parent;
- a write its SQLite refused for now (busy with another) is tried again by the server itself within a second, and
  only one still refused is answered 503, saying when to try again (`Retry-After`, below), instead of leaving it to
  Prefect's client's own back-off of 2, 4, 8 s; and a connection waits for another's lock `LOCK_WAIT_MS`, not
  Prefect's 60 s;
- its own lines (its services' errors as it stops, with their tracebacks) never reach the person's terminal, which
  shows the command's own lines only; `--verbose` and `--debug` show them;
- its port is bound by the command before the server's process starts, and handed to it open: Prefect's checks a
  port is free, then the server binds it seconds later, and whatever took it in between (another command's server,
  or a local user's listener posing as the API) answered the health check and was sent the run's auth string, its
  parameters and its logs.

`own_temporary_server` puts ours in the place Prefect's client looks for its one temporary server, so the flow call
(or `_start_prefect_early`) starts ours. The persistent server (`main`) is what `prefect server start` serves (API,
UI, scheduler and Prefect's other services) with the same tries and lock waits: a trust's workers write to it at once.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import hmac
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# The logging configuration a command puts in force unless --verbose or --debug: only its own lines on the terminal.
TERMINAL_LOGGING = Path(__file__).with_name("terminal_logging.yml")

# The server's process: stop when the parent (argv[1]) is gone, then force the end if the graceful stop hangs; serve
# on the socket the parent bound (--fd). uvicorn's own --fd takes any socket for a Unix one, so it is handed over here.
WATCHDOG = """
import os, signal, socket, sys, threading, time
parent = int(sys.argv[1])
options = dict(zip(sys.argv[2::2], sys.argv[3::2]))
def watch():
    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)
threading.Thread(target=watch, name="socialaudit-parent-watch", daemon=True).start()
listening = socket.socket(fileno=int(options["--fd"]))
sys.path.insert(0, options["--app-dir"])
import uvicorn
config = uvicorn.Config(
    options["--factory"], factory=True, host=options["--host"], port=int(options["--port"]),
    log_level=options["--log-level"], lifespan=options["--lifespan"],
)
uvicorn.Server(config).run(sockets=[listening])
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
    owned_server_class()()


# uvicorn ends a server whose app could not start (its lifespan failed: Prefect's database could not be opened or
# migrated) with its STARTUP_FAILURE status. Prefect's start reads that as "the port was taken" and starts the server
# again on another, however often, until its start-up timeout (90 s, flows/commands/common.py); ours binds its port
# itself, so the status means the app failed. It is started again this many times (a database another command was
# migrating at that moment), then the start fails with what the server said.
STARTS_AGAIN = 2


# A traceback's last line: the error raised and its message.
RAISED = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): \S")


class ServerEnded(RuntimeError):
    """Prefect's temporary server ended as it started."""


class ServerProcess(subprocess.Popen[bytes]):
    """The temporary server's process, as Prefect's start waits for it: between its health checks, Prefect asks
    `poll()` only to start a server that exited uvicorn's STARTUP_FAILURE again, and otherwise waits out its whole
    start-up timeout for a process that has already ended. Until the server answers (`started`), an end is handed to
    `ended(status, last words)`, which raises to end the wait at once or returns to let Prefect start it again."""

    def __init__(
        self, args: list[str], said: IO[bytes] | None, ended: Callable[[int, str], None], **options: Any
    ) -> None:
        super().__init__(args, stderr=said, **options)
        self.said = said
        self.ended = ended
        self.starting = True

    def started(self) -> None:
        self.starting = False

    def poll(self) -> int | None:
        status = super().poll()
        if status is not None and self.starting:
            self.starting = False
            try:
                self.ended(status, self.last_words())
            finally:
                if self.said is not None:
                    self.said.close()
        return status

    def last_words(self) -> str:
        """What the server last said on its standard error (kept by a command without --verbose): the last error
        it raised ("sqlite3.DatabaseError: file is not a database"), else its last line."""
        if self.said is None:
            return ""
        self.said.seek(0, os.SEEK_END)
        self.said.seek(max(0, self.said.tell() - 16384))
        lines = [line.strip() for line in self.said.read().decode("utf-8", errors="replace").splitlines()]
        errors = [line for line in lines if RAISED.match(line)]
        return (errors or [line for line in lines if line] or [""])[-1][:300]


def owned_server_class() -> type:
    from prefect.server.api.server import SubprocessASGIServer

    class OwnedTemporaryServer(SubprocessASGIServer):
        """Prefect's temporary server, started under the watchdog, with this process's auth string, on a socket this
        process bound; a server that ends as it starts fails the start at once, saying why (`ServerProcess`)."""

        ended_as_it_started = 0
        failed: ServerEnded | None = None

        def start(self, timeout: int | None = None) -> None:
            if self.failed is not None and not self.running:
                raise self.failed  # the command's early start met it: the flow call's start fails as it did
            super().start(timeout)
            if isinstance(self.server_process, ServerProcess):
                self.server_process.started()

        def stop(self) -> None:
            said = getattr(self.server_process, "said", None)
            super().stop()
            if said is not None:
                said.close()

        def find_available_port(self) -> int:
            self.listening = bound_socket()
            return int(self.listening.getsockname()[1])

        def _ended(self, status: int, last_words: str) -> None:
            from uvicorn.config import STARTUP_FAILURE

            self.ended_as_it_started += 1
            if status == STARTUP_FAILURE and self.ended_as_it_started <= STARTS_AGAIN:
                return
            said = f": {last_words}" if last_words else " (its lines are above)"
            self.failed = ServerEnded(
                f"Prefect's temporary server ended as it started, {self.ended_as_it_started} time(s), exit status "
                f"{status}{said}{database_named()}"
            )
            raise self.failed

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            quiet = os.environ.get("PREFECT_LOGGING_SETTINGS_PATH") == str(TERMINAL_LOGGING)
            output = subprocess.DEVNULL if quiet else None  # None: the command's own terminal
            # Quiet, what the server writes goes to a file never named (no other process can open it, and it is
            # gone with this process): read only when the server ends as it starts, for what it said.
            said = tempfile.TemporaryFile() if quiet else None  # noqa: SIM115 (the process's, for its life)
            listening = self.__dict__.pop("listening", None) or bound_socket(self.port or 0)
            try:
                return ServerProcess(
                    [
                        sys.executable,
                        "-c",
                        WATCHDOG,
                        str(os.getpid()),
                        *uvicorn_arguments(self, listening.fileno()),
                    ],
                    said,
                    self._ended,
                    env=server_environment(),
                    stdout=output,
                    pass_fds=(listening.fileno(),),
                )
            finally:
                listening.close()  # the server's process holds it now; a server started again binds a new one

    return OwnedTemporaryServer


def database_named() -> str:
    """Where Prefect's database is, when it is a SQLite file (another database's address may hold a password)."""
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = str(PREFECT_API_DATABASE_CONNECTION_URL.value() or "")
    path = url.partition(":///")[2] if url.startswith("sqlite") else ""
    return f" (Prefect's database: {path})" if path else ""


def bound_socket(port: int = 0) -> socket.socket:
    """A socket bound to `port` of 127.0.0.1 (0: one the kernel chooses), not yet listening: nothing else can bind
    that port while it is open, and a caller is refused until the server listens on it."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listening.bind(("127.0.0.1", port))
    except OSError:
        listening.close()
        raise
    return listening


def uvicorn_arguments(server: Any, fd: int) -> list[str]:
    """Prefect's own uvicorn arguments (prefect/server/api/server.py, `_run_uvicorn_command`), serving our app on the
    socket `fd` (bound to `server.port`)."""
    import prefect

    return [
        "--fd",
        str(fd),
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
# SQLITE_BUSY_SNAPSHOT, which Prefect's server answers 503 at once; its client then waits 2 s, 4 s, ... or what a
# Retry-After says. A write of Prefect's is short, so the server tries the request again itself first, after the
# pauses below (under a second in all); only a write still refused after them is answered 503, saying to come back in
# a second. Measured on a trust of three small schools: two such 503s a run, each holding a school's start back
# ~1.2 s at Retry-After: 1; tried again here, the three schools' audits began within a second of each other.
PAUSES_WHEN_BUSY = (0.01, 0.03, 0.1, 0.25, 0.5)
RETRY_AFTER_SECONDS = 1
# How long one of the server's SQLite connections waits for a lock another holds before its write is refused (and
# tried again, above). Prefect sets 60 s; its writes take milliseconds, but two of its connections can each wait on the
# other, which only the end of a wait breaks. Measured: three clients creating flow runs on two busy cores, one or two
# requests in sixty waited the whole 60 s; waiting 2 s, none over 5 s. A trust of three small schools, eleven runs each
# way in turn: waiting 60 s, two runs took 81 s and 84 s (the median 22-24 s); waiting 2 s, none over 26 s, the
# median as fast.
LOCK_WAIT_MS = 2000
# A request is held in memory to be sent again; one larger than this (Prefect's are small JSON) is passed through as
# it comes, and a 503 to it goes straight to the client. Only a request carrying the server's auth string is held:
# Prefect's app checks it after the wrapper, and a caller without it must not get a body buffered (on the persistent
# server, any caller the proxy lets through, as many at once as it likes).
LARGEST_REPLAYED_BYTES = 1 << 20
SERVER_APP = f"{__name__}:create_app"  # what uvicorn serves in the server's process


class RetriedWhenBusy:
    """ASGI wrapper: a request Prefect's app answers 503 (a write it could not make for now) is sent to it again
    after each of `PAUSES_WHEN_BUSY`; a 503 that still comes says when to try again (Retry-After)."""

    def __init__(
        self, app: Any, pauses: tuple[float, ...] = PAUSES_WHEN_BUSY, auth_string: str | None = None
    ) -> None:
        self.app = app
        self.pauses = pauses
        self.auth_string = auth_string  # the server's PREFECT_SERVER_API_AUTH_STRING, if it has one

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not _authorised(scope, self.auth_string):
            # Passed as it comes: Prefect's app answers it (a caller without the auth string: 401).
            await self.app(scope, receive, send)
            return
        read, whole = await _read_request(receive)
        pauses = self.pauses if whole else ()
        for pause in (*pauses, None):
            answer = _Answer(send, hold_busy=pause is not None)
            try:
                await self.app(_fresh(scope), _replayed(read, receive), answer.send)
            except Exception:
                # Starlette raises the error again once its handler has answered 503: held, it is tried again; sent,
                # it has been answered, and raised on it would make uvicorn close the connection, which the client
                # then meets as a reset on its next request and waits out its own back-off (2 s, 4 s, ...).
                if not (answer.held_busy or answer.sent_busy):
                    raise
            if not answer.held_busy:
                return
            await asyncio.sleep(pause or 0)


def _authorised(scope: Any, auth_string: str | None) -> bool:
    """Whether the request carries the server's auth string as Prefect's app checks it (Basic, the string itself)."""
    if auth_string is None:
        return True
    header = dict(scope.get("headers") or []).get(b"authorization", b"")
    scheme, _, credentials = header.partition(b" ")
    try:
        given = base64.b64decode(credentials.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return scheme == b"Basic" and hmac.compare_digest(given, auth_string.encode("utf-8"))


async def _read_request(receive: Any) -> tuple[list[Any], bool]:
    """The request's messages as far as its whole body, or as far as `LARGEST_REPLAYED_BYTES`; whether whole."""
    read: list[Any] = []
    size = 0
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return read, message["type"] == "http.request"
        size += len(message.get("body", b""))
        if size > LARGEST_REPLAYED_BYTES:
            return read, False


def _fresh(scope: Any) -> Any:
    """The request's scope as the server gave it: routing writes into the one it is sent (a mount's root_path),
    which sent again would then match nothing."""
    fresh = dict(scope)
    if isinstance(scope.get("state"), dict):
        fresh["state"] = dict(scope["state"])
    return fresh


def _replayed(read: list[Any], receive: Any) -> Any:
    """A receive that gives the messages read first, then whatever the client sends next (its disconnect)."""
    pending = list(read)

    async def replay() -> Any:
        return pending.pop(0) if pending else await receive()

    return replay


class _Answer:
    """Passes the app's answer on; a 503 is held back (`held_busy`) when it is to be tried again, else sent with a
    Retry-After unless it has one."""

    def __init__(self, send: Any, hold_busy: bool) -> None:
        self._send = send
        self._hold_busy = hold_busy
        self.held_busy = False
        self.sent_busy = False

    async def send(self, message: Any) -> None:
        if message["type"] == "http.response.start" and message["status"] == 503:
            if self._hold_busy:
                self.held_busy = True
                return
            headers = list(message.get("headers", []))
            if not any(name.lower() == b"retry-after" for name, _ in headers):
                headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
            message = {**message, "headers": headers}
            self.sent_busy = True
        if self.held_busy:
            return  # the rest of the held answer
        await self._send(message)


def create_app(final: bool = False) -> Any:
    """The app every Prefect server of the project serves (uvicorn's factory in the temporary server's process,
    `serve` in the persistent one's): Prefect's, a write refused for now tried again, its SQLite connections waiting
    for a lock `LOCK_WAIT_MS`. `final`: Prefect's own flag for the last app its process makes."""
    from prefect.server.api.server import create_app as prefects_app

    brief_lock_waits()
    return RetriedWhenBusy(prefects_app(final=final), auth_string=_auth_string())


def _auth_string() -> str | None:
    from prefect.settings import PREFECT_SERVER_API_AUTH_STRING

    value = PREFECT_SERVER_API_AUTH_STRING.value()
    return str(value) if value else None


def brief_lock_waits() -> None:
    """Prefect's SQLite database, as this process's server opens it, waits `LOCK_WAIT_MS` for another connection's
    lock (a PostgreSQL database, or a configuration already chosen, is left as it is)."""
    from prefect.server.database.configurations import AioSqliteConfiguration
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES
    from prefect.server.utilities.database import get_dialect
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = PREFECT_API_DATABASE_CONNECTION_URL.value()
    if MODELS_DEPENDENCIES["database_config"] is not None or get_dialect(url).name != "sqlite":
        return

    class BriefLockWaits(AioSqliteConfiguration):
        def setup_sqlite(self, conn: Any, record: Any) -> None:
            super().setup_sqlite(conn, record)  # Prefect's pragmas, its 60 s wait among them
            # The driver's own connection (aiosqlite through SQLAlchemy's adapter), not a DuckDB one.
            done = conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS};")
            conn.await_(done.close())

    MODELS_DEPENDENCIES["database_config"] = BriefLockWaits(connection_url=url)


def server_environment() -> dict[str, str]:
    from prefect.settings import get_current_settings

    return {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }


def serve(host: str, port: int) -> None:
    """Prefect's server in the foreground as `prefect server start` runs it, through `RetriedWhenBusy` and with brief
    lock waits; its settings (auth string, UI, services, retention, logging level) from the environment as Prefect's."""
    import uvicorn
    from prefect.settings import (
        PREFECT_SERVER_API_KEEPALIVE_TIMEOUT,
        PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL,
        PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT,
        PREFECT_SERVER_LOGGING_LEVEL,
    )

    uvicorn.run(
        create_app(final=True),
        host=host,
        port=port,
        timeout_keep_alive=PREFECT_SERVER_API_KEEPALIVE_TIMEOUT.value(),
        ws_ping_interval=PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL.value(),
        ws_ping_timeout=PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT.value(),
        log_level=PREFECT_SERVER_LOGGING_LEVEL.value().lower(),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.prefect_server",
        description="The persistent Prefect server socialaudit schedules with (deploy/prefect-server.service).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4200, help="the port to listen on (default 4200)")
    arguments = parser.parse_args(argv)
    serve(arguments.host, arguments.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
