"""A school as it really is (docs/contracts/registers.md, school-toml.md, cli.md; issue 9): registers as MIS exports write them, a warehouse named
`audit.duckdb`, two X accounts sharing followers; and registers that shrink or break never close exceptions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sandbox.school import write_sample
from tests.builders.audits import IMAGES_NOT_READ, append_toml
from tests.builders.exports import (
    add_leavers,
    export_parents_as_excel_cp1252,
    export_pupils_as_excel_utf8,
    export_staff_with_extra_column,
    read_rows,
    write_rows,
)
from tests.builders.output_contract import assert_outputs_meet_the_contract
from tests.builders.warehouse import table_fingerprint

AS_OF = "2026-11-16"
NEXT_WEEK = "2026-11-23"
SEED = 23
FOLLOWER_RULES = (
    "pupil-follower",
    "former-pupil-follower",
    "staff-personal-follower",
    "official-follows-person",
)


def _exceptions(out: Path) -> list[dict]:
    return json.loads((out / "exceptions.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, audit) -> dict:
    """The sample school with its registers as MIS exports write them, audited for the week of AS_OF into a
    warehouse named `audit.duckdb`. That they are read as the clean files are (so raise what the clean school's
    audit would) is tests/checks/registers/test_sample_school_exported.py's."""
    root = tmp_path_factory.mktemp("as-exported")
    dataset = root / "exported"
    write_sample(dataset, seed=SEED, size="small")  # as `socialaudit sample` writes it, in this process
    append_toml(dataset, IMAGES_NOT_READ)  # registers and school.toml as written, nothing of images
    add_leavers(dataset / "registers")
    export_pupils_as_excel_utf8(dataset / "registers")
    export_parents_as_excel_cp1252(dataset / "registers")
    export_staff_with_extra_column(dataset / "registers")
    db, out = root / "audit.duckdb", root / "out"
    result = audit(dataset, db=db, out=out).result
    assert result.returncode == 0, result.stderr[-3000:]
    return {"dataset": dataset, "db": db, "out": out, "rows": _exceptions(out)}


def _week_in(tmp_path: Path, exported: dict, name: str) -> tuple[Path, Path]:
    """A copy of the exported school and of the warehouse its week of AS_OF is stored in, for a test to change."""
    dataset, db = tmp_path / name, tmp_path / "audit.duckdb"
    shutil.copytree(exported["dataset"], dataset)
    shutil.copy(exported["db"], db)
    return dataset, db


def test_an_exported_school_is_audited_and_its_outputs_meet_the_contract(exported: dict) -> None:
    assert [r for r in exported["rows"] if r["rule"] in FOLLOWER_RULES], (
        "the sample school has followers to flag"
    )
    assert_outputs_meet_the_contract(exported["out"], exported["dataset"])


def test_how_each_register_was_read_is_recorded_and_the_extra_column_warned_once(exported: dict) -> None:
    from warehouse.db import connect

    con = connect(exported["db"], read_only=True)
    try:
        (reading,) = con.execute("SELECT reading FROM ref.register_loads").fetchall()[0]
        notices = con.execute('SELECT file, "column", message FROM audit.register_notices').fetchall()
    finally:
        con.close()
    reading = json.loads(reading)
    assert reading["pupils.csv"]["encoding"] in ("utf-8-sig", "utf-8")
    assert reading["parents.csv"]["encoding"] == "cp1252"
    assert reading["staff.csv"]["delimiter"] == ";"
    assert "DD/MM/YYYY" in reading["pupils.csv"]["date_forms"]
    extra = [n for n in notices if n[0] == "staff.csv" and "Work Email" in (n[2] + (n[1] or ""))]
    assert len(extra) == 1, notices
    report = (exported["out"] / "report.html").read_text(encoding="utf-8")
    assert 'id="registers"' in report and "Work Email" in report


def test_a_follower_of_both_x_accounts_has_one_exception_per_account(exported: dict) -> None:
    rows = [r for r in exported["rows"] if r["rule"] in FOLLOWER_RULES and r["platform"] == "x"]
    accounts_by_subject: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        accounts_by_subject.setdefault((row["rule"], row["subject_id"]), set()).add(row["account_id"])
    shared = {subject for subject, accounts in accounts_by_subject.items() if len(accounts) == 2}
    assert shared, "the sample's sports account shares pupil followers with the main account"
    for rule, subject_id in shared:
        pair = [r for r in rows if r["rule"] == rule and r["subject_id"] == subject_id]
        assert len(pair) == 2 and len({r["key"] for r in pair}) == 2
        assert len({r["account"] for r in pair}) == 2
        assert len({r["person_id"] for r in pair}) == 1  # one identity, resolved once


