"""A school's warehouse in a DuckLake: the landed migrations and models apply, upserts and deletes behave as on a
file, the files are owner-only, and publishing drops what retention or an erasure deleted from the disk too."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.builders.warehouse import catalog_tables_holding, lake_in
from warehouse import lake, load, portable
from warehouse.db import connect, discover_migrations, migrate
from warehouse.lake_stage import latest_snapshot
from warehouse.snapshot import open_snapshot, publish_snapshot
from warehouse.sql_models import apply_models


@pytest.fixture
def locator(tmp_path: Path) -> Iterator[Path]:
    yield lake_in(tmp_path).locator
    lake.release()


def test_a_locator_round_trips_and_anything_else_is_not_a_lake(tmp_path: Path, locator: Path) -> None:
    location = lake.read_locator(locator)
    assert location is not None and location.catalog.endswith("catalog/school-a.sqlite")
    assert location.data_path.endswith("data/school-a/")
    assert stat.S_IMODE(locator.stat().st_mode) == 0o600
    plain = tmp_path / "w.duckdb"
    connect(plain).close()
    assert lake.read_locator(plain) is None
    assert lake.read_locator(tmp_path / "missing.ducklake") is None
    broken = tmp_path / "broken.ducklake"
    broken.write_text(lake.LOCATOR_HEADER + "{not json", encoding="utf-8")
    with pytest.raises(lake.LakeError, match="not a readable DuckLake locator"):
        lake.read_locator(broken)


def test_postgres_catalogs_give_each_school_its_own_metadata_schema() -> None:
    a = lake.location_in("postgres:dbname=audit host=db", "/srv/lake", "school-a")
    b = lake.location_in("postgres:dbname=audit host=db", "/srv/lake/", "school-b")
    assert (a.metadata_schema, b.metadata_schema) == ("socialaudit_school_a", "socialaudit_school_b")
    assert (a.data_path, b.data_path) == ("/srv/lake/school-a/", "/srv/lake/school-b/")


@pytest.mark.slow
def test_every_landed_migration_and_model_applies_to_a_lake(locator: Path, tmp_path: Path) -> None:
    con = connect(locator)
    try:
        assert portable.is_lake(con)
        assert migrate(con) == [m.version for m in discover_migrations()]
        assert migrate(con) == []
        created = apply_models(con)
        assert "people_held" in created and "fct_audience" in created
        before = latest_snapshot(con)
        apply_models(con, again=True)
        assert latest_snapshot(con) == before + 1, "every view made in one commit of the catalog"
        # The runner records the checksum of the landed file, not of the translation.
        checksums = dict(con.execute("SELECT version, checksum FROM meta.migrations").fetchall())
        assert checksums == {m.version: m.checksum for m in discover_migrations()}
    finally:
        con.close()
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "catalog" / "school-a.sqlite").stat().st_mode) == 0o600


def test_upserts_replace_or_keep_as_insert_or_replace_and_insert_or_ignore_did(locator: Path) -> None:
    con = connect(locator)
    try:
        migrate(con)
        row = {"media_ref": "m1", "platform": "x", "account_id": "1", "url": "u"}
        load.store_media_fingerprints(con, [{**row, "error": "timeout"}])
        load.store_media_fingerprints(
            con, [{**row, "sha256": "abc", "error": None}, {**row, "media_ref": "m2"}]
        )
        assert con.execute("SELECT media_ref, sha256, error FROM raw.media_files ORDER BY 1").fetchall() == [
            ("m1", "abc", None),
            ("m2", None, None),
        ]
        first = {"phash": "p1", "dhash": "d1", "width": 1, "height": 1}
        load.store_approved_hashes(con, {"f": first})
        load.store_approved_hashes(con, {"f": {**first, "phash": "p2"}})
        assert con.execute("SELECT file_sha256, phash FROM ref.approved_media_hashes").fetchall() == [
            ("f", "p1")
        ]
    finally:
        con.close()


def test_a_batch_naming_one_key_twice_keeps_the_last_row_on_both_back_ends(
    locator: Path, tmp_path: Path
) -> None:
    for path in (locator, tmp_path / "w.duckdb"):
        con = connect(path)
        try:
            migrate(con)
            row = {"media_ref": "m1", "platform": "x", "account_id": "1", "url": "u", "error": None}
            load.store_media_fingerprints(con, [{**row, "sha256": "old"}, {**row, "sha256": "new"}])
            assert con.execute("SELECT sha256 FROM raw.media_files").fetchall() == [("new",)]
        finally:
            con.close()


def _stored_rows(locator: Path, rows: int, then: str | None = None) -> None:
    """`rows` sync cursors naming "Jessamine-Quill-<i>" stored (and `then` run), and the lake published: that
    flushes rows inlined in the catalog out to Parquet files and drops what was deleted."""
    con = connect(locator)
    try:
        migrate(con)
        con.execute(
            "INSERT INTO meta.sync_cursors SELECT 'x', 'acct', 's' || i, 'Jessamine-Quill-' || i, ?, now()"
            f" FROM range({rows}) t(i)",
            [date(2026, 11, 16)],
        )
        if then:
            con.execute(then)
    finally:
        con.close()
    assert publish_snapshot(locator) == locator


@pytest.mark.slow
@pytest.mark.parametrize("later", [False, True], ids=["deleted-before-it-was-published", "deleted-after"])
@pytest.mark.parametrize("rows", [10, 5000], ids=["inlined-in-the-catalog", "in-parquet-files"])
def test_publishing_a_lake_removes_deleted_rows_from_its_files(
    locator: Path, tmp_path: Path, rows: int, later: bool
) -> None:
    """Also when the rows were published once and deleted by a later week: each publish acts on what the
    snapshots since the last one changed."""
    if later:
        _stored_rows(locator, rows)
        con = connect(locator)
        try:
            con.execute("DELETE FROM meta.sync_cursors")
        finally:
            con.close()
        assert publish_snapshot(locator) == locator
    else:
        _stored_rows(locator, rows, then="DELETE FROM meta.sync_cursors")

    parquet = b"".join(p.read_bytes() for p in tmp_path.rglob("*.parquet"))
    assert b"Jessamine-Quill" not in parquet
    assert catalog_tables_holding(tmp_path / "catalog" / "school-a.sqlite", "Jessamine-Quill") == []
    reader = open_snapshot(locator)
    try:
        assert reader.execute("SELECT count(*) FROM meta.sync_cursors").fetchone() == (0,)
        with pytest.raises(duckdb.Error):
            reader.execute(
                "INSERT INTO meta.sync_cursors VALUES ('x', 'a', 's', 'c', DATE '2026-11-16', now())"
            )
    finally:
        reader.close()


def _catalog_says_encrypted(catalog_file: Path) -> str | None:
    catalog = sqlite3.connect(catalog_file)
    try:
        row = catalog.execute("SELECT value FROM ducklake_metadata WHERE key = 'encrypted'").fetchone()
    finally:
        catalog.close()
    return None if row is None else str(row[0])


def test_a_new_lake_writes_only_encrypted_parquet_files(locator: Path, tmp_path: Path) -> None:
    _stored_rows(locator, 5000)
    files = list(tmp_path.rglob("*.parquet"))
    assert files, "the rows were written to Parquet files"
    assert all(b"Jessamine-Quill" not in f.read_bytes() for f in files)
    assert _catalog_says_encrypted(tmp_path / "catalog" / "school-a.sqlite") == "true"
    reader = open_snapshot(locator)  # read back through the catalog's keys
    try:
        assert reader.execute("SELECT count(*) FROM meta.sync_cursors").fetchone() == (5000,)
    finally:
        reader.close()


def test_a_lake_made_before_encryption_still_opens_and_stays_readable(tmp_path: Path) -> None:
    location = lake.location_in("sqlite:" + str(tmp_path / "catalog"), str(tmp_path / "data"), "old")
    (tmp_path / "catalog").mkdir()
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        lake.load_extensions(con, "sqlite", writing=True)
        con.execute(
            f"ATTACH 'ducklake:{location.catalog}' AS old (DATA_PATH '{location.data_path}')"
        )  # as this project created lakes before encryption was wired
    finally:
        con.close()
    locator = lake.write_locator(tmp_path / "old.ducklake", location)
    try:
        _stored_rows(locator, 10)
        assert _catalog_says_encrypted(tmp_path / "catalog" / "old.sqlite") in (None, "false")
        reader = open_snapshot(locator)
        try:
            assert reader.execute("SELECT count(*) FROM meta.sync_cursors").fetchone() == (10,)
        finally:
            reader.close()
    finally:
        lake.release()


def test_a_new_lakes_state_is_read_as_empty_without_creating_it(locator: Path) -> None:
    from warehouse.state import read_state

    catalog = Path(str(lake.read_locator(locator).catalog).partition(":")[2])  # type: ignore[union-attr]
    assert lake.never_written(locator)
    state = read_state(locator)
    assert state.cursors == {} and state.known_media == {} and not catalog.exists()
    con = connect(locator)
    try:
        migrate(con)
        con.execute(
            "INSERT INTO meta.sync_cursors VALUES ('x', '1', 'posts', 'c-1', DATE '2026-11-16', now())"
        )
    finally:
        con.close()
        lake.release()
    assert not lake.never_written(locator)
    assert read_state(locator).cursors == {("x", "1", "posts"): "c-1"}


def test_a_postgres_lake_or_a_file_is_never_taken_as_never_written(tmp_path: Path) -> None:
    remote = lake.location_in("postgres:dbname=audit host=db", str(tmp_path / "data"), "school-b")
    assert not lake.never_written(lake.write_locator(tmp_path / "school-b.ducklake", remote))
    assert not lake.never_written(tmp_path / "w.duckdb")


def test_a_lake_folder_another_process_makes_first_is_taken_as_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers opening a new lake at once both see its folder missing; the second to create it finds it there."""
    data = tmp_path / "lake" / "data"
    data.mkdir(parents=True, mode=0o700)
    monkeypatch.setattr(Path, "exists", lambda self: False)  # checked before the other process made it
    lake._private_dirs(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
