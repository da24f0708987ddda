"""In a real browser: the trust report a trust's ETL reads on Monday ranks, links and warns, offline and safely."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dashboards.trust_report import write_trust_outputs

WEEKS = (date(2026, 11, 9), date(2026, 11, 16))
HOSTILE = '<img src=x onerror="alert(1)"> Academy'


def school(slug: str, name: str, status: str, week: date, **severity: int) -> dict[str, Any]:
    counts = {s: severity.get(s, 0) for s in ("critical", "high", "medium", "low")}
    done = status != "failed"
    return {
        "slug": slug,
        "name": name,
        "status": status,
        "exceptions": sum(counts.values()) if done else None,
        "by_severity": counts if done else None,
        "by_rule": {"pupil-follower": counts["high"], "consent-breach": counts["critical"]} if done else None,
        "report": f"{slug}/report.html" if done else None,
        "reason": {
            "completed": None,
            "failed": "ConnectorError: x.followers",
            "partial": "not read: yt.subscriptions",
        }[status],
        "as_of": week.isoformat(),
    }


def test_trust_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    last_week = [
        school("oak", "Oak Primary", "completed", WEEKS[0], high=1),
        school("elm", "Elm Infants", "completed", WEEKS[0], medium=2),
        school("ash", HOSTILE, "completed", WEEKS[0], low=1),
    ]
    this_week = [
        school("oak", "Oak Primary", "completed", WEEKS[1], critical=2, high=3),
        school("elm", "Elm Infants", "failed", WEEKS[1]),
        school("ash", HOSTILE, "partial", WEEKS[1], medium=1),
        school("yew", "Yew Tree CE Primary", "completed", WEEKS[1], high=4, low=2),
    ]
    history = [{**s, "as_of": WEEKS[0]} for s in last_week] + [{**s, "as_of": WEEKS[1]} for s in this_week]
    for slug in ("oak", "ash", "yew"):
        (tmp_path / slug).mkdir()
        (tmp_path / slug / "report.html").write_text(
            f"<!doctype html><title>{slug}</title><h1>{slug} report</h1>"
        )
    paths = write_trust_outputs(tmp_path, "Riverside Learning Trust", "schools", WEEKS[1], this_week, history)

    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []

    def record_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(paths["trust-report.html"].as_uri())

    assert page.locator("h1").inner_text() == "Social media audit: Riverside Learning Trust"
    # Critical and high first, then the schools whose audit did not complete, then the rest.
    ranked = page.locator("#ranking tbody tr").evaluate_all("rows => rows.map(r => r.dataset.slug)")
    assert ranked == ["oak", "yew", "elm", "ash"]
    alert = page.locator("#not-completed")
    assert alert.is_visible()
    assert "Elm Infants: failed — ConnectorError: x.followers" in alert.inner_text()
    assert "partial" in alert.inner_text() and HOSTILE in alert.inner_text()  # shown as text, never run
    # Trends: a sparkline per school with history, and the trust-wide chart over both weeks.
    assert page.locator("#ranking svg.spark").count() == 4  # yew: one week so far, one point
    assert page.locator("#trend svg rect").count() >= 3
    assert page.locator("#by-rule tbody tr").count() == 4
    assert page.evaluate("document.scripts.length") == 0
    # A school's link opens that school's own report.
    page.locator("#ranking tr[data-slug=oak]").get_by_role("link").click()
    assert page.locator("h1").inner_text() == "oak report"
    assert dialogs == []
    assert all(r.startswith("file://") for r in requests)  # works offline, fetches nothing
    context.close()
