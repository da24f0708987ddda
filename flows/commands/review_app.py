"""`socialaudit review-app`: the review web app for the ETL, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import argparse

from flows.warehouse_location import add_db_option, command_warehouse

NAME = "review-app"
HELP = "serve the review app (reads the snapshot; decisions are short retried writes)"


def register(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--host", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)"
    )


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
    app = create_app(args.db, allowed_hosts=(*LOCAL_HOSTS, args.host))
    print(f"review app for {args.db} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
