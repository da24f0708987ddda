"""The project's own check of an output folder against docs/contracts/outputs.md (and trust.md): every JSON file
against the JSON Schema its manifest.json names, the CSV the same rows as exceptions.json and spreadsheet-safe,
the report self-contained and showing every open exception, and, given the dataset audited, every subject_id an
object of that dataset. The independent checker runs after it when present (tests/builders/second_check.py)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from dashboards.manifest import (
    CONTRACTS,
    MANIFEST,
    MANIFEST_SCHEMA,
    SCHOOL_OUTPUTS,
    TRUST_OUTPUTS,
    load_schema,
)
from dashboards.safe_text import FORMULA_LEADS
from tests.builders.second_check import run_second_output_check

# Markup that runs or fetches something: the report works offline. Platform text is escaped, so a `<` here
# is always the report's own markup.
_FETCHES = re.compile(
    r"""<(?:script|link|iframe|object|embed|base)\b|<[a-z][^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//""", re.I
)
_CSP = re.compile(r"""<meta http-equiv="Content-Security-Policy" content="default-src 'none';""")


def schema_problems(value: Any, schema_id: str, where: str) -> list[str]:
    validator = Draft202012Validator(
        load_schema(schema_id), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{where}{''.join(f'[{p!r}]' for p in error.absolute_path)}: {error.message}"
        for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        problems.append(f"{path.name}: not readable JSON ({error})")
        return None


def manifest_problems(out: Path, expected_files: tuple[str, ...]) -> tuple[list[str], dict[str, Any]]:
    """The manifest against its schema, naming exactly the files of the set; and each JSON file against the
    schema the manifest names for it (the current version's when the manifest is missing)."""
    problems: list[str] = []
    manifest = _json(out / MANIFEST, problems)
    if manifest is not None:
        problems += schema_problems(manifest, MANIFEST_SCHEMA, MANIFEST)
    files = manifest.get("files", {}) if isinstance(manifest, dict) else {}
    if manifest is not None and sorted(files) != sorted(expected_files):
        problems.append(f"{MANIFEST} names {sorted(files)}, the set is {sorted(expected_files)}")
    contents: dict[str, Any] = {}
    for name in expected_files:
        if not (out / name).is_file():
            problems.append(f"{name} is missing")
            continue
        if not name.endswith(".json"):
            continue
        schema = (files.get(name) or {}).get("schema") if manifest is not None else CONTRACTS[name].schema
        contents[name] = _json(out / name, problems)
        if not schema:
            problems.append(f"{MANIFEST} names no schema for {name}")
        elif contents[name] is not None:
            problems += schema_problems(contents[name], schema, name)
    return problems, contents


def _csv_problems(out: Path, rows: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    with (out / "exceptions.csv").open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    columns = load_schema(SCHOOL_OUTPUTS["exceptions.json"].schema or "")["$defs"]["exception"]["required"]
    if not table or table[0] != columns:
        return [f"exceptions.csv header {table[:1]} is not {columns}"]
    if len(table) - 1 != len(rows):
        problems.append(f"exceptions.csv has {len(table) - 1} rows, exceptions.json {len(rows)}")
    for line, (cells, row) in enumerate(zip(table[1:], rows, strict=False), start=2):
        for column, cell in zip(columns, cells, strict=True):
            if cell.startswith(FORMULA_LEADS):
                problems.append(f"exceptions.csv line {line} {column} starts like a formula: {cell[:30]!r}")
            shown = cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_LEADS) else cell
            value = row.get(column)
            if shown != ("" if value is None else str(value)):
                problems.append(f"exceptions.csv line {line} {column} {cell[:40]!r} is not exceptions.json's")
    return problems


def _report_problems(out: Path, rows: list[dict[str, Any]]) -> list[str]:
    text = (out / "report.html").read_text(encoding="utf-8")
    problems = [f"report.html fetches or runs something: {m.group()!r}" for m in _FETCHES.finditer(text)]
    if not _CSP.search(text):
        problems.append("report.html lacks its Content-Security-Policy (default-src 'none')")
    problems += [f"report.html does not show {row['key']}" for row in rows if row["key"] not in text]
    return problems


def dataset_object_ids(dataset: Path) -> set[str]:
    """Every id an object of a sandbox dataset has: users, posts, media, channels, videos, subscribers, threads, and
    a Page's or Instagram account's posts, media and comments."""
    ids: set[str] = set()

    def objects(value: Any) -> Iterator[dict[str, Any]]:
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, dict))
        elif isinstance(value, dict):
            if "data" in value:  # posts.json
                yield from objects(value["data"])
                yield from objects(value.get("includes", {}).get("media", []))
            elif value and all(isinstance(item, list) for item in value.values()):  # Graph comments.json
                for item in value.values():
                    yield from objects(item)
            else:
                yield value

    for path in sorted(
        p
        for platform in ("x", "youtube", "facebook", "instagram")
        for p in dataset.glob(f"{platform}/*/*.json")
    ):
        for item in objects(json.loads(path.read_text(encoding="utf-8"))):
            for key in ("id", "media_key", "username"):
                if key in item:
                    ids.add(str(item[key]))
            snippet: dict[str, Any] = item.get("snippet") or {}
            ids.add(str((item.get("subscriberSnippet") or {}).get("channelId")))
            ids.add(str((snippet.get("topLevelComment") or {}).get("id")))
    return ids - {"None"}


def output_problems(out: Path, dataset: Path | None = None) -> list[str]:
    """Everything in a school's output folder that breaks its contract (empty: it holds)."""
    names = tuple(SCHOOL_OUTPUTS)
    problems, contents = manifest_problems(out, names)
    rows = contents.get("exceptions.json")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return problems
    keys = [row.get("key") for row in rows]
    problems += [
        f"exceptions.json: key {key!r} appears twice"
        for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    problems += [
        f"exceptions.json: {row.get('key')} has a person_id but no person_kind"
        for row in rows
        if row.get("person_kind") is None and row.get("person_id") not in (None, "")
    ]
    if (out / "exceptions.csv").is_file():
        problems += _csv_problems(out, rows)
    if (out / "report.html").is_file():
        problems += _report_problems(out, rows)
    if dataset is not None:
        known = dataset_object_ids(dataset)
        problems += [
            f"exceptions.json: {row['key']}: subject_id {row['subject_id']} is nothing in {dataset.name}"
            for row in rows
            if str(row.get("subject_id")) not in known
        ]
    return problems


def assert_outputs_meet_the_contract(out: Path, dataset: Path | None = None) -> None:
    """The project's own check of a school's outputs, then the independent one when present."""
    problems = output_problems(out, dataset)
    assert not problems, "\n".join(problems[:50])
    run_second_output_check(out, dataset)


def assert_trust_outputs_meet_the_contract(out: Path) -> None:
    """trust-summary.json against its schema (as its manifest names it) and the report self-contained."""
    problems, _ = manifest_problems(out, tuple(TRUST_OUTPUTS))
    text = (out / "trust-report.html").read_text(encoding="utf-8")
    problems += [
        f"trust-report.html fetches or runs something: {m.group()!r}" for m in _FETCHES.finditer(text)
    ]
    assert not problems, "\n".join(problems[:50])
