"""A Graph dataset and a sandbox serving it, talked to over real sockets with requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.meta.tokens import MetaAccess, load_meta_access
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_dataset import build_graph_dataset

VERSION = "v26.0"


@pytest.fixture
def graph_dataset(tmp_path: Path) -> Path:
    return build_graph_dataset(tmp_path / "graph")


@pytest.fixture
def graph(graph_dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(graph_dataset) as server:
        yield server


@pytest.fixture
def access(graph_dataset: Path) -> MetaAccess:
    return load_meta_access(graph_dataset)


def declare_tokens(root: Path, meta: dict[str, Any]) -> None:
    (root / "sandbox.json").write_text(json.dumps({"meta": meta}), encoding="utf-8")


GraphGet = Callable[..., requests.Response]


def getter(server: SandboxServer, token: str) -> GraphGet:
    def get(path: str, version: str = VERSION, **params: str) -> requests.Response:
        return requests.get(
            f"{server.url}/{version}{path}", params={"access_token": token, **params}, timeout=10
        )

    return get
