"""The `socialaudit` command line; each sub-command is a module in flows/commands/."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import contextvars
import faulthandler
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from dashboards.manifest import product_version
from flows.commands import add_all
from flows.commands.common import EXIT_FAILED, EXIT_INTERRUPTED


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="socialaudit", description="Audit a school's official social media accounts."
    )
    parser.add_argument("--version", action="version", version=f"socialaudit {product_version()}")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show the libraries' own log lines (Prefect, great-expectations)",
    )
    parser.add_argument("--debug", action="store_true", help="on failure, show the traceback too")
    subparsers = parser.add_subparsers(dest="command", required=True)
    return parser, add_all(subparsers)


def main(argv: list[str] | None = None, *, leaving: ExitWithoutTeardown | None = None) -> int:
    """Run one command; its exit status. `leaving`: the program's exit handler (see `console`)."""
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    command = commands[args.command]
    quiet_libraries(verbose=args.verbose or args.debug)
    # Whatever a command writes (the warehouse and its WAL, copies, outputs, exports) names children: owner-only.
    os.umask(0o077)
    try:
        # In a context of its own: what a command puts in force for itself (the warehouse key) ends with it.
        status = int(contextvars.copy_context().run(command.run, args))
    except KeyboardInterrupt:
        print("socialaudit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        if args.debug:
            traceback.print_exc()
        print(f"socialaudit: {args.command} failed: {message}", file=sys.stderr)
        return EXIT_FAILED
    if leaving is not None and getattr(command, "LEAVES_WITHOUT_TEARDOWN", False):
        leaving.status = status
    return status


def quiet_libraries(*, verbose: bool) -> None:
    """Before Prefect is first imported: no telemetry, and unless `verbose`, the terminal shows our own lines only.
    Flow and task runs' lines, a failure's traceback among them, still reach Prefect's API log."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault(
            "PREFECT_LOGGING_SETTINGS_PATH", str(Path(__file__).with_name("terminal_logging.yml"))
        )
        # great-expectations sets this logger to INFO when imported, whatever the configuration said before.
        logging.getLogger("great_expectations.data_context.types.base").addFilter(
            lambda record: record.levelno >= logging.WARNING
        )


class ExitWithoutTeardown:
    """The program's last exit handler: once a command that allows it has returned, end the process without the
    interpreter's teardown.

    A weekly run imports ~4,600 modules (Prefect's server, great-expectations, scipy, pandas); freeing them one by
    one took ~2 s of a ~17 s run (benchmarks/run_cost.py), work with no effect once the process ends. Everything
    that has an effect has run by then, in Python's own order: other threads were waited for, then every other
    exit handler (Prefect's temporary server stopped, its logs and events sent, temporary files removed, logging
    flushed and closed). The commands that allow it close every warehouse connection before they return; after
    an error or an interrupt the process ends the ordinary way."""

    def __init__(self) -> None:
        self.status: int | None = None

    def __call__(self) -> None:
        if self.status is None:
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.status)


def console() -> NoReturn:
    """The `socialaudit` program (pyproject's script, `python -m flows.cli`)."""
    # A crash in native code (DuckDB, Tesseract, OpenCV) then leaves every thread's Python stack on stderr, the
    # run's log: file and function names only. One trust run died once of heap corruption with nothing else said.
    faulthandler.enable()
    leaving = ExitWithoutTeardown()
    atexit.register(leaving)  # registered before any other, so run after all of them
    sys.exit(main(leaving=leaving))


if __name__ == "__main__":
    console()
