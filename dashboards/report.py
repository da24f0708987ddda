"""The audit's outputs from the warehouse: exceptions.json/.csv, resolved.json and the report.html a person reads.

Beside each photo finding the report shows the thumbnails the warehouse keeps for it (checks/images/thumbnails.py
says how small, from which bytes, for which findings), embedded as data: URIs: the report fetches nothing when it is
opened, so it reads offline and tells no platform who read it. The copy attached to the weekly e-mail leaves them
out (`without_pictures`); an erasure writes the reports again without the person's pictures."""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dashboards.kept_weeks import KeptWeek
from dashboards.manifest import with_manifest
from dashboards.output_set import publish_set
from dashboards.safe_text import spreadsheet_safe
from warehouse.lifecycle import ACTIVE, EXCEPTION_FIELDS
from warehouse.safeguarding import row_is_safeguarding_critical
from warehouse.sampled_subjects import long_unseen_for
from warehouse.stream_status import (
    gaps_beside_data_for,
    not_offered_for,
    not_read_for,
    unseen_subscribers_for,
)

# exceptions.json's fields and the statuses that need attention are the lifecycle's own lists, not copies.
OUTPUT_FIELDS = EXCEPTION_FIELDS
OPEN_STATUSES = ACTIVE
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
# The report's "do first" list: the few findings to act on before reading the rest.
DO_FIRST = 5
# Evidence longer than this is folded behind its first words (a click or Enter on them shows it all).
EVIDENCE_SHOWN = 160
TEMPLATES = Path(__file__).parent / "templates"
# Each thumbnail sits between these comments, so a copy of the report can leave them all out (`without_pictures`).
PICTURE_START, PICTURE_END = "<!--picture-->", "<!--/picture-->"


@dataclass(frozen=True)
class Outputs:
    exceptions: list[dict[str, Any]]
    resolved: list[dict[str, Any]]
    paths: dict[str, Path]


def exception_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any], also: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The exceptions matching `where`, worst first: exceptions.json's fields plus `resolved_on` and the columns in
    `also`, JSON-ready (dates and times as ISO text), with only platform links kept as links (`safe_link`)."""
    cursor = con.execute(
        f"SELECT {', '.join([*OUTPUT_FIELDS, 'resolved_on', *also])}, coalesce(faces_shown, 0) AS faces_shown"
        f" FROM audit.exceptions WHERE {where}",
        params,
    )
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        for field in ("first_seen", "last_seen", "resolved_on"):
            row[field] = row[field].isoformat() if row[field] else None
        if "updated_at" in row:
            row["updated_at"] = row["updated_at"].isoformat(timespec="seconds")
        row["confidence"] = float(row["confidence"])
        row["subject_url"] = safe_link(row["subject_url"])
        rows.append(row)
    # Within a rule, images that show people first (unapproved-media); low "possible" findings most likely first
    # (a person reads down until the week's time runs out); the key breaks ties: one follower of two official
    # accounts is two rows, always in the same order.
    rows.sort(
        key=lambda r: (
            SEVERITY_ORDER[r["severity"]],
            -r["confidence"] if r["severity"] == "low" else 0.0,
            r["rule"],
            r["faces_shown"] == 0,
            r["platform"],
            r["subject_id"],
            r["key"],
        )
    )
    if "faces_shown" not in also:
        for row in rows:
            del row["faces_shown"]
    return rows


SETTLE = "; to settle it: "


def to_judge(exceptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The low "possible" findings, most likely first, each with what would settle it (the evidence's last
    clause where identity resolution wrote one)."""
    rows = []
    for row in sorted(
        (r for r in exceptions if r["severity"] == "low"), key=lambda r: (-r["confidence"], r["key"])
    ):
        evidence = str(row["evidence"] or "")
        settle = evidence.split(SETTLE, 1)[1].split("; ruled out ")[0] if SETTLE in evidence else ""
        rows.append({**row, "settle": settle.removesuffix(f" (score {row['confidence']:.2f})")})
    return rows


def next_action(row: dict[str, Any]) -> str:
    """The one thing to do about a finding: the platform action that ends it where the catalogue has one, else the
    step by hand, recorded in the review app."""
    from warehouse.remediation.actions import RESOLVES, offered

    for action in offered(row["rule"], row["platform"], row["subject_kind"]):
        if not action.manual and action.effect == RESOLVES:
            return f"{action.name}: {action.what}"
    return "act on it by hand in the platform's own app"


