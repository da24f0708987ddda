"""A Graph dataset and a sandbox serving it, talked to over real sockets with requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.meta.tokens import MetaAccess, load_meta_access
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_dataset import build_graph_dataset


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
