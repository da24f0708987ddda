"""The trust's outputs (docs/contracts/trust.md): trust-summary.json and the trust-report.html a trust's ETL reads
on Monday, with the manifest.json naming their contract versions.

Counts, rules, severities, statuses and links only: nothing here names a pupil, a parent or a member of staff,
whoever the data controller is, so the same outputs serve a trust and a local authority's schools.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from dashboards.manifest import MANIFEST, manifest_text
from warehouse.side_files import remove_leftovers, transient_path

TEMPLATES = Path(__file__).parent / "templates"
SEVERITIES = ("critical", "high", "medium", "low")
STATUS_ORDER = {"failed": 0, "partial": 1, "completed": 2}
SUMMARY_FIELDS = (
    "name",
    "slug",
    "status",
    "exceptions",
    "by_severity",
    "by_rule",
    "report",
    "reason",
    "as_of",
)


DETAILS_IN_THE_SCHOOL = " (details in the school's run.log)"


def trust_level_reason(error: BaseException | str, controller: str) -> str:
    """Why a school's audit did not complete, as the trust may keep it. Where each school is its own data
    controller only the kind of failure leaves the school (a refused register's message quotes the cell, which
    may be a pupil's name): the text before the first colon, e.g. "registers refused, nothing was stored"."""
    message = " ".join(str(error).split()) or type(error).__name__
    if controller == "trust":
        return message[:500]
    kind = "" if isinstance(error, str) else type(error).__name__ + ": "
    head = message.split(":", 1)[0].strip()
    return (kind + head)[:120] + DETAILS_IN_THE_SCHOOL


def school_counts(school_out: Path) -> dict[str, Any]:
    """Open exceptions of one school's run, counted from its exceptions.json (§5.5) by severity and rule."""
    rows = json.loads((school_out / "exceptions.json").read_text(encoding="utf-8"))
    by_severity = Counter(str(r["severity"]) for r in rows)
    by_rule = Counter(str(r["rule"]) for r in rows)
    return {
        "exceptions": len(rows),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_rule": dict(sorted(by_rule.items())),
    }


def attention_key(school: dict[str, Any]) -> tuple[Any, ...]:
    """Most urgent first: critical, then high, then a school whose audit did not complete (nobody knows what
    is open there), then medium and low; the name breaks ties so the order is stable."""
    counts = school.get("by_severity") or {}
    return (
        -int(counts.get("critical", 0)),
        -int(counts.get("high", 0)),
        STATUS_ORDER.get(str(school["status"]), 3),
        -int(counts.get("medium", 0)),
        -int(counts.get("low", 0)),
        str(school["name"]),
    )


def ranked(schools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(schools, key=attention_key)


def trends(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Open exceptions per week, trust-wide (by severity) and per school, from the trust's history."""
    weeks = sorted({str(row["as_of"]) for row in history})
    trust_wide = {w: dict.fromkeys(SEVERITIES, 0) for w in weeks}
    per_school: dict[str, dict[str, int | None]] = {}
    for row in history:
        week = str(row["as_of"])
        counts = row["by_severity"] or {}
        for severity in SEVERITIES:
            trust_wide[week][severity] += int(counts.get(severity, 0))
        completed = row["status"] != "failed" and row["exceptions"] is not None
        per_school.setdefault(str(row["slug"]), {})[week] = int(row["exceptions"]) if completed else None
    return {"weeks": weeks, "trust_wide": trust_wide, "per_school": per_school}


def sparkline(weeks: list[str], values: dict[str, int | None]) -> Markup:
    """A tiny inline SVG of one school's open exceptions per week (a gap where the audit failed)."""
    width, height = 120, 28
    known = [v for v in values.values() if v is not None]
    if not weeks or not known:
        return Markup("")
    top = max(known) or 1
    step = width / max(len(weeks) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (values[w] or 0) / top * (height - 6):.1f}"
        for i, w in enumerate(weeks)
        if values.get(w) is not None
    )
    label = ", ".join(f"{w}: {'failed' if values.get(w) is None else values[w]}" for w in weeks)
    figures = ", ".join(f"{w[5:]}: {'failed' if values.get(w) is None else values[w]}" for w in weeks)
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    # The figures are written under the line too: a chart never carries numbers a reader cannot read as text.
    return Markup(
        '<svg class="spark" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title>{label}</title>'
        '<polyline fill="none" stroke="#0072B2" stroke-width="2" points="{points}"/>'
        '<circle cx="{x}" cy="{y}" r="2.5" fill="#0072B2"/></svg>'
        '<br><small class="figures" aria-hidden="true">{figures}</small>'
    ).format(w=width, h=height, label=label, points=points, x=last_x, y=last_y, figures=figures)


def trust_chart(trend: dict[str, Any]) -> Markup:
    """Stacked bars: the trust's open exceptions per week by severity."""
    weeks = trend["weeks"]
    if not weeks:
        return Markup("")
    colours = {"critical": "#8b0000", "high": "#D55E00", "medium": "#E69F00", "low": "#999999"}
    totals = [sum(trend["trust_wide"][w].values()) for w in weeks]
    top, bar, gap, height = max(max(totals), 1), 28, 10, 160
    width = len(weeks) * (bar + gap) + gap
    parts = []
    for i, week in enumerate(weeks):
        x, y = gap + i * (bar + gap), float(height - 20)
        for severity in reversed(SEVERITIES):
            count = trend["trust_wide"][week][severity]
            if not count:
                continue
            h = count / top * (height - 40)
            y -= h
            parts.append(
                Markup(
                    '<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{fill}" stroke="#1b1b1b">'
                    "<title>{t}</title></rect>"
                ).format(x=x, y=y, bar=bar, h=h, fill=colours[severity], t=f"{week}: {count} {severity}")
            )
        parts.append(
            Markup('<text x="{x}" y="{y}" font-size="9" text-anchor="middle">{t}</text>').format(
                x=x + bar / 2, y=height - 6, t=week[5:]
            )
        )
    return Markup(
        '<svg role="img" aria-label="Open exceptions per week, trust-wide" width="{w}" height="{h}"'
        ' viewBox="0 0 {w} {h}">{body}</svg>'
    ).format(w=width, h=height, body=Markup("").join(parts))


def summary_rows(schools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{field: school.get(field) for field in SUMMARY_FIELDS} for school in ranked(schools)]


def render_trust_report(
    trust_name: str,
    controller: str,
    as_of: date,
    schools: list[dict[str, Any]],
    history: list[dict[str, Any]],
) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    trend = trends(history)
    order = ranked(schools)
    rules = sorted({rule for s in order for rule in (s.get("by_rule") or {})})
    totals = {s: sum(int((x.get("by_severity") or {}).get(s, 0)) for x in order) for s in SEVERITIES}
    return environment.get_template("trust_report.html.j2").render(
        trust_name=trust_name,
        controller=controller,
        as_of=as_of.isoformat(),
        schools=order,
        not_completed=[s for s in order if s["status"] != "completed"],
        rules=rules,
        severities=SEVERITIES,
        totals=totals,
        sparklines={
            s["slug"]: sparkline(trend["weeks"], trend["per_school"].get(s["slug"], {})) for s in order
        },
        chart=trust_chart(trend),
        weeks=trend["weeks"],
        trust_wide=trend["trust_wide"],
    )


def _write_private(path: Path, text: str) -> None:
    temporary = transient_path("output file being written", path.parent, file=path.name)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def write_trust_outputs(
    out_dir: Path,
    trust_name: str,
    controller: str,
    as_of: date,
    schools: list[dict[str, Any]],
    history: list[dict[str, Any]],
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_leftovers(outputs=[out_dir])  # a killed trust run's half-written files
    texts = {
        "trust-summary.json": json.dumps(summary_rows(schools), indent=2) + "\n",
        "trust-report.html": render_trust_report(trust_name, controller, as_of, schools, history),
    }
    texts[MANIFEST] = manifest_text(as_of, texts)
    paths = {name: out_dir / name for name in texts}
    for name, text in texts.items():
        _write_private(paths[name], text)
    return paths
