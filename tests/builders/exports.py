"""Registers as schools' MIS exports produce them, built from a sample school's clean contract files.

`add_leavers` changes the school itself (both the clean and the exported copy get it); `export_*` only change
how the same rows are written: encodings, delimiters, date forms, header names, padding, extra columns.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date
from pathlib import Path

# Leavers aged 18-30 on 2026-11-16 and one current pupil who is due to leave next summer.
LEAVERS = [
    ["P9001", "Harriet", "Quennell", "", "1996-03-14", "6", "left", "2007-07-20", "granted", ""],
    ["P9002", "Desmond", "Arkwright", "Des", "2001-09-30", "6", "left", "2013-07-19", "refused", ""],
    ["P9003", "Ottilie", "Brackenbury", "", "2004-12-02", "6", "left", "2016-07-22", "granted", ""],
    ["P9004", "Ferdinand", "Loxley", "", "2008-06-11", "6", "left", "2019-07-23", "withdrawn", ""],
]
YEAR_GROUP_WORDS = {"R": "Reception", "N1": "Nursery 1", "N2": "Nursery 2"}


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]], **dialect: str) -> None:
    buffer = io.StringIO()
    csv.writer(
        buffer, lineterminator=dialect.get("lineterminator", "\n"), delimiter=dialect.get("delimiter", ",")
    ).writerows([header, *rows])
    data = buffer.getvalue().encode(dialect.get("encoding", "utf-8"))
    path.write_bytes(data)


def refuse_a_pupil_by_name(registers: Path) -> str:
    """pupils.csv with the first pupil's name as their status: a refusal that quotes the cell quotes a name.
    Returns the name (to search for where it must not be)."""
    header, rows = read_rows(registers / "pupils.csv")
    name = f"{rows[0][header.index('forename')]} {rows[0][header.index('surname')]}"
    rows[0][header.index("status")] = name
    write_rows(registers / "pupils.csv", header, rows)
    return name


def cp1252_safe(text: str) -> str:
    """The name as a cp1252 file can hold it: letters outside cp1252 lose their accent (Ł -> L)."""
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            out.append(unicodedata.normalize("NFKD", char)[0].replace("ł", "l").replace("Ł", "L"))
    return "".join(out)


def add_leavers(registers: Path, planned_leaver: str = "P0001", planned_on: date = date(2027, 7, 21)) -> None:
    """Leavers of any age, a planned leaving date for one current pupil, and cp1252-safe parent names."""
    header, rows = read_rows(registers / "pupils.csv")
    for row in rows:
        if row[0] == planned_leaver:
            row[7] = planned_on.isoformat()
    write_rows(registers / "pupils.csv", header, rows + LEAVERS)
    header, rows = read_rows(registers / "parents.csv")
    write_rows(registers / "parents.csv", header, [[cp1252_safe(cell) for cell in row] for row in rows])


def _uk_date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def export_pupils_as_excel_utf8(registers: Path) -> None:
    """Excel "CSV UTF-8": BOM, CRLF, DD/MM/YYYY, spoken headers, year groups written out."""
    header, rows = read_rows(registers / "pupils.csv")
    spoken = [
        "Pupil ID",
        "Forename",
        "Surname",
        "Preferred Name",
        "Date Of Birth",
        "Year Group",
        "Status",
        "Leaving Date",
        "Photo Consent",
        "Known Handles",
    ]
    assert len(header) == len(spoken)
    exported = []
    for row in rows:
        row = list(row)
        row[4], row[7] = _uk_date(row[4]), _uk_date(row[7])
        row[5] = YEAR_GROUP_WORDS.get(row[5], f"Year {row[5]}")
        exported.append(row)
    write_rows(registers / "pupils.csv", spoken, exported, encoding="utf-8-sig", lineterminator="\r\n")


def export_parents_as_excel_cp1252(registers: Path) -> None:
    """Excel "CSV (Comma delimited)": Windows-1252, CRLF."""
    header, rows = read_rows(registers / "parents.csv")
    write_rows(registers / "parents.csv", header, rows, encoding="cp1252", lineterminator="\r\n")


def export_staff_with_extra_column(registers: Path) -> None:
    """An extra column the audit does not use, and cells padded with spaces, `;`-delimited."""
    header, rows = read_rows(registers / "staff.csv")
    padded = [
        [f"  {cell} " if cell else cell for cell in row] + [f"staff{n}@school.example"]
        for n, row in enumerate(rows)
    ]
    write_rows(registers / "staff.csv", [*header, "Work Email"], padded, delimiter=";")
