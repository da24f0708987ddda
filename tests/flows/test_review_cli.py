"""`socialaudit exceptions list` and `socialaudit review`: snapshot reads, safe output, clear refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.builders.findings import (
    AS_OF,
    PUPIL_FOLLOWER,
    STAFF_FOLLOWER,
    insert_exception,
    insert_rules,
    variant,
)
from tests.builders.locks import warehouse_held
from warehouse.snapshot import publish_snapshot

HYPERLINK = '=HYPERLINK("http://evil","x")'
ESCAPE = "\x1b[31mred\x1b[0m\x1b]0;retitled\x07\r\u202eeman\x9b2J"
# What a terminal acts on: an escape, a bell, a carriage return, a right-to-left override, a C1 control sequence.
ACTED_ON = ("\x1b", "\x07", "\r", "\u202e", "\x9b")


@pytest.fixture
def db(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    insert_rules(con)
    insert_exception(con, PUPIL_FOLLOWER)
    insert_exception(con, STAFF_FOLLOWER, "accepted")
    insert_exception(con, variant(PUPIL_FOLLOWER, "1600000000000000011", subject_label=HYPERLINK))
    insert_exception(con, variant(PUPIL_FOLLOWER, "1600000000000000012", subject_label=ESCAPE))
    con.execute(
        "INSERT INTO audit.runs VALUES (?, 'r1', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [AS_OF, datetime(2026, 11, 13, 6), datetime(2026, 11, 13, 6, 1)],
    )
    con.close()
    publish_snapshot(db_path)
    return db_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_reads_the_snapshot_in_three_formats(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "exceptions", "list", "--db", str(db))
    assert code == 0 and PUPIL_FOLLOWER.key in out and STAFF_FOLLOWER.key not in out
    assert "\x1b" not in out and "3 exceptions" in out
    code, out, _ = cli(
        capsys, "exceptions", "list", "--db", str(db), "--status", "accepted", "--format", "json"
    )
    assert [r["key"] for r in json.loads(out)] == [STAFF_FOLLOWER.key]
    code, out, _ = cli(
        capsys, "exceptions", "list", "--db", str(db), "--rule", "pupil-follower", "--format", "csv"
    )
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert "'" + HYPERLINK in cells and not any(c.startswith("=") for c in cells)
    assert not [char for char in ACTED_ON if char in out]
    assert "\\x1b[31mred" in out  # shown, not lost


def test_the_table_and_the_published_csv_carry_no_control_characters(
    db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = cli(capsys, "exceptions", "list", "--db", str(db))
    assert code == 0 and not [char for char in ACTED_ON if char in out]
    code, _, err = cli(capsys, "publish", "--db", str(db), "--out", str(tmp_path / "out"))
    assert code == 0, err
    published = (tmp_path / "out" / "exceptions.csv").read_text(encoding="utf-8")
    assert not [char for char in ACTED_ON if char in published]


def test_review_records_and_republishes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("review", PUPIL_FOLLOWER.key, "--db", str(db), "--decision", "acknowledge", "--note", "on it")
    code, out, _ = cli(capsys, *args, "--by", "Sam")
    assert code == 0 and "new -> acknowledged" in out
    code, out, _ = cli(
        capsys, "exceptions", "list", "--db", str(db), "--status", "acknowledged", "--format", "json"
    )
    assert [r["key"] for r in json.loads(out)] == [PUPIL_FOLLOWER.key]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("nope", "--decision", "acknowledge", "--note", "n", "--by", "Sam"),
            "no exception has the key 'nope'",
        ),
        (
            (PUPIL_FOLLOWER.key, "--decision", "accept", "--note", "fine", "--by", "Sam"),
            "needs an expiry date",
        ),
        (
            (
                PUPIL_FOLLOWER.key,
                "--decision",
                "accept",
                "--note",
                " ",
                "--by",
                "Sam",
                "--until",
                "2027-01-01",
            ),
            "note",
        ),
    ],
)
def test_review_refusals_are_one_clear_line(
    db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = cli(capsys, "review", *args[:1], "--db", str(db), *args[1:])
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1


def test_list_before_any_run_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "exceptions", "list", "--db", str(tmp_path / "w.duckdb"))
    assert code == 1 and "run the weekly audit first" in err


@pytest.mark.slow
def test_a_review_waiting_too_long_for_the_lock_says_so_in_a_plain_sentence(db: Path, capsys) -> None:
    with warehouse_held(db, 3):
        code = main(
            [
                "review",
                PUPIL_FOLLOWER.key,
                "--db",
                str(db),
                "--decision",
                "acknowledge",
                "--note",
                "seen",
                "--by",
                "Sam",
                "--wait",
                "0.5",
            ]
        )
    assert code == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("socialaudit: review failed: the warehouse")
    assert "is busy" in line and "nothing was written; try again in a few minutes" in line
    assert "lock" not in line.lower()
