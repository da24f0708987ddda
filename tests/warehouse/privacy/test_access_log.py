"""The access log: recorded at once beside the warehouse without waiting for a writer, folded into
audit.access_log by the next writer exactly once, a torn line kept, and purged under [retention]."""

from __future__ import annotations

import os
import pwd
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry, cli_entry, fold, os_user, pending, record, spool_path
from warehouse.privacy.retention import RULES, enforce
from warehouse.snapshot import open_snapshot, publish_snapshot


def stored(db: Path) -> list[tuple[str, str, str | None]]:
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT identity, action, object FROM audit.access_log ORDER BY accessed_at"
        ).fetchall()
    finally:
        con.close()


def test_entries_wait_in_an_owner_only_spool_and_the_next_publish_folds_them_in_once(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> None:
    con.close()
    record(db_path, AccessEntry("etl@school.example", "review-app", "10.0.0.8", "view", "key-1"))
    record(db_path, cli_entry("sql", None, "SELECT 1", "1 rows"))
    assert spool_path(db_path).stat().st_mode & 0o777 == 0o600
    assert [e.action for e in pending(db_path)] == ["view", "sql"]
    publish_snapshot(db_path)  # any writer's publish folds the spool first
    assert stored(db_path) == [("etl@school.example", "view", "key-1"), (os_user(), "sql", "SELECT 1")]
    assert pending(db_path) == [] and spool_path(db_path).read_text() == ""
    reader = open_snapshot(db_path)  # the DPO's copy holds them too
    try:
        assert reader.execute("SELECT count(*) FROM dpo.access_log").fetchone() == (2,)
    finally:
        reader.close()


def test_folding_an_entry_twice_adds_it_once_and_a_torn_line_is_kept(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> None:
    entry = AccessEntry("local:sam", "review-app", "127.0.0.1", "list", "status=new")
    record(db_path, entry)
    spool = spool_path(db_path)
    kept = spool.read_text()
    assert fold(con, db_path) == 1
    spool.write_text(
        kept + '{"identity": "local:sa'
    )  # the same entry again (a crash before emptying), and a torn line
    assert fold(con, db_path) == 1
    rows = con.execute("SELECT identity, action, detail FROM audit.access_log ORDER BY action").fetchall()
    assert rows[0] == ("local:sam", "list", None)
    assert rows[1][:2] == ("unknown", "unreadable") and '"local:sa' in rows[1][2]


def test_the_command_line_records_the_os_user_beside_the_name_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.7 50000 10.0.0.2 22")
    entry = cli_entry("erase", "A. Dpo", "erasure-1")
    assert entry.identity == "A. Dpo" and entry.os_user == pwd.getpwuid(os.getuid()).pw_name  # not $USER
    assert entry.origin.startswith("cli@") and entry.origin.endswith("(ssh from 203.0.113.7)")
    assert cli_entry("sql", None).identity == entry.os_user  # no --by: the OS user
    # What a record names as answerable: never the typed name alone.
    assert entry.accountable == f"A. Dpo ({entry.os_user})"
    assert cli_entry("sql", None).accountable == entry.os_user
    assert (
        AccessEntry("head@school.example", "review-app", "10.0.0.8", "view").accountable
        == "head@school.example"
    )
    with pytest.raises(ValueError):
        AccessEntry("", "cli", "here", "view")
    with pytest.raises(ValueError):
        AccessEntry("x", "cli", "here", "rummage")


def test_retention_purges_entries_older_than_access_log_months(con: duckdb.DuckDBPyConnection) -> None:
    old = AccessEntry("local:sam", "review-app", "a", "view", accessed_at=datetime(2024, 1, 1))
    new = AccessEntry("local:sam", "review-app", "a", "view", accessed_at=datetime(2026, 11, 1))
    access_log.insert(con, [old, new])

    class Policy:
        def __getattr__(self, name: str) -> int:
            return 24 if name == "access_log_months" else 1000

    assert "access_log_months" in {rule.setting for rule in RULES}
    purged = enforce(con, Policy(), date(2026, 11, 16), "run-1")  # type: ignore[arg-type]
    assert purged["access_log_months"] == 1
    assert con.execute("SELECT accessed_at FROM audit.access_log").fetchall() == [(datetime(2026, 11, 1),)]
