"""Argument types and helpers shared by the command modules."""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from flows.start_up_heap import StartUpHeap

DEMO_AS_OF = date(2026, 11, 16)
# The exit statuses of every command (docs/contracts/cli.md, which a test holds to these names and values).
EXIT_COMPLETED = 0
EXIT_FAILED = 1  # one line says why; a run that fails this way stored nothing
EXIT_REFUSED = 2  # the command line itself (click's usage error), or a query `sql` will not run
EXIT_PARTIAL = 3  # `run`: stored and published, a stream not read; `trust run`: a school did not complete;
# `erase`: erased and recorded, its storage rewrite still owed (the next run does it)
EXIT_NOT_PUBLISHED = 4  # the week is stored, its outputs are not: `socialaudit publish` writes them
EXIT_HOLD = 5  # `check-post`: the draft has findings to settle before it is posted
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def program_as_typed() -> str:
    """`socialaudit` as the person can type it again in their shell: `uv run socialaudit` under `uv run`, plain
    `socialaudit` when that is the program on their PATH, else the path they started it by (`.venv/bin/socialaudit`),
    or `python -m flows.cli`."""
    if os.environ.get("UV_RUN_RECURSION_DEPTH"):
        return "uv run socialaudit"
    started = Path(sys.argv[0])
    if started.name != "socialaudit":
        return f"{shlex.quote(sys.executable)} -m flows.cli"
    on_path = shutil.which("socialaudit")
    if on_path and Path(on_path).resolve() == started.resolve():
        return "socialaudit"
    return shlex.quote(sys.argv[0])


def confirmed(args: argparse.Namespace, question: str) -> bool:
    """Whether to go on: --yes, or "y" answered at a terminal. Without a terminal to ask at, refused with one line
    (a script says --yes)."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        print(
            f"socialaudit: {args.command} asks before it changes anything: give --yes to go on without a terminal "
            "(or --dry-run to see what it would do); nothing was changed",
            file=sys.stderr,
        )
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().casefold() not in ("y", "yes"):
        print("nothing was changed", file=sys.stderr)
        return False
    return True


PREFECT_RETENTION = {
    "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": '["events","flow_runs"]',
    "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD": "P56D",  # ISO 8601: 8 weeks
    "PREFECT_SERVER_EVENTS_RETENTION_PERIOD": "P7D",
}

# Nothing the product runs reports on itself. Prefect's server keeps its analytics off; Prefect's client, imported by
# every command and by every flow run a worker starts, sends events when the server it talks to has them on, and on
# a terminal prints a notice over the live display and writes a device id under PREFECT_HOME, whatever the server
# says: DO_NOT_TRACK stops all three, read as Prefect is imported.
TELEMETRY_OFF = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def no_telemetry() -> None:
    """Before Prefect is first imported (its client reads DO_NOT_TRACK then)."""
    for name, value in TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)


def prefect_defaults() -> None:
    # Offline by design: no telemetry, and our own loggers reach the Prefect UI.
    no_telemetry()
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "connectors,checks,warehouse,flows")
    # Our loggers also speak outside a flow run (a trust's "N of M schools done", a command's counters): those lines
    # belong to the terminal and the run log, and the API has no run to file them under, so Prefect is told to let
    # them pass quietly rather than warn on every one.
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # Prefect's own retention, as deploy/prefect-server.service sets it for the persistent server.
    for name, value in PREFECT_RETENTION.items():
        os.environ.setdefault(name, value)
    if "prefect.context" in sys.modules:
        # Prefect read its settings when it was first imported (by a library or a host process before this
        # command): they are made again so these defaults count, as they do when Prefect is imported after them.
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def _start_prefect_early(heap: StartUpHeap | None = None) -> Callable[[], None]:
    """With no PREFECT_API_URL the flow call would first wait ~6-9 s, idle, for Prefect's temporary server. Start
    that server now, and import the audit and build great-expectations' context (~4-5 s) while it boots in its own
    process; returns a function that waits until the server is up, so the flow call finds it running (the server is
    one per process: Prefect reuses it). With `heap`, the warm-up's thread is one of the start-up's parties."""
    import threading

    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return lambda: None
    try:
        # Imported here, alone (~2 s): imports share one interpreter lock, and done beside the audit's own imports
        # this one took three times as long, all of it before the server process could even be launched.
        # prefect.main sets up Prefect's logging, as `from prefect import flow` does: the server's lines show.
        import prefect.main  # noqa: F401
        from prefect.server.api.server import SubprocessASGIServer

        from flows.prefect_server import own_temporary_server

        # Ours: locked with this process's auth string, and ending when this process ends, however it ends.
        own_temporary_server()
    except Exception:  # met again, and reported, when the flow call starts the server itself
        return lambda: None

    def start_server() -> None:
        # A failure here is met again, and reported, when the flow call starts the server itself.
        with contextlib.suppress(Exception):
            SubprocessASGIServer().start()

    def warm() -> None:
        # A failure here is met again by the validation itself, where it is reported.
        try:
            with contextlib.suppress(Exception):
                from checks.validation import prepare

                prepare()
        finally:
            if heap is not None:
                heap.made()

    starter = threading.Thread(target=start_server, name="socialaudit-prefect-server", daemon=True)
    starter.start()
    if heap is not None:
        heap.joined()
    threading.Thread(target=warm, name="socialaudit-warm-up", daemon=True).start()
    return starter.join


@contextlib.contextmanager
def heartbeats_only_to_a_standing_server() -> Iterator[None]:
    """A Prefect flow run sends heartbeats (every 180 s) so that a standing server can tell a run that crashed; the
    thread sending them looks once a second whether the run has ended, and the run waits for it as it ends: up to a
    second, half a second on average, at the end of every run. Prefect's temporary server ends with this process,
    and a crash of either ends both: with no PREFECT_API_URL nobody is there to be told, and no heartbeat is sent."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def flow_run_from_the_command_line() -> Iterator[Callable[[], None]]:
    """Around every flow a command runs in its own process (a school's week, a trust's): Prefect's defaults, its
    temporary server started early, what the start-up makes kept out of the collector's way while the run works
    (flows/start_up_heap.py), and heartbeats only to a standing server. Yields `started`, to be called once the
    command's own imports are done: it waits for the server and freezes what the start-up made."""
    heap = StartUpHeap()
    try:
        prefect_defaults()
        from flows.school_run_log import failure_shown_by_caller

        server_started = _start_prefect_early(heap)

        def started() -> None:
            server_started()
            heap.made()

        with heartbeats_only_to_a_standing_server(), failure_shown_by_caller():
            yield started
    finally:
        heap.release()


