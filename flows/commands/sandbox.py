"""`socialaudit sandbox`: serve a dataset directory on the real X and YouTube API routes."""

from __future__ import annotations

import argparse
import contextlib
import threading
from pathlib import Path

NAME = "sandbox"
HELP = "serve a dataset directory on the real API routes"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--port", type=int, default=8787)


def run(args: argparse.Namespace) -> int:
    from sandbox.server import SandboxServer

    server = SandboxServer(args.dataset, port=args.port)
    with server:
        print(f"sandbox serving {args.dataset} at {server.url} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
