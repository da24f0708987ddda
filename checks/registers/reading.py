"""From a register file's bytes to rows of trimmed cells keyed by contract column (docs/contracts/registers.md).

Schools export from SIMS, Arbor, Bromcom or Excel, as CSV or as an `.xlsx` workbook (checks/registers/workbook.py):
the encoding, delimiter, line ends and header names vary, and what was found is recorded in
`RegisterTable.reading` so a run can say how it read each file. Either way the register is known by its contract
name (`pupils.csv`: the key of its sha256 and of how it was read); messages name the file as it is.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.registers.contract import REGISTER_SPECS, RegisterSpec
from checks.registers.problems import RegisterNotes
from checks.registers.workbook import Workbook, WorkbookRefused, read_workbook

DELIMITERS = (",", ";", "\t")
XLSX = ".xlsx"
# A valid multi-byte UTF-8 sequence inside a file that is not UTF-8 means two encodings were mixed (a
# UTF-8 file edited by a Windows-1252 tool): read either way, some names would come out garbled.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_HEADER_NOISE = re.compile(r"[\s_\-]+")
CONFIG_FILE = "school.toml"


@dataclass(frozen=True)
class RegisterRow:
    """One data row: its spreadsheet line, and its trimmed cells for the contract columns the file has."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class RegisterTable:
    """A register file as read: rows, the header each contract column had, and how the bytes were read."""

    spec: RegisterSpec
    header_line: int
    rows: list[RegisterRow]
    headers: dict[str, str]
    reading: dict[str, Any]
    # The file as it is named in registers/ (pupils.xlsx); messages name it so.
    source: str = ""
    header_cells: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return self.source or self.spec.file

    def has(self, column: str) -> bool:
        return column in self.headers

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