def do_first(exceptions: list[dict[str, Any]], review_url: str | None = None) -> list[dict[str, Any]]:
    """The safeguarding-critical findings (critical, then high about a child), then the other high ones; within
    each, this week's news (new, reopened) before those already open; at most DO_FIRST, each with its next action
    and where to record it."""
    urgent = [r for r in exceptions if r["severity"] in ("critical", "high")]
    urgent.sort(
        key=lambda r: (
            not row_is_safeguarding_critical(r),
            SEVERITY_ORDER[r["severity"]],
            r["status"] not in ("new", "reopened"),
        )
    )
    base = review_url.rstrip("/") if review_url else None
    return [
        {
            **row,
            "action": next_action(row),
            "review": f"{base}/exception?{urlencode({'key': row['key']})}" if base else None,
        }
        for row in urgent[:DO_FIRST]
    ]


def exceptions_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_FIELDS)
    for row in rows:
        writer.writerow([spreadsheet_safe(row[f]) for f in OUTPUT_FIELDS])
    return buffer.getvalue()


def rule_descriptions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Each rule as the latest run described it (meta.rules): title, the clause it cites, what counts."""
    return {
        r[0]: {"rule": r[0], "title": r[1], "policy": r[2], "what_counts": r[3]}
        for r in con.execute(
            "SELECT rule, title, policy, what_counts FROM meta.rules ORDER BY rule"
        ).fetchall()
    }


def decided_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Accepted and false-positive exceptions with the decision holding them (kept out of exceptions.json)."""
    cursor = con.execute(
        "SELECT e.key, e.rule, e.severity, e.status, e.subject_kind, e.subject_id, e.subject_label,"
        " r.reviewer, r.note, r.accepted_until, r.reviewed_at FROM audit.exceptions AS e"
        " LEFT JOIN staging.stg_audit__latest_reviews AS r USING (key)"
        " WHERE e.status IN ('accepted', 'false_positive') ORDER BY e.status, e.rule, e.subject_id, e.key"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def profiles(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The display name and bio each follower/subscriber showed when last seen, by exception key.

    A person judging an identity match needs to see the profile; it is platform text and is escaped."""
    people = [r for r in rows if r["subject_kind"] in ("follower", "following", "subscriber")]
    if not people:
        return {}
    cursor = con.execute(
        "SELECT as_of, platform, relation, subject_id, display_name, description FROM marts.fct_audience"
        " WHERE as_of IN (SELECT unnest(?::DATE[])) AND subject_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({r["last_seen"] for r in people}), sorted({r["subject_id"] for r in people})],
    )
    seen = {
        (str(r[0]), r[1], r[2], r[3]): {"display_name": r[4], "description": r[5]} for r in cursor.fetchall()
    }
    found = {}
    for row in people:
        profile = seen.get((row["last_seen"], row["platform"], row["subject_kind"], row["subject_id"]))
        if profile:
            found[row["key"]] = profile
    return found


def summary_counts(
    exceptions: list[dict[str, Any]], resolved: list[dict[str, Any]], decided: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "new": sum(1 for r in exceptions if r["status"] == "new"),
        "reopened": sum(1 for r in exceptions if r["status"] == "reopened"),
        "still_open": sum(1 for r in exceptions if r["status"] in ("open", "acknowledged")),
        "resolved": len(resolved),
        "accepted": sum(1 for r in decided if r["status"] == "accepted"),
        "false_positive": sum(1 for r in decided if r["status"] == "false_positive"),
        "by_severity": {s: sum(1 for r in exceptions if r["severity"] == s) for s in SEVERITY_ORDER},
    }


def render_report(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    school_name: str,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    review_url: str | None = None,
) -> str:
    """The report; `review_url` (the review app's public address) links each "do first" finding to its page."""
    from dashboards.charts import trend_charts
    from warehouse.finding_pictures import pictures_for
    from warehouse.register_versions import notices_for
    from warehouse.reviews import histories

    rules = rule_descriptions(con)
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
    decided = decided_rows(con)
    template = environment().get_template("report.html.j2")
    return template.render(
        school_name=school_name,
        as_of=as_of.isoformat(),
        summary=summary_counts(exceptions, resolved, decided),
        sections=sections,
        rules_without_exceptions=[r for rid, r in rules.items() if rid not in by_rule],
        resolved=resolved,
        decided=decided,
        history=histories(con, [r["key"] for r in exceptions + decided]),
        profiles=profiles(con, exceptions),
        pictures=shown_pictures(pictures_for(con, [r["key"] for r in exceptions])),
        charts=trend_charts(con),
        total=len(exceptions),
        register_notices=notices_for(con, as_of),
        not_read=not_read_for(con, as_of),
        not_offered=not_offered_for(con, as_of),
        unseen_subscribers=unseen_subscribers_for(con, as_of),
        long_unseen=long_unseen_for(con, as_of),
        gaps_beside_data=gaps_beside_data_for(con, as_of),
        to_judge=to_judge(exceptions),
        do_first=do_first(exceptions, review_url),
        evidence_shown=EVIDENCE_SHOWN,
    )


def shown_pictures(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, str]]]:
    """Each finding's thumbnails as the report embeds them: a data: URI (the report fetches nothing when opened,
    so opening it tells no platform who read it, and it reads offline) and its alternative text."""
    return {
        key: [
            {
                "role": p["role"],
                "label": p["label"],
                "src": "data:image/jpeg;base64," + base64.b64encode(p["jpeg"]).decode("ascii"),
            }
            for p in pictures
        ]
        for key, pictures in found.items()
    }


_PICTURES = re.compile(re.escape(PICTURE_START) + ".*?" + re.escape(PICTURE_END), re.DOTALL)


def without_pictures(report: str) -> str:
    """The report with every thumbnail left out (the copy attached to the weekly e-mail: flows/publish_email.py)."""
    return _PICTURES.sub("", report)


@functools.cache
def environment() -> Environment:
    """Templates with autoescaping on: everything from a platform is text, never markup. One for the process: a
    template is compiled once however many schools (a trust's, the review app's) render it; jinja checks each
    template's file for changes as it hands it out, so an edited template is still read again."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        keep_trailing_newline=True,
    )
    env.tests["safeguarding_critical"] = row_is_safeguarding_critical
    return env


def safe_link(url: Any) -> str | None:
    """Only https links to the platforms are rendered as links."""
    if isinstance(url, str) and url.startswith(("https://x.com/", "https://www.youtube.com/")):
        return url
    return None


def write_outputs(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    as_of: date,
    school_name: str,
    keep_weeks: int | None = None,
    review_url: str | None = None,
) -> Outputs:
    """Write the four contract files and their manifest.json for the week `as_of` from what the warehouse holds,
    also kept in `weeks/<as_of>/`; `keep_weeks` ([retention] output_weeks; None: remove none) prunes older weeks;
    `review_url` is the review app's address the report links to."""
    public, resolved, files = week_files(con, as_of, school_name, review_url)
    # Rendered whole first, then published as one set: outputs name children, so they are owner-only.
    paths = publish_set(out_dir, files, KeptWeek(as_of, keep_weeks))
    return Outputs(public, resolved, paths)


def week_files(
    con: duckdb.DuckDBPyConnection, as_of: date, school_name: str, review_url: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """The week's open exceptions (as published), its resolved ones, and its files (name -> text) with the
    manifest naming each file's contract version."""
    placeholders = ", ".join("?" for _ in OPEN_STATUSES)
    exceptions = exception_rows(con, f"status IN ({placeholders})", list(OPEN_STATUSES), ("resolved_reason",))
    resolved = exception_rows(con, "status = 'resolved' AND resolved_on = ?", [as_of], ("resolved_reason",))
    public = [{k: v for k, v in r.items() if k not in ("resolved_on", "resolved_reason")} for r in exceptions]
    files = with_manifest(
        as_of,
        {
            "exceptions.json": json.dumps(public, indent=2, ensure_ascii=False) + "\n",
            "exceptions.csv": exceptions_csv(public),
            "resolved.json": json.dumps(resolved, indent=2, ensure_ascii=False) + "\n",
            "report.html": render_report(con, as_of, school_name, exceptions, resolved, review_url),
        },
    )
    return public, resolved, files
