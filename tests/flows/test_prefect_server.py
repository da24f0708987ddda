"""The temporary Prefect server's answer to a write SQLite refused for now: tried again by the server itself within a
second, and only a write still refused answered 503, saying when to try again, which Prefect's own client takes
instead of its 2, 4, 8 s back-off (what held a trust's schools back); and its SQLite connections' brief wait for a
lock another holds."""

from __future__ import annotations

import asyncio
import errno
import socket
from typing import Any

import httpx
import pytest
from prefect.client.base import PrefectHttpxAsyncClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from flows.prefect_server import (
    LARGEST_REPLAYED_BYTES,
    LOCK_WAIT_MS,
    PAUSES_WHEN_BUSY,
    RETRY_AFTER_SECONDS,
    SERVER_APP,
    RetriedWhenBusy,
    brief_lock_waits,
    create_app,
    owned_server_class,
    uvicorn_arguments,
)

NO_PAUSES = (0.0, 0.0, 0.0)


class Busy:
    """An ASGI app refusing its first `refusals` requests (503, as Prefect's server answers SQLITE_BUSY_SNAPSHOT),
    keeping the body of each request it was sent."""

    def __init__(
        self, refusals: int = 1, status: int = 503, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        self.refusals = refusals
        self.status = status
        self.headers = headers or []
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        status = self.status if len(self.bodies) <= self.refusals else 200
        await send({"type": "http.response.start", "status": status, "headers": list(self.headers)})
        await send({"type": "http.response.body", "body": b"{}"})


def _prefects_client_posting(
    app: Any, monkeypatch: pytest.MonkeyPatch, content: bytes = b"{}"
) -> tuple[httpx.Response, list[float]]:
    """(the answer, seconds Prefect's client waited before each retry) for one POST of `content` to `app`."""
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("prefect.client.base.anyio.sleep", recorded_sleep)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with PrefectHttpxAsyncClient(transport=transport, base_url="http://server") as client:
            return await client.post("/api/flow_runs/", content=content)

    return asyncio.run(post()), waits


def test_a_write_refused_once_is_answered_by_the_servers_second_try_without_the_client_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = Busy()
    answer, waits = _prefects_client_posting(RetriedWhenBusy(app), monkeypatch, b'{"name": "alder"}')
    assert answer.status_code == 200 and waits == []
    assert app.bodies == [b'{"name": "alder"}'] * 2  # the same request, sent whole again
    # The pauses grow, and all of them together come to under a second before the client is told to wait.
    assert sorted(PAUSES_WHEN_BUSY) == list(PAUSES_WHEN_BUSY) and sum(PAUSES_WHEN_BUSY) < 1


def test_prefects_own_layering_a_503_then_the_error_raised_again_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prefect's server answers 503 from Starlette's error handler, which raises the error again once it has
    answered: the wrapper meets the raise too, and tries again all the same, with the request as it first came."""
    tries: list[int] = []

    async def create_flow_run(request: Request) -> JSONResponse:
        tries.append(len(await request.body()))
        if len(tries) == 1:
            raise RuntimeError("database is locked")
        return JSONResponse({"id": "made"}, status_code=201)

    async def busy(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"exception_message": "Service Unavailable"}, status_code=503)

    # Mounted under /api as Prefect's API is: the mount writes into the request's scope as it routes.
    prefect_like = Starlette(
        routes=[Mount("/api", routes=[Route("/flow_runs/", create_flow_run, methods=["POST"])])],
        exception_handlers={Exception: busy},
    )
    answer, waits = _prefects_client_posting(RetriedWhenBusy(prefect_like, NO_PAUSES), monkeypatch)
    assert (answer.status_code, answer.json(), waits) == (201, {"id": "made"}, [])
    assert tries == [2, 2]


def test_a_write_still_refused_after_every_pause_tells_the_client_when_to_come_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = Busy(refusals=len(NO_PAUSES) + 1)
    answer, waits = _prefects_client_posting(RetriedWhenBusy(app, NO_PAUSES), monkeypatch)
    assert answer.status_code == 200 and len(app.bodies) == len(NO_PAUSES) + 2
    assert len(waits) == 1 and RETRY_AFTER_SECONDS <= waits[0] <= RETRY_AFTER_SECONDS * 1.5
    # Without the answer saying when, the same client waits its own back-off, from 2 s.
    answer, waits = _prefects_client_posting(Busy(), monkeypatch)
    assert answer.status_code == 200 and len(waits) == 1 and waits[0] > RETRY_AFTER_SECONDS * 1.5


def test_only_a_503_without_its_own_retry_after_is_given_one() -> None:
    async def start_message(app: Any) -> dict[str, Any]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        await RetriedWhenBusy(app, pauses=())({"type": "http", "method": "GET", "path": "/"}, receive, send)
        return sent[0]

    refused = asyncio.run(start_message(Busy()))
    assert (b"retry-after", str(RETRY_AFTER_SECONDS).encode()) in refused["headers"]
    answered = asyncio.run(start_message(Busy(status=200)))
    assert answered["headers"] == []
    own = asyncio.run(start_message(Busy(headers=[(b"Retry-After", b"30")])))
    assert own["headers"] == [(b"Retry-After", b"30")]
    unauthorised = asyncio.run(start_message(Busy(status=401)))
    assert unauthorised["headers"] == []


def test_a_request_too_large_to_hold_passes_through_whole_and_is_not_sent_again() -> None:
    """The server's auth is checked inside Prefect's app: a caller without it must not get any size of body held."""
    chunk = b"x" * (LARGEST_REPLAYED_BYTES // 2 + 1)
    chunks = [chunk, chunk, chunk]
    app = Busy()
    sent: list[dict[str, Any]] = []
    given: list[int] = []

    async def receive() -> dict[str, Any]:
        given.append(1)
        return {"type": "http.request", "body": chunks[len(given) - 1], "more_body": len(given) < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(
        RetriedWhenBusy(app, NO_PAUSES)({"type": "http", "method": "POST", "path": "/"}, receive, send)
    )
    assert app.bodies == [b"".join(chunks)]  # whole, and once
    assert (
        sent[0]["status"] == 503 and (b"retry-after", str(RETRY_AFTER_SECONDS).encode()) in sent[0]["headers"]
    )


def test_only_a_request_with_the_servers_auth_string_is_held_to_be_sent_again() -> None:
    """Prefect's app checks the auth string after the wrapper: a request without it (or with another, or garbled) is
    passed to the app as it comes, never buffered nor sent again; with it, a refused write is tried again."""
    import base64

    def basic(text: bytes) -> bytes:
        return b"Basic " + base64.b64encode(text)

    def sent_through(headers: list[tuple[bytes, bytes]]) -> tuple[int, int]:
        """(requests the app was sent, times the client's receive was called) for one POST refused once."""
        app = Busy()
        calls: list[int] = []

        async def receive() -> dict[str, Any]:
            calls.append(1)
            return {"type": "http.request", "body": b"{}"}

        async def send(message: dict[str, Any]) -> None:
            pass

        wrapper = RetriedWhenBusy(app, NO_PAUSES, auth_string="socialaudit:right")
        asyncio.run(
            wrapper({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive, send)
        )
        return len(app.bodies), len(calls)

    assert sent_through([(b"authorization", basic(b"socialaudit:right"))]) == (2, 1)
    for headers in (
        [],
        [(b"authorization", basic(b"socialaudit:wrong"))],
        [(b"authorization", b"Basic !!not-base64!!")],
        [(b"authorization", b"Bearer " + base64.b64encode(b"socialaudit:right"))],
    ):
        assert sent_through(headers) == (1, 1), headers


def test_after_the_body_the_app_hears_the_clients_own_messages() -> None:
    """A request sent again gets its body again; what the client sends after it (its disconnect) still reaches the
    app, which some of Prefect's answers listen for."""
    heard: list[list[str]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        heard.append([(await receive())["type"], (await receive())["type"]])
        status = 503 if len(heard) == 1 else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent_by_client: list[str] = []

    async def receive() -> dict[str, Any]:
        # As uvicorn does: the body, then the disconnect for every later look.
        sent_by_client.append("http.disconnect" if sent_by_client else "http.request")
        return {"type": sent_by_client[-1], "body": b"{}"}

    async def send(message: dict[str, Any]) -> None:
        pass

    asyncio.run(
        RetriedWhenBusy(app, NO_PAUSES)({"type": "http", "method": "POST", "path": "/"}, receive, send)
    )
    assert heard == [["http.request", "http.disconnect"], ["http.request", "http.disconnect"]]
    assert sent_by_client == ["http.request", "http.disconnect", "http.disconnect"]  # the body read once


def test_a_503_answered_and_then_raised_again_ends_there_and_keeps_the_connection() -> None:
    """Prefect's layering, on the last try: the 503 goes out with its Retry-After and the error raised after it
    stops at the wrapper (raised on, uvicorn would close the connection and the client's next request would meet a
    reset, waited out with its own back-off). An error no answer was sent for still propagates."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def answered_then_raised(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})
        raise RuntimeError("database is locked")

    async def raised_unanswered(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a defect")

    scope = {"type": "http", "method": "POST", "path": "/api/flow_runs/"}
    asyncio.run(RetriedWhenBusy(answered_then_raised, NO_PAUSES)(scope, receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"] and sent[0][
        "status"
    ] == 503
    assert (b"retry-after", str(RETRY_AFTER_SECONDS).encode()) in sent[0]["headers"]
    with pytest.raises(RuntimeError, match="a defect"):
        asyncio.run(RetriedWhenBusy(raised_unanswered, NO_PAUSES)(scope, receive, send))


def test_the_servers_sqlite_connections_wait_briefly_for_a_lock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Prefect's own connections wait 60 s for another's lock; the server's wait LOCK_WAIT_MS (two of Prefect's
    connections waiting on each other held requests the whole 60 s). A PostgreSQL database is left as it is."""
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings

    monkeypatch.setitem(MODELS_DEPENDENCIES, "database_config", None)
    with temporary_settings(
        {PREFECT_API_DATABASE_CONNECTION_URL: "postgresql+asyncpg://u@localhost/prefect"}
    ):
        brief_lock_waits()
    assert MODELS_DEPENDENCIES["database_config"] is None

    url = f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"
    with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: url}):
        brief_lock_waits()
    config = MODELS_DEPENDENCIES["database_config"]
    assert config is not None

    async def pragmas() -> tuple[int, str]:
        import sqlalchemy as sa

        engine = await config.engine()
        try:
            async with engine.connect() as connection:
                wait = (await connection.execute(sa.text("PRAGMA busy_timeout"))).scalar_one()
                journal = (await connection.execute(sa.text("PRAGMA journal_mode"))).scalar_one()
                return int(wait), str(journal)
        finally:
            await engine.dispose()

    assert asyncio.run(pragmas()) == (LOCK_WAIT_MS, "wal")  # Prefect's other pragmas kept
    assert LOCK_WAIT_MS < 60_000


def test_the_server_process_serves_prefects_app_through_the_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    arguments = uvicorn_arguments(type("Server", (), {"port": 4200})(), 7)
    assert arguments[arguments.index("--fd") + 1] == "7"
    assert arguments[arguments.index("--factory") + 1] == SERVER_APP == "flows.prefect_server:create_app"
    # Prefect's app itself is not built here (it sets up logging for the whole process): a stand-in shows the
    # factory wraps whatever Prefect's factory makes; tests/e2e/test_temporary_prefect_server.py serves the real one.
    prefects_app = object()
    monkeypatch.setattr("prefect.server.api.server.create_app", lambda final=False: prefects_app)
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES

    monkeypatch.setitem(MODELS_DEPENDENCIES, "database_config", None)  # create_app chooses this process's
    app = create_app()
    assert isinstance(app, RetriedWhenBusy) and app.app is prefects_app


def test_the_port_is_held_from_its_choice_until_the_server_serves_on_it() -> None:
    """Prefect's own checks a port is free and lets it go: another local process binding it before the server does
    then answers the run's health check, and hears its auth string and its logs. Ours keeps it bound."""
    owned = owned_server_class()
    # Made apart from Prefect's registry of one temporary server a process (whose earlier entry, any class, a plain
    # call would hand back).
    server: Any = object.__new__(owned)
    port = server.find_available_port()
    try:
        with socket.socket() as squatter, pytest.raises(OSError) as refused:
            squatter.bind(("127.0.0.1", port))
        assert refused.value.errno == errno.EADDRINUSE
        with pytest.raises(httpx.ConnectError):  # bound, not listening: refused until the server serves
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
    finally:
        server.listening.close()