def _catalogue_library_ahead(school_toml: Path, db: Path | None, out: Path, sandbox: bool) -> None:
    """A first run reading images (its warehouse not made yet, as the flow will name it) catalogues its library
    while Prefect's server starts (flows/library_ahead.py)."""
    from flows.config.school import SchoolConfig
    from flows.library_ahead import catalogue_a_first_week
    from flows.warehouse_location import trial_location, warehouse_location

    def warehouse_is_new(config: SchoolConfig) -> bool:
        if sandbox:  # named as `_run_audit` names it for the flow, and the flow then for a trial
            where = trial_location(db or warehouse_location(None, config, sandbox=True), out, config)[0]
        else:
            where = warehouse_location(db, config)
        return not where.exists()

    catalogue_a_first_week(school_toml, warehouse_is_new)


def run_audit(
    school_toml: Path, db: Path | None, out: Path, as_of: date | None, sandbox: bool
) -> dict[str, Any]:
    """The weekly audit flow in this process; `db` None: the warehouse as flows/warehouse_location.py names it."""
    with flow_run_from_the_command_line() as started:
        return _run_audit(school_toml, db, out, as_of, sandbox, started)


def _run_audit(
    school_toml: Path,
    db: Path | None,
    out: Path,
    as_of: date | None,
    sandbox: bool,
    started: Callable[[], None],
) -> dict[str, Any]:
    from prefect.states import State

    from flows.live_display import live_display
    from flows.returned_values import final_state
    from flows.school_run_log import DetailsWithheld
    from flows.weekly_audit import weekly_audit

    _catalogue_library_ahead(school_toml, db, out, sandbox)
    started()
    if sandbox and db is None:
        # The command line names a sandbox run's warehouse (--db, $SOCIALAUDIT_DB, [warehouse] path) or refuses;
        # only a deployment's trial falls back to data/trial/.
        from flows.config.school import load_config
        from flows.warehouse_location import warehouse_location

        db = warehouse_location(None, load_config(school_toml), sandbox=True)
    live = live_display()
    try:
        state: State[Any] = weekly_audit(  # type: ignore[assignment]  # return_state=True gives the State
            school_toml=str(school_toml.resolve()),
            db_path=str(db.resolve()) if db is not None else None,
            out_dir=str(out.resolve()),
            as_of=as_of.isoformat() if as_of else None,
            sandbox=sandbox,
            return_state=True,
        )
    finally:
        if live is not None:
            live.close()
    # A stored week whose outputs failed ends Failed with the run's result as data (not an exception).
    # _sync: called from a thread that runs an event loop (a Playwright test, a notebook), Prefect would hand
    # back a coroutine instead of the result.
    result = final_state(state).result(raise_on_failure=False, _sync=True)  # type: ignore[call-overload]
    from warehouse import lake

    lake.release()  # a lake warehouse's writer, kept open for the run's several connections
    if isinstance(result, DetailsWithheld) and result.detail is not None:
        raise result.detail  # Prefect kept the kind only; the person at the terminal reads why
    if isinstance(result, BaseException):
        raise result
    return dict(result)


def audit_outcome(result: dict[str, Any]) -> int:
    """Print a run's outcome (a line on stdout; on stderr one line naming what is missing) and its exit status."""
    import sys

    from warehouse.stream_status import describe

    if result.get("not_published"):
        print(f"socialaudit: {result['not_published']}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    print(
        f"{result['exceptions']} exceptions ({result['raised']} new, {result['resolved']} resolved); "
        f"report: {result['report']}"
    )
    if result.get("not_read"):
        missing = "; ".join(describe(row) for row in result["not_read"])
        print(f"socialaudit: partial audit, not read: {missing}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_COMPLETED
