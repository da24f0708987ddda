"""Strict loading of the school's register CSVs (DESIGN.md §5.2): all four load, or nothing does."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

PUPILS_FILE = "pupils.csv"
STAFF_FILE = "staff.csv"
PARENTS_FILE = "parents.csv"
APPROVED_MEDIA_FILE = "approved_media.csv"
APPROVED_MEDIA_DIR = "approved_media"

YEAR_GROUPS = ("R", *(str(year) for year in range(1, 14)))
PUPIL_STATUSES = ("current", "left")
PHOTO_CONSENTS = ("granted", "refused", "withdrawn")
HANDLE_PLATFORMS = ("x", "youtube")
# Only these approval platforms cover the audited accounts (DESIGN.md §5.6); others are kept as written.
APPROVAL_PLATFORMS_COVERING = {"x": ("x", "any"), "youtube": ("youtube", "any")}

HANDLE = pl.Struct({"platform": pl.String, "handle": pl.String})
HANDLE_LIST = pl.List(HANDLE)
ID_LIST = pl.List(pl.String)

PUPILS_SCHEMA = pl.Schema(
    {
        "pupil_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "preferred_name": pl.String(),
        "date_of_birth": pl.Date(),
        "year_group": pl.String(),
        "status": pl.String(),
        "leaving_date": pl.Date(),
        "photo_consent": pl.String(),
        "known_handles": HANDLE_LIST,
    }
)
STAFF_SCHEMA = pl.Schema(
    {
        "staff_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "preferred_name": pl.String(),
        "role": pl.String(),
        "personal_handles": HANDLE_LIST,
        "official_handles": HANDLE_LIST,
    }
)
PARENTS_SCHEMA = pl.Schema(
    {
        "parent_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "pupil_ids": ID_LIST,
        "known_handles": HANDLE_LIST,
    }
)
APPROVED_MEDIA_SCHEMA = pl.Schema(
    {
        "approval_id": pl.String(),
        "file": pl.String(),
        "platform": pl.String(),
        "post_id": pl.String(),
        "approved_by": pl.String(),
        "approved_on": pl.Date(),
        "pupils_pictured": ID_LIST,
    }
)
PUPIL_COLUMNS = tuple(PUPILS_SCHEMA)
STAFF_COLUMNS = tuple(STAFF_SCHEMA)
PARENT_COLUMNS = tuple(PARENTS_SCHEMA)
APPROVED_MEDIA_COLUMNS = tuple(APPROVED_MEDIA_SCHEMA)

_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_X_HANDLE = re.compile(r"[a-z0-9_]{1,15}")
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YOUTUBE_HANDLE = re.compile(r"@[^\s@;:/]{1,100}")
# Bytes that are not UTF-8 survive decoding as lone surrogates, so the cell that holds them can be named.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class RegisterError(Exception):
    """A register the pipeline refuses, with the place a person has to fix."""

    def __init__(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        super().__init__(file, line, column, message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Registers:
    """The four registers as typed polars frames, plus the sha256 of every file they were read from.

    `files` maps each CSV name (`pupils.csv`, ...) and each approved image (`approved_media/<name>`)
    to the sha256 of its bytes, so a run records exactly which register versions it audited against.
    """

    pupils: pl.DataFrame
    staff: pl.DataFrame
    parents: pl.DataFrame
    approved_media: pl.DataFrame
    files: dict[str, str]


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]


class _Cells:
    """Typed access to one CSV row; every failure names the file, line and column."""

    def __init__(self, file: str, row: _Row) -> None:
        self.file = file
        self.row = row

    def fail(self, column: str | None, message: str) -> RegisterError:
        return RegisterError(self.file, self.row.line, column, message)

    def optional(self, column: str) -> str | None:
        value = self.row.cells[column]
        return value or None

    def required(self, column: str) -> str:
        value = self.row.cells[column]
        if not value:
            raise self.fail(column, "is empty; a value is required")
        return value

    def identifier(self, column: str) -> str:
        value = self.required(column)
        # Ids are joined with ';' in the list columns, so one containing ';' could never be referenced.
        if ";" in value or any(char.isspace() for char in value):
            raise self.fail(column, f"{value!r} is not a usable id (no spaces or ';')")
        return value

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.required(column)
        for candidate in allowed:
            if value.casefold() == candidate.casefold():
                return candidate
        raise self.fail(column, f"{value!r} is not one of {', '.join(allowed)}")

    def date(self, column: str, *, required_because: str | None = None) -> date | None:
        value = self.row.cells[column]
        if not value:
            if required_because:
                raise self.fail(column, f"is empty; a date (YYYY-MM-DD) is required {required_because}")
            return None
        if _DATE_SHAPE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(column, f"{value!r} is not a date (YYYY-MM-DD)")

    def id_list(self, column: str, known: dict[str, int] | None = None, known_what: str = "") -> list[str]:
        ids: list[str] = []
        for piece in self.row.cells[column].split(";"):
            item = piece.strip()
            # A trailing or doubled ';' is a harmless spreadsheet habit, not a missing id.
            if not item or item in ids:
                continue
            if any(char.isspace() for char in item):
                raise self.fail(column, f"{item!r} is not a usable id (ids are separated by ';')")
            if known is not None and item not in known:
                raise self.fail(column, f"{item!r} is not a {known_what} in {PUPILS_FILE}")
            ids.append(item)
        return ids

    def handles(self, column: str) -> list[dict[str, str]]:
        handles: list[dict[str, str]] = []
        for piece in self.row.cells[column].split(";"):
            entry = piece.strip()
            if not entry:
                continue
            platform, separator, raw_handle = entry.partition(":")
            platform = platform.strip().casefold()
            raw_handle = raw_handle.strip()
            if not separator or not platform:
                raise self.fail(column, f"{entry!r} is not a platform:handle pair (e.g. x:@jess_smith)")
            if platform not in HANDLE_PLATFORMS:
                raise self.fail(
                    column,
                    f"{entry!r} names platform {platform!r}; expected one of {', '.join(HANDLE_PLATFORMS)}",
                )
            handle = self._normalised_handle(column, entry, platform, raw_handle)
            pair = {"platform": platform, "handle": handle}
            if pair not in handles:
                handles.append(pair)
        return handles

    def _normalised_handle(self, column: str, entry: str, platform: str, raw_handle: str) -> str:
        if not raw_handle:
            raise self.fail(column, f"{entry!r} has no handle after {platform}:")
        if platform == "x":
            handle = raw_handle.removeprefix("@").lower()
            if not _X_HANDLE.fullmatch(handle):
                raise self.fail(column, f"{entry!r}: an X handle is 1-15 letters, digits or _")
            return handle
        if _YOUTUBE_CHANNEL_ID.fullmatch(raw_handle):
            # Channel ids are case-sensitive; they are the only YouTube form the audit can match.
            return raw_handle
        if _YOUTUBE_HANDLE.fullmatch(raw_handle):
            return raw_handle.lower()
        raise self.fail(
            column, f"{entry!r}: a YouTube entry is a channel id (UC + 22 characters) or an @handle"
        )


def load_registers(registers_dir: Path) -> Registers:
    """Load and check pupils, staff, parents and approved media; raise RegisterError at the first problem."""
    registers_dir = Path(registers_dir)
    files: dict[str, str] = {}

    pupil_rows = _read_csv(registers_dir, PUPILS_FILE, PUPIL_COLUMNS, files)
    pupils, pupil_lines = _pupils(pupil_rows)

    staff_rows = _read_csv(registers_dir, STAFF_FILE, STAFF_COLUMNS, files)
    staff = _staff(staff_rows)

    parent_rows = _read_csv(registers_dir, PARENTS_FILE, PARENT_COLUMNS, files)
    parents = _parents(parent_rows, pupil_lines)

    media_rows = _read_csv(registers_dir, APPROVED_MEDIA_FILE, APPROVED_MEDIA_COLUMNS, files)
    approved_media = _approved_media(media_rows, pupil_lines, registers_dir / APPROVED_MEDIA_DIR, files)

    return Registers(pupils=pupils, staff=staff, parents=parents, approved_media=approved_media, files=files)


def _read_csv(registers_dir: Path, name: str, columns: tuple[str, ...], files: dict[str, str]) -> list[_Row]:
    path = registers_dir / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegisterError(name, None, None, f"missing: there is no {name} in {registers_dir}") from None
    except OSError as error:
        raise RegisterError(name, None, None, f"cannot be read: {error.strerror or error}") from None
    files[name] = hashlib.sha256(raw).hexdigest()

    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    records = _records(name, text)
    header_line, header = next(records, (1, []))
    if not any(cell.strip() for cell in header):
        raise RegisterError(name, 1, None, f"has no header row; expected columns {', '.join(columns)}")
    _refuse_undecodable(name, header_line, [None] * len(header), header)
    header = [cell.strip() for cell in header]
    positions = _header_positions(name, header_line, header, columns)

    rows: list[_Row] = []
    for line, cells in records:
        # Spreadsheets leave blank and all-comma lines behind; they hold nothing to load.
        if not any(cell.strip() for cell in cells):
            continue
        _refuse_undecodable(name, line, header, cells)
        if len(cells) != len(header):
            raise RegisterError(
                name, line, None, f"has {len(cells)} cells but the header has {len(header)} columns"
            )
        rows.append(_Row(line, {column: cells[position].strip() for column, position in positions.items()}))
    return rows


def _records(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RegisterError(name, reader.line_num, None, f"is not valid CSV: {error}") from None
        yield last_line + 1, cells
        last_line = reader.line_num


def _refuse_undecodable(name: str, line: int, header: list[str] | list[None], cells: list[str]) -> None:
    for position, cell in enumerate(cells):
        bad = _UNDECODABLE.search(cell)
        if bad:
            column = header[position] if position < len(header) else None
            byte = ord(bad.group()) - 0xDC00
            raise RegisterError(
                name, line, column, f"is not UTF-8 (byte 0x{byte:02X}); save the file as UTF-8 CSV"
            )


def _header_positions(name: str, line: int, header: list[str], columns: tuple[str, ...]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, column in enumerate(header):
        if column in columns:
            if column in positions:
                raise RegisterError(name, line, column, "appears twice in the header")
            positions[column] = position
    for column in columns:
        if column not in positions:
            raise RegisterError(
                name, line, column, f"is missing from the header; expected columns {', '.join(columns)}"
            )
    return positions


def _claim_unique_id(cells: _Cells, column: str, seen: dict[str, int]) -> str:
    value = cells.identifier(column)
    if value in seen:
        raise cells.fail(column, f"duplicate id {value!r} (first on line {seen[value]})")
    seen[value] = cells.row.line
    return value


def _pupils(rows: list[_Row]) -> tuple[pl.DataFrame, dict[str, int]]:
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in rows:
        cells = _Cells(PUPILS_FILE, row)
        pupil_id = _claim_unique_id(cells, "pupil_id", seen)
        forename = cells.required("forename")
        surname = cells.required("surname")
        preferred_name = cells.optional("preferred_name")
        date_of_birth = cells.date("date_of_birth", required_because="for every pupil")
        year_group = cells.choice("year_group", YEAR_GROUPS)
        status = cells.choice("status", PUPIL_STATUSES)
        leaving_date = cells.date(
            "leaving_date", required_because="when status is left" if status == "left" else None
        )
        photo_consent = cells.choice("photo_consent", PHOTO_CONSENTS)
        records.append(
            {
                "pupil_id": pupil_id,
                "forename": forename,
                "surname": surname,
                "preferred_name": preferred_name,
                "date_of_birth": date_of_birth,
                "year_group": year_group,
                "status": status,
                "leaving_date": leaving_date,
                "photo_consent": photo_consent,
                "known_handles": cells.handles("known_handles"),
            }
        )
    return pl.DataFrame(records, schema=PUPILS_SCHEMA, orient="row"), seen


def _staff(rows: list[_Row]) -> pl.DataFrame:
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in rows:
        cells = _Cells(STAFF_FILE, row)
        records.append(
            {
                "staff_id": _claim_unique_id(cells, "staff_id", seen),
                "forename": cells.required("forename"),
                "surname": cells.required("surname"),
                "preferred_name": cells.optional("preferred_name"),
                "role": cells.optional("role"),
                "personal_handles": cells.handles("personal_handles"),
                "official_handles": cells.handles("official_handles"),
            }
        )
    return pl.DataFrame(records, schema=STAFF_SCHEMA, orient="row")


def _parents(rows: list[_Row], pupil_lines: dict[str, int]) -> pl.DataFrame:
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in rows:
        cells = _Cells(PARENTS_FILE, row)
        records.append(
            {
                "parent_id": _claim_unique_id(cells, "parent_id", seen),
                "forename": cells.optional("forename"),
                "surname": cells.required("surname"),
                "pupil_ids": cells.id_list("pupil_ids", pupil_lines, "pupil_id"),
                "known_handles": cells.handles("known_handles"),
            }
        )
    return pl.DataFrame(records, schema=PARENTS_SCHEMA, orient="row")


def _approved_media(
    rows: list[_Row], pupil_lines: dict[str, int], media_dir: Path, files: dict[str, str]
) -> pl.DataFrame:
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for row in rows:
        cells = _Cells(APPROVED_MEDIA_FILE, row)
        approval_id = _claim_unique_id(cells, "approval_id", seen)
        file_name = _approved_file(cells, media_dir, files)
        platform = cells.required("platform").casefold()
        post_id = cells.optional("post_id")
        if file_name is None and post_id is None:
            raise cells.fail("file", "an approval needs a file, a post_id, or both; both are empty")
        records.append(
            {
                "approval_id": approval_id,
                "file": file_name,
                "platform": platform,
                "post_id": post_id,
                "approved_by": cells.optional("approved_by"),
                "approved_on": cells.date("approved_on"),
                "pupils_pictured": cells.id_list("pupils_pictured", pupil_lines, "pupil_id"),
            }
        )
    return pl.DataFrame(records, schema=APPROVED_MEDIA_SCHEMA, orient="row")


def _approved_file(cells: _Cells, media_dir: Path, files: dict[str, str]) -> str | None:
    name = cells.optional("file")
    if name is None:
        return None
    # The register names a file to be opened and hashed: it must not reach outside approved_media/.
    if name in (".", "..") or any(separator in name for separator in ("/", "\\", "\x00")):
        raise cells.fail("file", f"{name!r} is not a plain file name inside {APPROVED_MEDIA_DIR}/")
    path = media_dir / name
    if not path.is_file():
        raise cells.fail("file", f"{name!r} is not a file in {APPROVED_MEDIA_DIR}/")
    if path.resolve().parent != media_dir.resolve():
        raise cells.fail("file", f"{name!r} is a link to a file outside {APPROVED_MEDIA_DIR}/")
    try:
        files[f"{APPROVED_MEDIA_DIR}/{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise cells.fail("file", f"{name!r} cannot be read: {error.strerror or error}") from None
    return name
