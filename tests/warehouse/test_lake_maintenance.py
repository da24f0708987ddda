"""DuckLake maintenance, apart from the process that publishes: decisions made on threads beside readers of the same
lake all land, and a maintenance process that dies natively loses nothing and is done again by the next publish."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.lake_stress import make_lake, stress
from tests.builders.warehouse import catalog_tables_holding, lake_in
from warehouse import lake, lake_maintenance, side_files
from warehouse.db import connect, migrate, transaction
from warehouse.load import now_utc
from warehouse.people import Actor
from warehouse.privacy.storage_rewrite import owed_rewrites, rewrite_storage
from warehouse.reviews import review_and_publish
from warehouse.snapshot import WarehouseBusy, publish_snapshot, publish_snapshot_from, write_with_retry


@pytest.fixture
def released() -> Iterator[None]:
    yield
    lake.release()


def snapshots(locator: Path) -> int:
    con = connect(locator, read_only=True)
    try:
        row = con.execute(f"SELECT count(*) FROM ducklake_snapshots('{lake.ATTACHED_ALIAS}')").fetchall()
    finally:
        con.close()
    return int(row[0][0])


@pytest.mark.slow
def test_decisions_on_threads_beside_readers_of_the_lake_all_land(tmp_path: Path, released: None) -> None:
    """The review app's shape: its threads decide (a short write, then a publish) while others read the lake."""
    locator, keys = make_lake(tmp_path, exceptions=2)
    # A read every 0.2 s still meets every write (each decision's write and publish take a second or more); readers
    # reading without a pause spent ~20 CPU-s here, more on a loaded machine, where the decisions take longer.
    # One decision per thread: a lake's writes and maintenance runs take turns (`lake_maintenance.exclusive`), so
    # the second thread's write still lands beside the first's, before or after its maintenance, through the kept
    # writer; a second decision each only doubled the time the readers read (~10 CPU-s). benchmarks/lake_stress.py
    # (in `make soak`) decides many times over.
    counts = stress(locator, keys, deciders=2, readers=2, decisions=1, reader_pause=0.2)
    assert counts["reads"] >= 8  # the readers read all along, not once before the decisions or after them
    decided = {kind: n for kind, n in counts["errors"].items() if kind.startswith(("decide", "final read"))}
    assert decided == {}
    assert counts["decisions"] == 2
    assert counts["decisions_missing"] == 0


