"""Registers saved as Excel workbooks (.xlsx), as the MIS or Excel saves them, and crafted ones that must not be
read: built with openpyxl, then changed part by part where Excel writes what openpyxl does not (saved formula
values, links to other workbooks) or an attacker would (a bomb, entity expansion)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def save_workbook(
    path: Path, rows: Iterable[Sequence[Any]], sheet: str = "Sheet1", extra_sheets: Sequence[str] = ()
) -> Path:
    workbook = openpyxl.Workbook()
    active = workbook.active
    assert active is not None
    active.title = sheet
    for row in rows:
        active.append(list(row))
    for name in extra_sheets:
        workbook.create_sheet(name).append(["notes"])
    workbook.save(path)
    return path


def typed(cell: str) -> Any:
    """A CSV cell as an MIS writes it into a workbook: dates as dates, short plain numbers as numbers; ids longer
    than Excel's 15 digits (X post ids) as text, as a column formatted Text holds them."""
    if _ISO_DATE.fullmatch(cell):
        return dt.date.fromisoformat(cell)
    if cell.isdigit() and not cell.startswith("0") and len(cell) <= 15:
        return int(cell)
    return cell or None


def csv_as_workbook(csv_path: Path, *, keep_csv: bool = False) -> Path:
    """The register `csv_path` saved as `<name>.xlsx` beside it, typed as Excel types it; the CSV removed."""
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [[typed(cell) for cell in row] for row in csv.reader(handle)]
    xlsx = save_workbook(csv_path.with_suffix(".xlsx"), rows)
    if not keep_csv:
        csv_path.unlink()
    return xlsx


def rewrite_member(path: Path, name: str, change: Any) -> None:
    """Replace one part of the package with `change(old_text)`; every other part kept as it was."""
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    _write(path, parts)


def add_member(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts[name] = data
    _write(path, parts)


def _write(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def save_formula_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells (by reference, e.g. B2) the value Excel would have saved with them."""

    def change(xml: str) -> str:
        for reference, value in values.items():
            xml, count = re.subn(
                rf'<c r="{reference}"([^>]*)><f>(.*?)</f><v ?/>',
                rf'<c r="{reference}" t="str"><f>\2</f><v>{value}</v>',
                xml,
            )
            assert count == 1, reference
        return xml

    rewrite_member(path, "xl/worksheets/sheet1.xml", change)
