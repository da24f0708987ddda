"""The review app's list in pages: most urgent first, what a role may not read left out before the pages are cut,
and no forged `page` or filter reaching past it (asked as a direct HTTP client)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from dashboards.listing import PAGE_SIZE, one_page, page_number
from dashboards.review_app import create_app
from tests.builders.findings import CONSENT_BREACH, PUPIL_FOLLOWER, STAFF_FOLLOWER, one_run, variant
from tests.builders.review_app import local_accounts, settings, sign_in
from warehouse.safeguarding import Sensitivity, row_sensitivity

BASE = "https://127.0.0.1:8765"
ABOUT_A_PERSON = variant(PUPIL_FOLLOWER, "1600000000000000077", severity="critical")


def row(
    key: str, severity: str, person_kind: str | None, first_seen: date, subject_kind: str = "follower"
) -> dict:  # type: ignore[type-arg]
    return {
        "key": key,
        "severity": severity,
        "person_kind": person_kind,
        "subject_kind": subject_kind,
        "first_seen": first_seen,
    }


def test_most_urgent_first_then_cut_into_pages_of_what_the_reader_may_read() -> None:
    old, new = date(2026, 10, 1), date(2026, 11, 1)
    rows = [
        row("medium-old", "medium", "staff", old),
        row("high-staff", "high", "staff", old),
        row("high-pupil-new", "high", "pupil", new),
        row("high-pupil-old", "high", "pupil", old),
        row("critical-post", "critical", "pupil", new, "post"),
        row("critical-person", "critical", "pupil", old),
        row("low", "low", None, old),
    ]
    everything = one_page(rows, lambda r: True, None, size=3)
    assert [r["key"] for r in everything.rows] == ["critical-person", "critical-post", "high-pupil-old"]
    assert (everything.pages, everything.total) == (3, 7)
    second = one_page(rows, lambda r: True, "2", size=3)
    assert [r["key"] for r in second.rows] == ["high-pupil-new", "high-staff", "medium-old"]
    assert (second.first, second.last) == (4, 6)
    # The reviewer's reach (warehouse/safeguarding.py): the critical one about a person is on no page at all.
    theirs = [
        one_page(rows, lambda r: row_sensitivity(r) <= Sensitivity.CRITICAL_OWN_PUBLICATION, str(n), 3)
        for n in (1, 2)
    ]
    seen = [r["key"] for p in theirs for r in p.rows]
    assert "critical-person" not in seen and len(seen) == 6 and theirs[0].pages == 2


@pytest.mark.parametrize("asked", [None, "", "0", "-1", "abc", "1e3", "٣", "9" * 5000, "2 OR 1=1"])
def test_a_page_number_that_is_not_one_is_the_first_page(asked: str | None) -> None:
    assert page_number(asked) == 1


def test_a_page_past_the_last_is_the_last() -> None:
    rows = [row(f"k{i:03}", "low", None, date(2026, 10, 1)) for i in range(PAGE_SIZE + 1)]
    assert one_page(rows, lambda r: True, "999").number == 2


@pytest.fixture
def crowded(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """More ordinary exceptions than a page holds, a critical one about a person, and the school's own breach."""
    staff = [variant(STAFF_FOLLOWER, f"17000000000000{i:05}") for i in range(PAGE_SIZE * 2)]
    return one_run(con, db_path, (*staff, CONSENT_BREACH, ABOUT_A_PERSON, PUPIL_FOLLOWER))


@pytest.mark.slow
def test_a_stranger_s_forged_page_and_filters_reach_nothing_the_role_may_not_read(
    crowded: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = create_app(
        crowded, settings(local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template"))
    )
    viewer, reviewer = TestClient(app, base_url=BASE), TestClient(app, base_url=BASE)
    assert sign_in(viewer, "vic").status_code == 303 and sign_in(reviewer, "sam").status_code == 303
    first = reviewer.get("/").text
    # The most urgent first: the school's own breach and the pupil follower lead the reviewer's first page.
    assert CONSENT_BREACH.subject_id in first and PUPIL_FOLLOWER.subject_id in first
    assert 'rel="next"' in first and "page 1 of 3" in first
    forged = [
        {"page": p} for p in ("0", "-5", "3", "4", "99999999999", "x", "1;DROP TABLE audit.exceptions")
    ] + [
        {"page": "2", "sort": "severity"},
        {"page": "1", "sort": "key desc"},
        {"status": "all", "severity": "critical"},
        {"status": "all", "severity": "critical", "page": "2"},
        {"status": "all", "rule": PUPIL_FOLLOWER.rule, "page": "1"},
        {"status": "all", "platform": "x", "severity": ["critical", "high"], "page": "3"},
    ]
    for params in forged:
        for client, unseen in (
            (reviewer, (ABOUT_A_PERSON,)),
            (viewer, (ABOUT_A_PERSON, CONSENT_BREACH, PUPIL_FOLLOWER)),
        ):
            answer = client.get("/", params=params)
            assert answer.status_code == 200, params
            for finding in unseen:
                assert finding.subject_id not in answer.text and finding.key not in answer.text, params
    # Every page the reviewer can reach, together, is everything they may read, and nothing else.
    keys = set()
    for n in (1, 2, 3):
        text = reviewer.get("/", params={"page": str(n)}).text
        keys |= {k for k in (f.key for f in (CONSENT_BREACH, PUPIL_FOLLOWER, ABOUT_A_PERSON)) if k in text}
    assert keys == {CONSENT_BREACH.key, PUPIL_FOLLOWER.key}