def test_a_register_with_three_problems_is_refused_naming_all_three(
    tmp_path: Path, exported: dict, audit_inprocess
) -> None:
    dataset, db = _week_in(tmp_path, exported, "broken")
    before = table_fingerprint(db)
    header, rows = read_rows(dataset / "registers" / "pupils.csv")
    rows[1][4] = "31/02/2015"  # no such date: line 3
    rows[4][6] = "graduated"  # unknown status: line 6
    rows[7][0] = rows[2][0]  # duplicate id: line 9
    write_rows(dataset / "registers" / "pupils.csv", header, rows)
    refused = audit_inprocess(dataset, db=db, out=tmp_path / "out", as_of=NEXT_WEEK).result
    assert refused.returncode != 0
    message = refused.stderr
    for line, column, value in (  # each column as the export's header names it
        ("3", "Date Of Birth", "31/02/2015"),
        ("6", "Status", "graduated"),
        ("9", "Pupil ID", rows[2][0]),
    ):
        assert f"line {line}" in message and column in message and value in message, message
    assert table_fingerprint(db) == before


def test_a_register_cut_to_four_year_groups_is_held_and_closes_nothing(
    tmp_path: Path, exported: dict, socialaudit_inprocess, audit_inprocess
) -> None:
    dataset, db = _week_in(tmp_path, exported, "cut")
    week1 = {r["key"] for r in exported["rows"]}
    header, rows = read_rows(dataset / "registers" / "pupils.csv")
    kept = [r for r in rows if r[5] in ("Year 1", "Year 2", "Year 3", "Year 4") or r[6] == "left"]
    assert len(kept) < len(rows)
    write_rows(dataset / "registers" / "pupils.csv", header, kept)
    week2 = audit_inprocess(dataset, db=db, out=tmp_path / "week2", as_of=NEXT_WEEK).result
    assert week2.returncode == 0, week2.stderr[-2000:]
    resolved = json.loads((tmp_path / "week2" / "resolved.json").read_text(encoding="utf-8"))
    assert resolved == []
    assert {r["key"] for r in _exceptions(tmp_path / "week2")} == week1
    report = (tmp_path / "week2" / "report.html").read_text(encoding="utf-8")
    assert "Registers held this week" in report and "pupils.csv held" in report
    status = socialaudit_inprocess("registers", "status", "--db", str(db))
    assert status.returncode == 0 and "pupils: held since" in status.stdout


def test_renaming_the_x_handle_in_school_toml_keeps_keys_and_decisions(
    tmp_path: Path, exported: dict, socialaudit_inprocess, audit_inprocess
) -> None:
    dataset, db = _week_in(tmp_path, exported, "renamed")
    week1 = {r["key"]: r for r in exported["rows"]}
    key = next(k for k, r in week1.items() if r["rule"] == "pupil-follower")
    decided = socialaudit_inprocess(
        "review", key, "--db", str(db), "--decision", "acknowledge", "--note", "parents told", "--by", "ETL"
    )
    assert decided.returncode == 0, decided.stderr
    toml = dataset / "school.toml"
    handle = week1[key]["account"]
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(f'handle = "{handle}"', 'handle = "RenamedSchool"'),
        encoding="utf-8",
    )
    assert audit_inprocess(dataset, db=db, out=tmp_path / "week2", as_of=NEXT_WEEK).result.returncode == 0
    week2 = {r["key"]: r for r in _exceptions(tmp_path / "week2")}
    assert set(week2) - {k for k, r in week2.items() if r["rule"] == "account-drift"} == set(week1) - {
        k for k, r in week1.items() if r["rule"] == "account-drift"
    }
    assert week2[key]["status"] == "acknowledged"
    assert week2[key]["account"] == "RenamedSchool"


def test_a_typo_in_school_toml_is_refused_with_its_line_and_the_nearest_name(
    tmp_path: Path, exported: dict, audit_inprocess
) -> None:
    dataset = tmp_path / "typo"
    shutil.copytree(exported["dataset"], dataset)
    typo = "[retension]\nraw_pages_weeks = 4"
    refused = audit_inprocess(dataset, toml=typo, db=tmp_path / "w.duckdb", out=tmp_path / "out").result
    assert refused.returncode != 0
    assert "[retension]" in refused.stderr and "[retention]" in refused.stderr and "line" in refused.stderr
    assert not (tmp_path / "w.duckdb").exists()
