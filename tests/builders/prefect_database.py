"""A Prefect server's database as its first start leaves it, copied instead of made again for each server a test
session starts.

A new server spends most of its start migrating its new SQLite database and registering Prefect's block types: a
start took 6.7-8.3 s on this project's 2-core machine on a new database, 2.5-2.7 s on a copy of a database that
has been through one start. The copy is of a database no test has used (one start, then stopped: Prefect's tables
and its block types, nothing of any run), kept in pytest's cache folder under Prefect's version, so a new Prefect
makes a new one. The same copy serves the temporary server a command starts and the persistent one deploy/ runs
(one schema: Prefect's migrations). A copy that is not whole is made again before it is used.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.builders.ports import free_port

FILE_NAME = "prefect.db"


def cache_folder(config: pytest.Config) -> Path | None:
    """Where a session keeps the copy: pytest's cache, or None when its cache provider is turned off."""
    return config.cache.mkdir("prefect-databases") if hasattr(config, "cache") else None


def sqlite_url(database_file: Path) -> str:
    return "sqlite+aiosqlite:///" + str(database_file)


def owned_server_on(database_file: Path) -> Any:
    """The temporary server a command starts (flows/prefect_server.py), started on `database_file`: a new one on a
    port of its own. Prefect keeps one server a port, and the one without a port is the process's temporary server,
    which in a test worker is the session's (tests/conftest.py), already started elsewhere."""
    import prefect.settings

    from flows.prefect_server import owned_server_class

    with prefect.settings.temporary_settings(
        updates={prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL: sqlite_url(database_file)}
    ):
        server = owned_server_class()(free_port())
        server.start(timeout=120)
    return server


def template_name() -> str:
    import prefect

    return f"prefect-{prefect.__version__}.db"


def copy_of_first_start(folder: Path, cache: Path | None) -> Path:
    """`folder`/prefect.db, a copy of the cached database of one start, made first when the cache has none or
    holds one that is not whole. It is written under another name and renamed, so sessions beside each other never
    read half of one. Without a `cache` (pytest's cache provider turned off) nothing is copied: a server started
    there makes a new database."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILE_NAME
    if cache is None:
        return target
    template = cache / template_name()
    if not whole(template):
        with tempfile.TemporaryDirectory(prefix="prefect-first-start-") as made_in:
            fresh = Path(made_in) / FILE_NAME
            owned_server_on(fresh).stop()
            if not whole(fresh):
                raise RuntimeError(f"a Prefect server's first start left no whole database at {fresh}")
            partial = cache / f".{template.name}.{os.getpid()}.partial"
            _backup(fresh, partial)
            os.replace(partial, template)
    shutil.copyfile(template, target)
    return target


def start_on_copy(folder: Path, cache: Path | None) -> Any:
    """The temporary server, started on a copy of a first start's database in `folder` (a new one without a
    `cache`)."""
    return owned_server_on(copy_of_first_start(folder, cache))


def whole(template: Path) -> bool:
    """Whether the copy is a sound SQLite database with Prefect's schema and block types. Checked before each use:
    Prefect's temporary server that fails to start on its database is started again and again until its timeout
    (two minutes here), rather than failing."""
    if not template.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{template}?mode=ro", uri=True) as con:
            sound = con.execute("PRAGMA quick_check").fetchone() == ("ok",)
            migrated = con.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
            registered = con.execute("SELECT count(*) FROM block_type").fetchone()[0] > 0
        con.close()
    except sqlite3.Error:
        return False
    return sound and migrated and registered


def _backup(source: Path, target: Path) -> None:
    """SQLite's own copy: whole, whatever the write-ahead log still held when the server stopped."""
    reading = sqlite3.connect(source)
    try:
        writing = sqlite3.connect(target)
        try:
            reading.backup(writing)
            # One file: a reader of the copy (`whole`) then leaves no -wal or -shm beside it; Prefect's server turns
            # its write-ahead log on again as it connects.
            writing.execute("PRAGMA journal_mode = DELETE")
        finally:
            writing.close()
    finally:
        reading.close()
