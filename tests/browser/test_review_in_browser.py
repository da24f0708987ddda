"""In a real browser: the Monday report reads safely, and a decision made in the review app is recorded in the
warehouse as the weekly run reads it: the exception's status, and the review under the signed-in identity.

The two weeks before the decision are the session's (tests/e2e/shared_two_weeks.py). That the next run keeps a false
positive quiet is shown for a decision recorded by `socialaudit review` (tests/e2e/test_weekly_lifecycle.py,
tests/warehouse/test_lifecycle_reviews.py): the app and the command record it through the same
warehouse.reviews.review_and_publish, and the run reads only the latest decision, not where it was made."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboards.review_app import create_app
from sandbox.school.weeks import HOSTILE_DESCRIPTION, HOSTILE_TITLE
from tests.builders.review_app import PASSWORD, local_accounts, settings
from tests.builders.sample_weeks import SampleSchoolWeeks
from tests.builders.served_app import served
from warehouse.db import connect

REVIEWER = "local:sam"  # the ETL's local account (tests/builders/review_app.py)


@pytest.fixture
def review_app(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, sample_school_two_weeks: SampleSchoolWeeks
) -> Iterator[tuple[str, Path]]:
    """The review app served by uvicorn on 127.0.0.1, as `socialaudit review-app` serves it, with local accounts,
    over a copy of the session's two audited weeks (a decision is recorded in it)."""
    db = sample_school_two_weeks.warehouse_copy(tmp_path)
    accounts_file = local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")
    with served(create_app(db, settings(accounts_file))) as url:
        yield url, db


def test_report_and_review_app_in_chromium(
    browser: Any,
    review_app: tuple[str, Path],
    sample_school_two_weeks: SampleSchoolWeeks,
) -> None:
    url, db = review_app
    out = sample_school_two_weeks.out(1)
    (hostile,) = [
        r
        for r in json.loads((out / "exceptions.json").read_text("utf-8"))
        if r["subject_label"] == HOSTILE_TITLE
    ]
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []

    def record_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # The Monday report, opened from disk: summary first, charts drawn, hostile text shown as text.
    page.goto((out / "report.html").as_uri())
    assert page.locator("h1").inner_text().startswith("Social media audit")
    assert page.locator("h2").first.inner_text() == "Do first"
    assert page.locator("h2").nth(1).inner_text() == "Summary"
    assert page.locator("section[aria-labelledby=trends] svg").count() == 2
    row = page.locator("tr", has_text=HOSTILE_TITLE).first
    assert HOSTILE_DESCRIPTION in row.inner_text()
    assert page.evaluate("document.scripts.length") == 0
    assert all(r.startswith("file://") for r in requests)  # nothing fetched from anywhere: works offline

    # The review app: signed in with a local account, the same exception, escaped, with its history; record a
    # decision with the form.
    page.goto(f"{url}/?rule=pupil-follower")
    page.get_by_label("Account name").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("#identity").inner_text() == REVIEWER
    listed = page.locator("tr", has_text=HOSTILE_TITLE)
    # The list is paged, the most urgent first: followed page by page, as a person would.
    while listed.count() == 0 and page.get_by_role("link", name="Next page").count():
        page.get_by_role("link", name="Next page").first.click()
    assert HOSTILE_DESCRIPTION in listed.inner_text()
    assert page.evaluate("document.scripts.length") == 0
    listed.get_by_role("link", name=f"Review and history of {hostile['key']}").click()
    page.get_by_label(re.compile("^Note")).fill(
        "A relative's gaming channel, not the pupil's; checked with the family"
    )
    page.get_by_role("button", name="Mark a false positive").click()
    assert page.get_by_role("status").inner_text() == "Decision recorded."
    assert page.locator("#status").inner_text() == "false_positive"
    history = page.locator("section, main").first.inner_text()
    assert REVIEWER in history and "review-app" in history
    # A filter on status finds it among the decided ones.
    page.goto(f"{url}/?status=false_positive")
    assert page.locator("tr", has_text=HOSTILE_TITLE).count() == 1
    assert dialogs == []  # no alert() ran anywhere
    context.close()

    # Recorded where the next weekly run reads decisions, under the identity the app signed in.
    con = connect(db, read_only=True)
    try:
        assert con.execute(
            "SELECT status FROM audit.exceptions WHERE key = ?", [hostile["key"]]
        ).fetchall() == [("false_positive",)]
        assert con.execute("SELECT reviewer, decision, source FROM audit.reviews").fetchall() == [
            (REVIEWER, "false-positive", "review-app")
        ]
    finally:
        con.close()
