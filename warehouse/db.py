"""DuckDB connection and the forward-only, transactional migrations that shape the warehouse."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

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
    """Numbered `NNNN_name.sql` files, in order; a gap or a duplicate number is a packaging error."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        if not number.isdigit():
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        found.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migration numbers must run 1..n without gaps, found {versions}")
    return found


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; never downloads an extension (everything needed ships in the install)."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    return duckdb.connect(str(path), read_only=read_only, config=config)


def applied_versions(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    return {
        int(v): str(c) for v, c in con.execute("SELECT version, checksum FROM meta.migrations").fetchall()
    }


def migrate(con: duckdb.DuckDBPyConnection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply pending migrations, each in its own transaction; returns the versions applied."""
    migrations = discover_migrations() if migrations is None else migrations
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL)"
    )
    done = applied_versions(con)
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
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO meta.migrations VALUES (?, ?, ?, ?)",
                [
                    migration.version,
                    migration.name,
                    migration.checksum,
                    datetime.now(UTC).replace(tzinfo=None),
                ],
            )
            con.execute("COMMIT")
        except duckdb.Error as error:
            con.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} failed: {error}"
            ) from error
        applied.append(migration.version)
    return applied
