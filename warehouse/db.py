"""DuckDB connection and the forward-only, transactional migrations that shape the warehouse."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import lake, portable, side_files
from warehouse.duckdb_session import open_database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationError(Exception):
    """A migration failed, or one already applied was edited after it landed."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Numbered `NNNN_name.sql` files, in order; a duplicate number is a packaging error.

    Numbers may skip: work in progress on several branches reserves its numbers ahead (0013 may land before 0010),
    and `migrate` refuses to apply one below a number a warehouse already holds, so the order is never mixed."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        if not number.isdigit():
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        found.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise MigrationError(f"migration numbers must start at 1, each used once, found {versions}")
    return found


KEY_ENV = "SOCIALAUDIT_DB_KEY"
ATTACHED_AS = "warehouse"
# The key in force for this context, not the process: a trust audits schools in threads, each with its own key,
# and a thread that never set one must not borrow another's (nor publish a plain copy of an encrypted file).
_context_key: ContextVar[str | None] = ContextVar("socialaudit_warehouse_key", default=None)


class WarehouseKeyError(Exception):
    """The warehouse is encrypted and no (or the wrong) key was given, or a key was given for a plain file."""


def use_encryption_key(key: str | None) -> None:
    """Set the key every later `connect` in this context uses (the flow resolves it once from school.toml).

    A context variable: threads started afterwards do not see it (Prefect copies the context into its task
    threads, so a flow's tasks do); `encryption_key(...)` scopes it to a block."""
    _context_key.set(key or None)


@contextmanager
def encryption_key(key: str | None) -> Iterator[None]:
    """`key` in force inside the block only, in this context."""
    token = _context_key.set(key or None)
    try:
        yield
    finally:
        _context_key.reset(token)


def current_encryption_key() -> str | None:
    """The key in force: the one set in this context, else the `SOCIALAUDIT_DB_KEY` variable."""
    return _context_key.get() or os.environ.get(KEY_ENV) or None


SPILL_FOLDER = side_files.kind("spill folder").pattern


def spill_directory(path: Path) -> Path:
    """Where DuckDB spills a warehouse's intermediate results: a private folder beside it, never `./.tmp`."""
    return path.parent / SPILL_FOLDER


