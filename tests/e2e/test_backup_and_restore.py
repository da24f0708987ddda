"""A restored backup after an erasure holds no trace of the erased person: audit, back up, erase someone, restore,
then search every byte the product left (the restored warehouse, its read-only copy, the outputs and kept weeks,
the run logs) for the person, while everyone else is back as the backup held them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders.audits import Audit
from tests.builders.person_stores import files_under, hits, name_two_pupils_in_a_post
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import count
from warehouse.backup.archive import SUFFIX
from warehouse.db import connect

AS_OF = "2026-11-16"
PERSON = ("alfie_p_y6", "1600000000000000002", "Alfie Price", "AlfiePrice")
BACKUP_KEY = {"SOCIALAUDIT_BACKUP_KEY": "a backup passphrase kept apart from the backups"}


@pytest.fixture(scope="module")
def restored(tmp_path_factory: pytest.TempPathFactory, audit: Any, socialaudit: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("backup-restore")
    dataset = build_tiny_dataset(root / "school")
    name_two_pupils_in_a_post(dataset)
    run: Audit = audit(dataset, as_of=AS_OF, root=root)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    backups = root / "backups"
    backups.mkdir()
    backed_up = socialaudit("backup", "--db", str(run.db), "--out", str(backups), env=BACKUP_KEY)
    assert backed_up.returncode == 0, backed_up.stderr[-2000:]
    (backup,) = backups.glob(f"*{SUFFIX}")
    before = _held(run.db)
    erased = socialaudit(
        "erase",
        "--yes",
        "--handle",
        "alfie_p_y6",
        "--db",
        str(run.db),
        "--by",
        "A. Dpo",
        "--reason",
        "E-2026-7",
    )
    assert erased.returncode == 0, erased.stderr[-2000:]
    result = socialaudit("restore", "--yes", "--from", str(backup), "--db", str(run.db), env=BACKUP_KEY)
    return {"run": run, "backup": backup, "before": before, "result": result, "dataset": dataset}


def _held(db: Path) -> dict[str, int]:
    con = connect(db, read_only=True)
    try:
        return {
            "pupils": count(con, "SELECT * FROM ref.pupils"),
            "identities": count(con, "SELECT * FROM audit.identities"),
            "exceptions": count(con, "SELECT * FROM audit.exceptions"),
            "alfie": count(con, "SELECT * FROM ref.pupils WHERE pupil_id = 'P0001'"),
            "named post": count(
                con, "SELECT * FROM staging.stg_x__posts WHERE contains(text, 'Ellie Brown')"
            ),
        }
    finally:
        con.close()


def test_the_backup_names_nobody_in_its_bytes(restored: dict[str, Any]) -> None:
    backup: Path = restored["backup"]
    assert backup.stat().st_mode & 0o077 == 0
    assert hits([backup], [*PERSON, "Ellie Brown", "Tiny Lane"]) == {}


def test_the_restore_re_applied_the_erasure(restored: dict[str, Any]) -> None:
    result = restored["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "erasures re-applied: 1" in result.stdout
    con = connect(restored["run"].db, read_only=True)
    try:
        records = con.execute("SELECT performed_by, reason FROM dpo.erasure_log").fetchall()
    finally:
        con.close()
    # The backup predates the erasure: its record is the re-applied one, and still says who erased and why.
    ((performed_by, reason),) = records
    assert performed_by == "A. Dpo"
    assert reason.startswith("E-2026-7 (re-applied erasure ") and reason.endswith(")")
    # What the restore said it would do, before doing it: the backup, and the erasure it carries out again.
    assert "socialaudit restore will:" in result.stdout
    assert "erasures carried out again from the journal" in result.stdout and "by A. Dpo" in result.stdout


def test_no_byte_the_product_left_holds_the_erased_person(restored: dict[str, Any]) -> None:
    run: Audit = restored["run"]
    assert restored["result"].returncode == 0
    stores = files_under(run.root, skip=[restored["dataset"], restored["backup"]])
    assert hits(stores, PERSON) == {}


def test_everyone_else_is_back_as_the_backup_held_them(restored: dict[str, Any]) -> None:
    after = _held(restored["run"].db)
    before = restored["before"]
    assert before["alfie"] == 1 and after["alfie"] == 0
    assert after["pupils"] == before["pupils"] - 1
    assert 0 < after["identities"] < before["identities"] and 0 < after["exceptions"] < before["exceptions"]
    assert after["named post"] == before["named post"] == 1  # the post naming two pupils, without his name


def test_a_backup_that_was_altered_restores_nothing(restored: dict[str, Any], socialaudit: Any) -> None:
    run: Audit = restored["run"]
    altered = run.root / f"altered{SUFFIX}"
    data = bytearray(restored["backup"].read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    before = run.db.read_bytes()
    result = socialaudit("restore", "--yes", "--from", str(altered), "--db", str(run.db), env=BACKUP_KEY)
    assert result.returncode == 1
    assert "was altered" in result.stderr and "Traceback" not in result.stderr
    assert run.db.read_bytes() == before
    assert not [p for p in run.root.iterdir() if p.name.startswith(".socialaudit-restore-")]


def test_a_backup_restored_to_a_scratch_path_leaves_the_live_outputs_alone(
    restored: dict[str, Any], socialaudit: Any, tmp_path: Path
) -> None:
    """A probe's restore: to another path, with the live journal (so an erasure is re-applied there). The copy
    publishes nothing into the folder its original recorded: the live report keeps its week and its file."""
    from warehouse import side_files
    from warehouse.privacy.erasure_journal import journal_path

    run: Audit = restored["run"]
    live_outputs = (run.out.stat().st_ino, (run.out / "exceptions.json").read_bytes())
    scratch = tmp_path / "scratch.duckdb"
    result = socialaudit(
        "restore",
        "--yes",
        "--from",
        str(restored["backup"]),
        "--db",
        str(scratch),
        "--journal",
        str(journal_path(run.db)),
        env=BACKUP_KEY,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "erasures re-applied: 1" in result.stdout
    assert (run.out.stat().st_ino, (run.out / "exceptions.json").read_bytes()) == live_outputs
    # Beside the scratch warehouse, only files of the kinds the registry names: no output folder of its own either.
    assert [p.name for p in tmp_path.iterdir() if side_files.kind_of(p, scratch) is None] == []


def test_a_restore_without_the_journal_is_refused_in_one_line(
    restored: dict[str, Any], socialaudit: Any, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch.duckdb"
    result = socialaudit(
        "restore", "--yes", "--from", str(restored["backup"]), "--db", str(scratch), env=BACKUP_KEY
    )
    assert result.returncode != 0 and not scratch.exists()
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "no erasure journal" in line and "would come back" in line and "--without-journal" in line
