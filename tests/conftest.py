"""Suite-wide fixtures: Prefect stays offline and keeps nothing between sessions; one Prefect server per session
(xdist's workers share the controller's) and the real `socialaudit` command run against it; one PostgreSQL cluster
per session, a database in it per module; a migrated warehouse file per test.

Builders (functions that make data, files and readers) live in tests/builders/; only fixtures live here.

Every test under tests/e2e and tests/browser carries the marker of its folder, so `-m "not e2e and not browser"`
(`make test-fast`) is the unit and component tests without a marker to forget.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import duckdb
import pytest

from tests.builders.cli import CliResult, run_console_script
from tests.builders.docs_site import build_docs_site
from tests.builders.forked_cli import ForkedCli
from tests.builders.postgres import Cluster, postgres_bin, running_cluster
from tests.builders.prefect_database import FILE_NAME, cache_folder, sqlite_url, start_on_copy
from tests.builders.warehouse import migrated_warehouse, open_copy
from warehouse.db import use_encryption_key

# Set before anything imports prefect: no telemetry offline, and nothing Prefect keeps outlives a session. Its home
# is the session's own (every process a test starts inherits it): a command's temporary server writes its database
# there, not into the developer's ~/.prefect, and no profile of theirs points a test at a server of theirs.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="socialaudit-prefect-home-")
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(os.environ["PREFECT_HOME"], "storage")


def _remove_prefect_home(folder: str = os.environ["PREFECT_HOME"], owner: int = os.getpid()) -> None:
    # Only by the process that made it: a process forked from this one (tests/builders/forked_cli.py) inherits
    # the exit handler, and must not remove the session's Prefect home when it ends.
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_prefect_home)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

Cli = Callable[..., CliResult]
TESTS = Path(__file__).resolve().parent
MARKED_FOLDERS = ("e2e", "browser")
# A session's weeks read by modules of both tests/e2e and tests/browser, which see no conftest of the other.
pytest_plugins = ("tests.e2e.shared_two_weeks",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for folder in MARKED_FOLDERS:
            if item.path.is_relative_to(TESTS / folder):
                item.add_marker(folder)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadscope` keeps modules whole, and the modules reading one shared week together, and hands out
    the longest units first (tests/xdist_scheduling.py)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from tests.xdist_scheduling import ModulesAndSharedWeeksLongestFirst

    return ModulesAndSharedWeeksLongestFirst(config, log)


@pytest.fixture(autouse=True)
def no_warehouse_key_outlives_a_test() -> Iterator[None]:
    """A command or flow run in this process sets the warehouse key for the whole process (its own, in
    production). Left behind, it made later tests in the same pytest process open or create encrypted
    warehouses: which tests those were depended on the order tests ran in (under xdist, each worker's)."""
    yield
    use_encryption_key(None)


@pytest.fixture(autouse=True)
def no_log_handler_writes_to_a_closed_stream() -> None:
    """A flow or command run in this process sets Prefect's logging up while one test's captured stderr is
    current, and its handlers (the root logger's among them) keep that stream. Once pytest closes it, a later
    test's warnings fail to print and Python writes "--- Logging error ---" and a traceback into whatever stderr is
    then current: which tests saw it depended on the order a worker ran them in. Such handlers are pointed at
    the stderr of the test about to run."""
    for logger in [logging.getLogger(), *logging.root.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", ()):
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and getattr(stream, "closed", False):
                handler.acquire()  # not setStream: it flushes the closed stream first
                try:
                    handler.stream = sys.stderr
                finally:
                    handler.release()
                console = getattr(handler, "console", None)  # Prefect's handler prints through a rich Console
                if console is not None:
                    console.file = sys.stderr


# --- Prefect and the `socialaudit` command ---------------------------------------------------------------


# The API and the database of the Prefect server xdist's controller started for all its workers (pytest_configure
# below): a test that searches every store for an erased person reads the database as the harness's settings name it.
SHARED_PREFECT_API = "SOCIALAUDIT_TEST_PREFECT_API_URL"
SHARED_PREFECT_DATABASE = "SOCIALAUDIT_TEST_PREFECT_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, one Prefect server for every worker, started by the controller before them: each worker starting
    its own spent ~13 s of CPU on a new server (most of it migrating its new database) and then ~1.8 s a minute on
    the server's service loops, once per worker. It serves what a command's temporary server serves
    (flows/prefect_server.py: a write SQLite refused for now tried again, brief lock waits), without an auth string:
    Prefect's own app, shared by three workers' runs beside another suite, refused one run's flow run (503) through
    all of its client's retries. Its database is a copy of one that has been through a server's first start
    (tests/builders/prefect_database.py), kept in pytest's cache: a start on it took 2.5-2.7 s, on a new one 6.7-8.3 s."""
    if hasattr(config, "workerinput") or config.getoption("numprocesses", None) in (None, 0, "0"):
        return
    folder = tempfile.mkdtemp(prefix="socialaudit-prefect-api-")
    server = start_on_copy(Path(folder), cache_folder(config))
    database = sqlite_url(Path(folder) / FILE_NAME)
    os.environ[SHARED_PREFECT_API] = server.api_url
    os.environ[SHARED_PREFECT_DATABASE] = database

    def stop() -> None:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SHARED_PREFECT_API, None)
        os.environ.pop(SHARED_PREFECT_DATABASE, None)

    config.add_cleanup(stop)


@pytest.fixture(scope="session")
def prefect_databases(pytestconfig: pytest.Config) -> Path | None:
    """The folder for copies of a Prefect server's first-start database (tests/builders/prefect_database.py)."""
    return cache_folder(pytestconfig)


@pytest.fixture(scope="session")
def prefect_api_url() -> Iterator[str]:
    """The session's Prefect API: the controller's server under xdist, else the test harness's own. A flow run in
    this process sends no heartbeat to it, as a command the tests fork sends none (tests/builders/forked_cli.py):
    nothing reads them, and a run waits for their thread (which looks once a second whether the run has ended) as it
    ends. tests/flows/test_run_heartbeats.py sets them as a command does."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    shared = os.environ.get(SHARED_PREFECT_API)
    if shared:
        import prefect.context

        # As the harness: the process-wide settings too, for threads that did not copy this context; and the
        # server in the place of this process's one temporary server, which a command run in this process (its
        # settings made again from the environment) would otherwise start.
        with (
            temporary_settings(
                updates={
                    PREFECT_API_URL: shared,
                    PREFECT_SERVER_DATABASE_CONNECTION_URL: os.environ[SHARED_PREFECT_DATABASE],
                    PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
                }
            ),
            prefect.context._temporary_global_settings_context(prefect.context.get_settings_context()),
            _as_the_temporary_server(shared),
        ):
            yield shared
            _drain_prefect_clients()
        return
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        url = PREFECT_API_URL.value()
        assert url, "the Prefect test harness did not publish an API URL"
        yield str(url)


@contextlib.contextmanager
def _as_the_temporary_server(api_url: str) -> Iterator[None]:
    from urllib.parse import urlsplit

    from prefect.server.api.server import SubprocessASGIServer

    class StartedElsewhere(SubprocessASGIServer):
        def start(self, timeout: int | None = None) -> None:
            self.running = True

        def stop(self) -> None:
            self.running = False

    class ItsProcess:  # the controller's: Prefect's client asks only that there is one, and that it runs
        def poll(self) -> None:
            return None

    server = StartedElsewhere(urlsplit(api_url).port)
    server.running = True
    server.server_process = cast(Any, ItsProcess())
    registry = SubprocessASGIServer._instances
    before = registry.get(None)
    registry[None] = server
    try:
        yield
    finally:
        registry.pop(server.port, None)
        if before is None:
            registry.pop(None, None)
        else:
            registry[None] = before


def _drain_prefect_clients() -> None:
    """What the harness does as it stops: this process's queued logs and events sent before the server goes."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):  # never started
            drained = APILogWorker.instance().drain()
            if inspect.isawaitable(drained):
                await drained
        events = EventsWorker.drain_all()
        if inspect.isawaitable(events):
            await events

    run_coro_as_sync(drain())


@pytest.fixture(scope="session")
def forked_cli() -> Iterator[ForkedCli | None]:
    """The starter that forks `socialaudit` processes with the heavy libraries already imported
    (tests/builders/forked_cli.py); None, and the console script is run, when it refuses or is turned off."""
    if os.environ.get("SOCIALAUDIT_TEST_FORKED_CLI", "1") == "0":
        yield None
        return
    try:
        starter = ForkedCli()
    except RuntimeError as refused:
        warnings.warn(f"`socialaudit` runs as the console script: {refused}", stacklevel=1)
        yield None
        return
    yield starter
    starter.close()


@pytest.fixture(scope="session")
def socialaudit(prefect_api_url: str, forked_cli: ForkedCli | None) -> Cli:
    """Run `socialaudit ARGS` in a process of its own that talks to the session's Prefect server."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> CliResult:
        environment = {**os.environ, "PREFECT_API_URL": prefect_api_url, **(env or {})}
        if forked_cli is not None:
            # The harness reads no heartbeat: a run need not wait for their thread as it ends.
            return forked_cli.run(list(args), environment, timeout, heartbeats=False)
        return run_console_script(*args, env=environment, timeout=timeout)

    return run


@pytest.fixture
def socialaudit_inprocess(
    prefect_api_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """Run `socialaudit ARGS` in this process (same code path as the console script, without its start-up)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        # No flow-run heartbeats, as `socialaudit` above: the harness reads none, and a run waits for their thread
        # (which looks once a second whether the run has ended) as it ends.
        no_heartbeats = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
        with monkeypatch.context() as patch, no_heartbeats:
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            capsys.readouterr()
            code = main(list(args))
            captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# --- PostgreSQL, for DuckLake catalogs --------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the whole pytest process (tests/builders/postgres.py): starting one
    takes seconds, a database in it a fraction of one. Where PostgreSQL is not installed, its users are skipped."""
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed: `make postgres` installs Debian's postgresql")
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def postgres(postgres_cluster: Cluster) -> str:
    """A database of the module's own in the session's cluster, for its lakes' catalogs: its libpq connection
    string (a lake's metadata schema is named by its school, and modules name schools alike)."""
    return postgres_cluster.new_database()


# --- the documentation site ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs as a site, built once per session (strictly and offline) for the build test and the browser."""
    root = tmp_path_factory.mktemp("docs-site")
    built = build_docs_site(root / "site", root)
    assert built.returncode == 0, built.stderr[-4000:]
    return root / "site"


# --- a real warehouse file -------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per session with the real migrations and models; each test gets its own copy."""
    return migrated_warehouse(tmp_path_factory.mktemp("template") / "warehouse.duckdb")


@pytest.fixture
def con(db_path: Path, migrated_template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real warehouse file, migrated and with every SQL model created (store_snapshot reads a view)."""
    connection = open_copy(migrated_template, db_path)
    yield connection
    connection.close()