def is_encrypted(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse attached on `con` is an encrypted DuckDB file."""
    row = con.execute(
        "SELECT coalesce(encrypted, false) FROM duckdb_databases() WHERE database_name = ?", [ATTACHED_AS]
    ).fetchone()
    return bool(row and row[0])


def connect(
    path: Path | str, read_only: bool = False, encryption_key: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (encrypted when a key is in force); never downloads an extension."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    in_memory = str(path) == ":memory:"
    location = None if in_memory else lake.read_locator(Path(path))
    if location is not None:
        # A lake's Parquet files are encrypted (warehouse/lake.py): so are its spill files.
        return _attach_lake(location, read_only, {**config, **_spill_settings(Path(path), encrypted=True)})
    key = None if in_memory else encryption_key or current_encryption_key()
    path = Path(path)
    existed = path.exists()
    if not read_only and not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not in_memory:
        config = {**config, **_spill_settings(path, encrypted=key is not None)}
    try:
        con = _attach(path, read_only, key, config)
    except duckdb.Error as error:
        raise _without_key(error, key, path) from None
    if not read_only and not existed and path.exists():
        # DuckDB creates the file with the process umask; the warehouse holds children's data.
        os.chmod(path, 0o600)
    return con


def _spill_settings(path: Path, encrypted: bool) -> dict[str, str | bool | int | float | list[str]]:
    """Spill files in an owner-only folder beside the warehouse (created when DuckDB first spills), encrypted
    when the warehouse is: a sort of an encrypted warehouse must not write plain rows to the working directory."""
    spill = spill_directory(path.absolute())
    if spill.parent.exists():
        # exist_ok: two processes opening two schools' lakes in one folder race to make it (seen in CI).
        spill.mkdir(mode=0o700, exist_ok=True)
    return {"temp_directory": str(spill), "temp_file_encryption": encrypted}


LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")


class WarehouseBusy(Exception):
    """Another process kept the warehouse's write lock for longer than this one would wait."""

    def __init__(self, path: Path, waited_seconds: float) -> None:
        super().__init__(
            f"the warehouse {path.name} is busy: another process (the weekly audit, a review or a register "
            f"change) kept it for {waited_seconds:.0f} s, so nothing was written; try again in a few minutes"
        )
        self.retry_after_seconds = 60


def is_lock_conflict(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) and any(m in str(error) for m in LOCK_MESSAGES)


def connect_waiting(
    path: Path | str,
    timeout_seconds: float,
    pause_seconds: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """A writing connection, waiting up to `timeout_seconds` while another process holds the lock (a review's
    short write); then `WarehouseBusy` in a plain sentence instead of DuckDB's lock message."""
    deadline = time.monotonic() + timeout_seconds
    started = time.monotonic()
    while True:
        try:
            return connect(path)
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(Path(path), time.monotonic() - started) from None
            sleep(pause_seconds)


def _attach(
    path: Path, read_only: bool, key: str | None, config: dict[str, str | bool | int | float | list[str]]
) -> duckdb.DuckDBPyConnection:
    """Attach the file under a fixed alias, whatever its name.

    `duckdb.connect("audit.duckdb")` names the catalog after the file, and a catalog called `audit`
    shadows the `audit` schema ("Ambiguous reference to catalog or schema"); so does `raw.duckdb`,
    `ref`, `meta`... Attaching to an in-memory connection under our own alias means the file's name is
    never a name in any query.
    """
    con = open_database(":memory:", config)
    try:
        options = []
        if key is not None:
            load_openssl(con)
            options.append("ENCRYPTION_KEY '" + key.replace("'", "''") + "'")
        if read_only:
            options.append("READ_ONLY")
        quoted_path = str(path).replace("'", "''")
        suffix = f" ({', '.join(options)})" if options else ""
        con.execute(f"ATTACH '{quoted_path}' AS {ATTACHED_AS}{suffix}")
        con.execute(f"USE {ATTACHED_AS}")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block in one transaction of `con`: committed when it ends, rolled back when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def joining_or_own_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block in the transaction `con` has open, or else in one of its own (committed when the block ends,
    rolled back when it raises)."""
    if in_transaction(con):
        yield
        return
    with transaction(con):
        yield


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` has a transaction open: its statements then share one transaction id, where each statement
    committed alone has its own. (Trying BEGIN would tell too, but its error aborts the open transaction.)"""
    ids = [con.execute("SELECT current_transaction_id()").fetchone() for _ in range(2)]
    return ids[0] == ids[1]


def load_openssl(con: duckdb.DuckDBPyConnection) -> None:
    """Writing an encrypted file needs OpenSSL from httpfs; without it DuckDB only offers an unsafe mode."""
    from duckdb_extensions import import_extension

    import_extension("httpfs", con=con)
    con.execute("LOAD httpfs")


def _attach_lake(
    location: lake.LakeLocation, read_only: bool, config: dict[str, str | bool | int | float | list[str]]
) -> duckdb.DuckDBPyConnection:
    """A school's DuckLake (a trust's warehouse), under the same alias as a file: every query reads the same."""
    con = lake.open_lake(location, ATTACHED_AS, read_only, config)
    try:
        con.execute(f"USE {ATTACHED_AS}")
    except BaseException:
        con.close()
        raise
    return con


def _without_key(error: duckdb.Error, key: str | None, path: Path) -> Exception:
    """The same failure in plain words, with the key itself scrubbed from anything DuckDB echoed."""
    message = str(error)
    if key:
        message = message.replace(key, "<redacted>")
    if "without a key" in message:
        return WarehouseKeyError(
            f"{path} is encrypted: set {KEY_ENV} (or the key named in school.toml [warehouse]) to open it"
        )
    if "Wrong encryption key" in message:
        return WarehouseKeyError(f"{path}: the encryption key in force is not this warehouse's key")
    if "is not encrypted" in message:
        return WarehouseKeyError(
            f"{path} is not encrypted but an encryption key is configured: "
            "unset the key, or start an encrypted warehouse in a new file"
        )
    return type(error)(message)


def applied_versions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    if not portable.table_exists(con, "meta", "migrations"):
        return {}
    return _versions(con)


def _versions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    return {
        int(v): str(c) for v, c in con.execute("SELECT version, checksum FROM meta.migrations").fetchall()
    }


def migrate(con: duckdb.DuckDBPyConnection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations, each in its own transaction (all in one on a lake or a new warehouse); returns the
    versions applied."""
    migrations = discover_migrations() if migrations is None else migrations
    # The same landed migrations shape a lake, less what DuckLake cannot store (warehouse/portable.py).
    views = portable.view_names(con) if portable.is_lake(con) else None
    translate = (lambda sql: portable.for_lake(con, sql, views)) if views is not None else (lambda sql: sql)
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        translate(
            "CREATE TABLE IF NOT EXISTS meta.migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL)"
        )
    )
    # Read straight from the table made just above: asking the catalog first whether it exists cost more than
    # the read (~3 ms a call on a file, each time a warehouse is opened for writing).
    done = _versions(con)
    for migration in migrations:
        if migration.version in done and done[migration.version] != migration.checksum:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} was edited after it was applied; "
                "add a new migration instead"
            )
    newest_known = max((m.version for m in migrations), default=0)
    if done and max(done) > newest_known:
        raise MigrationError(
            f"the warehouse is at migration {max(done)}, newer than this install knows ({newest_known})"
        )
    pending = [migration for migration in migrations if migration.version not in done]
    passed = [m.version for m in pending if done and m.version < max(done)]
    if passed:
        raise MigrationError(
            f"migration {passed[0]:04d} is pending but the warehouse is already at {max(done):04d}: migrations "
            "apply in number order; restore a backup taken before, or start a new warehouse"
        )
    # A lake commits each transaction to its catalog (a snapshot, catalog rows): a new school's lake took ~2-4 s
    # as nine transactions and ~0.2 s as one, so a lake takes its pending migrations together, all or none. So does
    # a new warehouse: half made is of no use to anyone, and each commit writes the file again.
    together = portable.is_lake(con) or not done
    batches = [pending] if together else [[migration] for migration in pending]
    for batch in batches:
        if not batch:
            continue
        con.execute("BEGIN TRANSACTION")
        migration = batch[0]
        try:
            for migration in batch:
                con.execute(translate(migration.sql))
            # One insert for the batch: on a lake each insert is a Parquet file or rows inlined in the catalog.
            applied_at = datetime.now(UTC).replace(tzinfo=None)
            con.execute(
                "INSERT INTO meta.migrations VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(batch)),
                [value for m in batch for value in (m.version, m.name, m.checksum, applied_at)],
            )
            con.execute("COMMIT")
        except duckdb.Error as error:
            con.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} failed: {error}"
            ) from error
    return [migration.version for migration in pending]
