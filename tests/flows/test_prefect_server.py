"""The temporary Prefect server's answer to a write SQLite refused for now: a 503 saying when to try again, which
Prefect's own client takes instead of its 2, 4, 8 s back-off (what held a trust's schools back)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from prefect.client.base import PrefectHttpxAsyncClient

from flows.prefect_server import (
    RETRY_AFTER_SECONDS,
    SERVER_APP,
    RetryAfterWhenBusy,
    create_app,
    uvicorn_arguments,
)


class BusyOnce:
    """An ASGI app refusing its first request (503, as Prefect's server answers SQLITE_BUSY_SNAPSHOT)."""

    def __init__(self, status: int = 503, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.calls = 0
        self.status = status
        self.headers = headers or []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        self.calls += 1
        status = self.status if self.calls == 1 else 200
        await send({"type": "http.response.start", "status": status, "headers": list(self.headers)})
        await send({"type": "http.response.body", "body": b"{}"})


def _waits_of_prefects_client(app: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[float]]:
    """(status, seconds Prefect's client waited before each retry) for one POST to `app`."""
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("prefect.client.base.anyio.sleep", recorded_sleep)

    async def post() -> int:
        transport = httpx.ASGITransport(app=app)
        async with PrefectHttpxAsyncClient(transport=transport, base_url="http://server") as client:
            return (await client.post("/api/flow_runs/", json={})).status_code

    return asyncio.run(post()), waits


def test_prefects_client_waits_as_the_busy_answer_says_not_its_own_back_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, waits = _waits_of_prefects_client(RetryAfterWhenBusy(BusyOnce()), monkeypatch)
    assert status == 200
    assert len(waits) == 1
    assert RETRY_AFTER_SECONDS <= waits[0] <= RETRY_AFTER_SECONDS * 1.5
    # Without the answer saying when, the same client waits its own back-off, from 2 s (what the wrapper saves).
    status, waits = _waits_of_prefects_client(BusyOnce(), monkeypatch)
    assert status == 200 and len(waits) == 1 and waits[0] > RETRY_AFTER_SECONDS * 1.5


def test_only_a_503_without_its_own_retry_after_is_given_one() -> None:
    async def start_message(app: Any) -> dict[str, Any]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        await RetryAfterWhenBusy(app)({"type": "http", "method": "GET", "path": "/"}, receive, send)
        return sent[0]

    refused = asyncio.run(start_message(BusyOnce()))
    assert (b"retry-after", str(RETRY_AFTER_SECONDS).encode()) in refused["headers"]
    answered = asyncio.run(start_message(BusyOnce(status=200)))
    assert answered["headers"] == []
    own = asyncio.run(start_message(BusyOnce(headers=[(b"Retry-After", b"30")])))
    assert own["headers"] == [(b"Retry-After", b"30")]
    unauthorised = asyncio.run(start_message(BusyOnce(status=401)))
    assert unauthorised["headers"] == []


def test_the_server_process_serves_prefects_app_through_the_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    arguments = uvicorn_arguments(type("Server", (), {"port": 4200})())
    assert arguments[arguments.index("--factory") + 1] == SERVER_APP == "flows.prefect_server:create_app"
    # Prefect's app itself is not built here (it sets up logging for the whole process): a stand-in shows the
    # factory wraps whatever Prefect's factory makes; tests/e2e/test_temporary_prefect_server.py serves the real one.
    prefects_app = object()
    monkeypatch.setattr("prefect.server.api.server.create_app", lambda: prefects_app)
    app = create_app()
    assert isinstance(app, RetryAfterWhenBusy) and app.app is prefects_app
