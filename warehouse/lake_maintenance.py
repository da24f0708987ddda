"""DuckLake maintenance (flushing inlined rows, merging and rewriting files, expiring snapshots, removing their files),
in one place: run in a child process, one at a time per lake.

Why a child process: a trust's review app once died (`Fatal Python error: Aborted`) inside
`ducklake_flush_inlined_data`, called by a decision's publish while the app's other threads held the same lake
open. The abort has not been reproduced (benchmarks/lake_stress.py, also run by `make soak`), and DuckLake and its
SQLite scanner have open reports of native crashes when several connections of one process use one catalog at once
(duckdb/ducklake#1431, duckdb/ducklake#528, duckdb/duckdb-sqlite#176) and of maintenance racing writers
(duckdb/ducklake#650). What maintenance does is
housekeeping on committed data, so it loses nothing by running elsewhere: in a process of its own, a native fault
in it ends only that process, which is then run once more with the same request (the statements tidy committed
data, each commits whole; the request says what the publish found to do, which a crash after expiring the snapshots
that said so would otherwise hide). If it fails again the caller gets `MaintenanceFailed` (with the child's own
fault report): publishing logs it and goes on, and the next publish does what is left, or, if the snapshots were
expired, the next that finds anything to act on; an erasure stays unfinished (warehouse/privacy/storage_rewrite.py).
Nothing of the
caller's process (its kept lake, the app's other threads' connections) is touched by the maintenance statements.
The price is a process, and loading the extensions in it (warehouse/lake.py), per publish that has anything
to do (a lake that has only ever gained rows has not: `only_ever_gained`).

Why one at a time: `exclusive(location)` serialises, for one lake, every maintenance run and every short write
that goes through it (a review decision), among the threads of a process (a lock keyed by the catalog) and, for a
SQLite catalog, among processes (a `flock` on a lock file beside the catalog: the weekly run and the review app
publish the same lake). A PostgreSQL catalog's transactions keep processes apart themselves.

    python -m warehouse.lake_maintenance     # the child: a JSON request on stdin, a JSON result on stdout
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from warehouse import lake, side_files
from warehouse.duckdb_session import open_database

log = logging.getLogger(__name__)

# Steps of a publish: keep only the latest snapshot, so rows retention purged or an erasure removed leave the disk.
PUBLISH = "publish"
# Steps after an erasure: every file with a deleted row rewritten too (DuckLake's default waits until 95% of a file
# is deleted), which also recomputes the statistics that held the deleted values as a minimum or a maximum.
ERASURE = "erasure"
PLANS = (PUBLISH, ERASURE)
CHILD = ("-m", "warehouse.lake_maintenance")  # what the child process runs, after the interpreter
CHILD_TIMEOUT_SECONDS = 1800.0
# A child ended by a signal (a native crash) is run once more before the caller is told: a crash is rare and its
# plan safe to repeat. One that exits with an error or runs out of time is not: that would fail again the same way.
TRIES_WHEN_IT_CRASHES = 2
LOCK_KIND = "lake maintenance lock"  # beside the lake's SQLite catalog (warehouse/side_files.py)
BUSY_TIMEOUT_MS = 60_000  # longer than the readers': maintenance is the one that may wait
# A maintenance taking longer than this is logged with where its time went (waiting for the lake, starting the
# process, attaching the catalog, each step): a publish on a small lake takes about a second, and a rare stall of a
# trust's publish (~50 s) could not be told apart afterwards.
SLOW_SECONDS = 10.0
# What a snapshot's `changes` say was written: rows inlined in the catalog, rows or deletions in new files.
INLINED_CHANGES = frozenset({"inlined_insert", "inlined_delete"})
FILE_CHANGES = frozenset({"tables_inserted_into", "tables_deleted_from", "flushed_inlined"})
# What a snapshot that lost no row says it did (`only_ever_gained`): a view holds no rows of its own.
ROW_KEEPING_CHANGES = frozenset(
    {
        "schemas_created",
        "tables_created",
        "tables_inserted_into",
        "views_created",
        "views_altered",
        "views_dropped",
    }
)


class MaintenanceFailed(Exception):
    """The maintenance process failed or was ended by a signal; nothing the caller committed is lost."""


class LakeBusy(Exception):
    """Another thread or process kept the lake (maintenance, a write) for longer than the caller would wait."""


# --- one at a time per lake -------------------------------------------------------------------------------------

_locks: dict[str, threading.RLock] = {}
_depth: dict[str, int] = {}
_locks_lock = threading.Lock()


@contextmanager
def exclusive(location: lake.LakeLocation, wait_seconds: float | None = None) -> Iterator[None]:
    """The block alone on the lake at `location`, among this process's threads and (SQLite catalog) other processes.
    Re-entrant in one thread: a decision's write and its publish may nest. `wait_seconds`: `LakeBusy` once the lake
    has been held that long by another (None: wait as long as it takes)."""
    key = location.catalog + "\0" + (location.metadata_schema or "")
    deadline = None if wait_seconds is None else time.monotonic() + wait_seconds
    with _locks_lock:
        thread_lock = _locks.setdefault(key, threading.RLock())
    if not thread_lock.acquire(timeout=-1 if deadline is None else max(0.0, deadline - time.monotonic())):
        raise LakeBusy(f"another thread kept the lake {location.catalog} for over {wait_seconds:.0f} s")
    try:
        _depth[key] = _depth.get(key, 0) + 1
        try:
            if _depth[key] == 1:
                with _process_lock(location, deadline):
                    yield
            else:
                yield
        finally:
            _depth[key] -= 1
    finally:
        thread_lock.release()


@contextmanager
def _process_lock(location: lake.LakeLocation, deadline: float | None) -> Iterator[None]:
    if location.kind != "sqlite":
        yield
        return
    catalog = Path(location.catalog.partition(":")[2])
    if not catalog.parent.exists():  # a lake not made yet: nothing to keep apart
        yield
        return
    # A file of its own: a descriptor of the catalog itself, once closed, would drop SQLite's POSIX locks on it.
    descriptor = os.open(side_files.kept_path(LOCK_KIND, catalog), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LakeBusy(f"another process kept the lake {location.catalog} too long") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(descriptor)  # releases the flock


# --- the caller's side ------------------------------------------------------------------------------------------


def drop_superseded_snapshots(con: duckdb.DuckDBPyConnection, location: lake.LakeLocation) -> dict[str, Any]:
    """Keep only the lake's latest snapshot: older ones would still hold rows that retention purged or an erasure
    removed (DuckLake deletes are logical until snapshots expire and their files are cleaned up). `con` (the
    caller's, nothing uncommitted) only tells whether anything is to be done: a lake with one snapshot has none, nor
    has a lake that has only ever gained rows (`only_ever_gained`)."""
    # fetchall, not fetchone: a result left open keeps its transaction, and with it a read lock on a SQLite
    # catalog that would refuse the child's commit.
    snapshots = con.execute(
        f"SELECT snapshot_id, changes FROM ducklake_snapshots({_literal(lake.ATTACHED_ALIAS)}) ORDER BY snapshot_id"
    ).fetchall()
    if len(snapshots) <= 1 or only_ever_gained(snapshots):
        return {"steps": []}
    return run(location, PUBLISH, _spill_config(con), pending_since(snapshots))


def pending_since(snapshots: Sequence[tuple[int, Mapping[str, Sequence[str]] | None]]) -> set[str]:
    """The kinds of change the snapshots since the last publish made (the oldest is the one it kept, or the lake's
    first, which only made a schema): what a publish's maintenance has to act on."""
    return set().union(*(_changed(changes) for _, changes in snapshots[1:]))


def only_ever_gained(snapshots: Sequence[tuple[int, Mapping[str, Sequence[str]] | None]]) -> bool:
    """Whether every snapshot of a lake (id and `changes`, oldest first, from `ducklake_snapshots`) only added to
    it since it was made: schemas, tables and views made (views hold no rows), tables shaped before any row
    existed, and each table's rows written to files once (a new lake's first week). Then no older snapshot holds a
    row the latest lacks, and there is nothing to flush or merge: the maintenance would only expire snapshots that
    show nothing more than the latest, which is not worth its process.

    The lake's first snapshot (0) must still be there: once older ones were expired, what the oldest kept holds
    (files earlier weeks wrote) is not in its `changes`, so the maintenance decides."""
    if not snapshots or snapshots[0][0] != 0:
        return False
    written: set[str] = set()
    for _, changes in snapshots[1:]:
        kinds = _changed(changes)
        if kinds - ROW_KEEPING_CHANGES - {"tables_altered"}:
            return False
        if "tables_altered" in kinds and written:
            return False  # a column dropped or retyped once rows exist leaves them in the older snapshots
        inserted = set((changes or {}).get("tables_inserted_into") or ())
        if inserted & written:
            return False  # a second file for a table: the maintenance merges them
        written |= inserted
    return True


def _changed(changes: Mapping[str, Sequence[str]] | None) -> set[str]:
    """The kinds of change a snapshot's `changes` (from `ducklake_snapshots`) name with any table."""
    return {kind for kind, tables in (changes or {}).items() if tables}


def rewrite_after_erasure(con: duckdb.DuckDBPyConnection, location: lake.LakeLocation) -> dict[str, Any]:
    """Every data file with a deleted row rewritten, every older snapshot expired and its files removed."""
    return run(location, ERASURE, _spill_config(con))


def run(
    location: lake.LakeLocation, plan: str, config: dict[str, Any], pending: Collection[str] = ()
) -> dict[str, Any]:
    """Run `plan` on the lake in a child process, alone on the lake; what it did, or `MaintenanceFailed`.

    `pending`: the kinds of change a publish has to act on, as the caller saw them before anything ran. A child
    that crashed may have expired the snapshots that said so before it flushed what they inlined; run again, it
    still knows from the request."""
    if plan not in PLANS:
        raise ValueError(f"no maintenance plan {plan!r}")
    request = json.dumps(
        {"location": location.__dict__, "plan": plan, "config": config, "pending": sorted(pending)}
    )
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}  # a native fault prints every thread's stack to stderr
    asked = time.monotonic()
    with exclusive(location):
        waited = time.monotonic() - asked
        for attempt in range(1, TRIES_WHEN_IT_CRASHES + 1):
            done = _child_run(location, plan, request, env)
            if done.returncode >= 0 or attempt == TRIES_WHEN_IT_CRASHES:
                break
            # Ended by a signal: a native fault of that process (a heap corruption seen once under load). The
            # statements only tidy committed data and each commits whole, so the same plan is run again afresh.
            log.warning(
                "DuckLake maintenance (%s) of %s ended by signal %d; running it again. Its report:\n%s",
                plan,
                location.catalog,
                -done.returncode,
                done.stderr[-4000:],
            )
    if done.returncode != 0:
        how = f"ended by signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise MaintenanceFailed(
            f"DuckLake maintenance ({plan}) of {location.catalog} failed ({how}); its report:\n"
            + done.stderr[-4000:]
        )
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    took = time.monotonic() - asked
    if took > SLOW_SECONDS:
        log.warning("%s", slow_report(location, plan, took, waited, result.get("seconds", {})))
    return result


