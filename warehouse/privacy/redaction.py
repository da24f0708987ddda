"""Finding a person's names, handles and ids in text the product copied, and replacing them.

One `Redaction` is a set of patterns and what each becomes: "[erased]" for an erasure, "another pupil" for the
other people in a subject access export, "[removed by retention]" for pupils' names in old copies of posts. It
works on plain strings and on JSON values (every string inside, keys left alone), and, over a warehouse, on every
text, JSON and list column of every table (`sweep`), so a copy nobody remembered is not missed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse import portable

ERASED = "[erased]"
# A link is replaced whole or not at all: a name cut out of its middle leaves a link to someone else's page.
_LINK = re.compile(
    r"https?://[^\s\"'<>()\[\]]*[^\s\"'<>()\[\].,;:!?]", re.IGNORECASE
)  # not a sentence's stop
# Kept spans stand aside while the patterns run, as runs of private-use characters no pattern can match.
_KEPT_DIGITS = "".join(chr(0xE010 + i) for i in range(16))
_KEPT_MARK = "\ue000"
_KEPT_SPAN = re.compile(rf"{_KEPT_MARK}([{_KEPT_DIGITS}]+){_KEPT_MARK}")
# Identifier characters of platform ids (X ids are digits; YouTube channel ids letters, digits, - and _).
_ID_EDGE = r"A-Za-z0-9_\-"


def _name_parts(name: str) -> list[str]:
    return [part for part in re.split(r"\s+", name.strip()) if part]


@dataclass
class Redaction:
    """Patterns to find and their replacements; `needles` are plain lower-case strings that every match contains
    (to select candidate rows in SQL before Python looks closely)."""

    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    needles: set[str] = field(default_factory=set)
    # What no pattern may change (a subject access export: the requester's own names, handles and ids, which
    # another person may share).
    kept: list[re.Pattern[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def add_name(self, name: str, replacement: str = ERASED) -> None:
        """A full name (two words or more) in either order, as words; glued together as in a hashtag or a
        username (`#WellDoneAlfiePrice`); a single word is too common to redact everywhere and is skipped."""
        parts = _name_parts(name)
        if len(parts) < 2:
            return
        for order in (parts, [*parts[-1:], *parts[:-1]]):
            words = r"[\s._-]+".join(re.escape(p) for p in order)
            self.patterns.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), replacement))
            glued = "".join(order)
            self.patterns.append((re.compile(re.escape(glued), re.IGNORECASE), replacement))
            self.needles.add(glued.casefold())
            # As an OCR engine may read it off an image: a space or hyphen inside a word ("Zofia N owak").
            letters = [re.escape(c) for c in glued if not c.isspace()]
            split = r"[\s'’.-]?".join(letters)
            self.patterns.append((re.compile(rf"(?<!\w){split}(?!\w)", re.IGNORECASE), replacement))
        self.needles.update(p.casefold() for p in parts[-1:])

    def add_handle(self, handle: str, replacement: str = ERASED) -> None:
        handle = handle.strip().lstrip("@")
        if len(handle) < 3:
            return
        self.patterns.append((re.compile(rf"(?<!\w)@?{re.escape(handle)}(?!\w)", re.IGNORECASE), replacement))
        self.needles.add(handle.casefold())

    def add_identifier(self, identifier: str, replacement: str = ERASED) -> None:
        """A platform or register id, matched as a whole token."""
        identifier = identifier.strip()
        if len(identifier) < 3:
            return
        pattern = rf"(?<![{_ID_EDGE}]){re.escape(identifier)}(?![{_ID_EDGE}])"
        self.patterns.append((re.compile(pattern), replacement))
        self.needles.add(identifier.casefold())

    def keep(self, other: Redaction) -> None:
        """What `other` finds is left as it is, whatever these patterns would make of it."""
        self.kept.extend(pattern for pattern, _ in other.patterns)

    def text(self, value: str) -> tuple[str, int]:
        """`value` redacted, and how many replacements were made. A link holding a match is replaced whole; a kept
        span, and a link holding one, is left as it is."""
        if not self.patterns:
            return value, 0
        value, spans = self._set_aside(value)
        total = 0

        def link(match: re.Match[str]) -> str:
            nonlocal total
            url = match.group(0)
            if _KEPT_MARK in url:
                return url
            for pattern, replacement in self.patterns:
                if pattern.search(url):
                    total += 1
                    return replacement
            return url

        value = _LINK.sub(link, value)
        for pattern, replacement in self.patterns:
            value, n = pattern.subn(replacement, value)
            total += n
        if spans:
            value = _KEPT_SPAN.sub(lambda m: spans[_kept_index(m.group(1))], value)
        return value, total

    def _set_aside(self, value: str) -> tuple[str, list[str]]:
        spans: list[str] = []
        for pattern in self.kept:

            def mark(match: re.Match[str]) -> str:
                spans.append(match.group(0))
                return _kept_token(len(spans) - 1)

            value = pattern.sub(mark, value)
        return value, spans

    def value(self, value: Any) -> tuple[Any, int]:
        """Every string inside a JSON value redacted (a dict's keys are field names and stay)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            total = 0
            out = []
            for item in value:
                new, n = self.value(item)
                out.append(new)
                total += n
            return out, total
        if isinstance(value, dict):
            total = 0
            result = {}
            for key, item in value.items():
                result[key], n = self.value(item)
                total += n
            return result, total
        return value, 0

    def candidates_sql(self, expression: str) -> tuple[str, list[str]]:
        """A SQL condition true for every value of `expression` that may hold a match (and a few that do not),
        with its parameters: lower-cased text containing a needle, plain or as JSON escapes it."""
        forms = sorted({form for n in self.needles for form in (n, json.dumps(n)[1:-1])})
        condition = " OR ".join(f"contains(lower({expression}), ?)" for _ in forms)
        return f"({condition or 'false'})", forms


def _kept_token(index: int) -> str:
    return _KEPT_MARK + "".join(_KEPT_DIGITS[int(d, 16)] for d in f"{index:x}") + _KEPT_MARK


def _kept_index(digits: str) -> int:
    return int("".join(f"{_KEPT_DIGITS.index(c):x}" for c in digits), 16)


@dataclass(frozen=True)
class Column:
    table: str  # schema.table
    name: str
    kind: str  # text | json | list


TEXT_TYPES = ("VARCHAR", "JSON")


def text_columns(
    con: duckdb.DuckDBPyConnection, schemas: Iterable[str], skip: Iterable[str] = ()
) -> list[Column]:
    """Every VARCHAR, JSON and VARCHAR[] column of the base tables in `schemas`, less the tables in `skip`."""
    skipped, wanted = set(skip), set(schemas)
    rows = [row for row in portable.base_table_columns(con) if row[0] in wanted]
    columns = []
    for schema, table, column, data_type in rows:
        name = f"{schema}.{table}"
        if name in skipped:
            continue
        kind = {"VARCHAR": "text", "JSON": "json", "VARCHAR[]": "list"}.get(str(data_type).upper())
        if kind:
            columns.append(Column(name, column, kind))
    return columns


def sweep(con: duckdb.DuckDBPyConnection, redaction: Redaction, columns: Iterable[Column]) -> dict[str, int]:
    """Redact every matching value of `columns` in place (inside the caller's transaction); replacements made
    per `table.column`. A list column loses the elements that are wholly an identifier matched."""
    done: dict[str, int] = {}
    if not redaction:
        return done
    by_table: dict[str, list[Column]] = {}
    for column in columns:
        by_table.setdefault(column.table, []).append(column)
    for table, its_columns in by_table.items():
        for column, values in zip(its_columns, _candidates(con, redaction, table, its_columns), strict=True):
            replaced = _replace(con, redaction, column, values)
            if replaced:
                done[f"{column.table}.{column.name}"] = replaced
    return done


def _candidates(
    con: duckdb.DuckDBPyConnection, redaction: Redaction, table: str, columns: list[Column]
) -> list[set[Any]]:
    """For each of `table`'s `columns`, its distinct values that may hold a match, read in one scan of the table:
    on a lake every scan reads the catalog first (~6 ms a scan, ~240 columns), whatever the table holds."""
    picked, params = [], []
    for index, column in enumerate(columns):
        quoted = portable.quoted(column.name)
        condition, forms = redaction.candidates_sql(f"{quoted}::VARCHAR")
        # A list is read as a list and compared as one; text and JSON as text.
        selected = quoted if column.kind == "list" else f"{quoted}::VARCHAR"
        picked.append(f"CASE WHEN {condition} THEN {selected} END AS c{index}")
        params += forms
    any_picked = " OR ".join(f"c{index} IS NOT NULL" for index in range(len(columns)))
    rows = con.execute(
        f"SELECT DISTINCT * FROM (SELECT {', '.join(picked)} FROM {table}) WHERE {any_picked}", params
    ).fetchall()
    return [
        {row[index] if not isinstance(row[index], list) else tuple(row[index]) for row in rows} - {None}
        for index in range(len(columns))
    ]


def _replace(
    con: duckdb.DuckDBPyConnection, redaction: Redaction, column: Column, values: Iterable[Any]
) -> int:
    quoted = portable.quoted(column.name)
    replaced = 0
    for found in sorted(values, key=str):
        # A list value was held as a tuple, to be a member of a set; it is compared and replaced as a list.
        old: Any = list(found) if column.kind == "list" else found
        new: Any
        if column.kind == "json":
            new_value, n = redaction.value(json.loads(found))
            new = json.dumps(new_value)
        elif column.kind == "list":
            new, n = _list_without(list(found), redaction)
        else:
            new, n = redaction.text(found)
        if n and new != old:
            compared = quoted if column.kind == "list" else f"{quoted}::VARCHAR"
            con.execute(
                f"UPDATE {column.table} SET {quoted} = ?::{_cast(column)} WHERE {compared} = ?",
                [new, old],
            )
            replaced += n
    return replaced


def _cast(column: Column) -> str:
    return {"text": "VARCHAR", "json": "JSON", "list": "VARCHAR[]"}[column.kind]


def _list_without(elements: list[str], redaction: Redaction) -> tuple[list[str], int]:
    """Elements that are wholly an identifier or handle matched are dropped; names inside the others redacted."""
    kept, total = [], 0
    for element in elements:
        new, n = redaction.text(element)
        total += n
        if not (n and new.strip() == ERASED):
            kept.append(new)
    return kept, total
