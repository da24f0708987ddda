"""The offline world for `--sandbox` runs: the local API servers the connectors talk to instead of X and YouTube.

The only pipeline-side module that imports `sandbox/`, and only when a run asks for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Endpoints:
    x_base_url: str | None
    youtube_base_url: str | None
    media_base_url: str | None
    sandbox: bool


LIVE = Endpoints(None, None, None, sandbox=False)


@contextlib.contextmanager
def endpoints(dataset_dir: Path | None) -> Iterator[Endpoints]:
    """The real platforms, or a sandbox serving `dataset_dir` (faults from $SOCIALAUDIT_SANDBOX_FAULTS)."""
    if dataset_dir is None:
        yield LIVE
        return
    from sandbox.server import SandboxServer

    server = SandboxServer.from_env(dataset_dir)
    with server:
        yield Endpoints(server.url, server.url, server.url, sandbox=True)
