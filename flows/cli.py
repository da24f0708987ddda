"""The `socialaudit` command line: demo, run, sample, sandbox."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import threading
from datetime import date
from pathlib import Path

DEMO_AS_OF = date(2026, 11, 16)


def _prefect_defaults() -> None:
    # Offline by design: no telemetry, and our own loggers reach the Prefect UI.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "connectors,checks,warehouse,flows")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socialaudit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", help="build the sample school and run the weekly audit against the sandbox"
    )
    demo.add_argument("--dir", type=Path, default=Path("demo-output"), help="where to put everything")

    run = commands.add_parser("run", help="run the weekly audit")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--sandbox", type=Path, metavar="DIR", help="a sandbox dataset directory (served locally)"
    )
    source.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml, audited on the live APIs"
    )
    run.add_argument("--db", type=Path, required=True, help="the DuckDB warehouse file")
    run.add_argument("--out", type=Path, required=True, help="the output folder")
    run.add_argument("--as-of", type=_date, default=None, help="audit date YYYY-MM-DD (default: today)")

    sample = commands.add_parser("sample", help="write a deterministic sample school (dataset + labels)")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--seed", type=int, default=1)
    sample.add_argument("--size", choices=("small", "medium", "large"), default="small")
    sample.add_argument("--as-of", type=_date, default=DEMO_AS_OF)

    sandbox = commands.add_parser("sandbox", help="serve a dataset directory on the real API routes")
    sandbox.add_argument("dataset", type=Path)
    sandbox.add_argument("--port", type=int, default=8787)
    return parser


def run_audit(school_toml: Path, db: Path, out: Path, as_of: date | None, sandbox: bool) -> dict[str, object]:
    _prefect_defaults()
    from flows.weekly_audit import weekly_audit

    return weekly_audit(
        school_toml=str(school_toml.resolve()),
        db_path=str(db.resolve()),
        out_dir=str(out.resolve()),
        as_of=as_of.isoformat() if as_of else None,
        sandbox=sandbox,
    )


def _command(args: argparse.Namespace) -> int:
    if args.command == "sample":
        from connectors.sandbox.sample import write_sample

        labels = write_sample(args.out, seed=args.seed, size=args.size, as_of=args.as_of)
        print(f"sample school written to {args.out} (labels: {labels})")
        return 0
    if args.command == "sandbox":
        from connectors.sandbox.server import SandboxServer

        server = SandboxServer(args.dataset, port=args.port)
        with server:
            print(f"sandbox serving {args.dataset} at {server.url} (Ctrl-C to stop)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
        return 0
    if args.command == "demo":
        from connectors.sandbox.sample import write_sample

        root = args.dir
        if root.exists():
            shutil.rmtree(root)
        write_sample(root / "school", seed=1, size="small", as_of=DEMO_AS_OF)
        result = run_audit(
            root / "school" / "school.toml", root / "warehouse.duckdb", root / "out", DEMO_AS_OF, True
        )
        print(f"{result['exceptions']} exceptions; report: {result['report']}")
        return 0
    if args.sandbox is not None:
        school_toml = args.sandbox / "school.toml"
        sandbox = True
    else:
        school_toml, sandbox = args.config, False
    result = run_audit(school_toml, args.db, args.out, args.as_of, sandbox)
    print(
        f"{result['exceptions']} exceptions ({result['raised']} new, {result['resolved']} resolved); "
        f"report: {result['report']}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _command(args)
    except KeyboardInterrupt:
        print("socialaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"socialaudit: {args.command} failed: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