@pytest.mark.slow
def test_a_maintenance_process_that_aborts_loses_nothing_and_the_next_publish_does_it(
    tmp_path: Path, released: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    locator, keys = make_lake(tmp_path, exceptions=1)
    assert snapshots(locator) == 1
    # The child dies as the once-seen abort did (SIGABRT), whatever it was about to do.
    monkeypatch.setattr(lake_maintenance, "CHILD", ("-c", "import os; os.abort()"))
    with caplog.at_level(logging.ERROR, logger="warehouse.snapshot"):
        review = review_and_publish(
            locator, keys[0], "acknowledge", "seen", Actor("local:sam", "local:sam", "review-app")
        )
    assert "ended by signal 6" in caplog.text and "stay until the next publish" in caplog.text
    con = connect(locator, read_only=True)
    try:
        assert con.execute("SELECT review_id FROM audit.reviews").fetchall() == [(review.review_id,)]
        assert con.execute("SELECT status FROM audit.exceptions").fetchall() == [("acknowledged",)]
    finally:
        con.close()
    assert snapshots(locator) > 1  # the superseded snapshots are still there...
    monkeypatch.undo()
    publish_snapshot(locator)
    assert snapshots(locator) == 1  # ...until the next publish drops them


# A maintenance process that dies natively (as one did under load: a heap corruption inside DuckDB's maintenance
# call) on its first N starts, and does its work after; every start is counted in the file named first.
CRASHES_FIRST = """
import os, runpy, sys
from pathlib import Path
starts, crashes = Path(sys.argv[1]), int(sys.argv[2])
starts.write_text((starts.read_text() if starts.exists() else "") + "started\\n")
if starts.read_text().count("started") <= crashes:
    os.abort()
sys.argv = sys.argv[:1]
runpy.run_module("warehouse.lake_maintenance", run_name="__main__")
"""
ERRS = "import sys; from pathlib import Path; Path(sys.argv[1]).write_text('started'); sys.exit(3)"


@pytest.mark.slow
def test_an_erasures_rewrite_runs_apart_through_the_writer_it_holds_and_is_recorded_once_done(
    tmp_path: Path, released: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As `erase` does it: the rows deleted and committed with the erasure's record, the storage rewritten (in the
    maintenance process) while the erasure still holds its writing connection, then published through that same
    connection. The record says rewritten only once it is: a maintenance process that crashes is run once more,
    and one that crashes again, or fails on its own terms (not run again), leaves the erasure unfinished."""
    locator = lake_in(tmp_path).locator
    starts = tmp_path / "starts"
    con = connect(locator)
    try:
        migrate(con)
        con.execute(
            "INSERT INTO meta.sync_cursors SELECT 'x', 'acct', 's' || i, 'Jessamine-Quill-' || i, DATE '2026-11-16',"
            " now() FROM range(5000) t(i)"
        )
        con.execute("DELETE FROM meta.sync_cursors WHERE cursor_value LIKE 'Jessamine-Quill-1%'")
        con.execute(
            "INSERT INTO audit.erasures (erasure_id, performed_at, performed_by, reason, selector_kind,"
            " selector_sha256, counts) VALUES ('e-1', now(), 'A. Dpo', 'ER-1', 'person', '-', '{}')"
        )
        assert con.execute("SELECT count(*) FROM meta.sync_cursors").fetchone() == (3889,)
        for child, runs in ((("-c", CRASHES_FIRST, str(starts), "2"), 2), (("-c", ERRS, str(starts)), 1)):
            starts.unlink(missing_ok=True)
            monkeypatch.setattr(lake_maintenance, "CHILD", child)
            with pytest.raises(lake_maintenance.MaintenanceFailed):
                rewrite_storage(con, locator, now_utc())
            assert starts.read_text().count("started") == runs
            assert owed_rewrites(con) == ["e-1"]
        starts.unlink()
        monkeypatch.setattr(lake_maintenance, "CHILD", ("-c", CRASHES_FIRST, str(starts), "1"))
        with caplog.at_level(logging.WARNING, logger="warehouse.lake_maintenance"):
            places = rewrite_storage(con, locator, now_utc())
        assert starts.read_text().count("started") == 2
        assert "ended by signal 6; running it again" in caplog.text
        assert owed_rewrites(con) == []
        publish_snapshot_from(con, locator)
    finally:
        con.close()
    assert places["lake snapshots kept"] == 1
    reader = connect(locator, read_only=True)
    try:
        # No delete file masks the erased rows any more: the file that held them was rewritten without them.
        info = f"FROM ducklake_table_info('{lake.ATTACHED_ALIAS}') WHERE table_name = 'sync_cursors'"
        assert reader.execute(f"SELECT delete_file_count {info}").fetchall() == [(0,)]
        assert reader.execute("SELECT count(*) FROM meta.sync_cursors").fetchall() == [(3889,)]
    finally:
        reader.close()
    assert snapshots(locator) == 1


# A publish's maintenance process that expires the superseded snapshots and dies at once, as one did in a clean
# clone's `make test` (a double free inside the flush that follows); run again, it does the rest.
EXPIRES_THEN_CRASHES_ONCE = """
import json, os, runpy, sys
from pathlib import Path
starts = Path(sys.argv[1])
first = not starts.exists()
starts.write_text("started")
if first:
    from warehouse import lake
    from warehouse.duckdb_session import open_database
    request = json.loads(sys.stdin.read())
    con = open_database(":memory:", {"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    lake.attach_lake(con, lake.LakeLocation(**request["location"]), lake.ATTACHED_ALIAS)
    con.execute(f"CALL ducklake_expire_snapshots('{lake.ATTACHED_ALIAS}', older_than => now())")
    os.abort()
sys.argv = sys.argv[:1]
runpy.run_module("warehouse.lake_maintenance", run_name="__main__")
"""


@pytest.mark.slow
def test_a_publish_whose_maintenance_crashed_after_expiring_the_snapshots_still_flushes_what_they_inlined(
    tmp_path: Path, released: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    locator = lake_in(tmp_path).locator
    con = connect(locator)
    try:
        migrate(con)
        con.execute(
            "INSERT INTO meta.sync_cursors SELECT 'x', 'acct', 's' || i, 'Jessamine-Quill-' || i, DATE '2026-11-16',"
            " now() FROM range(10) t(i)"
        )  # few enough to be inlined in the catalog
        con.execute("DELETE FROM meta.sync_cursors")
    finally:
        con.close()
    starts = tmp_path / "starts"
    monkeypatch.setattr(lake_maintenance, "CHILD", ("-c", EXPIRES_THEN_CRASHES_ONCE, str(starts)))
    publish_snapshot(locator)
    assert starts.exists() and snapshots(locator) == 1
    assert catalog_tables_holding(tmp_path / "catalog" / "school-a.sqlite", "Jessamine-Quill") == []


HOLDING_THE_LAKE = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def holding_the_lake(catalog: Path) -> subprocess.Popen[str]:
    """Another process holding the lock a lake's maintenance and writes take, until its stdin closes."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDING_THE_LAKE,
            str(side_files.kept_path(lake_maintenance.LOCK_KIND, catalog)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_decision_while_another_process_keeps_the_lake_is_busy_and_writes_nothing(tmp_path: Path) -> None:
    """The weekly run's maintenance holds the lake: a decision waits its timeout, then says busy (the app's 503)."""
    made = lake_in(tmp_path)
    locator, catalog = made.locator, made.catalog
    catalog.parent.mkdir()
    holder = holding_the_lake(catalog)
    called: list[object] = []
    try:
        with pytest.raises(WarehouseBusy):
            write_with_retry(locator, called.append, timeout_seconds=0.3)
    finally:
        holder.communicate("")
    assert called == []
    assert not catalog.exists()  # nothing was attached, nothing made


def _lake_written_once(tmp_path: Path) -> tuple[Path, lake.LakeLocation]:
    """A new lake, migrated, its rows written to files in one commit as a first week's write-back does."""
    made = lake_in(tmp_path)
    con = connect(made.locator)
    try:
        migrate(con)
        con.execute("SET SESSION ducklake_default_data_inlining_row_limit = 0")
        with transaction(con):
            con.execute(
                "INSERT INTO meta.sync_cursors SELECT 'x', 'acct', 's' || i, 'Jessamine-Quill-' || i,"
                " DATE '2026-11-16', now() FROM range(50) t(i)"
            )
    finally:
        con.close()
    return made.locator, made.location


def test_a_lake_that_only_gained_rows_needs_no_maintenance_process_and_one_that_lost_a_row_does(
    tmp_path: Path, released: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new lake's first week hides nothing in its older snapshots: no process is started for it. Once a row is
    deleted, the older snapshots still show it, and the next publish expires them."""
    locator, location = _lake_written_once(tmp_path)
    started: list[object] = []

    def run(*args: object) -> dict[str, list[str]]:
        started.append(args)
        return {"steps": ["expired"]}

    monkeypatch.setattr(lake_maintenance, "run", run)
    con = connect(locator)
    try:
        assert lake_maintenance.drop_superseded_snapshots(con, location) == {"steps": []}
        assert started == []
        con.execute("DELETE FROM meta.sync_cursors WHERE cursor_value = 'Jessamine-Quill-7'")
        assert lake_maintenance.drop_superseded_snapshots(con, location) == {"steps": ["expired"]}
    finally:
        con.close()
    assert len(started) == 1


ADDED = {"schemas_created": ["main"]}
MADE = {"schemas_created": ["meta"], "tables_created": ["meta.t", "meta.u"], "tables_altered": ["1", "2"]}


@pytest.mark.parametrize(
    ("later", "gained"),
    [
        ([MADE, {"tables_inserted_into": ["1", "2"], "views_created": ["v"], "views_altered": ["v"]}], True),
        ([MADE, {"tables_inserted_into": ["1"]}, {"tables_inserted_into": ["2"]}], True),
        (
            [MADE, {"tables_inserted_into": ["1"]}, {"tables_inserted_into": ["1"]}],
            False,
        ),  # two files to merge
        ([MADE, {"tables_inserted_into": ["1"]}, {"tables_altered": ["1"]}], False),  # a column dropped?
        ([MADE, {"tables_inserted_into": ["1"]}, {"tables_deleted_from": ["1"]}], False),
        ([MADE, {"inlined_insert": ["1"]}], False),  # rows in the catalog, to be flushed
        ([MADE, {"tables_dropped": ["2"]}], False),
        ([MADE, {"tables_compacted": ["1"]}], False),  # a change not known here: the maintenance decides
    ],
)
def test_only_a_lake_whose_every_snapshot_added_to_it_has_only_gained(
    later: list[dict[str, list[str]]], gained: bool
) -> None:
    snapshots = list(enumerate([ADDED, *later]))
    assert lake_maintenance.only_ever_gained(snapshots) is gained
    # The same snapshots once the lake's first was expired: what the oldest kept holds is not known.
    assert lake_maintenance.only_ever_gained(snapshots[1:]) is False


@pytest.mark.slow
def test_a_slow_maintenance_says_where_its_time_went(
    tmp_path: Path, released: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process keeps the lake for a second and a half: the maintenance waits, and its report splits the
    time between that wait, the process's start, attaching the catalog and each step."""
    locator, location = _lake_written_once(tmp_path)
    monkeypatch.setattr(lake_maintenance, "SLOW_SECONDS", 1.0)
    catalog = Path(location.catalog.partition(":")[2])
    holder = holding_the_lake(catalog)
    releasing = threading.Timer(1.5, holder.communicate, args=("",))
    releasing.start()
    try:
        with caplog.at_level(logging.WARNING, logger=lake_maintenance.__name__):
            done = lake_maintenance.run(location, lake_maintenance.PUBLISH, {})
    finally:
        releasing.join()
    # A step called twice (snapshots expired before and after the rest) is one figure, its two calls together.
    assert list(done["seconds"]) == ["attaching the catalog", *dict.fromkeys(done["steps"])]
    (report,) = [r.getMessage() for r in caplog.records if "DuckLake maintenance" in r.getMessage()]
    waited = re.search(r"waiting for the lake (\d+\.\d) s, starting the process (\d+\.\d) s", report)
    assert waited is not None and float(waited[1]) >= 1.4, report
    assert "attaching the catalog" in report and "ducklake_expire_snapshots" in report, report
    assert snapshots(locator) == 1
