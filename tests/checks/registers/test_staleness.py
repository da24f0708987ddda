"""A register export that has stopped changing (checks/registers/staleness.py): a file whose content has been the
same for [registers] stale_after_weeks whole weeks or more is warned of; sooner, or once its bytes change, it is
not. The run (the report) and `socialaudit doctor` both warn through `stale_warnings`: end to end,
tests/e2e/test_registers_as_workbooks.py; doctor's reading of the warehouse, tests/flows/test_doctor.py."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from checks.registers.staleness import register_file_hashes, stale_warnings, unchanged_since
from tests.builders.workbooks import csv_as_workbook
from tests.checks.registers.test_loading import write_registers

WEEK = date(2026, 11, 16)
FILES = {"pupils.csv": "p1", "staff.csv": "s1", "parents.csv": "a1", "approved_media.csv": "m1"}
SOURCES = {file: file for file in FILES}


def weeks_before(as_of: date, *weeks: int) -> list[date]:
    return [as_of - timedelta(weeks=n) for n in weeks]


def warned_of(
    files: dict[str, str], history: list[tuple[date, dict[str, str]]], as_of: date, stale_after_weeks: int
) -> list[str]:
    return [w.file for w in stale_warnings(files, SOURCES, history, as_of, stale_after_weeks)]


def test_a_file_is_unchanged_since_the_first_of_the_unbroken_weeks_it_held_this_content() -> None:
    newest, middle, oldest = weeks_before(WEEK, 0, 1, 2)
    history = [(newest, {"staff.csv": "s1"}), (middle, {"staff.csv": "s1"}), (oldest, {"staff.csv": "s1"})]
    assert unchanged_since("staff.csv", "s1", history) == oldest
    # Back to what it was two weeks ago: it changed in between, so only this week counts.
    changed_back = [
        (newest, {"staff.csv": "s1"}),
        (middle, {"staff.csv": "s2"}),
        (oldest, {"staff.csv": "s1"}),
    ]
    assert unchanged_since("staff.csv", "s1", changed_back) == newest
    assert unchanged_since("staff.csv", "s3", history) is None  # content never stored: new this week


def test_a_file_unchanged_for_stale_after_weeks_is_warned_of_and_not_a_day_sooner() -> None:
    history = [(WEEK, FILES)]
    assert warned_of(FILES, history, WEEK + timedelta(weeks=3), stale_after_weeks=3) == list(FILES)
    assert warned_of(FILES, history, WEEK + timedelta(weeks=3, days=-1), stale_after_weeks=3) == []  # not yet


def test_only_the_files_whose_content_stood_still_are_warned_of() -> None:
    history = [(WEEK, FILES), (WEEK - timedelta(weeks=1), FILES)]
    this_week = {**FILES, "pupils.csv": "p2"}
    assert warned_of(this_week, history, WEEK + timedelta(weeks=6), stale_after_weeks=6) == [
        "staff.csv",
        "parents.csv",
        "approved_media.csv",
    ]
    absent = {file: sha for file, sha in FILES.items() if file != "staff.csv"}
    assert "staff.csv" not in warned_of(absent, history, WEEK + timedelta(weeks=6), stale_after_weeks=6)


def test_the_warning_names_the_file_as_saved_and_says_since_when_and_why_it_matters() -> None:
    (warning,) = stale_warnings(
        {"pupils.csv": "p1"},
        {"pupils.csv": "pupils.xlsx"},
        [(WEEK, {"pupils.csv": "p1"})],
        WEEK + timedelta(weeks=4, days=6),
        stale_after_weeks=4,
    )
    assert (warning.file, warning.line, warning.column) == ("pupils.xlsx", None, None)
    assert warning.message == (
        "has not changed since the week of 2026-11-16 (4 weeks): is the export from the MIS still being saved "
        "here? New pupils and leavers since then are unknown to the audit ([registers] stale_after_weeks = 4)"
    )


def test_a_file_saved_again_with_the_same_bytes_stays_stale_and_one_changed_by_a_byte_does_not(
    tmp_path: Path,
) -> None:
    registers = write_registers(tmp_path / "registers")
    first_files, sources = register_file_hashes(registers)
    history = [(WEEK, first_files)]
    for name in ("staff.csv", "pupils.csv"):
        saved = (registers / name).read_bytes()
        (registers / name).unlink()  # a new export over the old file
        (registers / name).write_bytes(saved + b"\n" if name == "pupils.csv" else saved)
    files, sources = register_file_hashes(registers)
    assert files["staff.csv"] == first_files["staff.csv"] and files["pupils.csv"] != first_files["pupils.csv"]
    stale = stale_warnings(files, sources, history, WEEK + timedelta(weeks=2), stale_after_weeks=2)
    assert [w.file for w in stale] == ["staff.csv", "parents.csv", "approved_media.csv"]


def test_a_workbook_is_hashed_under_its_registers_name_and_named_as_saved(tmp_path: Path) -> None:
    registers = write_registers(tmp_path / "registers")
    workbook = csv_as_workbook(registers / "parents.csv")
    files, sources = register_file_hashes(registers)
    assert set(files) == set(FILES) and sources["parents.csv"] == "parents.xlsx"
    assert sources["pupils.csv"] == "pupils.csv"
    assert files["parents.csv"] == hashlib.sha256(workbook.read_bytes()).hexdigest()
