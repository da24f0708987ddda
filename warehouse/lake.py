"""A school's warehouse in a DuckLake: where it is (a small locator file), and attaching it offline.

Layout (a trust, docs/trust.md): every school has a DuckLake of its own, i.e. its own catalog (a SQLite file, or
its own metadata schema in one PostgreSQL database) and its own folder of Parquet files. One shared catalog
with a schema per school would not do: the warehouse already spreads over seven schemas (raw, ref, staging,
marts, audit, meta, dpo) that every migration, model and query names, and DuckLake has one level of schemas;
and with each school its own data controller, a school's data must be separable as a whole (handed over,
erased, its history kept) and its writes must never queue behind another school's on one SQLite lock.

The flow and every reader keep passing a path: for a lake that path is a locator file (`<school>.ducklake`)
naming the catalog and the data path, and `warehouse.db.connect` attaches the lake it names under the same
alias as a DuckDB file. The DuckLake, SQLite and PostgreSQL extensions come from their wheels on the package
index and are loaded from those files: nothing is ever downloaded at run time.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import side_files
from warehouse.duckdb_session import cursor, open_database

ATTACHED_ALIAS = "warehouse"  # warehouse.db attaches every warehouse, file or lake, under this name
LOCATOR_HEADER = "# socialaudit DuckLake locator\n"
EXTENSION_MODULES = {
    "ducklake": "ducklake",
    "sqlite": "sqlite_scanner",
    "postgres": "postgres_scanner",
    # OpenSSL for writing encrypted Parquet: DuckDB's built-in crypto only reads, or writes insecurely.
    "httpfs": "httpfs",
}


class LakeError(Exception):
    """A lake locator that cannot be read, or an extension missing from the install."""


@dataclass(frozen=True)
class LakeLocation:
    """`catalog` is `sqlite:/abs/path.sqlite` or `postgres:<libpq connection string>`."""

    catalog: str
    data_path: str
    metadata_schema: str | None = None

    @property
    def kind(self) -> str:
        kind = self.catalog.partition(":")[0]
        if kind not in ("sqlite", "postgres"):
            raise LakeError(f"a DuckLake catalog is sqlite:PATH or postgres:CONNINFO, not {self.catalog!r}")
        return kind


def location_in(catalog: str, data_path: str, name: str) -> LakeLocation:
    """The lake called `name` (a school's slug) in a trust's lake: `sqlite:DIR` gives it its own catalog file
    DIR/<name>.sqlite, `postgres:CONNINFO` its own metadata schema; its Parquet files go in data_path/<name>/."""
    kind, _, target = catalog.partition(":")
    data = data_path.rstrip("/") + "/" + name + "/"
    if kind == "sqlite":
        return LakeLocation("sqlite:" + str(Path(target) / f"{name}.sqlite"), data)
    if kind == "postgres":
        return LakeLocation(catalog, data, metadata_schema="socialaudit_" + name.replace("-", "_"))
    raise LakeError(f"a DuckLake catalog is sqlite:DIR or postgres:CONNINFO, not {catalog!r}")


def write_locator(path: Path, location: LakeLocation) -> Path:
    """Write (owner-only) the file a school's runs pass as their warehouse path (named `*.ducklake`)."""
    if path.suffix != LOCATOR_SUFFIX:
        raise LakeError(f"{path}: a DuckLake locator's name ends in {LOCATOR_SUFFIX}")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = LOCATOR_HEADER + json.dumps(location.__dict__, sort_keys=True) + "\n"
    # Several runs may rewrite one school's locator at once (same content): each writes its own temporary file.
    temporary = side_files.transient_path("lake locator being written", path, tid=str(threading.get_ident()))
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body)
    os.replace(temporary, path)
    return path


LOCATOR_SUFFIX = ".ducklake"
CATALOG_BUSY_TIMEOUT_MS = 30_000
# One SQLite handle per DuckDB transaction for every catalog scan (attach_lake says why).
SQLITE_ONE_CATALOG_HANDLE = "SET GLOBAL sqlite_disable_multithreaded_scans = true"


