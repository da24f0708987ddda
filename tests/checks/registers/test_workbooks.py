"""Registers saved as .xlsx load exactly as their CSV does, with the same refusals and warnings, lines as Excel
rows; crafted workbooks (a bomb, entity expansion, formulas, links, huge sheets) are refused or read safely.

A school whose registers are workbooks is audited as from CSV: a run reads its registers only through
`load_and_validate_registers` (and the approved_media/ folder, the same for both) and stores what that returns with
`store_registers`, from which the rules read them; both are run here. That a run stores what the loading read is
tests/e2e/test_school_as_exported.py's (an export's encodings in `ref.register_loads`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from checks.registers import workbook
from checks.registers.loaded import Registers
from checks.registers.loading import load_and_validate_registers, load_registers
from checks.registers.problems import RegistersRefused
from tests.builders.audits import AS_OF
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import migrated_warehouse, rows
from tests.builders.workbooks import (
    add_member,
    csv_as_workbook,
    rewrite_member,
    save_formula_values,
    save_workbook,
)
from tests.checks.registers.test_loading import PUPILS, write_registers
from warehouse.db import connect
from warehouse.load import REGISTER_TABLES, store_registers

NAMES = ("pupils", "staff", "parents", "approved_media")


def as_workbooks(directory: Path) -> Path:
    for name in NAMES:
        csv_as_workbook(directory / f"{name}.csv")
    return directory


def refused(directory: Path) -> RegistersRefused:
    with pytest.raises(RegistersRefused) as caught:
        load_registers(directory)
    return caught.value


def test_workbooks_load_exactly_as_their_csv(tmp_path: Path) -> None:
    from_csv = load_registers(write_registers(tmp_path / "csv"))
    from_xlsx = load_registers(as_workbooks(write_registers(tmp_path / "xlsx")))
    for name in NAMES:
        assert getattr(from_xlsx, name).equals(getattr(from_csv, name)), name
    assert from_xlsx.lines == from_csv.lines
    assert set(from_xlsx.files) == set(from_csv.files)  # known by the register's name, whatever its format
    reading = from_xlsx.reading["pupils.csv"]
    assert (reading["format"], reading["source"], reading["sheet"]) == ("xlsx", "pupils.xlsx", "Sheet1")
    assert [str(w) for w in from_xlsx.warnings] == [
        str(w).replace(".csv", ".xlsx") for w in from_csv.warnings
    ]


def stored(registers: Registers, db: Path) -> dict[str, Any]:
    """What `store_registers` keeps of `registers`, as a run stores them: each table's rows and how each file was
    read."""
    con = connect(migrated_warehouse(db))
    try:
        load_id = store_registers(
            con, registers.frames(), registers.files, dt.date.fromisoformat(AS_OF), registers.reading
        )
        tables = {
            table: rows(
                con, f"SELECT * EXCLUDE (load_id) FROM ref.{table} WHERE load_id = ? ORDER BY ALL", [load_id]
            )
            for table in REGISTER_TABLES
        }
        (reading,) = con.execute(
            "SELECT reading FROM ref.register_loads WHERE load_id = ?", [load_id]
        ).fetchone() or ("{}",)
    finally:
        con.close()
    return {"tables": tables, "reading": json.loads(reading)}


def test_a_school_whose_registers_are_workbooks_is_validated_and_stored_as_from_csv(tmp_path: Path) -> None:
    """The tiny school a whole run audits (tests/builders/tiny_dataset.py), its four registers saved as workbooks:
    the same rows reach the warehouse, validated alike, so the rules raise the same exceptions; the warehouse
    records each workbook as the file read."""
    from_csv = build_tiny_dataset(tmp_path / "school") / "registers"
    from_xlsx = as_workbooks(shutil.copytree(from_csv, tmp_path / "xlsx"))
    assert sorted(p.name for p in from_xlsx.glob("*.*")) == sorted(f"{name}.xlsx" for name in NAMES)
    as_of = dt.date.fromisoformat(AS_OF)
    csv_registers, csv_results = load_and_validate_registers(from_csv, as_of)
    xlsx_registers, xlsx_results = load_and_validate_registers(from_xlsx, as_of)
    assert xlsx_results == csv_results and csv_results
    assert [str(w) for w in xlsx_registers.warnings] == [
        str(w).replace(".csv", ".xlsx") for w in csv_registers.warnings
    ]
    csv_stored = stored(csv_registers, tmp_path / "csv.duckdb")
    xlsx_stored = stored(xlsx_registers, tmp_path / "xlsx.duckdb")
    assert xlsx_stored["tables"] == csv_stored["tables"] and csv_stored["tables"]["pupils"]
    assert {xlsx_stored["reading"][f"{name}.csv"]["source"] for name in NAMES} == {
        f"{name}.xlsx" for name in NAMES
    }


def test_refusals_name_the_workbook_and_the_excel_row(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    pupils = directory / "pupils.csv"
    # A blank row above the header and one between pupils: lines are still Excel's row numbers.
    lines = ["", *PUPILS[:2], "", PUPILS[2].replace("2015-10-12", "12/31/2015"), PUPILS[3]]
    pupils.write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv_as_workbook(pupils)
    error = refused(directory)
    assert [str(p) for p in error.problems] == [
        "pupils.xlsx line 5 column date_of_birth: '12/31/2015' is not a date (it reads as month first, as US "
        "exports write it) (expected DD/MM/YYYY)"
    ]


def test_excel_errors_and_formulas_without_saved_values_are_refused_formulas_with_values_read(
    tmp_path: Path,
) -> None:
    directory = write_registers(tmp_path)
    rows = [PUPILS[0].split(","), *(line.split(",") for line in PUPILS[1:])]
    rows[1][1] = '=PROPER("jessica")'  # forename, saved by Excel as Jessica
    rows[2][2] = "#N/A"  # surname: a lookup that failed
    rows[3][3] = '=LEFT("Amira",2)'  # preferred_name: never calculated
    (directory / "pupils.csv").unlink()
    path = save_workbook(directory / "pupils.xlsx", rows)
    save_formula_values(path, {"B2": "Jessica"})
    error = refused(directory)
    assert [str(p) for p in error.problems] == [
        "pupils.xlsx line 3 column surname: '#N/A' is an Excel error value (expected a value)",
        "pupils.xlsx line 4 column preferred_name: is a formula saved without its value (nothing calculates "
        "formulas here) (expected the file saved from Excel, or the column pasted as values)",
    ]
    rows[2][2], rows[3][3] = "Price", ""
    path = save_workbook(directory / "pupils.xlsx", rows)
    save_formula_values(path, {"B2": "Jessica"})
    loaded = load_registers(directory)
    assert loaded.pupils["forename"][0] == "Jessica"
    assert "1 cells are formulas: read as the values Excel saved with them" in [
        w.message for w in loaded.warnings
    ]


def test_the_first_visible_sheet_is_read_and_the_others_named(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "staff.csv").unlink()
    save_workbook(
        directory / "staff.xlsx",
        [["staff_id", "forename", "surname"], ["S001", "Helen", "Ward"], ["S002", "Tom", 7.0]],
        sheet="Staff",
        extra_sheets=("Leavers",),
    )
    loaded = load_registers(directory)
    assert loaded.staff["surname"].to_list() == ["Ward", "7"]  # a whole number reads as a CSV holds it
    assert any(
        "other sheets ignored: 'Leavers'" in str(w) and w.file == "staff.xlsx" for w in loaded.warnings
    )


def test_both_a_csv_and_a_workbook_of_one_register_are_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    csv_as_workbook(directory / "parents.csv", keep_csv=True)
    assert "parents.csv: is there twice, as parents.csv and as parents.xlsx" in str(refused(directory))


def test_crafted_packages_are_refused_unread(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    path = csv_as_workbook(directory / "pupils.csv")
    original = path.read_bytes()

    add_member(path, "xl/media/filler.bin", bytes(2 * 1024 * 1024))  # 2 MB of zeros packs ~1000 to 1
    assert "packed" in str(refused(directory)) and "refused unread" in str(refused(directory))

    path.write_bytes(original)
    add_member(path, "xl/media/big.bin", bytes(workbook.MAX_UNPACKED_BYTES + 1))
    assert "would unpack to 64 MB, more than any register" in str(refused(directory))

    path.write_bytes(b"pupil_id,forename\nP1,Jess\n")  # a CSV renamed .xlsx
    assert "pupils.xlsx: is not an .xlsx workbook (not a ZIP package)" in str(refused(directory))

    path.write_bytes(original)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda xml: laughs + xml.replace("<t>Jessica</t>", "<t>&c;</t>")
    )
    assert "pupils.xlsx: cannot be read as a workbook" in str(refused(directory))


def test_links_to_other_workbooks_are_not_followed(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    path = csv_as_workbook(directory / "pupils.csv")
    add_member(
        path,
        "xl/externalLinks/externalLink1.xml",
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    )
    loaded = load_registers(directory)
    assert loaded.pupils.height == 3
    assert any("links to other workbooks were not followed" in w.message for w in loaded.warnings)


def test_a_sheet_longer_than_any_register_is_refused_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = write_registers(tmp_path)
    rows = [PUPILS[0].split(",")] + [
        [f"P{n:05}", "Jo", "Smith", "", dt.date(2016, 3, 1), "5", "current", "", "granted", ""]
        for n in range(60)
    ]
    (directory / "pupils.csv").unlink()
    save_workbook(directory / "pupils.xlsx", rows)
    monkeypatch.setattr(workbook, "MAX_ROWS", 50)
    assert "pupils.xlsx line 51: has more than 50 rows, more than any register" in str(refused(directory))
    monkeypatch.setattr(workbook, "MAX_ROWS", 200_000)
    assert load_registers(directory).pupils.height == 60


def test_cells_read_as_a_csv_export_holds_them() -> None:
    cases = {
        None: "",
        True: "TRUE",
        dt.datetime(2015, 6, 1): "2015-06-01",
        dt.datetime(2015, 6, 1, 9, 30): "2015-06-01 09:30:00",
        dt.date(2015, 6, 1): "2015-06-01",
        5.0: "5",
        5.5: "5.5",
        " Jess ": "Jess",
    }
    assert {repr(k): workbook.cell_text(k) for k in cases} == {repr(k): v for k, v in cases.items()}
    assert dataclasses.is_dataclass(workbook.Workbook)


def test_an_id_excel_has_rounded_is_refused(tmp_path: Path) -> None:
    """X post ids have 19 digits; typed into a General column Excel keeps 15 and rounds the rest away."""
    directory = write_registers(tmp_path)
    (directory / "approved_media.csv").unlink()
    save_workbook(
        directory / "approved_media.xlsx",
        [
            ["approval_id", "file", "platform", "post_id", "pupils_pictured"],
            ["A001", "sports_day.jpg", "x", None, "P0001"],
            ["A002", None, "x", 2.1208420595771973e18, None],
        ],
    )
    (problem,) = refused(directory).problems
    assert (problem.file, problem.line, problem.column) == ("approved_media.xlsx", 3, "post_id")
    assert str(problem.value).startswith("21208420595771") and str(problem.value) != "2120842059577197345"
    assert problem.describe().endswith(
        "is a number longer than the 15 digits Excel keeps (it has been rounded) (expected the column formatted "
        "as Text in the export, so ids keep every digit)"
    )
