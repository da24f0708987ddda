"""An encrypted warehouse written by a real run: no key, no entry; no pupil name in the bytes; owner-only files."""

from __future__ import annotations

import csv

import pytest

from warehouse.db import KEY_ENV, WarehouseKeyError, connect
from warehouse.snapshot import snapshot_path

KEY = "a long passphrase kept in the service environment"


@pytest.fixture(scope="module")
def encrypted_run(audit):
    audited = audit(toml='[warehouse]\nencryption_key_env = "SCHOOL_DB_KEY"', env={"SCHOOL_DB_KEY": KEY})
    assert audited.result.returncode == 0, audited.result.stderr[-2000:]
    return audited


def _pupil_names(dataset) -> set[str]:
    with (dataset / "registers" / "pupils.csv").open(encoding="utf-8") as handle:
        return {
            value
            for row in csv.DictReader(handle)
            for value in (row["forename"], row["surname"], row["preferred_name"])
            if value
        }


def test_the_warehouse_and_its_copy_do_not_open_without_the_key(encrypted_run):
    for path in (encrypted_run.db, snapshot_path(encrypted_run.db)):
        with pytest.raises(WarehouseKeyError, match="is encrypted"):
            connect(path, read_only=True)
        con = connect(path, read_only=True, encryption_key=KEY)
        assert con.execute("SELECT count(*) FROM ref.pupils").fetchone() == (2,)
        con.close()


def test_no_pupil_name_is_in_the_file_bytes(encrypted_run):
    names = _pupil_names(encrypted_run.dataset)
    assert {"Alfie", "Price", "Eleanor", "Ellie"} <= names
    for path in (encrypted_run.db, snapshot_path(encrypted_run.db)):
        data = path.read_bytes()
        for name in names:
            assert name.encode() not in data, f"{name} in {path.name}"
            assert name.encode("utf-16-le") not in data


def test_the_warehouse_its_copy_and_the_reports_are_owner_only(encrypted_run):
    paths = [encrypted_run.db, snapshot_path(encrypted_run.db), *encrypted_run.out.iterdir()]
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0, path


def test_the_dpo_reads_it_with_the_key_from_school_toml(encrypted_run, socialaudit_inprocess):
    query = "SELECT count(*) AS pupils FROM dpo.register_people WHERE person_kind = 'pupil'"
    args = ("sql", query, "--db", str(encrypted_run.db), "--format", "csv")
    without = socialaudit_inprocess(*args, env={KEY_ENV: ""})
    assert without.returncode == 1 and "is encrypted" in without.stderr
    config = str(encrypted_run.dataset / "school.toml")
    result = socialaudit_inprocess(*args, "--config", config, env={"SCHOOL_DB_KEY": KEY})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["pupils", "2"]


def test_an_erasure_rewrites_it_encrypted_and_spills_nothing_plain(
    encrypted_run, socialaudit_inprocess, tmp_path
):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(encrypted_run.db, db)
    config = str(encrypted_run.dataset / "school.toml")
    erased = socialaudit_inprocess(
        "erase",
        "--yes",
        "--person",
        "P0001",
        "--db",
        str(db),
        "--config",
        config,
        "--by",
        "A. Dpo",
        "--reason",
        "E-9",
        env={"SCHOOL_DB_KEY": KEY},
    )
    assert erased.returncode == 0, erased.stderr
    for path in (db, snapshot_path(db)):
        with pytest.raises(WarehouseKeyError, match="is encrypted"):
            connect(path, read_only=True)
        con = connect(path, read_only=True, encryption_key=KEY)
        assert con.execute("SELECT count(*) FROM ref.pupils").fetchone() == (1,)
        con.close()
    spill = tmp_path / ".socialaudit-spill"
    assert spill.stat().st_mode & 0o777 == 0o700
    assert not [p for p in spill.rglob("*") if p.is_file() and b"Eleanor" in p.read_bytes()]
