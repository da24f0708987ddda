"""Erasure that erases: after `socialaudit erase`, no byte the product wrote holds the person's handle, platform id
or name: the warehouse file and its WAL, the read-only copy, the published outputs, Prefect's database, run logs."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.builders.audits import Audit
from tests.builders.person_stores import (
    NAMED_POST_ID,
    files_under,
    hits,
    name_two_pupils_in_a_post,
    prefect_database_files,
)
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse import side_files
from warehouse.db import connect
from warehouse.privacy.erasure_journal import journal_path

AS_OF = "2026-11-16"
HANDLE, ACCOUNT_ID, NAME = "alfie_p_y6", "1600000000000000002", "Alfie Price"
PERSON = (HANDLE, ACCOUNT_ID, NAME, "AlfiePrice")
# A run killed -9 while writing the read-only copy, as publishing writes it.
KILLED_MID_COPY = """
import os, signal, sys
from pathlib import Path
from warehouse import side_files
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

# A DPO's erasure of the tiny school's other pupil killed -9 the moment its transaction committed: the rows are
# gone, and nothing else is done (outputs, kept weeks, run log, storage).
KILLED_ONCE_COMMITTED = """
import os, signal, sys
from pathlib import Path
from flows import erasure
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
erasure._everywhere_else = killed
erasure.erase_person(Path(sys.argv[1]), "person", "P0002", "A. Dpo", "ERASE-2026-4")
"""
OTHER_PUPIL = ("Ellie Brown", "Eleanor Brown")
NEXT_WEEK, WEEK_AFTER = "2026-11-23", "2026-11-30"


@pytest.fixture(scope="module")
def erased(tmp_path_factory: pytest.TempPathFactory, audit, socialaudit) -> dict[str, object]:
    root = tmp_path_factory.mktemp("erasure")
    dataset = build_tiny_dataset(root / "school")
    name_two_pupils_in_a_post(dataset)
    run: Audit = audit(dataset, as_of=AS_OF, root=root)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    stores = [run.db.parent, *prefect_database_files()]
    before = hits(files_under(*stores, skip=[dataset]), PERSON)
    backup = tmp_path_factory.mktemp("backup") / "w.duckdb"  # as a backup taken before the erasure holds it
    shutil.copy(run.db, backup)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_COPY, str(run.db)], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # its copy of the warehouse is left beside it
    taken_at = datetime.now(UTC).replace(tzinfo=None)
    result = socialaudit(
        "erase",
        "--yes",
        "--handle",
        "@Alfie_P_Y6",
        "--db",
        str(run.db),
        "--by",
        "A. Dpo",
        "--reason",
        "ERASE-2026-3",
    )
    return {
        "run": run,
        "result": result,
        "stores": stores,
        "before": before,
        "dataset": dataset,
        "backup": backup,
        "taken_at": taken_at,
    }


def test_the_person_was_in_the_stores_before(erased) -> None:
    run: Audit = erased["run"]  # type: ignore[assignment]
    before: dict[str, list[str]] = erased["before"]  # type: ignore[assignment]
    assert set(before.get(str(run.db), [])) >= {HANDLE, ACCOUNT_ID}, before
    assert any(str(run.out) in path for path in before), before


def test_no_byte_store_holds_the_erased_person(erased) -> None:
    result = erased["result"]
    assert result.returncode == 0, result.stderr[-3000:]  # type: ignore[attr-defined]
    found = hits(files_under(*erased["stores"], skip=[erased["dataset"]]), PERSON)  # type: ignore[arg-type]
    assert found == {}


def test_the_record_names_every_place_and_the_copies_out_of_reach(erased) -> None:
    run: Audit = erased["run"]  # type: ignore[assignment]
    con = connect(run.db, read_only=True)
    try:
        ((selector_hash, counts),) = con.execute(
            "SELECT selector_sha256, counts FROM dpo.erasure_log"
        ).fetchall()
        left = con.execute(
            "SELECT count(*) FROM raw.api_pages WHERE contains(payload::VARCHAR, ?)", [NAMED_POST_ID]
        ).fetchone()
        parents = con.execute("SELECT pupil_ids FROM ref.parents").fetchall()
        other = con.execute("SELECT count(*) FROM ref.pupils WHERE pupil_id = 'P0002'").fetchone()
    finally:
        con.close()
    places = json.loads(counts)
    assert places["ref.pupils"] == 1 and places["audit.identities"] >= 1
    assert (
        places["raw.api_pages.payload (mentions redacted)"] >= 1
    )  # the post naming him, kept, his name gone
    assert places["ref.parents.pupil_ids (mentions redacted)"] == 1  # the parent's link to the child
    assert any(place.startswith("outputs published again: ") for place in places)
    assert "warehouse storage rewrite" in places and places["read-only copy published again"] == 1
    assert any("e-mails already sent" in copy for copy in places["not reachable"])
    assert left == (1,) and parents == [([],)] and other == (1,)  # the post and the other pupil stay
    import hashlib

    assert selector_hash != hashlib.sha256(f"handle:{HANDLE}".encode()).hexdigest()


