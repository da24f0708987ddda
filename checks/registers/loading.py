"""Loading the school's registers, CSV or .xlsx (docs/contracts/registers.md): all four load, or nothing does.

Registers are accepted as schools export them (see checks.registers.reading and checks.registers.values).
Only what would make findings wrong is refused, and a refusal lists every problem in all four files;
whatever is doubtful but usable becomes a warning on `Registers.warnings`.

`load_and_validate_registers` is the entry point for a run: it adds the great-expectations suites,
which judge the rows against the audit date (a date of birth in the future, a date of birth that does
not fit the year group, leaving dates).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from checks.registers.contract import (
    APPROVED_MEDIA_DIR,
    PHOTO_CONSENTS,
    PUPIL_STATUSES,
    PUPILS_FILE,
    REGISTER_SPECS,
)
from checks.registers.loaded import Registers
from checks.registers.problems import RegisterNotes, RegistersRefused, in_reading_order
from checks.registers.reading import RegisterTable, column_maps_by_register, read_register
from checks.registers.suites import register_suites, suite_findings
from checks.registers.values import RowReader
from checks.validation import SuiteResult, validate

ColumnMaps = Mapping[str, Mapping[str, str]]


def load_registers(registers_dir: Path, column_maps: ColumnMaps | None = None) -> Registers:
    """Read and check the four registers; raise RegistersRefused listing every problem in them.

    `column_maps` is school.toml's mapping of an export's own header names to contract columns, per
    register: `{"pupils": {"UPN": "pupil_id", "DOB": "date_of_birth"}}`. Checks that need the audit date
    are in `load_and_validate_registers`.
    """
    registers, notes = _load(Path(registers_dir), column_maps)
    if notes.problems:
        raise RegistersRefused(notes.problems)
    return registers


def load_and_validate_registers(
    registers_dir: Path, as_of: date, column_maps: ColumnMaps | None = None
) -> tuple[Registers, list[SuiteResult]]:
    """Load the registers and run their great-expectations suites as of `as_of`.

    Failed non-blocking expectations become warnings (with lines); loader problems and blocking failures
    are refused together in one RegistersRefused.
    """
    registers, notes = _load(Path(registers_dir), column_maps)
    # The suites run even when the loader found problems, so one refusal lists everything to fix.
    results = validate(registers.frames(), register_suites(as_of))
    problems, warnings = suite_findings(results, registers, as_of)
    if notes.problems or problems:
        raise RegistersRefused([*notes.problems, *problems])
    return replace(registers, warnings=in_reading_order([*registers.warnings, *warnings])), results


def _load(registers_dir: Path, column_maps: ColumnMaps | None) -> tuple[Registers, RegisterNotes]:
    """The registers from every row that read cleanly, and all that was noted; frames are only to be
    trusted when there are no problems."""
    notes = RegisterNotes()
    files: dict[str, str] = {}
    maps = column_maps_by_register(column_maps, notes)
    tables = {
        name: read_register(registers_dir, spec, maps.get(name), notes, files)
        for name, spec in REGISTER_SPECS.items()
    }
    pupils, known_pupils = _pupils(tables["pupils"], notes)
    built = {
        "pupils": pupils,
        "staff": _staff(tables["staff"], notes),
        "parents": _parents(tables["parents"], known_pupils, notes),
        "approved_media": _approved_media(
            tables["approved_media"], known_pupils, registers_dir / APPROVED_MEDIA_DIR, files, notes
        ),
    }
    frames = {
        name: pl.DataFrame([record for _, record in rows], schema=REGISTER_SPECS[name].schema, orient="row")
        for name, rows in built.items()
    }
    registers = Registers(
        pupils=frames["pupils"],
        staff=frames["staff"],
        parents=frames["parents"],
        approved_media=frames["approved_media"],
        files=files,
        reading={table.spec.file: table.reading for table in tables.values() if table is not None},
        warnings=in_reading_order(notes.warnings),
        lines={name: [line for line, _ in rows] for name, rows in built.items()},
    )
    return registers, notes


_Rows = list[tuple[int, dict[str, Any]]]


def _claim_unique_id(cells: RowReader, column: str, seen: dict[str, int]) -> str | None:
    value = cells.identifier(column)
    if value is None:
        return None
    if value in seen:
        cells.refuse(column, value, f"is a duplicate id (first on line {seen[value]})", f"each {column} once")
        return None
    seen[value] = cells.row.line
    return value


def _kept(rows: _Rows, cells: RowReader, record: dict[str, Any]) -> None:
    if cells.usable:
        rows.append((cells.row.line, record))


def _pupils(table: RegisterTable | None, notes: RegisterNotes) -> tuple[_Rows, dict[str, int] | None]:
    """The pupil rows, and every pupil id read (None when the ids could not be read at all, so other
    registers' references to pupils are not all reported as unknown)."""
    if table is None:
        return [], None
    seen: dict[str, int] = {}
    rows: _Rows = []
    for row in table.rows:
        cells = RowReader(table, row, notes)
        record = {
            "pupil_id": _claim_unique_id(cells, "pupil_id", seen),
            "forename": cells.required("forename"),
            "surname": cells.required("surname"),
            "preferred_name": cells.optional("preferred_name"),
            "date_of_birth": cells.date("date_of_birth", required=True),
            "year_group": cells.year_group("year_group"),
            "status": cells.choice("status", PUPIL_STATUSES, "status"),
            "leaving_date": cells.date("leaving_date"),
            "photo_consent": cells.choice("photo_consent", PHOTO_CONSENTS, "photo consent"),
            "known_handles": cells.handles("known_handles"),
        }
        _kept(rows, cells, record)
    return rows, seen if table.has("pupil_id") else None


def _staff(table: RegisterTable | None, notes: RegisterNotes) -> _Rows:
    if table is None:
        return []
    seen: dict[str, int] = {}
    rows: _Rows = []
    for row in table.rows:
        cells = RowReader(table, row, notes)
        record = {
            "staff_id": _claim_unique_id(cells, "staff_id", seen),
            "forename": cells.required("forename"),
            "surname": cells.required("surname"),
            "preferred_name": cells.optional("preferred_name"),
            "role": cells.optional("role"),
            "personal_handles": cells.handles("personal_handles"),
            "official_handles": cells.handles("official_handles"),
            "year_groups": cells.year_groups("year_groups"),
            "classes": cells.names("classes"),
        }
        _kept(rows, cells, record)
    return rows


def _parents(table: RegisterTable | None, known_pupils: dict[str, int] | None, notes: RegisterNotes) -> _Rows:
    if table is None:
        return []
    seen: dict[str, int] = {}
    rows: _Rows = []
    for row in table.rows:
        cells = RowReader(table, row, notes)
        record = {
            "parent_id": _claim_unique_id(cells, "parent_id", seen),
            "forename": cells.optional("forename"),
            "surname": cells.required("surname"),
            "pupil_ids": cells.id_list("pupil_ids", known_pupils, PUPILS_FILE),
            "known_handles": cells.handles("known_handles"),
        }
        _kept(rows, cells, record)
    return rows


def _approved_media(
    table: RegisterTable | None,
    known_pupils: dict[str, int] | None,
    media_dir: Path,
    files: dict[str, str],
    notes: RegisterNotes,
) -> _Rows:
    if table is None:
        return []
    names_approval = table.has("file") or table.has("post_id")
    if not names_approval:
        notes.refuse(
            table.file,
            table.header_line,
            "file",
            None,
            "is missing from the header, and so is post_id",
            "a file column, a post_id column, or both",
        )
    seen: dict[str, int] = {}
    rows: _Rows = []
    for row in table.rows:
        cells = RowReader(table, row, notes)
        approval_id = _claim_unique_id(cells, "approval_id", seen)
        file_name = _approved_file(cells, media_dir, files)
        platform = cells.required("platform")
        post_id = cells.optional("post_id")
        if names_approval and file_name is None and post_id is None and not cells.optional("file"):
            cells.refuse("file", None, "is empty, and so is post_id", "a file, a post_id, or both")
        record = {
            "approval_id": approval_id,
            "file": file_name,
            "platform": platform.casefold() if platform else None,
            "post_id": post_id,
            "approved_by": cells.optional("approved_by"),
            "approved_on": cells.date("approved_on"),
            "pupils_pictured": cells.id_list("pupils_pictured", known_pupils, PUPILS_FILE),
        }
        _kept(rows, cells, record)
    return rows


def _approved_file(cells: RowReader, media_dir: Path, files: dict[str, str]) -> str | None:
    name = cells.optional("file")
    if name is None:
        return None
    # The register names a file to be opened and hashed: it must not reach outside approved_media/.
    if name in (".", "..") or any(separator in name for separator in ("/", "\\", "\x00")):
        cells.refuse("file", name, f"is not a plain file name inside {APPROVED_MEDIA_DIR}/")
        return None
    path = media_dir / name
    if not path.is_file():
        cells.refuse("file", name, f"is not a file in {APPROVED_MEDIA_DIR}/")
        return None
    if path.resolve().parent != media_dir.resolve():
        cells.refuse("file", name, f"is a link to a file outside {APPROVED_MEDIA_DIR}/")
        return None
    try:
        files[f"{APPROVED_MEDIA_DIR}/{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        cells.refuse("file", name, f"cannot be read: {error.strerror or error}")
        return None
    return name