def _child_run(
    location: lake.LakeLocation, plan: str, request: str, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 (this interpreter, our own module)
            [sys.executable, *CHILD],
            input=request,
            capture_output=True,
            text=True,
            env=env,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MaintenanceFailed(
            f"DuckLake maintenance ({plan}) of {location.catalog} took over {CHILD_TIMEOUT_SECONDS:.0f} s"
            " and was stopped"
        ) from None


def slow_report(
    location: lake.LakeLocation, plan: str, took: float, waited: float, seconds: Mapping[str, float]
) -> str:
    """Where a slow maintenance's time went: waiting for the lake here, the child's own start (the rest), and the
    child's attach and steps, as it measured them."""
    inside = sum(seconds.values())
    parts = [
        f"waiting for the lake {waited:.1f} s",
        f"starting the process {max(0.0, took - waited - inside):.1f} s",
    ]
    parts += [f"{name} {spent:.1f} s" for name, spent in seconds.items()]
    return f"DuckLake maintenance ({plan}) of {location.catalog} took {took:.1f} s: " + ", ".join(parts)


def _spill_config(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The caller's own spill settings (an owner-only folder, encrypted files) for the child's connection."""
    rows = con.execute(
        "SELECT current_setting('temp_directory'), current_setting('temp_file_encryption')"
    ).fetchall()
    spill, encrypted = rows[0] if rows else ("", True)
    return {"temp_directory": str(spill), "temp_file_encryption": bool(encrypted)}


# --- the child's side -------------------------------------------------------------------------------------------


def maintain(con: duckdb.DuckDBPyConnection, plan: str, pending: Collection[str] = ()) -> dict[str, Any]:
    """The maintenance statements of `plan`, on `con` (the lake attached for writing as `lake.ATTACHED_ALIAS`).

    A publish makes DuckLake's calls only when the snapshots since the last publish (every older one was expired
    by it) wrote what they act on, or the caller said so (`pending`): each reads every table's metadata (~0.3-1 s
    on a SQLite catalog, even with nothing to do). Expiring snapshots and removing their files is always done."""
    catalog = _literal(lake.ATTACHED_ALIAS)
    steps: list[str] = []
    seconds: dict[str, float] = {}

    def call(statement: str) -> None:
        started = time.monotonic()
        con.execute(f"CALL {statement}")
        step = statement.partition("(")[0]
        steps.append(step)
        seconds[step] = seconds.get(step, 0.0) + time.monotonic() - started

    if plan == ERASURE:
        call(f"ducklake_flush_inlined_data({catalog})")
        call(f"ducklake_rewrite_data_files({catalog}, delete_threshold => 0)")
    else:
        snapshots = con.execute(
            f"SELECT snapshot_id, changes FROM ducklake_snapshots({catalog}) ORDER BY snapshot_id"
        ).fetchall()
        pending = set(pending) | pending_since(snapshots)
        call(f"ducklake_expire_snapshots({catalog}, older_than => now())")
        if pending & INLINED_CHANGES:
            call(f"ducklake_flush_inlined_data({catalog})")
        most_files, deletions = _file_counts(con)
        # A table written once (a new lake, a table a week rewrote whole) has one file: nothing to merge.
        if pending & (INLINED_CHANGES | FILE_CHANGES) and most_files > 1:
            call(f"ducklake_merge_adjacent_files({catalog})")
            _, deletions = _file_counts(con)  # merging may have folded some deletions in
        if deletions:
            call(f"ducklake_rewrite_data_files({catalog})")
    call(f"ducklake_expire_snapshots({catalog}, older_than => now())")
    call(f"ducklake_cleanup_old_files({catalog}, cleanup_all => true)")
    # Not done here: VACUUM of a SQLite catalog (its free pages may keep deleted bytes). Python's sqlite3 is another
    # copy of SQLite than the extension's, and two copies on one open file in one process break each other's locks.
    return {"plan": plan, "steps": steps, "seconds": seconds}


def _file_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The most data files any one table of the lake has, and how many delete files they have in all."""
    row = con.execute(
        f"SELECT max(file_count), sum(delete_file_count) FROM ducklake_table_info({_literal(lake.ATTACHED_ALIAS)})"
    ).fetchone()
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)


def _child() -> int:
    request = json.loads(sys.stdin.read())
    location = lake.LakeLocation(**request["location"])
    config = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        **request["config"],
    }
    con = open_database(":memory:", config)
    try:
        # Waits out a reader of the catalog (an app page) instead of failing at once at its commit.
        started = time.monotonic()
        lake.attach_lake(con, location, lake.ATTACHED_ALIAS, busy_timeout_ms=BUSY_TIMEOUT_MS)
        attached = time.monotonic() - started
        done = maintain(con, request["plan"], request.get("pending", ()))
        done["seconds"] = {"attaching the catalog": attached, **done["seconds"]}
        print(json.dumps(done), flush=True)
    finally:
        con.close()
    return 0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


if __name__ == "__main__":
    raise SystemExit(_child())
