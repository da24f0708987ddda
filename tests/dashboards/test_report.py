"""The four output files and their manifest (docs/contracts/outputs.md): contract fields, open rows only, private
files, nothing live from platforms."""

from __future__ import annotations

import csv
import json
import stat
from collections import defaultdict
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from checks.rules import RULES
from dashboards.report import write_outputs
from dashboards.safe_text import FORMULA_LEADS
from tests.builders.findings import (
    AS_OF,
    FIRST_WEEK,
    LAST_WEEK,
    PUPIL_FOLLOWER,
    STAFF_FOLLOWER,
    UNAPPROVED_VIDEO,
    insert_exception,
    insert_rules,
    variant,
)
from tests.builders.output_contract import assert_outputs_meet_the_contract
from tests.builders.tiny_dataset import X_ACCOUNT_ID as X_ID
from warehouse.people import Actor
from warehouse.reviews import record_review

CONTRACT_FIELDS = {
    "key",
    "rule",
    "severity",
    "status",
    "platform",
    "account",
    "subject_kind",
    "subject_id",
    "subject_label",
    "person_kind",
    "person_id",
    "confidence",
    "evidence",
    "first_seen",
    "last_seen",
}
EXTRA_FIELDS = {"subject_url", "account_id"}
FILES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")
MANIFEST = "manifest.json"

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://evil","x")'
HOSTILE_EVIDENCE = [
    "+44 7700 900123 is a phone number",
    "-1 day: 'sum'",
    "@SUM(A1:A9)",
    "\tcmd|' /C calc'!A0",
]


class Page(HTMLParser):
    """What a browser would build from report.html: tags with attributes, and the text of each section and of each
    of its table rows' cells (a cell's nested lists, its history, left out of the cell's text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_section: dict[str, list[str]] = defaultdict(list)
        self.rows_by_section: dict[str, list[list[str]]] = defaultdict(list)
        self.section = ""
        self.lists_open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        rows = self.rows_by_section[self.section]
        if tag == "section":
            self.section = attributes.get("aria-labelledby") or ""
        elif tag == "tr":
            rows.append([])
        elif tag == "td" and rows:
            rows[-1].append("")
        elif tag == "ul":
            self.lists_open += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.lists_open -= 1

    def handle_data(self, data: str) -> None:
        self.text_by_section[self.section].append(data)
        rows = self.rows_by_section[self.section]
        if rows and rows[-1] and not self.lists_open:
            rows[-1][-1] = " ".join((rows[-1][-1] + data).split())

    def text(self, section: str) -> str:
        return " ".join(" ".join(self.text_by_section[section]).split())

    def rows(self, section: str) -> list[list[str]]:
        """The text of each cell of each row of the section's tables (a header row has none)."""
        return self.rows_by_section[section]

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def write(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, Any]:
    outputs = write_outputs(con, out, AS_OF, "Tiny Lane Primary School")
    return {
        "outputs": outputs,
        "exceptions": json.loads((out / "exceptions.json").read_text(encoding="utf-8")),
        "resolved": json.loads((out / "resolved.json").read_text(encoding="utf-8")),
        "csv": list(csv.DictReader((out / "exceptions.csv").open(encoding="utf-8", newline=""))),
        "page": parse(out / "report.html"),
        "html": (out / "report.html").read_text(encoding="utf-8"),
    }


