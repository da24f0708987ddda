"""The audit's outputs from the warehouse: exceptions.json/.csv, resolved.json and the report.html a person reads."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

OUTPUT_FIELDS = (
    "key",
    "rule",
    "severity",
    "status",
    "platform",
    "account",
    "subject_kind",
    "subject_id",
    "subject_label",
    "subject_url",
    "person_kind",
    "person_id",
    "confidence",
    "evidence",
    "first_seen",
    "last_seen",
)
OPEN_STATUSES = ("new", "open", "acknowledged", "reopened")
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Outputs:
    exceptions: list[dict[str, Any]]
    resolved: list[dict[str, Any]]
    paths: dict[str, Path]


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(
        f"SELECT {', '.join(OUTPUT_FIELDS)}, resolved_on FROM audit.exceptions WHERE {where}", params
    )
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        for field in ("first_seen", "last_seen", "resolved_on"):
            row[field] = row[field].isoformat() if row[field] else None
        row["confidence"] = float(row["confidence"])
        rows.append(row)
    rows.sort(key=lambda r: (SEVERITY_ORDER[r["severity"]], r["rule"], r["platform"], r["subject_id"]))
    return rows


def spreadsheet_safe(value: Any) -> str:
    """Text a spreadsheet shows as typed: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def exceptions_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_FIELDS)
    for row in rows:
        writer.writerow([spreadsheet_safe(row[f]) for f in OUTPUT_FIELDS])
    return buffer.getvalue()


def _write_private(path: Path, text: str) -> None:
    """Outputs name children: readable by the owner only, written whole or not at all."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def render_report(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    school_name: str,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
) -> str:
    rules = {
        r[0]: {"rule": r[0], "title": r[1], "policy": r[2], "what_counts": r[3]}
        for r in con.execute(
            "SELECT rule, title, policy, what_counts FROM meta.rules ORDER BY rule"
        ).fetchall()
    }
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in exceptions:
        by_rule[row["rule"]].append(row)
    sections = [
        {
            **rules.get(rule_id, {"rule": rule_id, "title": rule_id, "policy": "", "what_counts": ""}),
            "rows": rows,
        }
        for rule_id, rows in sorted(
            by_rule.items(), key=lambda item: (min(SEVERITY_ORDER[r["severity"]] for r in item[1]), item[0])
        )
    ]
    summary = {
        "new": sum(1 for r in exceptions if r["status"] == "new"),
        "reopened": sum(1 for r in exceptions if r["status"] == "reopened"),
        "still_open": sum(1 for r in exceptions if r["status"] in ("open", "acknowledged")),
        "resolved": len(resolved),
        "by_severity": {s: sum(1 for r in exceptions if r["severity"] == s) for s in SEVERITY_ORDER},
    }
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    template = environment.get_template("report.html.j2")
    return template.render(
        school_name=school_name,
        as_of=as_of.isoformat(),
        summary=summary,
        sections=sections,
        rules_without_exceptions=[r for rid, r in rules.items() if rid not in by_rule],
        resolved=resolved,
        total=len(exceptions),
    )


def safe_link(url: Any) -> str | None:
    """Only https links to the platforms are rendered as links."""
    if isinstance(url, str) and url.startswith(("https://x.com/", "https://www.youtube.com/")):
        return url
    return None


def write_outputs(con: duckdb.DuckDBPyConnection, out_dir: Path, as_of: date, school_name: str) -> Outputs:
    """Write the four contract files for the week `as_of` from what the warehouse holds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    placeholders = ", ".join("?" for _ in OPEN_STATUSES)
    exceptions = _rows(con, f"status IN ({placeholders})", list(OPEN_STATUSES))
    resolved = _rows(con, "status = 'resolved' AND resolved_on = ?", [as_of])
    for row in exceptions + resolved:
        row["subject_url"] = safe_link(row["subject_url"])
    public = [{k: v for k, v in r.items() if k != "resolved_on"} for r in exceptions]
    paths = {
        name: out_dir / name for name in ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")
    }
    _write_private(paths["exceptions.json"], json.dumps(public, indent=2, ensure_ascii=False) + "\n")
    _write_private(paths["exceptions.csv"], exceptions_csv(public))
    _write_private(paths["resolved.json"], json.dumps(resolved, indent=2, ensure_ascii=False) + "\n")
    _write_private(paths["report.html"], render_report(con, as_of, school_name, exceptions, resolved))
    return Outputs(public, resolved, paths)