def read_locator(path: Path) -> LakeLocation | None:
    """The lake a locator file names; None for anything else (a DuckDB file, a missing file).

    A locator is known by its `.ducklake` name before any byte is read: opening and closing a DuckDB file this
    process holds would drop its POSIX lock (any descriptor closed releases them all), and another writer could
    take the warehouse in the middle of a run."""
    if path.suffix != LOCATOR_SUFFIX:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(LOCATOR_HEADER))
            if head != LOCATOR_HEADER.encode():
                return None
            body = handle.read().decode("utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return None
    try:
        fields = json.loads(body)
        return LakeLocation(fields["catalog"], fields["data_path"], fields.get("metadata_schema"))
    except (ValueError, KeyError, TypeError) as error:
        raise LakeError(f"{path}: not a readable DuckLake locator ({error})") from None


def never_written(path: Path) -> bool:
    """A locator whose lake has no catalog yet (a school's first week): like a warehouse file not yet made, there is
    nothing in it to read, and attaching it would only create it early. A PostgreSQL catalog is never assumed empty."""
    location = read_locator(path)
    return location is not None and location_never_written(location)


def location_never_written(location: LakeLocation) -> bool:
    """`never_written` for a lake named by its location, before any locator file is written for it."""
    return location.kind == "sqlite" and not Path(location.catalog.partition(":")[2]).exists()


_loading = threading.Lock()


def load_extensions(con: duckdb.DuckDBPyConnection, kind: str, writing: bool = False) -> None:
    """Load DuckLake and the catalog's scanner (and, `writing`, httpfs's OpenSSL) from their wheels (DuckDB checks
    their signatures); one load at a time in a process, as schools audited in threads open their lakes together."""
    with _loading:
        _load_extensions(con, ("ducklake", kind, "httpfs") if writing else ("ducklake", kind))


def _load_extensions(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    for name in names:
        module_name = EXTENSION_MODULES[name]
        try:
            module = importlib.import_module(f"duckdb_extension_{module_name}")
        except ImportError:
            raise LakeError(
                f"the {name} extension is not installed (package duckdb-extension-{module_name.replace('_', '-')}): "
                "a trust needs socialaudit[trust] (from the checkout: uv sync --extra trust, or make setup)"
            ) from None
        version = con.execute("PRAGMA version").fetchone()
        file = (
            Path(str(module.__file__)).parent
            / "extensions"
            / str(version[0] if version else "")
            / (f"{module_name}.duckdb_extension")
        )
        if not file.exists():
            raise LakeError(f"{file} is missing: the {name} extension does not match this DuckDB")
        con.execute("LOAD '" + str(file).replace("'", "''") + "'")


def attach_lake(
    con: duckdb.DuckDBPyConnection,
    location: LakeLocation,
    alias: str,
    read_only: bool = False,
    busy_timeout_ms: int = CATALOG_BUSY_TIMEOUT_MS,
) -> None:
    """`busy_timeout_ms`: how long a SQLite catalog's statements wait for another connection's lock before failing
    ("database is locked"). SQLite's own default is not to wait at all, and a writer whose commit failed so, beside
    a reader of the catalog, was seen to leave the catalog locked for every later reader of the process: a commit
    waits for the readers instead, and a reader for the commit (duckdb/ducklake#128 recommends the same).

    Every catalog read of a SQLite catalog goes through the one SQLite handle of its DuckDB transaction
    (`SQLITE_ONE_CATALOG_HANDLE`, set for the whole database before the lake is attached, so DuckLake's own metadata
    connection has it too). Without it the SQLite scanner may read a table in a read-only transaction through a
    handle it opens per scan with its own defaults (a 5 s busy timeout, not `busy_timeout_ms`), outside the
    transaction's snapshot of the catalog: while the transaction's own handle holds SQLite's shared lock, a writer's
    commit waits for that lock to go and the scan handle waits for the commit, a wait SQLite cannot see across two
    handles, which ends with the scan handle's "database is locked". On the one handle a reader reads under the lock
    it holds and sees one snapshot of the catalog (duckdb/duckdb-sqlite#180 added the setting; later DuckLake
    releases set it on their own metadata connection)."""
    load_extensions(con, location.kind, writing=not read_only)
    kind, _, target = location.catalog.partition(":")
    if kind == "sqlite":
        con.execute(SQLITE_ONE_CATALOG_HANDLE)
    if kind == "sqlite" and not read_only:
        _private_dirs(Path(target).parent)
    if not read_only and "://" not in location.data_path:
        _private_dirs(Path(location.data_path))
    options = ["DATA_PATH " + _literal(location.data_path)]
    if location.metadata_schema:
        options.append("METADATA_SCHEMA " + _literal(location.metadata_schema))
    if kind == "sqlite":
        options.append(f"META_BUSY_TIMEOUT {int(busy_timeout_ms)}")
    if read_only:
        options.append("READ_ONLY")
    existed = kind == "sqlite" and Path(target).exists()
    attach = f"ATTACH {_literal('ducklake:' + location.catalog)} AS {alias}"
    if read_only:
        con.execute(f"{attach} ({', '.join(options)})")  # an encrypted lake says so in its catalog
    else:
        _attach_encrypted(con, attach, options)
    if kind == "sqlite" and not existed and Path(target).exists():
        os.chmod(target, 0o600)


def _attach_encrypted(con: duckdb.DuckDBPyConnection, attach: str, options: list[str]) -> None:
    """Attach for writing; a new lake is created ENCRYPTED: every Parquet file it writes is encrypted with a key
    of its own, kept in the catalog, so the data path (a shared mount, a backup) holds no readable row.

    A lake created before encryption was wired stays as it is (DuckLake cannot encrypt an existing lake in place:
    it refuses the flag), and says so in `encrypted` of its catalog's `ducklake_metadata`."""
    try:
        con.execute(f"{attach} ({', '.join([*options, 'ENCRYPTED'])})")
    except duckdb.Error as error:
        if "not encrypted" not in str(error):
            raise
        con.execute(f"{attach} ({', '.join(options)})")


_writers: dict[LakeLocation, duckdb.DuckDBPyConnection] = {}
_writers_lock = threading.Lock()


def open_lake(
    location: LakeLocation,
    alias: str,
    read_only: bool,
    config: dict[str, str | bool | int | float | list[str]],
) -> duckdb.DuckDBPyConnection:
    """A connection whose catalog `alias` is the lake at `location`.

    Loading the three signed extensions costs ~1 s (DuckDB verifies each file's signature), and a run opens
    its warehouse several times; so a process keeps one database per lake it writes and hands out a cursor on
    it (a connection of its own, sharing the attached lake). A read-only reader gets a database of its own."""
    if read_only:
        con = open_database(":memory:", config)
        try:
            attach_lake(con, location, alias, read_only=True)
        except BaseException:
            con.close()
            raise
        return con
    with _writers_lock:
        keeper = _writers.get(location)
        if keeper is None:
            keeper = open_database(":memory:", config)
            try:
                attach_lake(keeper, location, alias)
            except BaseException:
                keeper.close()
                raise
            _writers[location] = keeper
    return cursor(keeper)


def kept_reader(location: LakeLocation) -> duckdb.DuckDBPyConnection | None:
    """A cursor on the database this process keeps for writing the lake at `location`, if it keeps one: a run
    reading back what it has just written needs no database of its own (one loads and verifies the extensions
    and reads the catalog again, ~0.5 s). For the process's own reads only: a setting made on it (the DPO's
    locked-down SQL) would hold for the writer too."""
    with _writers_lock:
        keeper = _writers.get(location)
        return cursor(keeper) if keeper is not None else None


# A database holding exactly what a lake held at one snapshot (a week's stage once written back), by lake.
_copies: dict[LakeLocation, tuple[duckdb.DuckDBPyConnection, int]] = {}


def keep_copy(location: LakeLocation, copy: duckdb.DuckDBPyConnection, snapshot: int) -> None:
    """Keep `copy`, a database of this process holding exactly what the lake at `location` holds at `snapshot`,
    for this process's next read of its own writes (`take_copy`); a copy kept before is closed."""
    with _writers_lock:
        previous = _copies.pop(location, None)
        _copies[location] = (copy, snapshot)
    if previous is not None:
        previous[0].close()


def holds_copy(copy: duckdb.DuckDBPyConnection) -> bool:
    with _writers_lock:
        return any(kept is copy for kept, _ in _copies.values())


def take_copy(location: LakeLocation) -> tuple[duckdb.DuckDBPyConnection, int] | None:
    """The copy kept for the lake at `location` and the snapshot it holds, handed over once (the caller closes it)."""
    with _writers_lock:
        return _copies.pop(location, None)


def release(location: LakeLocation | None = None) -> None:
    """Close the lake kept open for writing at `location` (every lake when None), e.g. once a school is done, and
    any copy of it kept."""
    with _writers_lock:
        keys = [location] if location is not None else list({*_writers, *_copies})
        closing = [_writers.pop(key, None) for key in keys] + [
            kept[0] if (kept := _copies.pop(key, None)) else None for key in keys
        ]
    for con in closing:
        if con is not None:
            con.close()


@contextmanager
def postgres_catalog(location: LakeLocation) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the lake's PostgreSQL database attached as `catalog_db`, for statements on its schemas."""
    con = open_database(
        ":memory:", {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        load_extensions(con, "postgres")
        con.execute(
            "ATTACH " + _literal(location.catalog.partition(":")[2]) + " AS catalog_db (TYPE postgres)"
        )
        yield con
    finally:
        con.close()


def postgres_execute(con: duckdb.DuckDBPyConnection, statement: str) -> None:
    """One statement run by PostgreSQL itself, outside a transaction (VACUUM refuses one)."""
    con.execute("CALL postgres_execute('catalog_db', ?, use_transaction => false)", [statement])


def _private_dirs(path: Path) -> None:
    """Create `path` and any missing parent owner-only (mkdir's mode applies to the last one alone).

    Two processes opening a new lake at once (a trust's workers) may both find a folder missing: the one that
    loses the race finds it made, owner-only, by the other."""
    for directory in [*reversed(path.parents), path]:
        if not directory.exists():
            directory.mkdir(mode=0o700, exist_ok=True)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
