"""What the review app must remember beyond one process: revoked sessions and sign-in attempts.

Kept in one SQLite file beside the local accounts file (`review-app-state.sqlite3`, owner-only), shared by every
process of the app over those accounts: a session signed out stays signed out when the app restarts (its cookie is
still validly signed while `session_key_env` keeps the key), and the throttle counts attempts across restarts and
processes. An attempt is counted *before* the password is checked, inside one write transaction that first reads the
count (`BEGIN IMMEDIATE`): however many guesses arrive at once, no more than the limit are ever checked.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from warehouse.side_files import kept_path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS revoked_sessions (sid TEXT PRIMARY KEY, until REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sign_in_attempts (attempt TEXT NOT NULL, key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS attempts_by_key ON sign_in_attempts (key, at)",
)


def state_path(accounts_file: Path) -> Path:
    return kept_path("review app sign-in state", accounts_file)


class SignInState:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only before SQLite opens it: it names who tried to sign in, and from where.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        with self._connection() as con:
            for statement in SCHEMA:
                con.execute(statement)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # One connection per call: requests are served on many threads, and SQLite's lock orders the writers.
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    def revoke(self, sid: str, until: float) -> None:
        with self._connection() as con:
            con.execute("INSERT OR REPLACE INTO revoked_sessions VALUES (?, ?)", [sid, until])

    def is_revoked(self, sid: str) -> bool:
        with self._connection() as con:
            return (
                con.execute(
                    "SELECT 1 FROM revoked_sessions WHERE sid = ? AND until > ?", [sid, self.clock()]
                ).fetchone()
                is not None
            )

    def reserve(self, limits: Sequence[tuple[str, int]], window_seconds: float) -> str | None:
        """Count one attempt against each (key, limit), or None (nothing counted) when a key has reached its
        limit within the window. The caller calls `succeeded` when the attempt turns out right."""
        now = self.clock()
        attempt = uuid.uuid4().hex
        with self._connection() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("DELETE FROM sign_in_attempts WHERE at <= ?", [now - window_seconds])
                con.execute("DELETE FROM revoked_sessions WHERE until <= ?", [now])
                for key, limit in limits:
                    row = con.execute("SELECT count(*) FROM sign_in_attempts WHERE key = ?", [key]).fetchone()
                    if row is not None and row[0] >= limit:
                        con.execute("ROLLBACK")
                        return None
                con.executemany(
                    "INSERT INTO sign_in_attempts VALUES (?, ?, ?)",
                    [(attempt, key, now) for key, _ in limits],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return attempt

    def succeeded(self, attempt: str, clear: Sequence[str]) -> None:
        """The attempt was right: it does not count, nor do earlier failures of the keys in `clear`."""
        with self._connection() as con:
            con.execute("DELETE FROM sign_in_attempts WHERE attempt = ?", [attempt])
            con.executemany("DELETE FROM sign_in_attempts WHERE key = ?", [(key,) for key in clear])
