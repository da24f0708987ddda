"""Forward-only, checksummed, transactional migrations on a real DuckDB file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from tests.builders.warehouse import count
from warehouse.db import MIGRATIONS_DIR, Migration, MigrationError, connect, discover_migrations, migrate

INITIAL_SQL = (MIGRATIONS_DIR / "0001_initial.sql").read_text(encoding="utf-8")
INITIAL = Migration(1, "initial", INITIAL_SQL)
SECOND = Migration(2, "add_notes", "CREATE TABLE audit.notes (note VARCHAR);")


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{s}.{t}" for s, t in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
    }


def test_fresh_database_records_version_one_with_its_checksum(db_path: Path) -> None:
    con = connect(db_path)
    assert migrate(con) == [m.version for m in discover_migrations()]
    con.close()

    con = connect(db_path)
    rows = con.execute(
        "SELECT version, name, checksum, applied_at FROM meta.migrations ORDER BY version"
    ).fetchall()
    assert rows[0][:3] == (
        1,
        "initial",
        hashlib.sha256(INITIAL_SQL.encode()).hexdigest(),
    )
    assert rows[0][3] is not None
    assert {"raw.snapshots", "raw.api_pages", "audit.exceptions", "meta.sync_cursors"} <= tables(con)
    con.close()


def test_migrating_twice_applies_nothing(db_path: Path) -> None:
    con = connect(db_path)
    migrate(con)
    con.close()
    con = connect(db_path)
    assert migrate(con) == []
    assert count(con, "SELECT * FROM meta.migrations") == len(discover_migrations())
    con.close()


def test_a_new_migration_is_applied_on_top(db_path: Path) -> None:
    con = connect(db_path)
    assert migrate(con, [INITIAL]) == [1]
    assert migrate(con, [INITIAL, SECOND]) == [2]
    assert "audit.notes" in tables(con)
    assert [r[0] for r in con.execute("SELECT version FROM meta.migrations ORDER BY 1").fetchall()] == [1, 2]
    con.close()


def test_an_applied_migration_edited_afterwards_is_refused(db_path: Path) -> None:
    con = connect(db_path)
    migrate(con, [INITIAL, SECOND])
    edited = Migration(2, "add_notes", SECOND.sql + "\nCREATE TABLE audit.more_notes (note VARCHAR);")
    with pytest.raises(MigrationError, match="0002_add_notes"):
        migrate(con, [INITIAL, edited])
    assert "audit.more_notes" not in tables(con)
    with pytest.raises(MigrationError, match="0001_initial"):
        migrate(con, [Migration(1, "initial", INITIAL_SQL + "\n-- tidied up\n"), SECOND])
    con.close()


def test_numbers_may_skip_but_never_apply_out_of_order(tmp_path: Path, db_path: Path) -> None:
    """Branches reserve numbers ahead: 0003 may be shipped before 0002 exists, but once a warehouse holds 0003 a
    0002 arriving later is refused rather than applied after it."""
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE meta.first (x INTEGER);")
    (tmp_path / "0003_third.sql").write_text("CREATE TABLE meta.third (x INTEGER);")
    assert [m.version for m in discover_migrations(tmp_path)] == [1, 3]
    con = connect(db_path)
    assert migrate(con, discover_migrations(tmp_path)) == [1, 3]
    (tmp_path / "0002_second.sql").write_text("CREATE TABLE meta.second (x INTEGER);")
    with pytest.raises(MigrationError, match="0002 is pending but the warehouse is already at 0003"):
        migrate(con, discover_migrations(tmp_path))
    assert "meta.second" not in tables(con)
    con.close()
    (tmp_path / "0001_first.sql").rename(tmp_path / "0004_first.sql")
    with pytest.raises(MigrationError, match="start at 1"):
        discover_migrations(tmp_path)


def test_discover_refuses_a_duplicate_number_and_a_bad_name(tmp_path: Path) -> None:
    (tmp_path / "0001_first.sql").write_text("SELECT 1;")
    (tmp_path / "0001_again.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError):
        discover_migrations(tmp_path)
    (tmp_path / "0001_again.sql").unlink()
    (tmp_path / "first.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"first\.sql"):
        discover_migrations(tmp_path)


def test_discover_finds_the_shipped_migrations_in_order(tmp_path: Path) -> None:
    (tmp_path / "0002_second.sql").write_text("SELECT 2;")
    (tmp_path / "0001_first.sql").write_text("SELECT 1;")
    assert [(m.version, m.name) for m in discover_migrations(tmp_path)] == [(1, "first"), (2, "second")]
    assert discover_migrations()[0] == INITIAL


@pytest.mark.parametrize(
    "broken_sql",
    [
        "CREATE TABLE audit.partial (x INTEGER); SELECT * FROM audit.no_such_table;",  # fails when bound
        "CREATE TABLE audit.partial (x INTEGER); INSERT INTO audit.partial VALUES ('not a number');",  # at run
    ],
)
def test_a_failing_migration_rolls_back_completely(db_path: Path, broken_sql: str) -> None:
    con = connect(db_path)
    migrate(con, [INITIAL])
    before = tables(con)
    with pytest.raises(MigrationError, match="0002_broken"):
        migrate(con, [INITIAL, Migration(2, "broken", broken_sql)])
    assert tables(con) == before
    assert [r[0] for r in con.execute("SELECT version FROM meta.migrations").fetchall()] == [1]
    con.close()
    # And the file on disk agrees: nothing of the failed migration survived.
    con = connect(db_path)
    assert "audit.partial" not in tables(con)
    assert count(con, "SELECT * FROM meta.migrations") == 1
    con.close()


def test_a_failing_first_migration_leaves_no_tables(db_path: Path) -> None:
    con = connect(db_path)
    broken = Migration(1, "initial", INITIAL_SQL + "\nSELECT * FROM raw.no_such_table;")
    with pytest.raises(MigrationError):
        migrate(con, [broken])
    assert tables(con) == {"meta.migrations"}
    assert count(con, "SELECT * FROM meta.migrations") == 0
    con.close()


def test_a_database_newer_than_the_code_is_refused(db_path: Path) -> None:
    con = connect(db_path)
    migrate(con, [INITIAL, SECOND])
    with pytest.raises(MigrationError, match="newer"):
        migrate(con, [INITIAL])
    con.close()


def test_every_table_created_by_the_first_migration_has_a_comment(db_path: Path) -> None:
    con = connect(db_path)
    migrate(con, [])  # meta.migrations only: the baseline
    baseline = tables(con)
    migrate(con, [INITIAL])
    created = tables(con) - baseline
    assert len(created) >= 15
    comments = dict(
        con.execute("SELECT schema_name || '.' || table_name, comment FROM duckdb_tables()").fetchall()
    )
    undocumented = sorted(t for t in created if not (comments[t] or "").strip())
    assert undocumented == []
    con.close()


@pytest.mark.parametrize(
    "name",
    [
        "audit.duckdb",
        "raw.duckdb",
        "ref.duckdb",
        "staging.duckdb",
        "marts",
        "meta.db",
        "dpo.duckdb",
        "warehouse.duckdb",
        "with space/the audit.duckdb",
        "école/élèves.duckdb",
        "o'neil.duckdb",
    ],
)
def test_any_file_name_is_a_warehouse(tmp_path: Path, name: str) -> None:
    """The file's name never becomes a catalog that shadows one of the warehouse's schemas."""
    path = tmp_path / name
    con = connect(path)
    migrate(con)
    con.execute(
        "INSERT INTO audit.exception_events VALUES ('e1', 'k', DATE '2026-11-16', 'raised', 'new', 'r', NULL, now())"
    )
    con.close()
    con = connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM audit.exception_events").fetchone() == (1,)
    con.close()


def test_exception_keys_move_from_handles_to_account_ids_with_their_history(db_path: Path) -> None:
    con = connect(db_path)
    migrate(con, discover_migrations()[:3])
    con.execute(
        "INSERT INTO raw.snapshots VALUES ('s1', 'x', '1580000000000000001', 'account', DATE '2026-11-09', 'r',"
        " now(), 1, 1, 'h', true)"
    )
    con.execute(
        "INSERT INTO raw.api_pages VALUES ('s1', 0, '{}', ?, now())",
        ['{"data": {"id": "1580000000000000001", "username": "TinyLanePrimary"}}'],
    )
    old_key = "pupil-follower:x:TinyLanePrimary:follower:42"
    con.execute(
        "INSERT INTO audit.exceptions VALUES (?, 'pupil-follower', 'high', 'acknowledged', 'x', 'TinyLanePrimary',"
        " 'follower', '42', NULL, NULL, 'pupil', 'P1', 0.9, 'e', 'h', DATE '2026-11-02', DATE '2026-11-09', NULL, now())",
        [old_key],
    )
    con.execute(
        "INSERT INTO audit.exception_events VALUES ('e1', ?, DATE '2026-11-02', 'raised', 'new', 'weekly-run', NULL, now())",
        [old_key],
    )
    con.execute(
        "INSERT INTO audit.reviews VALUES ('r1', ?, 'acknowledge', 'new', 'acknowledged', 'ETL', 'on it', NULL, 'h',"
        " DATE '2026-11-09', 'cli', now(), 'e1')",
        [old_key],
    )
    migrate(con)
    new_key = "pupil-follower:x:1580000000000000001:follower:42"
    assert con.execute("SELECT key, account, account_id, status FROM audit.exceptions").fetchall() == [
        (new_key, "TinyLanePrimary", "1580000000000000001", "acknowledged")
    ]
    assert con.execute("SELECT DISTINCT key FROM audit.exception_events").fetchall() == [(new_key,)]
    assert con.execute("SELECT key, decision FROM audit.reviews").fetchall() == [(new_key, "acknowledge")]
