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


def test_the_key_is_the_contexts_not_the_processes(encrypted):
    """A thread that set no key neither borrows another's nor publishes a plain copy of an encrypted file."""
    from concurrent.futures import ThreadPoolExecutor

    with db.encryption_key(KEY):
        con = db.connect(encrypted)  # the writer holds the key in this context
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(db.current_encryption_key).result() is None
            from warehouse.snapshot import publish_snapshot_from

            refused = pool.submit(publish_snapshot_from, con, encrypted).exception()
        con.close()
    assert isinstance(refused, db.WarehouseKeyError)
    assert not (encrypted.parent / (encrypted.name + ".readonly.duckdb")).exists()
    assert db.current_encryption_key() is None


def test_spill_files_go_to_a_private_folder_encrypted_with_the_warehouse(encrypted, tmp_path):
    with db.encryption_key(KEY):
        con = db.connect(encrypted)
    try:
        folder, encrypts = con.execute(
            "SELECT current_setting('temp_directory'), current_setting('temp_file_encryption')"
        ).fetchone() or (None, None)
    finally:
        con.close()
    assert folder == str(db.spill_directory(encrypted.absolute())) and encrypts is True
    assert db.spill_directory(encrypted).stat().st_mode & 0o777 == 0o700
    plain = db.connect(tmp_path / "plain" / "p.duckdb")
    try:
        folder, encrypts = plain.execute(
            "SELECT current_setting('temp_directory'), current_setting('temp_file_encryption')"
        ).fetchone() or (None, None)
    finally:
        plain.close()
    assert folder.endswith("/plain/.socialaudit-spill") and encrypts is False
