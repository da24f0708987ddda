"""Strict reading of school.toml: where each key is in the file, and the checks that refuse what is unknown.

tomllib gives no positions, so `locate_keys` finds the line of every table and key; `Problems` collects each
problem with its line, refuses unknown keys and tables with the nearest known name, and `checked_settings`
checks a table against the plain fields of a settings dataclass."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from datetime import date
from typing import Any

# --- where things are in the file ------------------------------------------------------------------------------

KeyPath = tuple[str | int, ...]  # keys, with the 0-based index of an [[array]] entry after its name

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED_KEY = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_DOTTED_KEY})[ \t]*\]\]?[ \t]*(?:#.*)?$")
_KEY_LINE = re.compile(rf"[ \t]*({_DOTTED_KEY})[ \t]*=")


def _key_parts(dotted: str) -> list[str]:
    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        text = match.group()
        if text.startswith('"'):
            try:
                parts.append(str(tomllib.loads(f"k = {text}")["k"]))
            except tomllib.TOMLDecodeError:
                parts.append(text[1:-1])
        elif text.startswith("'"):
            parts.append(text[1:-1])
        else:
            parts.append(text)
    return parts


def _header_path(parts: list[str], arrays: dict[KeyPath, int], is_array: bool) -> KeyPath:
    path: KeyPath = ()
    for position, part in enumerate(parts):
        path += (part,)
        if is_array and position == len(parts) - 1:
            index = arrays.get(path, 0)
            arrays[path] = index + 1
            path += (index,)
        elif path in arrays:
            path += (arrays[path] - 1,)  # [accounts.x] after [[accounts]]: a table in its latest entry
    return path


def locate_keys(text: str) -> dict[KeyPath, int]:
    """The line (1-based) of every table header and `key =` in a TOML text, by path: tomllib gives no positions.

    Handles quoted and dotted keys, dotted tables, arrays of tables and multi-line strings; a key inside an
    inline table is not listed (it is found at the line of the key that holds the inline table)."""
    lines: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}
    table: KeyPath = ()
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if line.count(closing) % 2:
                closing = None
            continue
        header = _HEADER_LINE.match(line)
        if header:
            table = _header_path(_key_parts(header.group(2)), arrays, header.group(1) == "[[")
            for end in range(1, len(table) + 1):
                # [a.b.c] also places a and a.b (if not seen before); [[arr]] places arr itself too.
                lines.setdefault(table[:end], number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            parts = _key_parts(key.group(1))
            for end in range(1, len(parts) + 1):
                lines.setdefault(table + tuple(parts[:end]), number)
            rest = line[key.end() :]
            for delimiter in ('"""', "'''"):
                if rest.count(delimiter) % 2:
                    closing = delimiter
                    break
    return lines


def dotted_key(path: KeyPath) -> str:
    return ".".join(
        part if _BARE_KEY.fullmatch(part) else json.dumps(part) for part in path if isinstance(part, str)
    )


def table_label(path: KeyPath) -> str:
    if not path:
        return "the file (outside any table)"
    if isinstance(path[-1], int):
        return f"[[{dotted_key(path)}]] #{path[-1] + 1}"
    return f"[{dotted_key(path)}]"


def describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date):
        return "a date"
    return type(value).__name__


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "array"
    return "key"


