"""What a run tells Prefect: the weekly summary as markdown, and the open exception keys as a table.

Both live in Prefect's database, out of reach of an erasure and of the school's retention (Prefect keeps its own,
deploy/): no name, handle, platform or register id. Counts, rules and statuses; an exception is named by an opaque
reference keyed with the warehouse's secret (stable week to week, meaningless outside the warehouse).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from dashboards.report import OPEN_STATUSES, SEVERITY_ORDER, Outputs
from warehouse.stream_status import describe

ARTIFACT_TABLE_FIELDS = ("rule", "severity", "status", "first_seen", "last_seen")


def weekly_summary_markdown(
    as_of: date,
    outputs: Outputs,
    decided: dict[str, int],
    notices: list[dict[str, Any]] | None = None,
    not_read: list[dict[str, Any]] | None = None,
) -> str:
    by_rule: dict[str, int] = {}
    for row in outputs.exceptions:
        by_rule[row["rule"]] = by_rule.get(row["rule"], 0) + 1
    by_status = {s: sum(1 for r in outputs.exceptions if r["status"] == s) for s in OPEN_STATUSES}
    by_severity = {s: sum(1 for r in outputs.exceptions if r["severity"] == s) for s in SEVERITY_ORDER}
    held = [n for n in notices or [] if n["kind"] == "held"]
    lines = [
        f"# Social media audit, week of {as_of.isoformat()}",
        "",
        *(
            [
                "**Partial audit.** Not looked at this week (their exceptions were neither raised nor resolved):",
                "",
                *(f"- {describe(row)}" for row in not_read),
                "",
            ]
            if not_read
            else []
        ),
        # A hold's message gives register ids as examples: the report has them, Prefect does not.
        *(f"**Register held:** {n['file']} (why: the report's Registers section)" for n in held),
        *([""] if held else []),
        f"{len(outputs.exceptions)} exceptions need attention ({by_status['new']} new this week, "
        f"{by_status['reopened']} reopened, {by_status['open'] + by_status['acknowledged']} still open); "
        f"{len(outputs.resolved)} resolved since last week. Held by a review decision: "
        f"{decided.get('accepted', 0)} accepted, {decided.get('false_positive', 0)} false positive.",
        "",
        "| severity | open |",
        "| --- | --- |",
        *[f"| {severity} | {n} |" for severity, n in by_severity.items()],
        "",
        "| rule | open |",
        "| --- | --- |",
        *[f"| {rule} | {n} |" for rule, n in sorted(by_rule.items())],
        "",
        f"Report: `{outputs.paths['report.html']}`",
    ]
    return "\n".join(lines)


def open_exceptions_table(outputs: Outputs, reference: Callable[[str], str]) -> list[dict[str, Any]]:
    """One row per open exception: `reference(key)` (opaque) instead of its key, which names the account."""
    return [
        {"ref": reference(r["key"]), **{k: r[k] for k in ARTIFACT_TABLE_FIELDS}} for r in outputs.exceptions
    ]


def not_published_message(db: Path, out: Path, as_of: str, cause: str, config: Path | None = None) -> str:
    """One line: the week is safe in the warehouse, the outputs are not written, and the command that writes them
    (with `--config` when school.toml names the warehouse key)."""
    command = f"socialaudit publish --db {shlex.quote(str(db))} --out {shlex.quote(str(out))} --as-of {as_of}"
    if config is not None:
        command += f" --config {shlex.quote(str(config))}"
    return f"stored; outputs not published ({cause}): run `{command}`"
