"""A school as it really is (docs/contracts/registers.md, school-toml.md, cli.md; issue 9): registers as MIS exports write them, a warehouse named
`audit.duckdb`, two X accounts sharing followers; and registers that shrink or a handle renamed never close
exceptions.

Week 1 is the session's sample school as audited (tests/e2e/conftest.py `sample_school_week`); each week 2 runs on
copies of that school and warehouse, which other modules read as they are: only the week whose registers are
written as an MIS exports them needs them so. A register with several problems is refused naming them all as
tests/checks/registers/test_exports.py shows, and the run refusing one before it stores anything is
tests/e2e/test_faults_and_refusals.py's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders.audits import Audit, copy_of_week
from tests.builders.exports import (
    add_leavers,
    export_parents_as_excel_cp1252,
    export_pupils_as_excel_utf8,
    export_staff_with_extra_column,
    read_rows,
    write_rows,
)
from tests.builders.output_contract import assert_outputs_meet_the_contract

NEXT_WEEK = "2026-11-23"
FOLLOWER_RULES = (
    "pupil-follower",
    "former-pupil-follower",
    "staff-personal-follower",
    "official-follows-person",
)


def _exceptions(out: Path) -> list[dict]:
    return json.loads((out / "exceptions.json").read_text(encoding="utf-8"))


def _next_week_of(sample_school_week: Audit, root: Path) -> Audit:
    """A copy of the sample school and of its week 1, its warehouse named `audit.duckdb`, for a week 2 to change."""
    week = copy_of_week(sample_school_week, root)
    for stored in root.glob(f"{week.db.name}*"):  # the warehouse and the files named after it
        stored.rename(root / stored.name.replace(week.db.name, "audit.duckdb", 1))
    return Audit(week.result, root, week.dataset, root / "audit.duckdb", week.out)


@pytest.fixture(scope="module")
def exported(sample_school_week: Audit, tmp_path_factory: pytest.TempPathFactory, audit) -> Audit:
    """Week 2 of the sample school with its registers as MIS exports write them. That they are read as the clean
    files are (so raise what the clean school's audit would) is tests/checks/registers/test_sample_school_exported.py's."""
    week = _next_week_of(sample_school_week, tmp_path_factory.mktemp("as-exported"))
    registers = week.dataset / "registers"
    add_leavers(registers)
    export_pupils_as_excel_utf8(registers)
    export_parents_as_excel_cp1252(registers)
    export_staff_with_extra_column(registers)
    audited = audit(week.dataset, root=week.root, db=week.db, out="out2", as_of=NEXT_WEEK)
    assert audited.result.returncode == 0, audited.result.stderr[-3000:]
    return audited


def test_an_exported_school_is_audited_and_its_outputs_meet_the_contract(exported: Audit) -> None:
    assert [r for r in exported.exceptions if r["rule"] in FOLLOWER_RULES], (
        "the sample school has followers to flag"
    )
    assert_outputs_meet_the_contract(exported.out, exported.dataset)


def test_how_each_register_was_read_is_recorded_and_the_extra_column_warned_once(exported: Audit) -> None:
    from warehouse.db import connect

    con = connect(exported.db, read_only=True)
    try:
        (reading,) = con.execute(
            "SELECT reading FROM ref.register_loads WHERE as_of = ?", [NEXT_WEEK]
        ).fetchall()[0]
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
    report = (exported.out / "report.html").read_text(encoding="utf-8")
    assert 'id="registers"' in report and "Work Email" in report


def test_a_follower_of_both_x_accounts_has_one_exception_per_account(sample_school_week: Audit) -> None:
    rows = [r for r in sample_school_week.exceptions if r["rule"] in FOLLOWER_RULES and r["platform"] == "x"]
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


def test_a_register_cut_to_four_year_groups_is_held_and_closes_nothing(
    tmp_path: Path, sample_school_week: Audit, socialaudit_inprocess, audit_inprocess
) -> None:
    week = _next_week_of(sample_school_week, tmp_path)
    week1 = {r["key"] for r in sample_school_week.exceptions}
    pupils = week.dataset / "registers" / "pupils.csv"
    header, rows = read_rows(pupils)
    year, status = header.index("year_group"), header.index("status")
    kept = [r for r in rows if r[year] in ("1", "2", "3", "4") or r[status] == "left"]
    assert len(kept) < len(rows)
    write_rows(pupils, header, kept)
    week2 = audit_inprocess(week.dataset, db=week.db, out="week2", as_of=NEXT_WEEK, root=tmp_path)
    assert week2.result.returncode == 0, week2.result.stderr[-2000:]
    resolved = json.loads((week2.out / "resolved.json").read_text(encoding="utf-8"))
    assert resolved == []
    assert {r["key"] for r in week2.exceptions} == week1
    report = (week2.out / "report.html").read_text(encoding="utf-8")
    assert "Registers held this week" in report and "pupils.csv held" in report
    status_now = socialaudit_inprocess("registers", "status", "--db", str(week.db))
    assert status_now.returncode == 0 and "pupils: held since" in status_now.stdout


def test_renaming_the_x_handle_in_school_toml_keeps_keys_and_decisions(
    tmp_path: Path, sample_school_week: Audit, socialaudit_inprocess, audit_inprocess
) -> None:
    week = _next_week_of(sample_school_week, tmp_path)
    week1 = {r["key"]: r for r in sample_school_week.exceptions}
    key = next(k for k, r in week1.items() if r["rule"] == "pupil-follower" and r["platform"] == "x")
    decided = socialaudit_inprocess(
        "review",
        key,
        "--db",
        str(week.db),
        "--decision",
        "acknowledge",
        "--note",
        "parents told",
        "--by",
        "ETL",
    )
    assert decided.returncode == 0, decided.stderr
    toml = week.dataset / "school.toml"
    handle = week1[key]["account"]
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(f'handle = "{handle}"', 'handle = "RenamedSchool"'),
        encoding="utf-8",
    )
    week2 = audit_inprocess(week.dataset, db=week.db, out="week2", as_of=NEXT_WEEK, root=tmp_path)
    assert week2.result.returncode == 0, week2.result.stderr[-2000:]
    renamed = {r["key"]: r for r in week2.exceptions}
    assert set(renamed) - {k for k, r in renamed.items() if r["rule"] == "account-drift"} == set(week1) - {
        k for k, r in week1.items() if r["rule"] == "account-drift"
    }
    assert renamed[key]["status"] == "acknowledged"
    assert renamed[key]["account"] == "RenamedSchool"


def test_a_typo_in_school_toml_refuses_the_run_before_any_warehouse_is_made(
    tmp_path: Path, sample_school_week: Audit, audit_inprocess
) -> None:
    """The message itself (the line, the nearest name) is tests/flows/config/test_school.py's; this is the run
    refusing on it, at once."""
    dataset = tmp_path / "typo"
    shutil.copytree(sample_school_week.dataset, dataset)
    typo = "[retension]\nraw_pages_weeks = 4"
    refused = audit_inprocess(dataset, toml=typo, db=tmp_path / "w.duckdb", out=tmp_path / "out").result
    assert refused.returncode != 0
    assert "[retension]" in refused.stderr and "[retention]" in refused.stderr and "line" in refused.stderr
    assert not (tmp_path / "w.duckdb").exists()
