"""`socialaudit trust run` (every school of a trust, docs/contracts/trust.md) and `socialaudit trust ...` helpers."""

from __future__ import annotations

import argparse
import functools
from typing import TYPE_CHECKING

from flows.commands.common import EXIT_COMPLETED, EXIT_PARTIAL, flow_run_from_the_command_line
from flows.commands.parameters import ISO_DATE, PATH, Subcommand, option, trust_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from flows.config.school import SchoolConfig
    from flows.config.trust import TrustConfig

NAME = "trust"
SECTION = "Running the audit"
HELP = "audit every school of a trust (trust.toml)"
DRAWS_ON_TERMINAL = True  # a live display or a progress line
# Every lake is let go when `run` returns (its `finally`): the program may skip the interpreter's teardown
# (flows/cli.py `ExitWithoutTeardown`), ~1.5 s of freeing modules at the end of a trust's run.
LEAVES_WITHOUT_TEARDOWN = True


def subcommands() -> dict[str, Subcommand]:
    return {
        "run": Subcommand(
            "audit every school of trust.toml, each as its own Prefect flow run",
            [
                trust_option(required=True),
                option(
                    "--out", type=PATH, required=True, help="the output folder (one sub-folder per school)"
                ),
                option("--as-of", type=ISO_DATE, default=None, help="audit date YYYY-MM-DD (default: today)"),
                option(
                    "--deployment",
                    default=None,
                    metavar="FLOW/DEPLOYMENT",
                    help="run each school on the work pool's workers as a run of this deployment (e.g. "
                    "trust-school/trust-school; needs PREFECT_API_URL) instead of in this process",
                ),
                option(
                    "--school-timeout",
                    type=float,
                    default=3600.0,
                    metavar="SECONDS",
                    help="with --deployment: a school not finished by then is failed this week (default: 3600)",
                ),
            ],
        )
    }


def run(args: argparse.Namespace) -> int:
    from flows.config.trust import load_trust

    trust = load_trust(args.trust)  # refused here, with line numbers, before anything starts
    with flow_run_from_the_command_line() as started:
        return _run_trust(args, trust, started)


def _run_trust(args: argparse.Namespace, trust: TrustConfig, started: Callable[[], None]) -> int:
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.live_display import live_display
    from flows.trust import trust_audit
    from warehouse import lake

    # On workers each thread only waits for its school's run: start them all at once, the pool paces them.
    threads = len(trust.schools) if args.deployment else trust.parallel
    if not args.deployment:
        _catalogue_libraries_ahead(trust, threads)
    started()
    live = live_display()
    try:
        result = trust_audit.with_options(task_runner=ThreadPoolTaskRunner(max_workers=threads))(  # type: ignore[arg-type]
            trust_toml=str(args.trust.resolve()),
            out_dir=str(args.out.resolve()),
            as_of=args.as_of.isoformat() if args.as_of else None,
            deployment=args.deployment,
            school_timeout_seconds=args.school_timeout,
        )
    finally:
        if live is not None:
            live.close()
        lake.release()  # a school that failed mid-store may have left its lake's writer open
    schools, missing = result["schools"], result["not_completed"]
    print(f"{len(schools) - len(missing)} of {len(schools)} schools completed; report: {result['report']}")
    if missing:
        named = "; ".join(f"{m['slug']} ({m['status']}: {m['reason']})" for m in missing)
        print(f"not completed: {named}")
        return EXIT_PARTIAL
    return EXIT_COMPLETED


def _catalogue_libraries_ahead(trust: TrustConfig, schools_at_once: int) -> None:
    """The approved libraries of the schools the run starts with catalogued while Prefect's server starts, as a
    school's own first run does (flows/library_ahead.py): only a school's first week, in a lake not made yet, and
    only as many schools as are audited at once, so that no more libraries are held than the running schools
    would hold."""
    from flows.library_ahead import catalogue_a_first_week

    for school in trust.schools[:schools_at_once]:
        catalogue_a_first_week(school.school_toml, functools.partial(_lake_never_written, trust, school.slug))


def _lake_never_written(trust: TrustConfig, slug: str, _config: SchoolConfig) -> bool:
    from flows.config.trust import school_lake
    from warehouse import lake

    return lake.location_never_written(school_lake(trust, slug))
