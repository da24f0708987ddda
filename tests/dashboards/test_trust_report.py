"""The trust's summary and report: ranked by what needs attention, counts only, escaped, reasons kept apart."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path
from typing import Any

from dashboards.trust_report import (
    SUMMARY_FIELDS,
    ranked,
    school_counts,
    trends,
    trust_level_reason,
    write_trust_outputs,
)
from tests.builders.output_contract import assert_trust_outputs_meet_the_contract

WEEK = date(2026, 11, 16)


def school(slug: str, status: str = "completed", **severity: int) -> dict[str, Any]:
    counts = {s: severity.get(s, 0) for s in ("critical", "high", "medium", "low")}
    done = status != "failed"
    return {
        "slug": slug,
        "name": f"{slug.title()} Primary",
        "status": status,
        "exceptions": sum(counts.values()) if done else None,
        "by_severity": counts if done else None,
        "by_rule": {"pupil-follower": counts["high"]} if done else None,
        "report": f"{slug}/report.html" if done else None,
        "reason": None if status == "completed" else "RuntimeError: registers refused",
        "as_of": WEEK.isoformat(),
    }


def test_critical_then_high_then_schools_that_did_not_complete_then_the_rest() -> None:
    schools = [
        school("calm", medium=9, low=9),
        school("broken", "failed"),
        school("busy", high=5, medium=1),
        school("urgent", critical=1),
        school("half", "partial", medium=1),
    ]
    assert [s["slug"] for s in ranked(schools)] == ["urgent", "busy", "broken", "half", "calm"]


def test_counts_come_from_the_schools_exceptions_json(tmp_path: Path) -> None:
    rows = [
        {"rule": "pupil-follower", "severity": "high"},
        {"rule": "pupil-follower", "severity": "high"},
        {"rule": "consent-breach", "severity": "critical"},
    ]
    (tmp_path / "exceptions.json").write_text(json.dumps(rows), encoding="utf-8")
    assert school_counts(tmp_path) == {
        "exceptions": 3,
        "by_severity": {"critical": 1, "high": 2, "medium": 0, "low": 0},
        "by_rule": {"consent-breach": 1, "pupil-follower": 2},
    }


def test_where_each_school_is_its_controller_a_failure_leaves_only_its_kind() -> None:
    error = RuntimeError(
        "registers refused, nothing was stored: pupils.csv line 4 column status: 'Jess Smith'"
    )
    assert trust_level_reason(error, "schools") == (
        "RuntimeError: registers refused, nothing was stored (details in the school's run.log)"
    )
    assert "Jess Smith" in trust_level_reason(error, "trust")


def test_trends_leave_a_gap_where_an_audit_failed() -> None:
    history = [
        {**school("a", high=2), "as_of": date(2026, 11, 9)},
        {**school("a", "failed"), "as_of": date(2026, 11, 16)},
        {**school("b", critical=1), "as_of": date(2026, 11, 16)},
    ]
    trend = trends(history)
    assert trend["weeks"] == ["2026-11-09", "2026-11-16"]
    assert trend["per_school"]["a"] == {"2026-11-09": 2, "2026-11-16": None}
    assert trend["trust_wide"]["2026-11-16"]["critical"] == 1


def test_outputs_are_owner_only_contract_shaped_and_escaped(tmp_path: Path) -> None:
    hostile = {**school("evil", high=1), "name": "<script>alert(1)</script> Primary"}
    paths = write_trust_outputs(tmp_path, "Trust & <b>Co</b>", "schools", WEEK, [hostile, school("b")], [])
    summary = json.loads(paths["trust-summary.json"].read_text(encoding="utf-8"))
    assert [tuple(s) for s in summary] == [SUMMARY_FIELDS, SUMMARY_FIELDS]
    assert summary[0]["slug"] == "evil" and summary[0]["report"] == "evil/report.html"
    html = paths["trust-report.html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>Co</b>" not in html
    for path in paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_summary_follows_its_schema_as_the_manifest_beside_it_says(tmp_path: Path) -> None:
    schools = [school("calm", medium=2), school("broken", "failed"), school("half", "partial", high=1)]
    paths = write_trust_outputs(tmp_path, "Riverside Learning Trust", "trust", WEEK, schools, [])
    assert set(paths) == {"trust-summary.json", "trust-report.html", "manifest.json"}
    manifest = json.loads(paths["manifest.json"].read_text(encoding="utf-8"))
    assert manifest["as_of"] == WEEK.isoformat()
    assert manifest["files"]["trust-summary.json"] == {
        "version": 1,
        "schema": "urn:socialaudit:schema:trust-summary:v1",
    }
    assert_trust_outputs_meet_the_contract(tmp_path)