class Problems:
    """Every problem found in the file, each with the line it is about."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.lines = locate_keys(text)
        self.found: list[tuple[int, int, str]] = []

    def line_of(self, path: KeyPath) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def add(self, path: KeyPath, message: str) -> None:
        line = self.line_of(path)
        where = f"{self.filename} line {line}" if line else self.filename
        self.found.append((line or 1 << 30, len(self.found), f"{where}: {message}"))

    def count(self) -> int:
        return len(self.found)

    def messages(self) -> tuple[str, ...]:
        """Every problem, in file order (those without a line last); load_config raises them as one ConfigError."""
        return tuple(message for _, _, message in sorted(self.found))

    def name(self, path: KeyPath, key: str, kind: str) -> str:
        if kind == "table":
            return f"[{dotted_key((*path, key))}]"
        if kind == "array":
            return f"[[{dotted_key((*path, key))}]]"
        return key if _BARE_KEY.fullmatch(key) else json.dumps(key)

    def unknown(self, table: dict[str, Any], path: KeyPath, known: dict[str, str]) -> None:
        """Refuse each key of `table` not in `known` (name -> "key" | "table" | "array"), naming the nearest."""
        for key, value in table.items():
            if key in known:
                continue
            kind = _kind(value)
            if kind == "key":
                message = f"unknown key {self.name(path, key, kind)} in {table_label(path)}"
            else:
                message = f"unknown table {self.name(path, key, kind)}"
            message += self.suggestion(key, known, path)
            self.add((*path, key), message)

    def suggestion(self, word: str, known: dict[str, str], path: KeyPath = ()) -> str:
        close = difflib.get_close_matches(word, list(known), n=1)
        if not close:
            return ""
        return f"; did you mean {self.name(path, close[0], known[close[0]])}?"


# --- checking names and values ---------------------------------------------------------------------------------


def nearest_name(word: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(word, names, n=1)
    return f"; did you mean {close[0]}?" if close else f" (known: {', '.join(names)})"


def sub_table(parent: dict[str, Any], key: str, path: KeyPath, problems: Problems) -> dict[str, Any]:
    value = parent.get(key, {})
    if not isinstance(value, dict):
        problems.add(
            (*path, key), f"[{dotted_key((*path, key))}] must be a table, not {describe_value(value)}"
        )
        return {}
    return value


def is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def checked_settings(
    table: dict[str, Any],
    path: KeyPath,
    cls: type,
    problems: Problems,
    bounds: dict[str, tuple[float | None, float | None]] | None = None,
    not_keys: Iterable[str] = (),
    handled: Iterable[str] = (),
) -> dict[str, Any]:
    """The valid values of `table` for the plain fields of dataclass `cls`, checked by their annotated type.

    `not_keys`: fields of `cls` the file cannot set as keys; `handled`: keys of `table` the caller checks itself.
    Every other unknown key or sub-table is refused; each bad value is reported and left out, so the caller can
    still build `cls` with its defaults while the problems are collected."""
    excluded = set(not_keys)
    fields = {item.name: item for item in dataclasses.fields(cls) if item.name not in excluded}
    known = {name: "key" for name in fields}
    skipped = set(handled)
    problems.unknown({k: v for k, v in table.items() if k not in skipped}, path, known)
    where = table_label(path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            continue
        annotation = str(fields[key].type)
        low, high = (bounds or {}).get(key, (None, None))
        if annotation in ("int", "float"):
            whole = annotation == "int"
            number_ok = not isinstance(value, bool) and isinstance(value, int if whole else int | float)
            in_range = number_ok and (low is None or value >= low) and (high is None or value <= high)
            if not in_range:
                kind = "a whole number" if whole else "a number"
                if low is not None and high is not None:
                    wanted = f"{kind} from {low:g} to {high:g}"
                elif low is not None:
                    wanted = f"{kind} of at least {low:g}"
                else:
                    wanted = kind
                found = "" if number_ok else f", not {describe_value(value)}"
                problems.add((*path, key), f"{where} {key} must be {wanted}{found}")
                continue
            values[key] = float(value) if not whole else value
        elif annotation in ("str", "str | None"):
            if not isinstance(value, str) or not value.strip():
                problems.add((*path, key), f"{where} {key} must be a non-empty name")
                continue
            values[key] = value
        elif annotation == "tuple[str, ...]":
            if not is_string_list(value):
                problems.add((*path, key), f"{where} {key} must be a list of strings")
                continue
            values[key] = tuple(value)
        elif annotation == "bool":
            if not isinstance(value, bool):
                problems.add((*path, key), f"{where} {key} must be true or false")
                continue
            values[key] = value
    return values
