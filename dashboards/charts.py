"""Trend charts as inline SVG built here (no JavaScript, no network): exceptions per week, follower make-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from markupsafe import Markup, escape

# Colour-blind-safe colours (Okabe-Ito, then Paul Tol's), one per rule of the catalogue and then some.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
    "#332288",
    "#8B6D00",
    "#7F7F7F",
)
# Several of the colours above are lighter than 3:1 against white: every bar segment and legend key is outlined in
# this, so each part stands out from the page and from its neighbours (WCAG 1.4.11) whatever its fill.
OUTLINE = "#1b1b1b"
# A chart shows the last quarter: enough for a trend, few enough bars to read.
WEEKS_SHOWN = 13
COMPOSITION = ("pupil", "staff", "parent", "unknown")
# Identity kinds folded into the four groups the ETL asked to see.
KIND_GROUP = {
    "pupil": "pupil",
    "former_pupil": "pupil",
    "staff_personal": "staff",
    "staff_official": "staff",
    "parent": "parent",
    "unknown": "unknown",
}
WEEKLY_FINDINGS = "SELECT as_of, rule, count(*) FROM audit.findings GROUP BY ALL ORDER BY as_of, rule"
AUDIENCE = (
    "SELECT as_of, person_kind, count(*) FROM audit.identities"
    " WHERE relation IN ('follower', 'subscriber') GROUP BY ALL ORDER BY as_of"
)


@dataclass(frozen=True)
class Series:
    """Counts per week for each named series (weeks are ISO dates, oldest first)."""

    title: str
    weeks: list[str]
    names: list[str]
    values: dict[str, list[int]]

    def rows(self) -> list[dict[str, Any]]:
        """One row per series with its count in each week (weeks across, so the table stays narrow)."""
        return [{"name": name, "counts": self.values[name]} for name in self.names]


def _series(title: str, triples: list[tuple[Any, str, int]], names: list[str] | None = None) -> Series:
    weeks = sorted({t[0].isoformat() for t in triples})[-WEEKS_SHOWN:]
    triples = [t for t in triples if t[0].isoformat() in weeks]
    names = names or sorted({t[1] for t in triples})
    values = {name: [0] * len(weeks) for name in names}
    for week, name, n in triples:
        values[name][weeks.index(week.isoformat())] += int(n)
    return Series(title, weeks, names, values)


def exceptions_per_week(con: duckdb.DuckDBPyConnection) -> Series:
    triples = [(r[0], r[1], r[2]) for r in con.execute(WEEKLY_FINDINGS).fetchall()]
    return _series("Findings per audited week, by rule", triples)


def follower_composition(con: duckdb.DuckDBPyConnection) -> Series:
    triples = [(r[0], KIND_GROUP.get(r[1], "unknown"), r[2]) for r in con.execute(AUDIENCE).fetchall()]
    return _series(
        "Followers and visible subscribers per audited week, by who they are", triples, list(COMPOSITION)
    )


def stacked_bars(series: Series, chart_id: str, width: int = 640, height: int = 260) -> Markup:
    """A stacked bar chart with a legend; every bar segment has a tooltip, and the SVG has a title for screen readers."""
    left, right, top, bottom = 44, 12, 12, 40
    legend_rows = (len(series.names) + 2) // 3
    total_height = height + legend_rows * 20
    totals = [sum(series.values[n][i] for n in series.names) for i in range(len(series.weeks))]
    peak = max(totals, default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(series.weeks), 1)
    bar = min(48.0, slot * 0.7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {total_height}"'
        f' width="100%" style="max-width:{width}px" aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(series.title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#1b1b1b"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#1b1b1b"/>',
    ]
    for tick in sorted({0, peak // 2, peak}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#1b1b1b">{tick}</text>'
        )
    if not series.weeks:
        parts.append(
            f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" font-size="13" fill="#1b1b1b">No runs yet</text>'
        )
    for i, week in enumerate(series.weeks):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for j, name in enumerate(series.names):
            n = series.values[name][i]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"'
                f' stroke="{OUTLINE}">'
                f"<title>{escape(week)}: {escape(name)} {n}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11"'
            f' fill="#1b1b1b">{escape(week[5:])}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - plot_h * totals[i] / peak - 3:.1f}"'
            f' text-anchor="middle" font-size="11" fill="#1b1b1b">{totals[i]}</text>'
        )
    for j, name in enumerate(series.names):
        lx, ly = left + (j % 3) * (plot_w / 3), height + (j // 3) * 20 - 8
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"'
            f' stroke="{OUTLINE}"/>'
        )
        parts.append(
            f'<text x="{lx + 17:.1f}" y="{ly + 10}" font-size="12" fill="#1b1b1b">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape(); numbers are ours


def trend_charts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Both charts with their data (shown as a table beside each chart, for print and screen readers)."""
    charts = []
    for chart_id, label, series in (
        ("chart-exceptions", "Rule", exceptions_per_week(con)),
        ("chart-followers", "Who", follower_composition(con)),
    ):
        charts.append(
            {"id": chart_id, "label": label, "series": series, "svg": stacked_bars(series, chart_id)}
        )
    return charts