def test_the_journal_beside_the_warehouse_keeps_only_keyed_hashes(erased) -> None:
    run: Audit = erased["run"]  # type: ignore[assignment]
    journal = journal_path(run.db)
    assert journal.stat().st_mode & 0o777 == 0o600
    (entry,) = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert entry["hashes"]["platform-id"] and entry["hashes"]["handle"] and entry["hashes"]["name"]
    assert hits([journal], PERSON) == {}


def test_a_restored_backup_is_erased_again_from_the_journal(erased, tmp_path) -> None:
    """What issue 25's restore calls: the journal beside the warehouse, entries newer than the backup."""
    from flows.erasure import reapply_erasures

    run: Audit = erased["run"]  # type: ignore[assignment]
    restored = tmp_path / run.db.name
    shutil.copy(erased["backup"], restored)  # type: ignore[arg-type]
    shutil.copy(journal_path(run.db), journal_path(restored))
    assert hits([restored], PERSON)
    live_outputs = run.out.stat().st_ino
    done = reapply_erasures(restored, since=erased["taken_at"])  # type: ignore[arg-type]
    assert run.out.stat().st_ino == live_outputs  # a copy never publishes into its original's folder
    assert [d["erasure_id"] for d in done] and done[0]["counts"]["ref.pupils"] == 1
    assert hits(files_under(tmp_path), PERSON) == {}
    assert reapply_erasures(restored, since=datetime.now(UTC).replace(tzinfo=None)) == []


def test_an_erasure_killed_once_committed_is_finished_by_the_next_weekly_run(erased, audit, tmp_path) -> None:
    """In a copy of the school that has run a week of its own, a second erasure killed -9 right after its
    transaction: the record says it is unfinished, and the next week's run finishes it before its own week: the
    kept weeks naming the pupil written again without her, the run log redacted, the storage rewritten."""
    run: Audit = erased["run"]  # type: ignore[assignment]
    root = tmp_path / "copy"
    shutil.copytree(run.db.parent, root)
    db, out = root / run.db.name, root / "out"
    week = audit(root / "school", as_of=NEXT_WEEK, root=root)  # the copy's own outputs, recorded as its own
    assert week.result.returncode == 0, week.result.stderr[-2000:]
    assert hits(files_under(out / "weeks" / NEXT_WEEK), OTHER_PUPIL)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_ONCE_COMMITTED, str(db)], capture_output=True, text=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert rewritten(db) == [("ERASE-2026-3", True), ("ERASE-2026-4", False)]
    assert hits(files_under(out), OTHER_PUPIL)

    registers = root / "school" / "registers"  # and taken out of the registers, as erase tells the DPO
    for name in ("pupils.csv", "approved_media.csv"):
        rows = (registers / name).read_text(encoding="utf-8").replace(";P0002", "").splitlines()
        kept = "\n".join(row for row in rows if not row.startswith("P0002,"))
        (registers / name).write_text(kept + "\n", encoding="utf-8")
    week = audit(root / "school", as_of=WEEK_AFTER, root=root)
    assert week.result.returncode == 0, week.result.stderr[-2000:]
    assert rewritten(db) == [("ERASE-2026-3", True), ("ERASE-2026-4", True)]
    assert NEXT_WEEK in [p.name for p in (out / "weeks").iterdir()]
    assert hits(files_under(root, skip=[root / "school"]), OTHER_PUPIL) == {}


def rewritten(db: Path) -> list[tuple[str, bool]]:
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT reason, storage_rewritten_at FROM dpo.erasure_log ORDER BY performed_at")
        return [(reason, at is not None) for reason, at in rows.fetchall()]
    finally:
        con.close()


def test_every_file_beside_the_warehouse_and_in_the_outputs_is_a_kind_the_registry_names(erased) -> None:

    run: Audit = erased["run"]  # type: ignore[assignment]
    beside = [p for p in run.db.parent.iterdir() if p.name.startswith((run.db.name, "." + run.db.name))]
    beside += [p for p in run.out.parent.iterdir() if run.out.name in p.name]
    unnamed = [p for p in beside if side_files.kind_of(p, run.db, run.out) is None]
    assert unnamed == []
