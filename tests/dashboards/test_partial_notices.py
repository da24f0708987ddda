"""A partial audit says so wherever the school looks: the e-mail, the Prefect summary, the report's top."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dashboards.report import Outputs
from dashboards.run_summary import not_published_message, weekly_summary_markdown
from dashboards.summary_email import ReportReference, build_messages, summary_text

AS_OF = date(2026, 11, 23)
NOT_READ = [
    {
        "platform": "youtube",
        "account_id": "UC1",
        "account": "@tinylane",
        "stream": "comments",
        "status": "failed",
        "reason": "youtube comments: daily quota exceeded",
        "n_items": 0,
    }
]


def test_the_email_opens_with_what_was_not_looked_at() -> None:
    text = summary_text("Tiny Lane", AS_OF, [], [], NOT_READ)
    assert text.splitlines()[2].startswith("PARTIAL AUDIT")
    assert "youtube comments of @tinylane (failed: youtube comments: daily quota exceeded)" in text
    (message,) = build_messages(
        "Tiny Lane", AS_OF, [], [], ReportReference("report.html"), "a@b.uk", ["c@b.uk"], None, NOT_READ
    )
    assert message["Subject"].endswith("(partial audit)")
    assert "PARTIAL" not in summary_text("Tiny Lane", AS_OF, [], [])


def test_the_prefect_summary_opens_with_it_too() -> None:
    outputs = Outputs([], [], {"report.html": Path("/out/report.html")})
    markdown = weekly_summary_markdown(AS_OF, outputs, {}, [], NOT_READ)
    assert markdown.splitlines()[2].startswith("**Partial audit.**")
    assert "Partial" not in weekly_summary_markdown(AS_OF, outputs, {}, [], [])


def test_not_published_names_the_cause_and_the_command_with_quoted_paths() -> None:
    line = not_published_message(
        Path("/srv/a b/w.duckdb"), Path("/srv/out"), "2026-11-23", "the disk is full"
    )
    assert line == (
        "stored; outputs not published (the disk is full): "
        "run `socialaudit publish --db '/srv/a b/w.duckdb' --out /srv/out --as-of 2026-11-23`"
    )