class _Unreadable(Exception):
    def __init__(self, line: int | None, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.expected = expected


def header_key(name: str) -> str:
    """Header names compare without case, spaces, hyphens or underscores: `Date of Birth` is `date_of_birth`."""
    return _HEADER_NOISE.sub("", name).casefold()


def column_maps_by_register(
    column_maps: Mapping[str, Mapping[str, str]] | None, notes: RegisterNotes
) -> dict[str, Mapping[str, str]]:
    """school.toml's mappings keyed by register name (`pupils` or `pupils.csv`); an unknown name is refused."""
    by_register: dict[str, Mapping[str, str]] = {}
    for key, mapping in (column_maps or {}).items():
        name = key.strip().removesuffix(".csv")
        if name not in REGISTER_SPECS:
            # A mapping filed under a misspelt register would be silently ignored, and its columns with it.
            notes.refuse(CONFIG_FILE, None, None, key, "is not a register", ", ".join(REGISTER_SPECS))
            continue
        by_register[name] = mapping
    return by_register


def read_register(
    registers_dir: Path,
    spec: RegisterSpec,
    column_map: Mapping[str, str] | None,
    notes: RegisterNotes,
    files: dict[str, str],
) -> RegisterTable | None:
    """The file's rows, or None when nothing in it can be read; every problem found goes to `notes`."""
    path = _register_file(registers_dir, spec, notes)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        notes.refuse(path.name, None, None, None, f"cannot be read: {error.strerror or error}")
        return None
    files[spec.file] = hashlib.sha256(raw).hexdigest()
    if path.suffix == XLSX:
        return _read_xlsx(spec, path.name, raw, column_map, notes)

    try:
        text, encoding = _decode(raw)
    except _Unreadable as unreadable:
        notes.refuse(spec.file, unreadable.line, None, None, unreadable.message, unreadable.expected)
        return None
    delimiter = _sniff_delimiter(text)
    records = _records(text, delimiter)
    reading: dict[str, Any] = {
        "encoding": encoding,
        "delimiter": delimiter,
        "line_endings": _line_endings(raw),
        "date_forms": [],
        "mapping": {},
        "extra_columns": [],
        "absent_columns": [],
    }
    try:
        return _table(
            spec,
            records,
            column_map,
            reading,
            notes,
            spec.file,
            f"a cell holding {delimiter!r} to be in quotes",
        )
    except _Unreadable as unreadable:
        notes.refuse(spec.file, unreadable.line, None, None, unreadable.message, unreadable.expected)
        return None


def _table(
    spec: RegisterSpec,
    records: Iterator[tuple[int, list[str]]],
    column_map: Mapping[str, str] | None,
    reading: dict[str, Any],
    notes: RegisterNotes,
    source: str,
    shifted: str,
) -> RegisterTable | None:
    """Header, then rows, from records of either format; `shifted` is what a too-long row was expected to be."""
    found = _header(records)
    if found is None:
        notes.refuse(source, 1, None, None, "has no header row", f"a header naming {', '.join(spec.columns)}")
        return None
    header_line, header = found
    table = RegisterTable(spec, header_line, [], {}, reading, source, tuple(header))
    headers, positions = _match_header(table, header, column_map, notes)
    table.headers.update(headers)
    table.rows.extend(_rows(table, records, positions, len(header), shifted, notes))
    return table


def workbook_name(spec: RegisterSpec) -> str:
    """`pupils.xlsx` for `pupils.csv`: the same register saved as a workbook."""
    return spec.file.removesuffix(".csv") + XLSX


def _register_file(registers_dir: Path, spec: RegisterSpec, notes: RegisterNotes) -> Path | None:
    """The register's file: `pupils.csv` or `pupils.xlsx`, never both (which would be the register?)."""
    found = [
        path for path in (registers_dir / spec.file, registers_dir / workbook_name(spec)) if path.exists()
    ]
    if not found:
        notes.refuse(
            spec.file,
            None,
            None,
            None,
            f"is missing: there is no {spec.file} or {workbook_name(spec)} in {registers_dir}",
        )
        return None
    if len(found) > 1:
        notes.refuse(
            spec.file,
            None,
            None,
            None,
            f"is there twice, as {spec.file} and as {workbook_name(spec)}",
            "one file per register: remove the older",
        )
        return None
    return found[0]


def _read_xlsx(
    spec: RegisterSpec, source: str, raw: bytes, column_map: Mapping[str, str] | None, notes: RegisterNotes
) -> RegisterTable | None:
    """A workbook's first visible sheet, read as the CSV export of it would be; line numbers are Excel rows."""
    try:
        workbook, records = read_workbook(raw)
        reading: dict[str, Any] = {
            "format": "xlsx",
            "source": source,
            "encoding": None,
            "delimiter": None,
            "line_endings": None,
            "date_forms": [],
            "mapping": {},
            "extra_columns": [],
            "absent_columns": [],
        }
        table = _table(spec, records, column_map, reading, notes, source, "a value under each header")
    except WorkbookRefused as refused:
        notes.refuse(source, refused.line, None, None, refused.message, refused.expected)
        return None
    if table is not None:
        _workbook_notes(table, workbook, notes)
    return table


def _workbook_notes(table: RegisterTable, workbook: Workbook, notes: RegisterNotes) -> None:
    """What only a workbook can hold: the sheet read, formulas, links, Excel's error values."""
    table.reading.update(sheet=workbook.sheet, formula_cells=len(workbook.formula_cells))

    def column_name(column: int) -> str | None:
        return table.header_cells[column - 1] or None if column <= len(table.header_cells) else None

    for line, column, error in workbook.error_cells:
        if line > table.header_line:
            notes.refuse(table.file, line, column_name(column), error, "is an Excel error value", "a value")
    for line, column, number in workbook.long_numbers:
        if line > table.header_line:
            notes.refuse(
                table.file,
                line,
                column_name(column),
                number,
                "is a number longer than the 15 digits Excel keeps (it has been rounded)",
                "the column formatted as Text in the export, so ids keep every digit",
            )
    for line, column in workbook.unsaved_formulas:
        if line > table.header_line:
            notes.refuse(
                table.file,
                line,
                column_name(column),
                None,
                "is a formula saved without its value (nothing calculates formulas here)",
                "the file saved from Excel, or the column pasted as values",
            )
    if workbook.other_sheets:
        notes.warn(
            table.file,
            None,
            None,
            f"read the sheet {workbook.sheet!r}; other sheets ignored: "
            + ", ".join(repr(name) for name in workbook.other_sheets),
        )
    if workbook.formula_cells:
        notes.warn(
            table.file,
            None,
            None,
            f"{len(workbook.formula_cells)} cells are formulas: read as the values Excel saved with them",
        )
    if workbook.external_links:
        notes.warn(
            table.file,
            None,
            None,
            "links to other workbooks were not followed: their cells read as the values saved in this file",
        )


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Unreadable(None, "is UTF-16 text", "CSV UTF-8 or CSV (Comma delimited), as Excel saves them")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as not_utf8:
        body = raw.removeprefix(codecs.BOM_UTF8)
        mixed = _UTF8_SEQUENCE.search(body)
        if mixed:
            raise _Unreadable(
                _physical_line(body, mixed.start()),
                "mixes UTF-8 text with bytes that are not UTF-8 "
                f"(byte 0x{raw[not_utf8.start]:02X} on line {_physical_line(raw, not_utf8.start)})",
                "the whole file in one encoding: save it again as CSV UTF-8",
            ) from None
        try:
            return body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as not_cp1252:
            raise _Unreadable(
                _physical_line(body, not_cp1252.start),
                f"is neither UTF-8 nor Windows-1252 text (byte 0x{body[not_cp1252.start]:02X})",
                "CSV UTF-8 or CSV (Comma delimited), as Excel saves them",
            ) from None
    if text.startswith("\ufeff"):
        return text[1:], "utf-8-sig"
    return text, "utf-8"


def _physical_line(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _line_endings(raw: bytes) -> str:
    if b"\r\n" in raw:
        return "crlf"
    # Excel for Mac's "CSV (Macintosh)" still ends lines with a bare CR.
    return "cr" if b"\r" in raw else "lf"


def _sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most, outside quotes; a one-column header reads as comma."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    started = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            if started:
                break
        elif char in counts:
            counts[char] += 1
        started = started or not char.isspace()
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with their spreadsheet line: each record is one row, a blank line included."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    line = 0
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _Unreadable(
                line, f"is not valid CSV: {error}", "quotes around a whole cell, closed in the same cell"
            ) from None
        yield line, cells


def _header(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    for line, cells in records:
        if any(cell.strip() for cell in cells):
            return line, [cell.strip() for cell in cells]
    return None


def _match_header(
    table: RegisterTable, header: list[str], column_map: Mapping[str, str] | None, notes: RegisterNotes
) -> tuple[dict[str, str], dict[str, int]]:
    """Which position holds each contract column: the school's mapping first, then names that match."""
    spec, line, reading = table.spec, table.header_line, table.reading
    by_key = {header_key(column): column for column in spec.columns}
    mapped: dict[str, str] = {}
    for export_name, target in (column_map or {}).items():
        column = by_key.get(header_key(target))
        if column is None:
            notes.refuse(
                table.file,
                None,
                export_name,
                target,
                f"is mapped in {CONFIG_FILE} to a column {table.file} does not have",
                ", ".join(spec.columns),
            )
            continue
        mapped[header_key(export_name)] = column

    claims: dict[str, list[int]] = {}
    by_mapping = [position for position, name in enumerate(header) if header_key(name) in mapped]
    for position in by_mapping:
        claims.setdefault(mapped[header_key(header[position])], []).append(position)
    extras: list[str] = []
    for position, name in enumerate(header):
        if not name or position in by_mapping:
            continue
        column = by_key.get(header_key(name))
        # A column the school mapped another header onto is not claimed twice by its own name.
        if column is None or (column in claims and claims[column][0] in by_mapping):
            extras.append(name)
        else:
            claims.setdefault(column, []).append(position)

    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    for column, claimed in sorted(claims.items(), key=lambda claim: claim[1][0]):
        for position in claimed[1:]:
            notes.refuse(
                table.file,
                line,
                header[position],
                None,
                f"is a second {column} column in the header (the first is {header[claimed[0]]!r})",
                "each column once",
            )
        positions[column] = claimed[0]
        headers[column] = header[claimed[0]]
        if header[claimed[0]] != column:
            reading["mapping"][header[claimed[0]]] = column

    missing = [column for column in spec.required if column not in positions]
    for column in missing:
        notes.refuse(
            table.file,
            line,
            column,
            None,
            "is missing from the header",
            f"the required columns {', '.join(spec.required)} (other names can be mapped in {CONFIG_FILE})",
        )
    absent = [column for column in spec.optional if column not in positions and column not in spec.extras]
    if absent:
        reading["absent_columns"] = absent
        notes.warn(table.file, line, None, f"optional columns absent, read as empty: {', '.join(absent)}")
    if extras:
        reading["extra_columns"] = extras
        notes.warn(
            table.file, line, None, f"columns ignored (not in the register contract): {', '.join(extras)}"
        )
    return headers, positions


def _rows(
    table: RegisterTable,
    records: Iterator[tuple[int, list[str]]],
    positions: dict[str, int],
    width: int,
    shifted: str,
    notes: RegisterNotes,
) -> list[RegisterRow]:
    rows: list[RegisterRow] = []
    for line, cells in records:
        # Spreadsheets leave blank and all-delimiter lines behind; they hold nothing to load.
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            # Every cell after an unquoted delimiter has shifted one column along: nothing in the row is
            # where the header says it is.
            notes.refuse(
                table.file,
                line,
                None,
                None,
                f"has {len(cells)} cells but the header has {width} columns",
                shifted,
            )
            continue
        # Excel leaves out trailing empty cells on some rows; a short row's missing cells are empty.
        rows.append(
            RegisterRow(
                line,
                {column: cells[at].strip() if at < len(cells) else "" for column, at in positions.items()},
            )
        )
    return rows
