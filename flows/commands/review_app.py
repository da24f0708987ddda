"""`socialaudit review-app`: the review web app for the ETL, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flows.warehouse_location import add_db_option, command_warehouse

NAME = "review-app"
HELP = "serve the review app (reads the snapshot; decisions are short retried writes)"


def register(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--host", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)"
    )
    # With the school's set-up, the app also acts on findings through the platforms (docs/remediation.md).
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml: act through its accounts"
    )
    source.add_argument("--sandbox", type=Path, metavar="DIR", help="or act through the sandbox serving DIR")


def acting(args: argparse.Namespace) -> Any:
    """What the app acts through: the school's accounts (or the sandbox), once the person ticked the confirmation
    in the form; None without --config or --sandbox."""
    if args.config is None and args.sandbox is None:
        return None
    from flows.config import load_config
    from flows.remediation import Remediator

    sandbox = args.sandbox is not None
    config = load_config(args.sandbox / "school.toml" if sandbox else args.config)
    remediator = Remediator(args.db, config, sandbox)

    def act(key: str, action: str, actor: Any, note: str | None) -> Any:
        return remediator.act(key, action, actor, note, lambda plan, permission: True)

    return act


def run(args: argparse.Namespace) -> int:
    try:
        import multipart  # noqa: F401  # FastAPI's forms need it
        import uvicorn
    except ImportError as missing:
        raise RuntimeError(
            f"the review app's server is not installed ({missing.name}): install socialaudit[review] "
            "(from the checkout: uv sync --extra review, or make setup)"
        ) from None

    from dashboards.review_app import LOCAL_HOSTS, create_app

    args.db = command_warehouse(args)
    # Requests must name this machine or the address the app was started on (a guard against DNS rebinding).
    app = create_app(args.db, allowed_hosts=(*LOCAL_HOSTS, args.host), act=acting(args))
    print(f"review app for {args.db} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
