"""An erasure whose storage rewrite failed (a full disk, a crashed maintenance) or was stopped (killed midway) says so
in its record, in the warehouse and in the read-only copy alike, and stays unfinished until a later rewrite is done
(`finish_unfinished_erasures`, which the weekly run calls when `read_state` finds one): the record never says
rewritten before it is. A restore whose erasures, made again in the backup's copy, cannot be rewritten there is
refused. An erasure stopped before its outputs were cleaned: tests/e2e/test_erasure_everywhere.py."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flows.backup import backup_warehouse, restore_warehouse
from flows.erasure import StorageRewriteOwed, erase_person, finish_unfinished_erasures
from tests.builders.published import Published
from tests.builders.registers import pupil
from tests.builders.warehouse import migrated_warehouse
from warehouse import side_files
from warehouse.backup.image import RestoreRefused
from warehouse.db import connect
from warehouse.privacy import storage_rewrite
from warehouse.privacy.keyed import ensure_secret
from warehouse.snapshot import snapshot_path
from warehouse.state import read_state

ERASED_NAME = "Zofia Nowak"

# A DPO's erasure killed -9 once the fresh file is written, recorded as rewritten, and checkpointed, but before
# it took the warehouse's place: the last moment a stopped rewrite can leave behind.
KILLED_BEFORE_THE_FRESH_FILE_TAKES_ITS_PLACE = """
import os, signal, sys
from pathlib import Path
from flows.erasure import erase_person
from warehouse.privacy import storage_rewrite
recording = storage_rewrite.recording_rewritten
def then_killed(at):
    record = recording(at)
    def record_and_die(con, database):
        record(con, database)
        con.execute(f"CHECKPOINT {database}")
        os.kill(os.getpid(), signal.SIGKILL)
    return record_and_die
storage_rewrite.recording_rewritten = then_killed
erase_person(Path(sys.argv[1]), "person", "P0001", "A. Dpo", "ER-7")
"""


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = migrated_warehouse(tmp_path / "w.duckdb")
    con = connect(db)
    try:
        published = Published(con)
        published.registers([pupil("P0001", "Zofia", "Nowak"), pupil("P0002", "Oliver", "Price")])
        published.post("1850000000000000001", f"Well done {ERASED_NAME} and Oliver Price!")
        published.store()
        ensure_secret(con)  # as the weekly run makes it
    finally:
        con.close()
    return db


def rewritten_at(db: Path) -> list[tuple[str, bool]]:
    """Each erasure recorded in `db` (a warehouse or its read-only copy): its reason and whether it says rewritten."""
    con = connect(db, read_only=True)
    try:
        return [
            (reason, at is not None)
            for reason, at in con.execute(
                "SELECT reason, storage_rewritten_at FROM dpo.erasure_log ORDER BY performed_at"
            ).fetchall()
        ]
    finally:
        con.close()


def test_an_erasure_whose_rewrite_succeeds_says_so_in_the_warehouse_and_its_copy(warehouse: Path) -> None:
    erase_person(warehouse, "person", "P0001", "A. Dpo", "ER-1")
    assert rewritten_at(warehouse) == [("ER-1", True)]
    assert rewritten_at(snapshot_path(warehouse)) == [("ER-1", True)]
    assert read_state(warehouse).unfinished_erasures == []


def test_a_failed_rewrite_stays_owed_until_one_is_done(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(storage_rewrite, "copy_database", disk_full)
        with pytest.raises(StorageRewriteOwed, match="No space left on device") as owed:
            erase_person(warehouse, "person", "P0001", "A. Dpo", "ER-2")
    assert "storage_rewritten_at stays empty" in str(owed.value)
    # The rows are gone and the erasure recorded, as not rewritten, in the warehouse and the copy the DPO reads.
    assert rewritten_at(warehouse) == [("ER-2", False)]
    assert rewritten_at(snapshot_path(warehouse)) == [("ER-2", False)]
    (owed_id,) = read_state(warehouse).unfinished_erasures

    assert finish_unfinished_erasures(warehouse) == [owed_id]
    assert rewritten_at(warehouse) == [("ER-2", True)]
    assert rewritten_at(snapshot_path(warehouse)) == [("ER-2", True)]
    assert finish_unfinished_erasures(warehouse) == []  # nothing owed: nothing done
    assert ERASED_NAME.encode() not in warehouse.read_bytes()


def test_a_rewrite_killed_before_the_fresh_file_takes_its_place_leaves_the_erasure_owed(
    warehouse: Path,
) -> None:
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_BEFORE_THE_FRESH_FILE_TAKES_ITS_PLACE, str(warehouse)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "0"},
    )
    _, stderr = killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL, stderr[-2000:]
    fresh = side_files.transient_path("warehouse being rewritten", warehouse, pid=killed.pid)
    assert fresh.exists()  # the fresh file, which says rewritten, never became the warehouse
    assert rewritten_at(warehouse) == [("ER-7", False)]
    assert len(read_state(warehouse).unfinished_erasures) == 1

    finish_unfinished_erasures(warehouse)
    assert rewritten_at(warehouse) == [("ER-7", True)]
    assert rewritten_at(snapshot_path(warehouse)) == [("ER-7", True)]
    assert not fresh.exists()
    assert ERASED_NAME.encode() not in warehouse.read_bytes()


@pytest.mark.slow
def test_a_restore_whose_erasures_cannot_be_rewritten_in_the_backups_copy_is_refused(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Erased again from the journal in the backup's copy, the copy must be rewritten before it takes the
    warehouse's place: installed otherwise, its free space would hold the person until the next run."""
    key = "the backup key, kept somewhere else"
    backup = backup_warehouse(warehouse, tmp_path / "b.socialaudit-backup", key, None)["backup"]
    erase_person(warehouse, "person", "P0001", "A. Dpo", "ER-9")
    erased = erasure_id(warehouse)
    before = warehouse.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(storage_rewrite, "copy_database", disk_full)
        with pytest.raises(
            RestoreRefused, match=r"could not be rewritten .*No space left.*nothing was changed"
        ):
            restore_warehouse(warehouse, backup, key)
    assert warehouse.read_bytes() == before
    assert restore_warehouse(warehouse, backup, key)["erasures re-applied"]
    assert rewritten_at(warehouse) == [(f"ER-9 (re-applied erasure {erased})", True)]


def erasure_id(db: Path) -> str:
    con = connect(db, read_only=True)
    try:
        return str(con.execute("SELECT erasure_id FROM audit.erasures").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()
