"""Failures after the week is stored: never a mixed output set or a misleading message; `publish` finishes it.

The disks are real: small tmpfs file systems (mounting needs root; the tests skip without it), made read-only
or filled by another writer at the moment the store has committed, so the failures are the kernel's own EROFS
and ENOSPC. The moment is reached by wrapping the step that publishes the read-only copy (it runs right after the
commit, still under the warehouse's lock).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.builders.audits import Audit, with_settings
from tests.builders.locks import warehouse_held_until_told
from tests.builders.lost_answers import final_answer_lost
from tests.builders.warehouse import table_fingerprint

NEXT_WEEK = "2026-11-23"
FAST = "[api]\nbackoff_seconds = 0.02\nmax_wait_seconds = 1"
NAMES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")


@pytest.fixture(scope="module")
def first_week(tiny_school_week: Audit, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The session's tiny school week (tests/e2e/conftest.py), its school copied and set to retry without long
    waits (which changes nothing a clean run stores). Its warehouse and outputs are the shared week's: every test
    here copies them before a run writes, or only reads them."""
    return with_settings(tiny_school_week, tmp_path_factory.mktemp("after-the-store"), FAST)


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    mounted: list[Path] = []

    def make(name: str, size: str, *options: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        flags = ",".join((f"size={size}", "mode=0700", *options))
        if subprocess.run(["mount", "-t", "tmpfs", "-o", flags, "tmpfs", str(point)]).returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounted.append(point)
        return point

    yield make
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def output_set(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in NAMES}


def leftovers(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith(".tmp") or ".publishing-" in p.name or ".previous-" in p.name
    )


def after_the_store(monkeypatch: pytest.MonkeyPatch, event: Callable[[], object]) -> None:
    import flows.weekly_audit

    publish_copy = flows.weekly_audit.publish_snapshot_from

    def then_event(con, db_path, **options):
        published = publish_copy(con, db_path, **options)
        event()
        return published

    monkeypatch.setattr(flows.weekly_audit, "publish_snapshot_from", then_event)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    return filler


def stored_weeks(db: Path) -> list[str]:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        return [str(r[0]) for r in con.execute("SELECT as_of FROM audit.runs ORDER BY as_of").fetchall()]
    finally:
        con.close()


def second_week_on(first_week: Audit, tmp_path: Path, out: Path) -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copy(first_week.db, db)
    shutil.copytree(first_week.out, out)
    return db


def assert_not_published(result, db: Path, out: Path, cause: str) -> None:
    assert result.returncode == 4, result.stderr[-3000:]
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"socialaudit: stored; outputs not published ({cause}"), line
    assert f"run `socialaudit publish --db {db} --out {out} --as-of {NEXT_WEEK}`" in line
    assert NEXT_WEEK in stored_weeks(db)


def assert_publish_completes(socialaudit_inprocess, db: Path, out: Path) -> None:
    published = socialaudit_inprocess("publish", "--db", str(db), "--out", str(out), "--as-of", NEXT_WEEK)
    assert published.returncode == 0, published.stderr
    assert published.stdout.startswith(f"published the week of {NEXT_WEEK}")
    rows = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    assert rows and all(r["last_seen"] == NEXT_WEEK for r in rows)
    assert f"Week of {NEXT_WEEK}" in (out / "report.html").read_text(encoding="utf-8")


def test_out_turned_read_only_after_the_store(
    first_week: Audit, tmp_path: Path, mount, monkeypatch, audit_inprocess, socialaudit_inprocess
) -> None:
    disk = mount("outdisk", "16m")
    out = disk / "out"
    db = second_week_on(first_week, tmp_path, out)
    before = output_set(out)
    after_the_store(monkeypatch, lambda: subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True))

    result = audit_inprocess(first_week.dataset, db=db, out=out, as_of=NEXT_WEEK).result

    assert_not_published(result, db, out, "the file system is read-only")
    assert output_set(out) == before  # last week's set, whole
    assert leftovers(disk) == [] and leftovers(tmp_path) == []
    subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
    assert_publish_completes(socialaudit_inprocess, db, out)


def test_out_disk_filled_after_the_store(
    first_week: Audit, tmp_path: Path, mount, monkeypatch, audit_inprocess, socialaudit_inprocess
) -> None:
    disk = mount("outdisk", "8m")
    out = disk / "out"
    db = second_week_on(first_week, tmp_path, out)
    before = output_set(out)
    filled: list[Path] = []
    after_the_store(monkeypatch, lambda: filled.append(fill(disk)))

    result = audit_inprocess(first_week.dataset, db=db, out=out, as_of=NEXT_WEEK).result

    assert_not_published(result, db, out, "the disk is full")
    assert "cannot rollback" not in result.stderr
    assert output_set(out) == before
    assert leftovers(disk) == [] and leftovers(tmp_path) == []
    filled[0].unlink()
    assert_publish_completes(socialaudit_inprocess, db, out)


