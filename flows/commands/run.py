"""`socialaudit run`: the weekly audit, against a sandbox dataset or the live APIs."""

from __future__ import annotations

import argparse

from flows.commands.common import (
    EXIT_COMPLETED,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_PUBLISHED,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    audit_outcome,
    run_audit,
)
from flows.commands.parameters import (
    ISO_DATE,
    PATH,
    Declared,
    config_option,
    db_option,
    one_of,
    option,
    sandbox_option,
)

NAME = "run"
SECTION = "Running the audit"
HELP = "run the weekly audit"
DRAWS_ON_TERMINAL = True  # a live display or a progress line
# Every warehouse connection is closed when `run_audit` returns: the program may skip the interpreter's teardown
# (flows/cli.py `ExitWithoutTeardown`).
LEAVES_WITHOUT_TEARDOWN = True


EPILOG = f"""exit statuses:
  {EXIT_COMPLETED}  the audit completed (whether or not it found exceptions)
  {EXIT_FAILED}  it failed and stored nothing; one line says why
  {EXIT_REFUSED}  the command line is wrong
  {EXIT_PARTIAL}  a partial audit: a stream could not be read; the rest was stored, audited and published, the
     last line names what is missing (Prefect: Completed, named Partial)
  {EXIT_NOT_PUBLISHED}  stored, outputs not published: the last line gives the `socialaudit publish` command
     that writes them (Prefect: Failed, named NotPublished)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
(docs/contracts/cli.md)"""


def options() -> list[Declared]:
    return [
        one_of(
            sandbox_option("a sandbox dataset directory (served locally)"),
            config_option("school.toml, audited on the live APIs"),
            required=True,
        ),
        db_option(),
        option("--out", type=PATH, required=True, help="the output folder"),
        option("--as-of", type=ISO_DATE, default=None, help="audit date YYYY-MM-DD (default: today)"),
    ]


def run(args: argparse.Namespace) -> int:
    if args.sandbox is not None:
        school_toml, sandbox = args.sandbox / "school.toml", True
    else:
        school_toml, sandbox = args.config, False
    # 0 completed; 1 failed, nothing stored; 3 partial audit (stored and published, a stream not read);
    # 4 stored, outputs not published (`socialaudit publish` writes them).
    return audit_outcome(run_audit(school_toml, args.db, args.out, args.as_of, sandbox))
