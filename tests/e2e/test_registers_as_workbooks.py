"""Registers as the MIS saves them (issue 25, item 3): a school whose four registers are .xlsx workbooks is audited
exactly as the same school from CSV; and a register export that stops changing is a warning in the report and in
`doctor`, after [registers] stale_after_weeks."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from tests.builders.audits import Audit, append_toml
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import open_copy
from tests.builders.workbooks import csv_as_workbook

AS_OF = "2026-11-16"
REGISTERS = ("pupils", "staff", "parents", "approved_media")


def test_a_school_with_workbook_registers_is_audited_as_from_csv(
    tmp_path: Path, tiny_school_week: Audit, audit
) -> None:
    """The session's tiny school week (tests/e2e/conftest.py) is the school from CSV: that workbooks load exactly
    as their CSV, row for row and cell for cell, is tests/checks/registers/test_workbooks.py's; this is the whole
    run reading them."""
    saved = tmp_path / "xlsx"
    shutil.copytree(tiny_school_week.dataset, saved)
    for name in REGISTERS:
        csv_as_workbook(saved / "registers" / f"{name}.csv")
    assert sorted(p.name for p in (saved / "registers").glob("*.xlsx")) == sorted(
        f"{n}.xlsx" for n in REGISTERS
    )
    done = audit(saved, db="xlsx.duckdb", out="out-xlsx", root=tmp_path)
    assert done.result.returncode == 0, done.result.stderr[-3000:]
    assert done.exceptions == tiny_school_week.exceptions and tiny_school_week.exceptions
    con = open_copy(tmp_path / "xlsx.duckdb", tmp_path / "copy.duckdb")
    try:
        (reading,) = con.execute("SELECT reading FROM ref.register_loads").fetchone() or ("{}",)
    finally:
        con.close()
    assert {json.loads(reading)[f"{n}.csv"]["source"] for n in REGISTERS} == {f"{n}.xlsx" for n in REGISTERS}


def test_a_register_that_stops_changing_is_warned_of_in_the_report_and_by_doctor(
    tmp_path: Path, socialaudit
) -> None:
    school = build_tiny_dataset(tmp_path / "school")
    append_toml(school, "[registers]\nstale_after_weeks = 2\n")
    db, out = tmp_path / "w.duckdb", tmp_path / "out"
    today = date.today()
    for as_of in (today - timedelta(weeks=3), today - timedelta(weeks=2)):
        ran = socialaudit(
            "run", "--sandbox", str(school), "--db", str(db), "--out", str(out), "--as-of", as_of.isoformat()
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "has not changed" not in report  # a week after the first: not yet
    pupils = school / "registers" / "pupils.csv"
    pupils.write_text(
        pupils.read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )  # re-exported, still the same people
    ran = socialaudit(
        "run", "--sandbox", str(school), "--db", str(db), "--out", str(out), "--as-of", today.isoformat()
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    report = (out / "report.html").read_text(encoding="utf-8")
    since = (today - timedelta(weeks=3)).isoformat()
    assert f"has not changed since the week of {since} (3 weeks)" in report
    assert report.count("has not changed since the week of") == 3  # pupils.csv changed this week
    doctor = socialaudit("doctor", "--sandbox", str(school), "--db", str(db))
    stale = [line for line in doctor.stdout.splitlines() if "has not changed since" in line]
    assert len(stale) == 3 and all(line.startswith("[warn] register warning:") for line in stale), (
        doctor.stdout
    )
