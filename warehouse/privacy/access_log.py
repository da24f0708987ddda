"""The access log: who read, decided, exported or queried what, when and from where (`audit.access_log`, read by
the DPO as `dpo.access_log`).

Recording never waits for, or blocks, the weekly run (the review app shows a page while the run writes): an entry
is appended at once to a spool beside the warehouse (`<db>.access-log.jsonl`, owner-only, one JSON line each), and
every writer folds the spool into `audit.access_log` before it publishes the read-only copy: the weekly run, a
decision, `sar`, `erase`, `sql`, `registers accept`. An entry is in the spool or in the table, and folding twice
never doubles it (entries carry their own id), so a crash between the commit and emptying the spool loses nothing.
An erasure folds first, so its sweep reaches what the spool held.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import socket
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import duckdb

from warehouse import side_files
from warehouse.db import transaction
from warehouse.load import now_utc

TABLE = "audit.access_log"
VIAS = ("review-app", "cli")
ACTIONS = (
    "list",
    "view",
    "decide",
    "decide-refused",
    "proposal",
    "denied",
    "access-log",
    "sar",
    "erase",
    "sql",
    "export",
    "registers-accept",
    "remediate",
    "remediate-refused",
    "unreadable",
    "sign-in-failed",
    "sign-in-throttled",
    "check-post",
    "approve-post",
)
COLUMNS = ("access_id", "accessed_at", "identity", "os_user", "via", "origin", "action", "object", "detail")
MAX_TEXT = (
    4000  # a query or a filter longer than this is cut: the log records what was done, not a copy of it
)


@dataclass(frozen=True)
class AccessEntry:
    identity: str
    via: str
    origin: str
    action: str
    object: str | None = None
    detail: str | None = None
    os_user: str | None = None
    access_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    accessed_at: datetime = field(default_factory=now_utc)

    def __post_init__(self) -> None:
        if self.via not in VIAS:
            raise ValueError(f"unknown via {self.via!r}")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown access action {self.action!r}")
        if not self.identity.strip():
            raise ValueError("an access entry needs an identity")

    @property
    def accountable(self) -> str:
        """Who answers for the step, as a record of it names them: in the review app the signed-in identity; on the
        command line the name given with --by and, in brackets, the operating-system user who ran the command (a
        typed name alone proves nobody)."""
        if self.via == "cli" and self.os_user and self.identity.strip().casefold() != self.os_user.casefold():
            return f"{self.identity} ({self.os_user})"
        return self.identity

    def row(self) -> list[Any]:
        values = asdict(self)
        for name in ("object", "detail"):
            if isinstance(values[name], str):
                values[name] = values[name][:MAX_TEXT]
        return [values[c] for c in COLUMNS]


def os_user() -> str:
    """The operating-system user running this process, from the real uid (not $USER or $LOGNAME, which anyone
    can set)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


def cli_origin() -> str:
    """Where a command was run from: this machine, and the SSH client's address when it came over SSH."""
    origin = f"cli@{socket.gethostname()}"
    ssh = os.environ.get("SSH_CONNECTION", "").split()
    return f"{origin} (ssh from {ssh[0]})" if ssh else origin


def cli_entry(
    action: str, by: str | None, object: str | None = None, detail: str | None = None
) -> AccessEntry:
    """An entry for a command: the name given with --by (else the OS user), with the OS user beside it."""
    user = os_user()
    return AccessEntry(
        identity=(by or "").strip() or user,
        via="cli",
        origin=cli_origin(),
        action=action,
        object=object,
        detail=detail,
        os_user=user,
    )


def spool_path(db_path: Path) -> Path:
    return side_files.kept_path("access-log spool", db_path)


@contextlib.contextmanager
def _locked_spool(db_path: Path, mode: str) -> Iterator[IO[str]]:
    path = spool_path(db_path)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, mode, encoding="utf-8") as spool:
        fcntl.flock(spool, fcntl.LOCK_EX)
        try:
            yield spool
        finally:
            fcntl.flock(spool, fcntl.LOCK_UN)


def record(db_path: Path, entry: AccessEntry) -> None:
    """Append one entry to the spool, written through to the disk before the caller goes on."""
    line = json.dumps({**asdict(entry), "accessed_at": entry.accessed_at.isoformat()}, ensure_ascii=False)
    with _locked_spool(db_path, "a+") as spool:
        spool.write(line + "\n")
        spool.flush()
        os.fsync(spool.fileno())


def _entries(text: str) -> list[AccessEntry]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            values = json.loads(line)
            values["accessed_at"] = datetime.fromisoformat(values["accessed_at"])
            entries.append(AccessEntry(**values))
        except (ValueError, TypeError, KeyError):
            # A torn line (a crash mid-write) is the only way here: kept as it is, never dropped silently.
            entries.append(
                AccessEntry(
                    identity="unknown", via="cli", origin="access-log spool", action="unreadable", detail=line
                )
            )
    return entries


def pending(db_path: Path) -> list[AccessEntry]:
    """Entries recorded but not yet folded into the warehouse (the DPO's page shows them beside the table)."""
    if not spool_path(db_path).exists():
        return []
    with _locked_spool(db_path, "a+") as spool:
        spool.seek(0)
        return _entries(spool.read())


def has_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'audit' AND table_name = 'access_log'"
    ).fetchone()
    return bool(row and row[0])


def insert(con: duckdb.DuckDBPyConnection, entries: list[AccessEntry]) -> int:
    """Add entries not already in the table, inside the caller's transaction; returns how many were added."""
    if not entries:
        return 0
    held = {
        r[0]
        for r in con.execute(
            f"SELECT access_id FROM {TABLE} WHERE access_id IN (SELECT unnest(?::VARCHAR[]))",
            [[e.access_id for e in entries]],
        ).fetchall()
    }
    fresh = [e.row() for e in entries if e.access_id not in held]
    if fresh:
        con.executemany(
            f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", fresh
        )
    return len(fresh)


def keep(con: duckdb.DuckDBPyConnection, db_path: Path, entries: list[AccessEntry]) -> None:
    """Inside a writer's transaction: into the table, or the spool while the warehouse predates the access log
    (no run has migrated it since this version was installed)."""
    if has_table(con):
        insert(con, entries)
    else:
        for entry in entries:
            record(db_path, entry)


def fold(con: duckdb.DuckDBPyConnection, db_path: Path) -> int:
    """Move the spool into `audit.access_log` through `con`, a writer outside any transaction (its own commit),
    then empty the spool. A warehouse not yet migrated to the access log keeps its spool for later."""
    if not spool_path(db_path).exists() or not has_table(con):
        return 0
    with _locked_spool(db_path, "a+") as spool:
        spool.seek(0)
        entries = _entries(spool.read())
        if not entries:
            return 0
        with transaction(con):
            added = insert(con, entries)
        spool.truncate(0)
        spool.flush()
        os.fsync(spool.fileno())
    return added
