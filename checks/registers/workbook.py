"""A register saved by the MIS or Excel as `.xlsx`: its first visible sheet as rows of text cells, line = Excel row.

Read with openpyxl in read-only mode (it streams the sheet's XML instead of building every cell; the usual choice,
and pure Python), with defusedxml installed so entity expansion in a crafted file is refused, and only after the
ZIP itself was looked at: a workbook whose parts would unpack to more than `MAX_UNPACKED_BYTES`, or one part
packed more tightly than any spreadsheet (`MAX_PACKING_RATIO`), is refused before a byte is inflated. No formula is
ever calculated: a formula cell reads as the value Excel saved with it, and one saved without a value is refused;
links to other workbooks are never followed (their cells read as saved). A sheet longer or wider than any register
is refused rather than read to the end. The DuckDB excel extension was the other candidate: it reads through the
database (a wider surface for a crafted file), and it gives no per-cell formula or error information.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PACKING_RATIO = 100  # XML of real sheets packs 5-20 to 1; a bomb packs thousands to 1
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts (styles, a tiny sheet of blanks) may pack tightly
MAX_ROWS = 200_000  # the largest trust's pupils register is a few tens of thousands
MAX_COLUMNS = 200
# Excel keeps 15 significant digits: a longer number (an X post id typed into a General column) is already rounded.
EXCEL_DIGITS = 15
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)


class WorkbookRefused(Exception):
    """The file cannot be read safely as a register; `line` is the Excel row when one is to blame."""

    def __init__(self, message: str, expected: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.line = line


@dataclass
class Workbook:
    """What reading found: the sheet read, the others, formula cells read as saved, links to other files."""

    sheet: str
    other_sheets: list[str]
    external_links: int
    formula_cells: list[tuple[int, int]] = field(default_factory=list)
    # formula cells Excel saved no value with (a file written by a program that calculates nothing)
    unsaved_formulas: list[tuple[int, int]] = field(default_factory=list)
    # (row, column) of cells that hold an Excel error such as #N/A: refused by the reader of the rows
    error_cells: list[tuple[int, int, str]] = field(default_factory=list)
    # numbers longer than Excel keeps exactly (an id Excel has rounded): refused likewise
    long_numbers: list[tuple[int, int, str]] = field(default_factory=list)


def check_package(raw: bytes) -> int:
    """Refuse what is not an .xlsx package, or would unpack to a bomb; returns how many external links it has."""
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise WorkbookRefused(
            "is not an .xlsx workbook (not a ZIP package)", "an Excel workbook saved as .xlsx, or CSV"
        ) from None
    with package:
        members = package.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise WorkbookRefused(
                "is not an .xlsx workbook (no xl/workbook.xml)", "an Excel workbook (.xlsx)"
            )
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookRefused(
                f"would unpack to {unpacked // 2**20} MB, more than any register "
                f"(at most {MAX_UNPACKED_BYTES // 2**20} MB)",
                "the register alone, saved again from the MIS",
            )
        for member in members:
            packed = max(member.compress_size, 1)
            if member.file_size > RATIO_CHECKED_ABOVE and member.file_size / packed > MAX_PACKING_RATIO:
                raise WorkbookRefused(
                    f"has a part ({member.filename}) packed {member.file_size // packed} to 1, as no spreadsheet "
                    "is: it is refused unread",
                    "the register saved again from the MIS",
                )
        return sum(1 for name in names if name.startswith("xl/externalLinks/") and name.endswith(".xml"))


def read_workbook(raw: bytes) -> tuple[Workbook, Iterator[tuple[int, list[str]]]]:
    """The first visible sheet's rows as (Excel row, cells as text); cells read as `str` the way a CSV would hold
    them (a date as YYYY-MM-DD, a whole number without `.0`)."""
    links = check_package(raw)
    import openpyxl

    try:
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged package; none is safe to read on
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise WorkbookRefused(
            f"cannot be read as a workbook ({reason})", "the register saved again as .xlsx"
        ) from None
    visible = [ws for ws in values.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise WorkbookRefused("has no visible sheet", "the register on the first sheet")
    sheet = visible[0]
    workbook = Workbook(sheet.title, [ws.title for ws in values.worksheets if ws is not sheet], links)
    return workbook, _rows(workbook, sheet, formulas[sheet.title])


def _trimmed(row: tuple[Any, ...] | None) -> list[Any]:
    cells = list(row or ())
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _rows(workbook: Workbook, sheet: Any, formula_sheet: Any) -> Iterator[tuple[int, list[str]]]:
    pairs = zip_longest(sheet.iter_rows(values_only=True), formula_sheet.iter_rows(values_only=True))
    for row_number, (saved_row, written_row) in enumerate(pairs, start=1):
        if row_number > MAX_ROWS:
            raise WorkbookRefused(
                f"has more than {MAX_ROWS:,} rows, more than any register",
                "the register alone",
                line=row_number,
            )
        saved, written = _trimmed(saved_row), _trimmed(written_row)
        width = max(len(saved), len(written))
        if width > MAX_COLUMNS:
            raise WorkbookRefused(
                f"has more than {MAX_COLUMNS} columns in row {row_number}",
                "the register's columns",
                line=row_number,
            )
        text = []
        for column in range(1, width + 1):
            value = saved[column - 1] if column <= len(saved) else None
            formula = written[column - 1] if column <= len(written) else None
            if isinstance(formula, str) and formula.startswith("="):
                if value is None:
                    workbook.unsaved_formulas.append((row_number, column))
                workbook.formula_cells.append((row_number, column))
            shown = cell_text(value)
            if shown in EXCEL_ERRORS:
                workbook.error_cells.append((row_number, column, shown))
            elif (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and abs(value) >= 10**EXCEL_DIGITS
            ):
                workbook.long_numbers.append((row_number, column, shown))
            text.append(shown)
        yield row_number, text


def cell_text(value: object) -> str:
    """A cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
