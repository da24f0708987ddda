"""The read-only copy: published under the writer's lock, through this process's own temporary file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.warehouse import migrated_warehouse
from warehouse import snapshot
from warehouse.db import WarehouseBusy, connect, connect_waiting
from warehouse.snapshot import open_snapshot, publish_snapshot, publish_snapshot_from, snapshot_path

PUBLISH = "import sys; from pathlib import Path; from warehouse.snapshot import publish_snapshot\n" + (
    "for _ in range(15): publish_snapshot(Path(sys.argv[1]))"
)


def temporaries(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.endswith(".tmp"))


def test_the_copy_is_published_while_the_writer_still_holds_the_lock(tmp_path: Path) -> None:
    db = migrated_warehouse(tmp_path / "w.duckdb")
    con = connect(db)
    try:
        con.execute("CREATE TABLE audit.marker AS SELECT 42 AS answer")
        publish_snapshot_from(con, db)
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from warehouse.db import connect; connect(sys.argv[1])",
                str(db),
            ],
            capture_output=True,
            text=True,
        )
        assert other.returncode != 0 and "lock" in other.stderr  # nobody else could have written in between
    finally:
        con.close()
    reader = open_snapshot(db)
    try:
        assert reader.execute("SELECT answer FROM audit.marker").fetchone() == (42,)
    finally:
        reader.close()
    assert stat.S_IMODE(snapshot_path(db).stat().st_mode) == 0o600
    assert temporaries(db) == []


@pytest.mark.slow
def test_two_processes_publishing_at_once_never_share_a_temporary_file(tmp_path: Path) -> None:
    db = migrated_warehouse(tmp_path / "w.duckdb")
    runs = [
        subprocess.Popen([sys.executable, "-c", PUBLISH, str(db)], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert temporaries(db) == []
    reader = open_snapshot(db)
    try:
        assert reader.execute("SELECT count(*) > 0 FROM meta.migrations").fetchone() == (True,)
    finally:
        reader.close()


def test_a_failed_copy_removes_its_temporary_file_and_keeps_the_last_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = migrated_warehouse(tmp_path / "w.duckdb")
    publish_snapshot(db)
    before = snapshot_path(db).read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(snapshot.os, "replace", full_disk)
    with pytest.raises(OSError):
        publish_snapshot(db)
    assert temporaries(db) == []
    assert snapshot_path(db).read_bytes() == before


@pytest.mark.slow
def test_a_writer_waits_a_bounded_time_then_says_the_warehouse_is_busy(tmp_path: Path) -> None:
    from tests.builders.locks import warehouse_held

    db = migrated_warehouse(tmp_path / "w.duckdb")
    with warehouse_held(db, 2):
        connect_waiting(db, timeout_seconds=15).close()  # waits for the short write, then goes on
    with warehouse_held(db, 3), pytest.raises(WarehouseBusy, match=r"is busy.*try again in a few minutes"):
        connect_waiting(db, timeout_seconds=0.3)
    assert os.path.exists(db)
