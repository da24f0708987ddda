"""`socialaudit run`: the weekly audit, against a sandbox dataset or the live APIs."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.commands.common import audit_outcome, iso_date, run_audit

NAME = "run"
HELP = "run the weekly audit"
# Every warehouse connection is closed when `run_audit` returns: the program may skip the interpreter's teardown
# (flows/cli.py `ExitWithoutTeardown`).
LEAVES_WITHOUT_TEARDOWN = True


def register(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--sandbox", type=Path, metavar="DIR", help="a sandbox dataset directory (served locally)"
    )
    source.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml, audited on the live APIs"
    )
    parser.add_argument("--db", type=Path, required=True, help="the DuckDB warehouse file")
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
