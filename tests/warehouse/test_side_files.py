"""Files beside the warehouse and its outputs: every one a kind the registry names, and what a killed process
left removed by the next writer whatever its pid, while what a live process is writing is left alone."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from tests.builders.warehouse import migrated_warehouse
from warehouse import side_files
from warehouse.db import connect
from warehouse.snapshot import publish_snapshot

# A process that copies the warehouse into its own temporary copy, as publishing does, then is killed -9.
KILLED_MID_COPY = """
import os, signal, sys
from pathlib import Path
from warehouse import side_files
from warehouse.db import connect
db = Path(sys.argv[1])
temporary = side_files.transient_path("read-only copy being written", db)
con = connect(db)
con.execute(f"ATTACH '{temporary}' AS published_copy")
con.execute("COPY FROM DATABASE warehouse TO published_copy")
con.execute("CHECKPOINT published_copy")
os.kill(os.getpid(), signal.SIGKILL)
"""
# A process still writing its copy: holds it attached (DuckDB's lock on it) until told to stop.
WRITING_A_COPY = """
import sys
from pathlib import Path
import duckdb
from warehouse import side_files
temporary = side_files.transient_path("read-only copy being written", Path(sys.argv[1]))
con = duckdb.connect()
con.execute(f"ATTACH '{temporary}' AS copy")
con.execute("CREATE TABLE copy.t AS SELECT 1 AS x")
print("ready", flush=True)
sys.stdin.readline()
"""


def warehouse_with_a_name(tmp_path: Path) -> Path:
    db = migrated_warehouse(tmp_path / "w.duckdb")
    con = connect(db)
    try:
        con.execute("CREATE TABLE audit.marker AS SELECT 'alfie_p_y6' AS handle")
    finally:
        con.close()
    return db


def test_a_killed_runs_copy_is_removed_by_the_next_publish_whatever_its_pid(tmp_path: Path) -> None:
    db = warehouse_with_a_name(tmp_path)
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_COPY, str(db)], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = [p for p in tmp_path.iterdir() if p.name.startswith("w.duckdb.readonly.duckdb.")]
    assert left and b"alfie_p_y6" in left[0].read_bytes()
    publish_snapshot(db)
    assert sorted(p.name for p in tmp_path.iterdir() if ".tmp" in p.name) == []


def test_a_copy_a_live_process_is_writing_is_left_alone(tmp_path: Path) -> None:
    db = warehouse_with_a_name(tmp_path)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITING_A_COPY, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        being_written = side_files.transient_path("read-only copy being written", db, pid=writer.pid)
        publish_snapshot(db)  # a concurrent run of the same warehouse
        assert being_written.exists()
    finally:
        writer.communicate("done\n", timeout=60)
    publish_snapshot(db)  # the writer is gone: its copy is a leftover now
    assert not being_written.exists()


def test_a_live_process_that_merely_reuses_the_pid_keeps_no_copy(tmp_path: Path) -> None:
    db = warehouse_with_a_name(tmp_path)
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        left = side_files.transient_path("read-only copy being written", db, pid=stranger.pid)
        left.write_bytes(b"alfie_p_y6")
        assert side_files.leftovers(db) == [left]  # alive, but holding no lock on it: nobody is writing it
        publish_snapshot(db)
        assert not left.exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_a_killed_publishs_folders_go_with_the_next_publish(tmp_path: Path) -> None:
    from dashboards.output_set import publish_set

    out = tmp_path / "out"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    staging = side_files.transient_path("outputs being published", out, pid=pid)
    staging.mkdir()
    (staging / "exceptions.csv").write_text("alfie_p_y6\n")
    publish_set(out, {"exceptions.csv": "nobody\n"})
    assert not staging.exists()
    assert side_files.kind_of(out, outputs=out) is side_files.kind("outputs")


def test_every_transient_kind_carries_a_pid_and_every_name_is_one_kind() -> None:
    db, out = Path("/srv/school/w.duckdb"), Path("/srv/school/out")
    accounts = Path("/srv/school/review-accounts.json")
    bases = {
        side_files.BESIDE_WAREHOUSE: db,
        side_files.BESIDE_OUTPUTS: out,
        side_files.IN_OUTPUTS: out,
        side_files.BESIDE_ACCOUNTS: accounts,
    }
    for kind in side_files.KINDS:
        assert ("{pid}" in kind.pattern) == kind.transient, kind.name
        if kind.transient:
            path = side_files.transient_path(kind.name, bases[kind.where], pid=4242, **_fill(kind))
        else:
            path = side_files.kept_path(kind.name, bases[kind.where], **_fill(kind))
        assert side_files.kind_of(path, db, out, accounts) is kind, kind.name


def _fill(kind: side_files.FileKind) -> dict[str, str]:
    return {
        key: value
        for key, value in {"week": "2026-11-16", "tid": "7", "random": "k3x_9", "file": "report.html"}.items()
        if "{" + key + "}" in kind.pattern
    }
