"""Typed register cells as schools write them: dates, year groups, choices, ids and handles (docs/contracts/registers.md).

`RowReader` reads one row and reports every bad cell, not only the first, so a refusal can list them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import polars as pl

from checks.ages import implied_year_index
from checks.registers.contract import HANDLE_PLATFORMS, YEAR_GROUPS
from checks.registers.problems import RegisterNotes
from checks.registers.reading import RegisterRow, RegisterTable
from platforms import spelled_out

DATE_FORMS = ("YYYY-MM-DD", "DD/MM/YYYY", "YYYY-MM-DD 00:00:00", "DD/MM/YYYY 00:00")
DATES_EXPECTED = "YYYY-MM-DD or DD/MM/YYYY"
# Years counted from Reception: a pupil's place in the school's age order, used for plausibility checks.
YEAR_GROUP_INDEX = {group: position - YEAR_GROUPS.index("R") for position, group in enumerate(YEAR_GROUPS)}
YEAR_GROUPS_EXPECTED = "N1, N2, R, 1..13, or as written: Reception, Year 5, Y5, Yr 5, Nursery 1"

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Excel writes a date-typed cell as a timestamp at midnight when the column was formatted as date-time.
_ISO_MIDNIGHT = re.compile(r"(\d{4})-(\d{2})-(\d{2}) 00:00(?::00)?")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_UK_MIDNIGHT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) 00:00(?::00)?")
_YEAR_GROUP_NOISE = re.compile(r"[\s._-]+")
_RECEPTION = re.compile(r"(?:year|yr|y)?(?:r|rec|reception)")
_NURSERY = re.compile(r"(?:n|nursery|nur)([12])")
_NUMBERED_YEAR = re.compile(r"(?:year|yr|y)?0?(\d{1,2})")
_X_HANDLE = re.compile(r"[a-z0-9_]{1,15}")
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YOUTUBE_HANDLE = re.compile(r"@[^\s@;:/]{1,100}")
# A Facebook username (letters, digits, dots; at least 5) or a numeric or page-scoped id; an Instagram username.
_FACEBOOK_HANDLE = re.compile(r"[a-z0-9.]{5,50}|[0-9]{5,25}")
_INSTAGRAM_HANDLE = re.compile(r"[a-z0-9._]{1,30}")
_PLATFORM_WORD = re.compile(r"[a-z]{1,20}")


class ValueRefused(ValueError):
    def __init__(self, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


def parse_date(text: str) -> tuple[date, str]:
    """The date and the form it was written in; a day-first reading only, as UK registers are written."""
    for pattern, form, day_first in (
        (_ISO_DATE, "YYYY-MM-DD", False),
        (_UK_DATE, "DD/MM/YYYY", True),
        (_ISO_MIDNIGHT, "YYYY-MM-DD 00:00:00", False),
        (_UK_MIDNIGHT, "DD/MM/YYYY 00:00", True),
    ):
        match = pattern.fullmatch(text)
        if not match:
            continue
        first, second, third = (int(part) for part in match.groups())
        year, month, day = (third, second, first) if day_first else (first, second, third)
        try:
            return date(year, month, day), form
        except ValueError:
            if day_first and first <= 12 < second:
                # 03/25/2016 is a US export; guessing would swap day and month on every ambiguous date.
                raise ValueRefused(
                    "is not a date (it reads as month first, as US exports write it)", "DD/MM/YYYY"
                ) from None
            break
    raise ValueRefused("is not a date", DATES_EXPECTED)


def parse_year_group(text: str) -> str:
    key = _YEAR_GROUP_NOISE.sub("", text).casefold()
    if _RECEPTION.fullmatch(key):
        return "R"
    nursery = _NURSERY.fullmatch(key)
    if nursery:
        return f"N{nursery.group(1)}"
    numbered = _NUMBERED_YEAR.fullmatch(key)
    if numbered and 1 <= int(numbered.group(1)) <= 13:
        return str(int(numbered.group(1)))
    raise ValueRefused("is not a year group", YEAR_GROUPS_EXPECTED)


def parse_choice(text: str, allowed: tuple[str, ...], what: str) -> str:
    for candidate in allowed:
        if text.casefold() == candidate.casefold():
            return candidate
    raise ValueRefused(f"is not a {what}", " or ".join(allowed))


def year_group_offset(as_of: date) -> pl.Expr:
    """`implied_year_index` minus the recorded year group, over a pupils frame (null where either is unknown). A
    leaver is judged on their leaving date, as their year group is the year at leaving."""

    def offset(row: dict[str, Any]) -> int | None:
        judged_on = row["leaving_date"] if row["status"] == "left" else as_of
        recorded = YEAR_GROUP_INDEX.get(row["year_group"] or "")
        if row["date_of_birth"] is None or judged_on is None or recorded is None:
            return None
        return implied_year_index(row["date_of_birth"], judged_on) - recorded

    columns = pl.struct("date_of_birth", "year_group", "status", "leaving_date")
    return columns.map_elements(offset, return_dtype=pl.Int32)


def year_group_name(index: int) -> str:
    for group, position in YEAR_GROUP_INDEX.items():
        if position == index:
            return group
    return f"{index} (outside N1..13)"


def parse_handles(text: str) -> tuple[list[dict[str, str]], list[tuple[int, str]]]:
    """The usable platform:handle pairs, and (entry number, reason) for each entry that is not usable."""
    handles: list[dict[str, str]] = []
    unusable: list[tuple[int, str]] = []
    entries = [piece.strip() for piece in text.split(";")]
    for number, entry in enumerate((entry for entry in entries if entry), start=1):
        try:
            pair = _handle_pair(entry)
        except ValueRefused as refused:
            unusable.append((number, refused.message))
            continue
        if pair not in handles:
            handles.append(pair)
    return handles, unusable


def _handle_pair(entry: str) -> dict[str, str]:
    platform, separator, raw_handle = entry.partition(":")
    platform = platform.strip().casefold()
    raw_handle = raw_handle.strip()
    if not separator or not platform:
        raise ValueRefused("is not a platform:handle pair (e.g. x:@jess_smith)")
    if platform not in HANDLE_PLATFORMS:
        named = f"platform {platform!r}" if _PLATFORM_WORD.fullmatch(platform) else "a platform"
        raise ValueRefused(f"names {named} the audit does not cover ({spelled_out()})")
    if not raw_handle:
        raise ValueRefused(f"has no handle after {platform}:")
    if platform == "x":
        handle = raw_handle.removeprefix("@").lower()
        if not _X_HANDLE.fullmatch(handle):
            raise ValueRefused("is not an X handle (1-15 letters, digits or _)")
        return {"platform": platform, "handle": handle}
    if platform in ("facebook", "instagram"):
        handle = raw_handle.removeprefix("@").lower()
        pattern = _FACEBOOK_HANDLE if platform == "facebook" else _INSTAGRAM_HANDLE
        if not pattern.fullmatch(handle):
            what = (
                "a Facebook username or id"
                if platform == "facebook"
                else "an Instagram username (1-30 letters, digits, . or _)"
            )
            raise ValueRefused(f"is not {what}")
        return {"platform": platform, "handle": handle}
    if _YOUTUBE_CHANNEL_ID.fullmatch(raw_handle):
        # Channel ids are case-sensitive; they are the only YouTube form the audit can match.
        return {"platform": platform, "handle": raw_handle}
    if _YOUTUBE_HANDLE.fullmatch(raw_handle):
        return {"platform": platform, "handle": raw_handle.lower()}
    raise ValueRefused("is not a YouTube channel id (UC + 22 characters) or @handle")


class RowReader:
    """Typed access to one row; a bad cell is noted (with the header as written) and reads as None."""

    def __init__(self, table: RegisterTable, row: RegisterRow, notes: RegisterNotes) -> None:
        self.table = table
        self.row = row
        self.notes = notes
        self.usable = True
        spec = table.spec
        # Warnings name the row by its register id: enough to find it, without repeating a child's name.
        self.label = f"{spec.row_kind} {row.cells.get(spec.id_column) or '(no id)'}"

    def refuse(self, column: str, value: str | None, message: str, expected: str | None = None) -> None:
        self.usable = False
        self.notes.refuse(self.table.file, self.row.line, self.table.header(column), value, message, expected)

    def warn(self, column: str, message: str) -> None:
        self.notes.warn(self.table.file, self.row.line, self.table.header(column), f"{self.label}: {message}")

    def optional(self, column: str) -> str | None:
        return self.row.cells.get(column) or None

    def required(self, column: str) -> str | None:
        if not self.table.has(column):
            # The header's missing column is the problem to report, not every row's empty cell.
            self.usable = False
            return None
        value = self.row.cells[column]
        if not value:
            self.refuse(column, None, "is empty", f"a value: {column} is required")
            return None
        return value

    def identifier(self, column: str) -> str | None:
        value = self.required(column)
        # Ids are joined with ';' in the list columns, so one containing ';' could never be referenced.
        if value is not None and (";" in value or any(char.isspace() for char in value)):
            self.refuse(column, value, "is not a usable id", "an id without spaces or ';'")
            return None
        return value

    def choice(self, column: str, allowed: tuple[str, ...], what: str) -> str | None:
        return self._typed(column, lambda text: parse_choice(text, allowed, what))

    def year_group(self, column: str) -> str | None:
        return self._typed(column, parse_year_group)

    def _typed(self, column: str, parse: Callable[[str], str]) -> str | None:
        value = self.required(column)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueRefused as refused:
            self.refuse(column, value, refused.message, refused.expected)
            return None

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.required(column) if required else self.optional(column)
        if value is None:
            return None
        try:
            day, form = parse_date(value)
        except ValueRefused as refused:
            self.refuse(column, value, refused.message, refused.expected)
            return None
        forms: list[str] = self.table.reading["date_forms"]
        if form not in forms:
            forms.append(form)
            forms.sort(key=DATE_FORMS.index)
        return day

    def id_list(self, column: str, known: Mapping[str, int] | None, known_file: str) -> list[str]:
        ids: list[str] = []
        for piece in self.row.cells.get(column, "").split(";"):
            item = piece.strip()
            # A trailing or doubled ';' is a harmless spreadsheet habit, not a missing id.
            if not item or item in ids:
                continue
            if any(char.isspace() for char in item):
                self.refuse(column, item, "is not a usable id", "ids separated by ';'")
            else:
                if known is not None and item not in known:
                    # Doubtful, not wrong: an export cut to some year groups leaves approvals and parents naming
                    # pupils it omits (and a held pupils register may still hold them), so warn and keep the id.
                    self.warn(
                        column,
                        f"names {item}, who is not in {known_file}: nothing about {item} can be checked",
                    )
                ids.append(item)
        return ids

    def year_groups(self, column: str) -> list[str]:
        """A `;`-separated list of year groups as schools write them ("Year 5; 6", "R"): a doubtful entry is
        dropped with a warning, the rest kept (what a member of staff teaches never stops an audit)."""
        groups: list[str] = []
        for number, entry in enumerate(self.names(column), start=1):
            try:
                groups.append(parse_year_group(entry))
            except ValueRefused as refused:
                self.warn(column, f'entry {number} ("{entry}") dropped: {refused.message}')
        return list(dict.fromkeys(groups))

    def names(self, column: str) -> list[str]:
        """A `;`-separated list of names (classes), each with its surrounding spaces removed."""
        return [entry.strip() for entry in self.row.cells.get(column, "").split(";") if entry.strip()]

    def handles(self, column: str) -> list[dict[str, str]]:
        handles, unusable = parse_handles(self.row.cells.get(column, ""))
        for number, reason in unusable:
            self.warn(column, f"handle entry {number} dropped: it {reason}")
        return handles