def test_warehouse_disk_filled_while_storing_names_the_full_disk_and_changes_nothing(
    first_week: Audit, tmp_path: Path, mount, monkeypatch, audit_inprocess
) -> None:
    import warehouse.week

    disk = mount("dbdisk", "64m")
    db = disk / "w.duckdb"
    shutil.copy(first_week.db, db)
    before = table_fingerprint(db)
    filled: list[Path] = []
    store = warehouse.week._store

    def store_on_a_full_disk(con, week, run_checks):
        filled.append(fill(disk))
        return store(con, week, run_checks)

    monkeypatch.setattr(warehouse.week, "_store", store_on_a_full_disk)
    result = audit_inprocess(first_week.dataset, db=db, out=tmp_path / "out", as_of=NEXT_WEEK).result

    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "nothing was stored: the disk is full" in line, line
    assert "cannot rollback" not in line
    filled[0].unlink()
    assert table_fingerprint(db) == before
    assert leftovers(disk) == []


def test_out_that_cannot_be_written_is_refused_before_anything_is_fetched(
    first_week: Audit, tmp_path: Path, mount, audit_inprocess
) -> None:
    disk = mount("readonly", "1m", "ro")
    db = tmp_path / "w.duckdb"
    result = audit_inprocess(first_week.dataset, db=db, out=disk / "out").result
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "nothing was fetched or stored" in line and "cannot be written" in line
    assert not db.exists()


def test_a_run_waits_for_a_reviews_short_write(
    first_week: Audit, tmp_path: Path, monkeypatch, audit_inprocess
) -> None:
    """The review lets go once the run has found the warehouse held and paused to wait for it, rather than after
    a fixed time: the run is seen to wait, and waits no longer than the review takes to let go."""
    import warehouse.state

    db = tmp_path / "w.duckdb"
    shutil.copy(first_week.db, db)
    connect_waiting = warehouse.state.connect_waiting
    pauses: list[float] = []
    with warehouse_held_until_told(db) as let_go:

        def pause(seconds: float) -> None:  # the review has let go when it returns: nothing left to sleep out
            pauses.append(seconds)
            let_go()

        monkeypatch.setattr(
            warehouse.state,
            "connect_waiting",
            lambda path, timeout_seconds: connect_waiting(path, timeout_seconds, sleep=pause),
        )
        result = audit_inprocess(first_week.dataset, db=db, as_of=NEXT_WEEK).result
    assert result.returncode == 0, result.stderr[-2000:]
    assert pauses, "the run never found the warehouse held"


def test_a_week_whose_last_answer_from_prefect_was_lost_is_reported_as_published(
    first_week: Audit, tmp_path: Path, monkeypatch, audit_inprocess
) -> None:
    """Prefect's server made the run's final state change, its answer was lost (a busy server), and Prefect's
    client sent it again: the week was stored and published and the command says so (flows/returned_values.py),
    where under load it once said "run failed: State data is missing" and exited 1."""
    out = tmp_path / "out"
    db = second_week_on(first_week, tmp_path, out)
    with final_answer_lost(monkeypatch) as lost:
        result = audit_inprocess(first_week.dataset, db=db, out=out, as_of=NEXT_WEEK).result
    assert lost == ["COMPLETED"]
    assert result.returncode == 0, result.stderr[-3000:]
    published = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    assert result.stdout.startswith(f"{len(published)} exceptions ("), result.stdout
    assert NEXT_WEEK in stored_weeks(db)


def test_two_processes_publishing_at_once_leave_one_whole_set(first_week: Audit, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(first_week.db, db)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "flows.cli", "publish", "--db", str(db), "--out", str(out)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    answers = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], answers
    assert output_set(out) == output_set(first_week.out)
    assert leftovers(tmp_path) == []


def test_every_file_a_run_writes_is_owner_only(first_week: Audit) -> None:
    # The shared week's run was a process of its own, so no earlier run in this process had narrowed the umask.
    written = [p for p in first_week.root.rglob("*") if p.is_file() and "school" not in p.parts]
    assert {first_week.db, first_week.out / "exceptions.json"} <= set(written), written
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in written), written
    assert stat.S_IMODE(first_week.out.stat().st_mode) == 0o700
