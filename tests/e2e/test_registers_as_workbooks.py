"""Registers as the MIS saves them (issue 25, item 3): a register export that stops changing is a warning in the
report and in `doctor`, after [registers] stale_after_weeks.

When a file counts as unchanged, and from which week, is tests/checks/registers/test_staleness.py's; doctor's
reading of the warehouse's register history, tests/flows/test_doctor.py's. Here: one run reads the history its
warehouse holds and the threshold school.toml sets, and the report and doctor say so. A school whose registers are
.xlsx workbooks is loaded, validated and stored exactly as from CSV: tests/checks/registers/test_workbooks.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.builders.audits import AS_OF, Audit, copy_of_week


def test_a_register_that_stops_changing_is_warned_of_in_the_report_and_by_doctor(
    tmp_path: Path, tiny_school_week: Audit, audit, socialaudit
) -> None:
    """The session's tiny school week (tests/e2e/conftest.py) stored the registers for the week of AS_OF; they are
    audited again today, pupils.csv exported again since."""
    week = copy_of_week(tiny_school_week, tmp_path, "[registers]\nstale_after_weeks = 1\n")
    pupils = week.dataset / "registers" / "pupils.csv"
    pupils.write_text(pupils.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # still the same people
    today = date.today()
    # Doctor counts the weeks to today, so the run is today's too; AS_OF is weeks behind it.
    weeks = (today - date.fromisoformat(AS_OF)).days // 7
    assert weeks >= 1
    ran = audit(week.dataset, db=week.db, out=week.out, root=tmp_path, as_of=today.isoformat()).result
    assert ran.returncode == 0, ran.stderr[-2000:]
    report = (week.out / "report.html").read_text(encoding="utf-8")
    assert f"has not changed since the week of {AS_OF} ({weeks} weeks)" in report
    assert report.count("has not changed since the week of") == 3  # pupils.csv changed this week
    doctor = socialaudit("doctor", "--sandbox", str(week.dataset), "--db", str(week.db))
    stale = [line for line in doctor.stdout.splitlines() if "has not changed since" in line]
    assert len(stale) == 3 and all(line.startswith("[warn] register warning:") for line in stale), (
        doctor.stdout
    )
