"""Backup and restore of a warehouse file (flows/backup.py), without a whole audit: an encrypted warehouse comes back
exactly as it was and encrypted; a folder keeps `[retention] backup_weeks` of one warehouse's backups; a restore
that cannot be done (another key, a newer warehouse, a link for a path) changes nothing; a lost or damaged file is
replaced. The erasure re-applied on restore is tests/e2e/test_backup_and_restore.py."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from flows.backup import backup_name, backup_warehouse, restore_warehouse
from flows.config.school import RetentionSettings
from flows.credentials import BACKUP_KEY_ENV, CredentialError, backup_key
from tests.builders.warehouse import table_fingerprint
from warehouse import db, side_files
from warehouse.backup.archive import SUFFIX, BackupKeyError, read_archive, write_archive
from warehouse.backup.image import RestoreRefused, newest_known_migration, take_image
from warehouse.privacy.erasure_journal import Journal, journal_path
from warehouse.privacy.keyed import ensure_secret
from warehouse.snapshot import snapshot_path
from warehouse.sql_models import apply_models

WAREHOUSE_KEY = "the warehouse's own key, long enough"
BACKUP_KEY = "the backup key, kept somewhere else"


def _warehouse(path: Path, key: str | None = None, note: str = "Zephyrine Quackenbush") -> Path:
    con = db.connect(path, encryption_key=key)
    try:
        db.migrate(con)
        apply_models(con)
        con.execute("BEGIN TRANSACTION")
        ensure_secret(con)
        con.execute(
            "INSERT INTO audit.runs VALUES ('2026-11-16', 'run-1', 'sandbox', ?, now(), now(), 1, '{}')",
            [note],
        )
        con.execute("COMMIT")
    finally:
        con.close()
    Journal(journal_path(path)).start()  # as the weekly run starts it
    return path


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    db.use_encryption_key(WAREHOUSE_KEY)
    return _warehouse(tmp_path / "school" / "w.duckdb", WAREHOUSE_KEY)


def test_an_encrypted_warehouse_comes_back_as_it_was_and_encrypted(encrypted: Path, tmp_path: Path) -> None:
    as_backed_up = table_fingerprint(encrypted)
    done = backup_warehouse(encrypted, tmp_path / "backups", BACKUP_KEY, keep_weeks=None)
    backup = done["backup"]
    assert backup.name.startswith("w-") and backup.suffix == SUFFIX
    assert b"Zephyrine" not in backup.read_bytes()
    assert [p.name for p in encrypted.parent.iterdir() if p.name.startswith(".socialaudit-backup-")] == []
    con = db.connect(encrypted)
    con.execute(
        "INSERT INTO audit.runs VALUES ('2026-11-23', 'run-2', 'sandbox', 'later', now(), now(), 1, '{}')"
    )
    con.close()
    restored = restore_warehouse(encrypted, backup, BACKUP_KEY)
    assert restored["journal"] == journal_path(encrypted) and restored["erasures re-applied"] == []
    assert table_fingerprint(encrypted) == as_backed_up
    db.use_encryption_key(None)
    for path in (encrypted, snapshot_path(encrypted)):
        assert b"Zephyrine" not in path.read_bytes() and path.stat().st_mode & 0o777 == 0o600
        with pytest.raises(db.WarehouseKeyError, match="is encrypted"):
            db.connect(path, read_only=True)


@pytest.mark.slow
def test_a_lost_or_damaged_warehouse_file_is_made_again(tmp_path: Path) -> None:
    live = _warehouse(tmp_path / "w.duckdb")
    as_backed_up = table_fingerprint(live)
    backup = backup_warehouse(live, tmp_path / "kept" / "one.socialaudit-backup", BACKUP_KEY, None)["backup"]
    live.write_bytes(b"not a database any more" * 100)
    restore_warehouse(live, backup, BACKUP_KEY)
    assert table_fingerprint(live) == as_backed_up
    live.unlink()
    restore_warehouse(live, backup, BACKUP_KEY)
    assert table_fingerprint(live) == as_backed_up


def _backup_taken(db_path: Path, folder: Path, taken_at: datetime, warehouse: str | None = None) -> Path:
    """A real backup of `db_path`, dated `taken_at` (of another warehouse when `warehouse` is given)."""
    image_key = secrets.token_hex(32)
    staging = folder / f".image-{taken_at:%Y%m%d}"
    staging.mkdir()
    facts = take_image(db_path, staging / "image.duckdb", image_key)
    target = folder / backup_name(db_path, f"{taken_at:%Y%m%dT%H%M%SZ}")
    manifest = {"kind": facts.kind, "image_key": image_key, "migration": facts.migration}
    write_archive(
        target, BACKUP_KEY, warehouse or facts.warehouse, taken_at, manifest, staging / "image.duckdb"
    )
    (staging / "image.duckdb").unlink()
    staging.rmdir()
    return target


def test_a_folder_keeps_backup_weeks_of_one_warehouses_backups(tmp_path: Path) -> None:
    live = _warehouse(tmp_path / "w.duckdb")
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime.now()
    keep = RetentionSettings().backup_weeks
    too_old = _backup_taken(live, folder, now - timedelta(weeks=keep, days=1))
    kept = _backup_taken(live, folder, now - timedelta(weeks=keep - 1))
    another_warehouse = _backup_taken(live, folder, now - timedelta(weeks=keep + 3), warehouse="f" * 16)
    not_a_backup = folder / f"w-19990101T000000Z{SUFFIX}"
    not_a_backup.write_text("someone else's file", encoding="utf-8")
    done = backup_warehouse(live, folder, BACKUP_KEY, keep_weeks=keep)
    assert done["removed"] == [too_old]
    assert sorted(folder.iterdir()) == sorted([kept, another_warehouse, not_a_backup, done["backup"]])


def test_a_restore_that_cannot_be_done_changes_nothing(tmp_path: Path) -> None:
    live = _warehouse(tmp_path / "w.duckdb")
    backup = backup_warehouse(live, tmp_path / "b.socialaudit-backup", BACKUP_KEY, None)["backup"]
    newer = tmp_path / "newer"
    newer.mkdir()
    image_key = secrets.token_hex(32)
    facts = take_image(live, newer / "image.duckdb", image_key)
    manifest = {"image_key": image_key, "migration": newest_known_migration() + 1}
    from_the_future = write_archive(
        newer / "f.socialaudit-backup",
        BACKUP_KEY,
        facts.warehouse,
        facts.taken_at,
        manifest,
        newer / "image.duckdb",
    )
    link = tmp_path / "link.duckdb"
    link.symlink_to(live)
    before = live.read_bytes()
    with pytest.raises(BackupKeyError, match="not the key this backup was made with"):
        restore_warehouse(live, backup, "somebody else's backup key")
    with pytest.raises(RestoreRefused, match="newer than this install knows"):
        restore_warehouse(live, from_the_future, BACKUP_KEY)
    with pytest.raises(RestoreRefused, match="symbolic link"):
        restore_warehouse(link, backup, BACKUP_KEY)
    assert live.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".socialaudit-restore-")] == []


def test_a_restore_without_its_erasure_journal_is_refused_unless_acknowledged(tmp_path: Path) -> None:
    live = _warehouse(tmp_path / "w.duckdb")
    backup = backup_warehouse(live, tmp_path / "b.socialaudit-backup", BACKUP_KEY, None)["backup"]
    journal_path(live).unlink()  # lost, with whatever erasures it recorded since the backup
    live.write_bytes(b"damaged" * 100)
    with pytest.raises(RestoreRefused, match=r"no erasure journal at .* would come back.*--without-journal"):
        restore_warehouse(live, backup, BACKUP_KEY)
    assert live.read_bytes() == b"damaged" * 100
    done = restore_warehouse(live, backup, BACKUP_KEY, without_journal=True)
    assert done["journal"] is None and done["rows"] >= 1


def test_the_backup_key_is_found_as_the_warehouse_key_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flows.config.school import load_config

    monkeypatch.setenv(BACKUP_KEY_ENV, "from the default variable")
    assert backup_key(None) == "from the default variable"
    school = tmp_path / "school.toml"
    school.write_text(
        '[school]\nname = "Tiny Lane"\n\n[[accounts]]\nplatform = "x"\nhandle = "tiny"\nid = "1"\n\n'
        '[warehouse]\nbackup_key_env = "TINY_BACKUP_KEY"\n',
        encoding="utf-8",
    )
    config = load_config(school)
    with pytest.raises(CredentialError, match="backup_key_env names TINY_BACKUP_KEY, which is not set"):
        backup_key(config)
    monkeypatch.setenv("TINY_BACKUP_KEY", "named in school.toml")
    assert backup_key(config) == "named in school.toml"


@pytest.mark.slow
def test_the_weekly_backup_flow_writes_one_into_its_folder(
    prefect_api_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `backup` deployment's flow, run for real: warehouse, keys and backup_weeks from school.toml."""
    from flows.backup_flow import warehouse_backup

    live = _warehouse(tmp_path / "data" / "w.duckdb")
    school = tmp_path / "school.toml"
    school.write_text(
        '[school]\nname = "Tiny Lane"\n\n[[accounts]]\nplatform = "x"\nhandle = "tiny"\nid = "1"\n\n'
        f'[warehouse]\npath = "{live}"\nbackup_key_env = "TINY_BACKUP_KEY"\n\n[retention]\nbackup_weeks = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TINY_BACKUP_KEY", BACKUP_KEY)
    done = warehouse_backup(str(school), out_dir=str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    assert done["backup"] == str(backup) and done["removed"] == 0 and done["rows"] >= 1
    restore_warehouse(tmp_path / "restored.duckdb", backup, BACKUP_KEY, journal_path(live))
    assert table_fingerprint(tmp_path / "restored.duckdb") == table_fingerprint(live)


def test_what_a_backup_holds_is_the_side_file_registrys_and_its_manifest_says_so(tmp_path: Path) -> None:
    """The registry decides, kind by kind: the warehouse (and its WAL, read through the connection) is in the
    backup; every other kept kind says why not, the erasure journal above all; a backup's manifest carries it."""
    contents = side_files.backup_contents()
    assert {name for name, held in contents.items() if held == "in the backup"} == {
        "warehouse",
        "warehouse WAL",
    }
    assert all(reason.strip() for reason in contents.values()), "a kept kind says whether a backup holds it"
    assert "outlive every backup" in contents["erasure journal"]
    live = _warehouse(tmp_path / "w.duckdb")
    done = backup_warehouse(live, tmp_path / "backups", BACKUP_KEY, keep_weeks=None)
    (tmp_path / "opened").mkdir()
    _, manifest, _ = read_archive(done["backup"], BACKUP_KEY, tmp_path / "opened")
    assert manifest["files"] == contents
