"""Encryption at rest through warehouse.db.connect: the key opens it, nothing else does, the file is owner-only."""

from __future__ import annotations

import pytest

from warehouse import db
from warehouse.snapshot import open_snapshot, publish_snapshot

KEY = "correct horse battery staple"


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "w.duckdb"
    con = db.connect(path, encryption_key=KEY)
    db.migrate(con)
    con.execute("CREATE TABLE ref.note (text VARCHAR)")
    con.execute("INSERT INTO ref.note VALUES ('Zephyrine Quackenbush')")
    con.close()
    return path


def test_without_the_key_the_warehouse_does_not_open(encrypted):
    with pytest.raises(db.WarehouseKeyError, match="is encrypted: set SOCIALAUDIT_DB_KEY"):
        db.connect(encrypted, read_only=True)
    with pytest.raises(db.WarehouseKeyError, match="not this warehouse's key"):
        db.connect(encrypted, encryption_key="wrong key")


def test_the_file_holds_no_plain_text_and_is_owner_only(encrypted):
    assert b"Zephyrine" not in encrypted.read_bytes()
    assert encrypted.stat().st_mode & 0o777 == 0o600


def test_the_key_from_the_environment_opens_it_for_every_caller(encrypted, monkeypatch):
    monkeypatch.setenv(db.KEY_ENV, KEY)
    con = db.connect(encrypted, read_only=True)
    assert con.execute("SELECT text FROM ref.note").fetchone() == ("Zephyrine Quackenbush",)
    con.close()
    copy = publish_snapshot(encrypted)
    assert b"Zephyrine" not in copy.read_bytes() and copy.stat().st_mode & 0o777 == 0o600
    con = open_snapshot(encrypted)
    assert con.execute("SELECT count(*) FROM ref.note").fetchone() == (1,)
    con.close()
    monkeypatch.delenv(db.KEY_ENV)
    with pytest.raises(db.WarehouseKeyError):
        open_snapshot(encrypted)


def test_a_process_key_wins_and_errors_never_echo_it(encrypted, monkeypatch):
    monkeypatch.setenv(db.KEY_ENV, "a different key")
    db.use_encryption_key(KEY)
    try:
        db.connect(encrypted, read_only=True).close()
    finally:
        db.use_encryption_key(None)
    with pytest.raises(db.WarehouseKeyError) as raised:
        db.connect(encrypted)
    assert "a different key" not in str(raised.value)


def test_a_key_for_a_plain_file_is_refused_clearly(tmp_path):
    plain = tmp_path / "plain.duckdb"
    db.connect(plain).close()
    assert plain.stat().st_mode & 0o777 == 0o600
    with pytest.raises(db.WarehouseKeyError, match="not encrypted but an encryption key is configured"):
        db.connect(plain, encryption_key=KEY)
