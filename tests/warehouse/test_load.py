"""Writes into the warehouse: snapshots with per-week dedup and their cursors, registers, per-week tables, runs."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from checks.registers.contract import APPROVED_MEDIA_SCHEMA, PARENTS_SCHEMA, PUPILS_SCHEMA, STAFF_SCHEMA
from tests.builders.raw_pages import T0, WEEK, X_ACCOUNT, snapshot, x_post, x_posts_page, x_user
from tests.builders.warehouse import count, rows
from warehouse.db import connect
from warehouse.load import (
    INCREMENTAL_STREAMS,
    known_media_refs,
    numbered_per_person,
    read_cursor,
    record_run,
    store_media_fingerprints,
    store_registers,
    store_snapshot,
    upsert_frame,
)

FOLLOWERS = [x_user("1600000000000000001", "jess_smith_mum", "Jess Smith")]


def test_identical_content_in_the_same_week_is_not_stored_again(con: duckdb.DuckDBPyConnection) -> None:
    snap = snapshot("x", X_ACCOUNT, "followers", [{"data": FOLLOWERS}])
    assert store_snapshot(con, snap, WEEK[1], "run-1") is not None
    # A re-run the same week fetches the same people (pages differ only in fetch time): nothing written.
    again = snapshot("x", X_ACCOUNT, "followers", [{"data": FOLLOWERS}], fetched_at=T0 + timedelta(hours=1))
    assert store_snapshot(con, again, WEEK[1], "run-2") is None
    assert count(con, "SELECT * FROM raw.snapshots") == 1
    assert count(con, "SELECT * FROM raw.api_pages") == 1


def test_the_same_content_in_a_new_week_is_stored(con: duckdb.DuckDBPyConnection) -> None:
    snap = snapshot("x", X_ACCOUNT, "followers", [{"data": FOLLOWERS}])
    first = store_snapshot(con, snap, WEEK[1], "run-1")
    second = store_snapshot(con, snap, WEEK[2], "run-2")
    assert first and second and first != second
    weeks = con.execute("SELECT as_of, n_items, n_pages FROM raw.snapshots ORDER BY as_of").fetchall()
    assert weeks == [(WEEK[1], 1, 1), (WEEK[2], 1, 1)]


def test_pages_are_kept_as_received(con: duckdb.DuckDBPyConnection) -> None:
    payloads: list[dict[str, Any]] = [
        {"data": FOLLOWERS, "meta": {"next_token": "abc"}},
        {"data": [], "meta": {}},
    ]
    snapshot_id = store_snapshot(con, snapshot("x", X_ACCOUNT, "following", payloads), WEEK[1], "run-1")
    pages = rows(
        con,
        "SELECT page_no, payload::VARCHAR AS payload, request::VARCHAR AS request FROM raw.api_pages ORDER BY 1",
    )
    assert [p["page_no"] for p in pages] == [0, 1]
    assert '"next_token": "abc"' in pages[0]["payload"] and '"route": "following"' in pages[0]["request"]
    (stored,) = rows(con, "SELECT * FROM raw.snapshots")
    assert stored["snapshot_id"] == snapshot_id and stored["fetched_at"] == T0 + timedelta(seconds=1)


def test_an_empty_incremental_snapshot_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    empty = snapshot("x", X_ACCOUNT, "posts", [{"meta": {"result_count": 0}}], cursor="1850000000000000012")
    assert empty.stream in INCREMENTAL_STREAMS and empty.items == []
    assert store_snapshot(con, empty, WEEK[1], "run-1") is None
    assert count(con, "SELECT * FROM raw.snapshots") == 0
    assert count(con, "SELECT * FROM meta.sync_cursors") == 0


def test_the_cursor_is_written_with_the_rows(con: duckdb.DuckDBPyConnection) -> None:
    posts = [x_post("1850000000000000012", "newest"), x_post("1850000000000000011", "older")]
    snap = snapshot("x", X_ACCOUNT, "posts", [x_posts_page(posts)], cursor="1850000000000000012")
    assert store_snapshot(con, snap, WEEK[1], "run-1")
    assert read_cursor(con, "x", X_ACCOUNT, "posts") == "1850000000000000012"
    newer = snapshot(
        "x",
        X_ACCOUNT,
        "posts",
        [x_posts_page([x_post("1850000000000000013", "next")])],
        cursor="1850000000000000013",
    )
    assert store_snapshot(con, newer, WEEK[2], "run-2")
    assert read_cursor(con, "x", X_ACCOUNT, "posts") == "1850000000000000013"
    assert con.execute("SELECT as_of FROM meta.sync_cursors").fetchall() == [(WEEK[2],)]
    # The same new posts fetched again (a cursor that did not move) are not stored twice.
    assert store_snapshot(con, newer, WEEK[2], "run-3") is None
    assert count(con, "SELECT * FROM raw.snapshots WHERE stream = 'posts'") == 2


def test_a_rolled_back_transaction_leaves_neither_rows_nor_cursor(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> None:
    snap = snapshot(
        "x",
        X_ACCOUNT,
        "posts",
        [x_posts_page([x_post("1850000000000000012", "t")])],
        cursor="1850000000000000012",
    )
    con.execute("BEGIN TRANSACTION")
    assert store_snapshot(con, snap, WEEK[1], "run-1")
    assert (
        read_cursor(con, "x", X_ACCOUNT, "posts") == "1850000000000000012"
    )  # visible inside the transaction
    con.execute("ROLLBACK")  # the run failed later on
    assert read_cursor(con, "x", X_ACCOUNT, "posts") is None
    assert count(con, "SELECT * FROM raw.snapshots") == 0
    assert count(con, "SELECT * FROM raw.api_pages") == 0
    con.close()
    reopened = connect(db_path)
    assert count(reopened, "SELECT * FROM meta.sync_cursors") == 0
    reopened.close()


# --- registers -----------------------------------------------------------------------------------------


def register_frames(surname: str = "Price", with_sha: bool = True) -> dict[str, pl.DataFrame]:
    handle = [{"platform": "x", "handle": "alfie_p_y6"}]
    approved = {
        "approval_id": ["A001"],
        "file": ["sports_day.jpg"],
        "platform": ["x"],
        "post_id": [None],
        "approved_by": ["Headteacher"],
        "approved_on": [date(2026, 10, 1)],
        "pupils_pictured": [["P0001"]],
    }
    media = pl.DataFrame(approved, schema=APPROVED_MEDIA_SCHEMA)
    if with_sha:
        media = media.with_columns(pl.lit("f" * 64).alias("file_sha256"))
    return {
        "pupils": pl.DataFrame(
            [["P0001", "Alfie", surname, None, date(2015, 5, 4), "6", "current", None, "granted", handle]],
            schema=PUPILS_SCHEMA,
            orient="row",
        ),
        "staff": pl.DataFrame(
            [
                [
                    "S001",
                    "Owen",
                    "Jones",
                    None,
                    "Teacher",
                    [{"platform": "x", "handle": "mr_jones_teach"}],
                    [],
                    [],
                    [],
                ]
            ],
            schema=STAFF_SCHEMA,
            orient="row",
        ),
        "parents": pl.DataFrame(
            [["PA0001", "Jessica", "Smith", ["P0001"], []]], schema=PARENTS_SCHEMA, orient="row"
        ),
        "approved_media": media,
    }


HASHES = {"pupils.csv": "a1", "staff.csv": "b1", "parents.csv": "c1", "approved_media.csv": "d1"}


def test_unchanged_registers_reuse_the_load(con: duckdb.DuckDBPyConnection) -> None:
    first = store_registers(con, register_frames(), HASHES, WEEK[1])
    # Same files, offered in another order: the same load stays in force.
    again = store_registers(con, register_frames(), dict(reversed(list(HASHES.items()))), WEEK[2])
    assert again == first
    assert count(con, "SELECT * FROM ref.register_loads") == 1
    for table in ("pupils", "staff", "parents", "approved_media"):
        assert count(con, f"SELECT * FROM ref.{table}") == 1
    (pupil,) = rows(con, "SELECT * FROM staging.stg_ref__pupils")
    assert pupil["known_handles"] == [{"platform": "x", "handle": "alfie_p_y6"}]
    assert pupil["date_of_birth"] == date(2015, 5, 4) and pupil["preferred_name"] is None
    (parent,) = rows(con, "SELECT * FROM staging.stg_ref__parents")
    assert parent["pupil_ids"] == ["P0001"] and parent["known_handles"] == []


def test_changed_registers_create_a_new_load(con: duckdb.DuckDBPyConnection) -> None:
    first = store_registers(con, register_frames(), HASHES, WEEK[1])
    changed = store_registers(con, register_frames("Price-Jones"), {**HASHES, "pupils.csv": "a2"}, WEEK[2])
    assert changed != first
    assert count(con, "SELECT * FROM ref.register_loads") == 2
    assert count(con, "SELECT * FROM ref.pupils") == 2  # every version is kept
    assert con.execute("SELECT surname FROM staging.stg_ref__pupils").fetchall() == [("Price-Jones",)]
    assert con.execute("SELECT as_of FROM ref.register_loads WHERE load_id = ?", [changed]).fetchall() == [
        (WEEK[2],)
    ]


def test_a_register_frame_without_optional_columns_loads_nulls(con: duckdb.DuckDBPyConnection) -> None:
    store_registers(con, register_frames(with_sha=False), HASHES, WEEK[1])
    (approval,) = rows(con, "SELECT * FROM staging.stg_ref__approved_media")
    assert approval["file_sha256"] is None and approval["pupils_pictured"] == ["P0001"]


# --- per-week tables, runs, media ------------------------------------------------------------------------


def identities(as_of: date, *subjects: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            # Deliberately not in table order: upsert_frame selects by name.
            "evidence": ["handle declared"] * len(subjects),
            "as_of": [as_of] * len(subjects),
            "platform": ["x"] * len(subjects),
            "account_id": [X_ACCOUNT] * len(subjects),
            "relation": ["follower"] * len(subjects),
            "subject_id": list(subjects),
            "person_kind": ["unknown"] * len(subjects),
            "person_id": [None] * len(subjects),
            "confidence": [0.5] * len(subjects),
        }
    )


def test_upsert_frame_replaces_one_weeks_rows(con: duckdb.DuckDBPyConnection) -> None:
    upsert_frame(con, "audit.identities", numbered_per_person(identities(WEEK[1], "1", "2", "3")), WEEK[1])
    upsert_frame(con, "audit.identities", numbered_per_person(identities(WEEK[2], "1")), WEEK[2])
    con.execute("BEGIN TRANSACTION")  # as in the weekly run: the same keys deleted and re-inserted
    upsert_frame(con, "audit.identities", numbered_per_person(identities(WEEK[1], "2", "3")), WEEK[1])
    con.execute("COMMIT")
    by_week = con.execute(
        "SELECT as_of, list(subject_id ORDER BY subject_id) FROM audit.identities GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert by_week == [(WEEK[1], ["2", "3"]), (WEEK[2], ["1"])]
    upsert_frame(con, "audit.identities", pl.DataFrame(), WEEK[1])  # nothing found this week
    assert con.execute("SELECT DISTINCT as_of FROM audit.identities").fetchall() == [(WEEK[2],)]


def test_record_run_keeps_one_row_per_week_and_counts_attempts(con: duckdb.DuckDBPyConnection) -> None:
    record_run(con, WEEK[1], "run-1", "sandbox", "Tiny Lane", T0, {"findings": 3})
    con.execute("BEGIN TRANSACTION")
    record_run(con, WEEK[1], "run-2", "sandbox", "Tiny Lane", T0 + timedelta(hours=1), {"findings": 4})
    con.execute("COMMIT")
    record_run(con, WEEK[2], "run-3", "live", "Tiny Lane", T0 + timedelta(weeks=1), {})
    runs = rows(
        con, "SELECT as_of, run_id, attempts, summary::VARCHAR AS summary FROM audit.runs ORDER BY as_of"
    )
    assert [(r["as_of"], r["run_id"], r["attempts"]) for r in runs] == [
        (WEEK[1], "run-2", 2),
        (WEEK[2], "run-3", 1),
    ]
    assert '"findings": 4' in runs[0]["summary"]


def test_a_later_successful_fetch_replaces_a_failed_one(con: duckdb.DuckDBPyConnection) -> None:
    ref = "x:3_1850000000000000112"
    base = {
        "media_ref": ref,
        "platform": "x",
        "account_id": X_ACCOUNT,
        "url": "https://pbs.twimg.com/media/a.jpg",
    }
    assert store_media_fingerprints(con, [{**base, "error": "HTTP 503"}]) == 1
    assert set(known_media_refs(con)) == set()  # a failed fetch is retried next run
    con.execute("BEGIN TRANSACTION")
    store_media_fingerprints(
        con,
        [
            {
                **base,
                "sha256": "ab" * 32,
                "n_bytes": 10,
                "width": 48,
                "height": 32,
                "phash": "ff",
                "dhash": "00",
            }
        ],
    )
    con.execute("COMMIT")
    (row,) = rows(con, "SELECT * FROM raw.media_files")
    assert (row["error"], row["sha256"], row["phash"], row["width"]) == (None, "ab" * 32, "ff", 48)
    assert set(known_media_refs(con)) == {ref}
    assert store_media_fingerprints(con, []) == 0
