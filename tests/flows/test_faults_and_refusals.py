"""The weekly run under platform faults and bad registers: complete with the same data, or change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.connectors.tiny_dataset import build_tiny_dataset
from tests.flows.conftest import table_fingerprint

AS_OF = "2026-11-16"
NEXT_WEEK = "2026-11-23"


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory, socialaudit) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("clean")
    dataset = build_tiny_dataset(root / "school")
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[api]\nbackoff_seconds = 0.05\nmax_wait_seconds = 2\n")
    result = socialaudit(
        "run",
        "--sandbox",
        str(dataset),
        "--db",
        str(root / "w.duckdb"),
        "--out",
        str(root / "out"),
        "--as-of",
        AS_OF,
    )
    assert result.returncode == 0, result.stderr
    return {"dataset": dataset, "db": root / "w.duckdb", "out": root / "out"}


def stored_content(db: Path) -> dict[str, str]:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT platform || '/' || stream, content_sha256 FROM staging.stg_raw__current_snapshots"
        ).fetchall()
        return dict(rows)
    finally:
        con.close()


def faults(*entries: dict) -> dict[str, str]:
    return {"SOCIALAUDIT_SANDBOX_FAULTS": json.dumps(list(entries))}


@pytest.mark.parametrize(
    "plan",
    [
        [{"route": "x.followers", "kind": "429", "times": 2, "reset_in": 1}],
        [{"route": "x.following", "kind": "429-no-reset", "times": 3}],
        [{"route": "x.tweets", "kind": "500", "times": 2}, {"route": "yt.videos", "kind": "503", "times": 1}],
        [
            {"route": "yt.subscriptions", "kind": "truncate", "times": 1},
            {"route": "x.me", "kind": "truncate", "times": 1},
        ],
        [{"route": "x.media", "kind": "500", "times": 2}],
    ],
    ids=["429-with-reset", "429-without-reset", "5xx", "truncated-pages", "media-5xx"],
)
def test_transient_faults_store_the_same_data_as_a_clean_run(
    plan, clean_run, tmp_path, socialaudit_inprocess
):
    result = socialaudit_inprocess(
        "run",
        "--sandbox",
        str(clean_run["dataset"]),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
        env=faults(*plan),
    )
    assert result.returncode == 0, result.stderr
    assert stored_content(tmp_path / "w.duckdb") == stored_content(clean_run["db"])
    assert json.loads((tmp_path / "out" / "exceptions.json").read_text()) == json.loads(
        (clean_run["out"] / "exceptions.json").read_text()
    )


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ([{"route": "x.followers", "kind": "truncate", "times": -1}], "not valid JSON"),
        ([{"route": "x.tweets", "kind": "429-no-reset", "times": -1}], "rate limited"),
        ([{"route": "yt.subscriptions", "kind": "500", "times": -1}], "server error 500"),
        ([{"route": "yt.channels", "kind": "403-quota", "times": -1}], "quota"),
    ],
    ids=["truncated-forever", "429-storm", "5xx-forever", "quota-exhausted"],
)
def test_persistent_faults_fail_clearly_and_leave_the_warehouse_as_it_was(
    plan, message, clean_run, tmp_path, socialaudit_inprocess
):
    db = tmp_path / "w.duckdb"
    shutil.copy(clean_run["db"], db)
    before = table_fingerprint(db)
    result = socialaudit_inprocess(
        "run",
        "--sandbox",
        str(clean_run["dataset"]),
        "--db",
        str(db),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        NEXT_WEEK,
        env=faults(*plan),
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("socialaudit: run failed:") and message in last_line, result.stderr[-2000:]
    assert table_fingerprint(db) == before
    assert not (tmp_path / "out" / "exceptions.json").exists()


def test_a_malformed_pupils_register_stops_the_run_before_anything_is_written(
    clean_run, tmp_path, socialaudit_inprocess
):
    dataset = tmp_path / "school"
    shutil.copytree(clean_run["dataset"], dataset)
    pupils = dataset / "registers" / "pupils.csv"
    lines = pupils.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("date_of_birth")] = "2015-13-01"
    lines[1] = ",".join(cells)
    pupils.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    shutil.copy(clean_run["db"], db)
    before = table_fingerprint(db)

    result = socialaudit_inprocess(
        "run",
        "--sandbox",
        str(dataset),
        "--db",
        str(db),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        NEXT_WEEK,
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "pupils.csv line 2 column date_of_birth" in last_line
    assert table_fingerprint(db) == before
    fresh = tmp_path / "fresh.duckdb"
    result = socialaudit_inprocess(
        "run",
        "--sandbox",
        str(dataset),
        "--db",
        str(fresh),
        "--out",
        str(tmp_path / "out2"),
        "--as-of",
        NEXT_WEEK,
    )
    assert result.returncode != 0 and not fresh.exists()