@pytest.fixture
def week(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A warehouse after a run: every lifecycle status, and rows carrying hostile platform text."""
    insert_rules(con)
    insert_exception(con, PUPIL_FOLLOWER, "new")
    insert_exception(con, STAFF_FOLLOWER, "open", first_seen=LAST_WEEK)
    insert_exception(con, UNAPPROVED_VIDEO, "acknowledged", first_seen=FIRST_WEEK)
    insert_exception(
        con, variant(PUPIL_FOLLOWER, "1600000000000000002", severity="low", confidence=0.65), "reopened"
    )
    insert_exception(con, variant(PUPIL_FOLLOWER, "1600000000000000003"), "accepted", first_seen=FIRST_WEEK)
    insert_exception(
        con, variant(PUPIL_FOLLOWER, "1600000000000000004"), "false_positive", first_seen=FIRST_WEEK
    )
    insert_exception(
        con,
        variant(STAFF_FOLLOWER, "1700000000000000005"),
        "resolved",
        FIRST_WEEK,
        LAST_WEEK,
        resolved_on=AS_OF,
    )
    insert_exception(
        con,
        variant(STAFF_FOLLOWER, "1700000000000000006"),
        "resolved",
        FIRST_WEEK,
        FIRST_WEEK,
        resolved_on=LAST_WEEK,
    )
    # Platform text is hostile: labels, names and evidence come from followers' own profiles and posts.
    insert_exception(
        con,
        variant(
            PUPIL_FOLLOWER, "1600000000000000010", subject_label=SCRIPT, subject_url="javascript:alert(1)"
        ),
    )
    insert_exception(con, variant(PUPIL_FOLLOWER, "1600000000000000011", subject_label=HYPERLINK))
    for n, evidence in enumerate(HOSTILE_EVIDENCE):
        insert_exception(con, variant(STAFF_FOLLOWER, f"170000000000000002{n}", evidence=evidence))
    return con


OPEN_IDS = {
    PUPIL_FOLLOWER.subject_id,
    STAFF_FOLLOWER.subject_id,
    UNAPPROVED_VIDEO.subject_id,
    "1600000000000000002",
    "1600000000000000010",
    "1600000000000000011",
    *(f"170000000000000002{n}" for n in range(len(HOSTILE_EVIDENCE))),
}


def test_four_private_files_and_their_manifest_are_written(
    week: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in FILES:  # last week's copies, world-readable
        (out / name).write_text("old", encoding="utf-8")
        (out / name).chmod(0o644)
    written = write(week, out)
    assert set(written["outputs"].paths) == {*FILES, MANIFEST}
    for name in (*FILES, MANIFEST):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    # No temporary files left behind; the week's copy kept beside the set (docs/contracts/outputs.md, Weeks kept).
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, MANIFEST, "weeks"])
    (kept,) = (out / "weeks").iterdir()
    assert sorted(p.name for p in kept.iterdir()) == sorted([*FILES, MANIFEST])


def test_exceptions_json_has_exactly_the_contract_fields(
    week: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = write(week, tmp_path)["exceptions"]
    assert rows
    for row in rows:
        assert set(row) == CONTRACT_FIELDS | EXTRA_FIELDS
        assert isinstance(row["confidence"], float) and 0 <= row["confidence"] <= 1
        assert date.fromisoformat(row["first_seen"]) <= date.fromisoformat(row["last_seen"])
    assert len({row["key"] for row in rows}) == len(rows)
    (pupil,) = [r for r in rows if r["key"] == PUPIL_FOLLOWER.key]
    assert pupil == {
        "key": f"pupil-follower:x:{X_ID}:follower:1600000000000000001",
        "rule": "pupil-follower",
        "severity": "high",
        "status": "new",
        "platform": "x",
        "account": "TinyLanePrimary",
        "account_id": X_ID,
        "subject_kind": "follower",
        "subject_id": "1600000000000000001",
        "subject_label": "@jess_smith",
        "subject_url": "https://x.com/jess_smith",
        "person_kind": "pupil",
        "person_id": "P0001",
        "confidence": 1.0,
        "evidence": PUPIL_FOLLOWER.evidence,
        "first_seen": "2026-11-13",
        "last_seen": "2026-11-13",
    }


def test_only_open_exceptions_are_listed(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    rows = written["exceptions"]
    assert {r["subject_id"] for r in rows} == OPEN_IDS
    assert {r["status"] for r in rows} == {"new", "open", "acknowledged", "reopened"}
    assert [r["subject_id"] for r in written["csv"]] == [r["subject_id"] for r in rows]
    severities = [r["severity"] for r in rows]
    order = ["critical", "high", "medium", "low"]
    assert severities == sorted(severities, key=order.index)  # most serious first


def test_resolved_json_holds_what_was_resolved_this_week(
    week: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    (resolved,) = write(week, tmp_path)["resolved"]
    assert resolved["subject_id"] == "1700000000000000005"
    assert resolved["status"] == "resolved"
    assert resolved["resolved_on"] == AS_OF.isoformat()
    assert resolved["last_seen"] == LAST_WEEK.isoformat()


def test_the_csv_never_starts_a_formula(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    with (tmp_path / "exceptions.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(written["outputs"].exceptions[0])  # header = the JSON fields, in order
    cells = [cell for row in table for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULA_LEADS)] == []
    # Neutralised, not lost: a person still reads what the platform said.
    assert "'" + HYPERLINK in cells
    for evidence in HOSTILE_EVIDENCE:
        assert "'" + evidence in cells
    assert len(table) - 1 == len(written["exceptions"])


def test_platform_text_is_escaped_in_the_report(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    page: Page = written["page"]
    assert page.find("script") == []
    assert "<script>" not in written["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in written["html"]
    assert SCRIPT in page.text("rule-pupil-follower")  # shown to the reader as text
    assert HYPERLINK in page.text("rule-pupil-follower")
    for evidence in HOSTILE_EVIDENCE:
        assert " ".join(evidence.split()) in page.text("rule-staff-personal-follower")


def test_only_platform_links_are_rendered(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    hrefs = [a.get("href") or "" for a in written["page"].find("a")]
    assert "https://x.com/jess_smith" in hrefs
    assert "https://www.youtube.com/watch?v=vidStranger1" in hrefs
    # Platform links, and links within the page (the "For a person to judge" list to its rows).
    assert all(href.startswith(("https://x.com/", "https://www.youtube.com/", "#")) for href in hrefs)
    assert "javascript:" not in written["html"]
    (hostile,) = [r for r in written["exceptions"] if r["subject_id"] == "1600000000000000010"]
    assert hostile["subject_url"] is None


def test_the_report_reads_as_a_report(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    page: Page = written["page"]
    assert page.find("html") == [{"lang": "en-GB"}]
    headers = page.find("th")
    assert headers and all(th.get("scope") == "col" for th in headers)
    summary = page.text("summary")
    assert "New this week" in summary and "Resolved this week" in summary
    with_exceptions = {r["rule"] for r in written["exceptions"]}
    for (
        rule
    ) in RULES:  # one section per rule with open exceptions, citing its policy; the rest listed as clear
        if rule.id in with_exceptions:
            section = page.text(f"rule-{rule.id}")
            assert rule.title in section
            assert " ".join(rule.policy.split()) in section
        else:
            assert rule.title in page.text("clear")
    assert with_exceptions == {"pupil-follower", "staff-personal-follower", "unapproved-media"}
    # Decisions and trends: the summary counts what a decision holds, and both charts are drawn.
    assert "1 accepted" in summary and "1 marked false positive" in summary
    assert written["html"].count("<svg") == 2
    assert "1600000000000000003" in page.text("decided")
    assert "@helenward" in page.text("rule-staff-personal-follower")
    assert "@helenward" not in page.text("rule-pupil-follower")
    assert "1700000000000000005" in page.text("resolved")


def test_a_decision_is_shown_with_who_made_it_why_and_until_when(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """The latest decision holding an exception off the list is in the report beside it: the reader sees why it is
    not listed, and who to ask."""
    insert_rules(con)
    insert_exception(con, PUPIL_FOLLOWER, "reopened", first_seen=FIRST_WEEK)
    con.execute(
        "INSERT INTO audit.runs VALUES (?, 'r1', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [AS_OF, datetime(2026, 11, 13, 6), datetime(2026, 11, 13, 6, 1)],
    )
    lead = Actor("aleadetl", "A. Lead (ETL)", "cli")
    until = AS_OF + timedelta(days=60)
    record_review(con, PUPIL_FOLLOWER.key, "false-positive", "Adult namesake; confirmed by phone", lead)
    record_review(con, PUPIL_FOLLOWER.key, "accept", "Governors agreed: public figure", lead, until)
    write(con, tmp_path)
    (row,) = [cells for cells in parse(tmp_path / "report.html").rows("decided") if cells]
    status, _rule, subject, reviewer, reason, shown_until, _history = row
    assert (status, reviewer, reason, shown_until) == (
        "accepted",
        "A. Lead (ETL)",
        "Governors agreed: public figure",
        until.isoformat(),
    )
    assert PUPIL_FOLLOWER.subject_id in subject


def test_the_report_loads_nothing_from_the_network(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    written = write(week, tmp_path)
    page: Page = written["page"]
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag in ("link", "base", "iframe", "object", "embed", "img", "script"):
            pytest.fail(f"report.html has a <{tag}>")
    html = written["html"]
    assert "@import" not in html and "url(" not in html
    (policy,) = [m for m in page.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (policy.get("content") or "")


def test_the_output_folder_meets_the_contract(week: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(week, tmp_path)
    assert_outputs_meet_the_contract(tmp_path)


def test_a_quiet_week_still_writes_every_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    insert_rules(con)
    written = write(con, tmp_path / "nested" / "out")
    assert written["exceptions"] == [] and written["resolved"] == [] and written["csv"] == []
    assert (
        (tmp_path / "nested" / "out" / "exceptions.csv").read_text(encoding="utf-8").startswith("key,rule,")
    )
    nothing = written["page"].text("clear")
    assert all(rule.title in nothing for rule in RULES)
    assert "Nothing was resolved this week" in written["page"].text("resolved")
    assert_outputs_meet_the_contract(tmp_path / "nested" / "out")


def test_a_missing_label_is_not_shown_as_none(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    insert_rules(con)
    unnamed = variant(PUPIL_FOLLOWER, "UCnoTitle000000000000000", platform="youtube", subject_label=None)
    insert_exception(con, unnamed)
    insert_exception(
        con, variant(unnamed, "UCnoTitle000000000000001"), "resolved", FIRST_WEEK, LAST_WEEK, AS_OF
    )
    page = write(con, tmp_path)["page"]
    assert "None" not in page.text("rule-pupil-follower")
    assert "None" not in page.text("resolved")
    assert "UCnoTitle000000000000000" in page.text("rule-pupil-follower")


def test_unapproved_images_that_show_people_are_listed_first(con: duckdb.DuckDBPyConnection) -> None:
    """Within unapproved-media, exceptions whose images show faces come before the rest (the report, exceptions.json
    and the review app all list through exception_rows); the face count itself is not an output field."""
    from dashboards.listing import select_exceptions
    from tests.builders.findings import UNAPPROVED_VIDEO, variant

    insert_exception(con, variant(UNAPPROVED_VIDEO, "vidAaaNoFaces"))
    insert_exception(con, variant(UNAPPROVED_VIDEO, "vidZzzTwoFaces", faces_shown=2))
    insert_exception(con, variant(UNAPPROVED_VIDEO, "vidMmmNotRead", faces_shown=None))
    rows = select_exceptions(con)
    assert [r["subject_id"] for r in rows] == ["vidZzzTwoFaces", "vidAaaNoFaces", "vidMmmNotRead"]
    assert "faces_shown" not in rows[0]


def test_low_findings_are_listed_to_judge_most_likely_first_with_what_settles_them() -> None:
    from dashboards.report import to_judge

    rows = [
        {
            "key": "a",
            "severity": "low",
            "confidence": 0.62,
            "evidence": "x; to settle it: ask Ann (score 0.62)",
        },
        {"key": "b", "severity": "high", "confidence": 0.97, "evidence": "y"},
        {"key": "c", "severity": "low", "confidence": 0.8, "evidence": "z (score 0.80)"},
    ]
    assert [(r["key"], r["settle"]) for r in to_judge(rows)] == [("c", ""), ("a", "ask Ann")]
