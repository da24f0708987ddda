"""`socialaudit sandbox`: serve a dataset directory on the real X and YouTube API routes."""

from __future__ import annotations

import argparse
import contextlib
import threading

from flows.commands.parameters import PATH, Declared, argument, option

NAME = "sandbox"
SECTION = "For developers"
HELP = "serve a dataset directory on the real API routes"


def options() -> list[Declared]:
    return [
        argument("dataset", type=PATH, metavar="DATASET", help="the dataset directory (socialaudit sample)"),
        option("--port", type=int, default=8787, help="the port it listens on (default 8787)"),
    ]


def run(args: argparse.Namespace) -> int:
    from sandbox.server import SandboxServer

    server = SandboxServer(args.dataset, port=args.port)
    with server:
        print(f"sandbox serving {args.dataset} at {server.url} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
