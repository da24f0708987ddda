"""`socialaudit run`: the weekly audit, against a sandbox dataset or the live APIs."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.commands.common import (
    EXIT_COMPLETED,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_PUBLISHED,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    audit_outcome,
    iso_date,
    run_audit,
)
from flows.warehouse_location import add_db_option

NAME = "run"
HELP = "run the weekly audit"
# Every warehouse connection is closed when `run_audit` returns: the program may skip the interpreter's teardown
# (flows/cli.py `ExitWithoutTeardown`).
LEAVES_WITHOUT_TEARDOWN = True


EXIT_STATUSES = f"""exit statuses:
  {EXIT_COMPLETED}  the audit completed (whether or not it found exceptions)
  {EXIT_FAILED}  it failed and stored nothing; one line says why
  {EXIT_REFUSED}  the command line is wrong
  {EXIT_PARTIAL}  a partial audit: a stream could not be read; the rest was stored, audited and published, the
     last line names what is missing (Prefect: Completed, named Partial)
  {EXIT_NOT_PUBLISHED}  stored, outputs not published: the last line gives the `socialaudit publish` command
     that writes them (Prefect: Failed, named NotPublished)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
(docs/contracts/cli.md)"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_STATUSES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--sandbox", type=Path, metavar="DIR", help="a sandbox dataset directory (served locally)"
    )
    source.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml, audited on the live APIs"
    )
    add_db_option(parser)
    parser.add_argument("--out", type=Path, required=True, help="the output folder")
    parser.add_argument("--as-of", type=iso_date, default=None, help="audit date YYYY-MM-DD (default: today)")


def run(args: argparse.Namespace) -> int:
    if args.sandbox is not None:
        school_toml, sandbox = args.sandbox / "school.toml", True
    else:
        school_toml, sandbox = args.config, False
    # 0 completed; 1 failed, nothing stored; 3 partial audit (stored and published, a stream not read);
    # 4 stored, outputs not published (`socialaudit publish` writes them).
    return audit_outcome(run_audit(school_toml, args.db, args.out, args.as_of, sandbox))
