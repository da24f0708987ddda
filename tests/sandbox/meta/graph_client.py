"""Plain-HTTP helpers for talking to the Graph sandbox, and for declaring a dataset's Graph tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from sandbox.server import SandboxServer

VERSION = "v26.0"
GraphGet = Callable[..., requests.Response]


def declare_tokens(root: Path, meta: dict[str, Any]) -> None:
    (root / "sandbox.json").write_text(json.dumps({"meta": meta}), encoding="utf-8")


def getter(server: SandboxServer, token: str) -> GraphGet:
    def get(path: str, version: str = VERSION, **params: str) -> requests.Response:
        return requests.get(
            f"{server.url}/{version}{path}", params={"access_token": token, **params}, timeout=10
        )

    return get
