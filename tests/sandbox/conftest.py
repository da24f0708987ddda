"""Fixtures for sandbox tests: the tiny dataset, a sandbox serving it, and a sandbox with faults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.server import FaultPlan, SandboxServer
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("tiny") / "dataset")


@pytest.fixture(scope="module")
def sandbox(tiny_dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tiny_dataset) as server:
        yield server


@pytest.fixture
def faulty_sandbox(tiny_dataset: Path) -> Iterator[Any]:
    """Starts a fresh server per fault plan: `faulty_sandbox(Fault(...), ...)`."""
    servers: list[SandboxServer] = []

    def start(*faults: Any) -> SandboxServer:
        server = SandboxServer(tiny_dataset, faults=FaultPlan(list(faults))).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
