"""A week written to a lake through a stage: the lake ends holding exactly what the stage held, in one snapshot,
and a lake another writer changed meanwhile (or that holds rows the warehouse's keys refuse) is never written over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from flows.config.tables import RetentionSettings
from tests.builders.warehouse import lake_in
from warehouse import lake, lake_stage, portable
from warehouse.db import connect, migrate
from warehouse.snapshot import drop_old_snapshots_of, open_snapshot, publish_snapshot_from
from warehouse.week import CheckOutcome, WeekToStore, store_week

AS_OF = date(2026, 11, 16)
SEEN = datetime(2026, 11, 16, 6)


@pytest.fixture
def locator(tmp_path: Path) -> Iterator[Path]:
    yield lake_in(tmp_path).locator
    lake.release()


def _cursor(stream: str, value: str) -> list[Any]:
    return ["x", "acct", stream, value, AS_OF, SEEN]


def _seeded(locator: Path) -> duckdb.DuckDBPyConnection:
    con = connect(locator)
    migrate(con)
    con.executemany("INSERT INTO meta.sync_cursors VALUES (?, ?, ?, ?, ?, ?)", [_cursor("posts", "p1")])
    con.execute(
        "INSERT INTO meta.output_folders (folder, last_as_of, last_stored_at) VALUES ('/srv/out', ?, ?)",
        [AS_OF, SEEN],
    )
    con.execute("INSERT INTO meta.rules VALUES ('r', 'Rule', 'clause', 'what')")
    return con


def _everything(
    con: duckdb.DuckDBPyConnection, database: str
) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    tables = [t for t in portable.base_tables(con, database) if t not in lake_stage.OWN_TABLES]
    return {
        (schema, table): sorted(con.execute(f'FROM "{database}"."{schema}"."{table}"').fetchall(), key=repr)
        for schema, table in tables
    }


@pytest.mark.slow
def test_the_lake_ends_holding_exactly_what_the_stage_held(locator: Path) -> None:
    con = _seeded(locator)
    with lake_stage.staged(con, fresh=False) as stage:
        assert stage.cursor.execute("SELECT cursor_value FROM meta.sync_cursors").fetchall() == [("p1",)]
        stage.cursor.execute("BEGIN TRANSACTION")
        stage.cursor.execute(  # only gains a row
            "INSERT INTO meta.sync_cursors VALUES (?, ?, ?, ?, ?, ?)", _cursor("likes", "l1")
        )
        stage.cursor.execute("UPDATE meta.rules SET title = 'Renamed'")  # a row changed
        stage.cursor.execute("DELETE FROM meta.output_folders")  # a row gone
        stage.cursor.execute("COMMIT")
        staged = _everything(stage.cursor, lake_stage.STAGE_ALIAS)
        changed = lake_stage.write_back(con, stage)
    assert changed == {"tables_appended": 1, "tables_rewritten": 2}
    assert _everything(con, lake.ATTACHED_ALIAS) == staged
    assert staged[("meta", "rules")] == [("r", "Renamed", "clause", "what")]
    with pytest.raises(duckdb.ConnectionException):  # the stage is closed with the block
        stage.cursor.execute("SELECT 1")
    con.close()


def test_a_new_lake_is_written_in_one_snapshot_straight_to_parquet(locator: Path) -> None:
    assert lake.never_written(locator)
    con = connect(locator)
    migrate(con)
    before = lake_stage.latest_snapshot(con)
    with lake_stage.staged(con, fresh=True) as stage:
        assert stage.was is None
        stage.cursor.executemany(
            "INSERT INTO meta.sync_cursors VALUES (?, ?, ?, ?, ?, ?)",
            [_cursor(f"s{i}", "v") for i in range(3)],
        )
        lake_stage.write_back(con, stage)
    assert lake_stage.latest_snapshot(con) == before + 1
    changes = con.execute(
        f"SELECT changes FROM ducklake_snapshots('{lake.ATTACHED_ALIAS}') WHERE snapshot_id = ?", [before + 1]
    ).fetchone()
    assert changes is not None and "inlined_insert" not in changes[0] and changes[0]["tables_inserted_into"]
    assert con.execute("SELECT count(*) FROM meta.sync_cursors").fetchone() == (3,)
    con.close()


def test_a_lake_another_writer_changed_meanwhile_is_not_written_over(locator: Path) -> None:
    con = _seeded(locator)
    with lake_stage.staged(con, fresh=False) as stage:
        stage.cursor.execute("DELETE FROM meta.sync_cursors")
        other = connect(locator)  # e.g. a review deciding while the week is stored
        other.execute("INSERT INTO meta.sync_cursors VALUES (?, ?, ?, ?, ?, ?)", _cursor("likes", "l1"))
        other.close()
        with pytest.raises(lake_stage.LakeMoved):
            lake_stage.write_back(con, stage)
    assert sorted(con.execute("SELECT stream FROM meta.sync_cursors").fetchall()) == [("likes",), ("posts",)]
    con.close()


def test_rows_the_warehouses_keys_refuse_are_never_staged(locator: Path) -> None:
    con = _seeded(locator)  # a lake enforces no key: the same cursor twice is possible there
    con.execute("INSERT INTO meta.sync_cursors VALUES (?, ?, ?, ?, ?, ?)", _cursor("posts", "p2"))
    with (
        pytest.raises(lake_stage.NotStageable, match=r"meta\.sync_cursors"),
        lake_stage.staged(con, fresh=False),
    ):
        pass
    con.close()


@dataclass(frozen=True)
class Rule:
    id: str = "pupil-follower"
    title: str = "A pupil follows the school"
    policy: str = "7.2"
    what_counts: str = "a follower resolved to a pupil"


def _week() -> WeekToStore:
    return WeekToStore(
        as_of=AS_OF,
        run_id="run-1",
        mode="sandbox",
        school_name="Tiny",
        started_at=SEEN,
        register_frames={},
        register_files={},
        register_reading={},
        approved_hashes={},
        snapshots=[],
        media=[],
        validations=[],
        rules=[Rule()],
        retention=RetentionSettings(),  # the school defaults
    )


def _no_findings(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    return CheckOutcome(pl.DataFrame(), [], [], set(), 0)


@pytest.mark.parametrize("moved", [False, True], ids=["staged", "lake-moved-so-stored-directly"])
@pytest.mark.slow
def test_a_week_is_stored_whichever_way_it_is_written(locator: Path, moved: bool) -> None:
    con = _seeded(locator)
    # The registers as the last run loaded them (no files): this week's load is that one.
    con.execute("INSERT INTO ref.register_loads VALUES ('load-1', ?, ?, '{}', '{}')", [SEEN, AS_OF])
    con.close()

    calls: list[int] = []

    def checks(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
        calls.append(1)
        if moved and len(calls) == 1:  # another writer commits to the lake while the rules run on the stage
            other = connect(locator)
            other.execute(
                "INSERT INTO meta.output_folders (folder, last_as_of, last_stored_at) VALUES ('/srv/elsewhere', ?, ?)",
                [AS_OF, SEEN],
            )
            other.close()
        return _no_findings(con)

    store_week(locator, _week(), checks)
    assert len(calls) == (
        2 if moved else 1
    )  # the week staged, then stored directly over the lake as it is now
    con = connect(locator)
    assert con.execute("SELECT run_id FROM audit.runs").fetchall() == [("run-1",)]
    folders = sorted(r[0] for r in con.execute("SELECT folder FROM meta.output_folders").fetchall())
    assert folders == (["/srv/elsewhere", "/srv/out"] if moved else ["/srv/out"])
    con.close()


def _stored_week(locator: Path) -> None:
    con = _seeded(locator)
    con.execute("INSERT INTO ref.register_loads VALUES ('load-1', ?, ?, '{}', '{}')", [SEEN, AS_OF])
    con.close()
    store_week(locator, _week(), _no_findings)


def test_the_run_reads_its_outputs_from_the_week_kept_in_memory_once(locator: Path) -> None:
    _stored_week(locator)
    copy = open_snapshot(locator, own_writes=True)
    assert not portable.is_lake(copy)  # the stage, not the lake's catalog and files
    assert copy.execute("SELECT run_id FROM audit.runs").fetchall() == [("run-1",)]
    assert copy.execute("SELECT count(*) FROM marts.fct_audience").fetchone() == (0,)  # the views too
    copy.close()
    again = open_snapshot(locator, own_writes=True)  # handed over once: then the lake
    assert portable.is_lake(again)
    again.close()


def test_the_week_kept_in_memory_is_never_read_once_the_lake_moved_past_it(locator: Path) -> None:
    _stored_week(locator)
    other = connect(locator)  # e.g. an erasure committed between the store and the outputs
    other.execute("DELETE FROM meta.output_folders")
    other.close()
    reader = open_snapshot(locator, own_writes=True)
    assert portable.is_lake(reader)
    assert reader.execute("SELECT count(*) FROM meta.output_folders").fetchone() == (0,)
    reader.close()


@pytest.mark.slow
def test_a_lakes_old_snapshots_are_dropped_after_the_outputs_not_before(locator: Path) -> None:
    _stored_week(locator)
    con = connect(locator)
    # fetchall: a result left open would keep a read lock on the catalog that the maintenance waits for.
    snapshots = f"SELECT count(*) FROM ducklake_snapshots('{lake.ATTACHED_ALIAS}')"
    assert con.execute(snapshots).fetchall()[0][0] > 1
    publish_snapshot_from(con, locator, drop_old_snapshots=False)
    copy = open_snapshot(locator, own_writes=True)
    assert not portable.is_lake(copy)
    copy.close()
    assert con.execute(snapshots).fetchall()[0][0] > 1
    drop_old_snapshots_of(locator)
    assert con.execute(snapshots).fetchall() == [(1,)]
    con.close()


def test_a_kept_week_is_let_go_with_its_lake(locator: Path) -> None:
    _stored_week(locator)
    location = lake.read_locator(locator)
    assert location is not None
    lake.release(location)
    assert lake.take_copy(location) is None


@pytest.mark.slow
def test_a_lakes_views_are_made_again_only_where_they_differ_from_the_stages(
    locator: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stored_week(locator)  # a new lake: its views made with its first week
    made: list[int] = []
    apply_models = lake_stage.apply_models

    def counted_apply_models(con: duckdb.DuckDBPyConnection, *, again: bool = False) -> None:
        made.append(1)
        apply_models(con, again=again)

    monkeypatch.setattr(lake_stage, "apply_models", counted_apply_models)

    def week_written_back(change_a_view: bool) -> None:
        con = connect(locator)
        if change_a_view:  # e.g. a model edited by an upgrade
            con.execute("CREATE OR REPLACE VIEW marts.fct_audience AS SELECT 1 AS one")
        with lake_stage.staged(con, fresh=False) as stage:
            apply_models(stage.cursor)  # as the week's store makes them on the stage
            lake_stage.write_back(con, stage)
        con.close()

    week_written_back(change_a_view=False)
    assert made == []
    week_written_back(change_a_view=True)
    assert made == [1]
    con = connect(locator)
    assert con.execute("SELECT count(*) FROM marts.fct_audience").fetchall() == [(0,)]  # the model's again
    con.close()
