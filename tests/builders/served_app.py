"""An ASGI app (the review app) served by uvicorn on 127.0.0.1 in a thread, as `socialaudit review-app` serves it."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from flows.commands.review_app import SERVER_OPTIONS
from tests.builders.ports import free_port


@contextlib.contextmanager
def served(app: Any, port: int | None = None) -> Iterator[str]:
    """The app's base URL while it is served (on `port`, else a free one); stopped on the way out."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **SERVER_OPTIONS))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the review app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
