"""In Chromium, signed in through a real OpenID Connect provider started here: the ETL rejects a pupil's comment from
the review app (the call, its quota and that it cannot be undone shown first, a confirmation ticked), and deletes the
school's Facebook post an unapproved photo is on (Graph's call and the Page's usage limit shown); each action is
recorded under the identity the provider vouched for and in the access log, standing for the next week's run to
judge. A viewer is offered nothing, and a client without a session is refused.

That the next week's run resolves such actions as remediated is shown for the same actions taken with `socialaudit
remediate` (a pupil's comment rejected: tests/e2e/test_remediation.py, on this tiny school; a Page post deleted:
tests/e2e/test_meta_platforms.py): the app and the command act through the same flows.remediation.Remediator, and
the run judges every action that stands, whichever way it was taken."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from dashboards.access import Grant, OidcSettings, ReviewAppSettings
from tests.builders import remediation as build
from tests.builders.oidc import oidc_provider, sign_in_at_the_provider
from tests.builders.ports import free_port
from tests.builders.served_app import served
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.sandbox.meta.graph_dataset import PAGE_ID, POSTS, add_graph_accounts, build_graph_dataset
from warehouse.db import connect
from warehouse.privacy import access_log

WEEK0 = date(2026, 11, 16)
COMMENT = build.key("pupil-comment", "youtube", "comment", build.PUPIL_THREAD)
FACEBOOK_POST = f"unapproved-media:facebook:{PAGE_ID}:post:{POSTS[1]}"  # its one photo approved by no one
REVIEWER = "robin.ames@tinylane.example"
VIEWER = "governor@tinylane.example"


@dataclass(frozen=True)
class Served:
    url: str
    db: Path
    school: Path


@pytest.fixture
def review_app(tmp_path: Path) -> Iterator[Served]:
    """`socialaudit review-app --sandbox DIR`, signing people in through the provider, acting through the sandbox."""
    school = build_tiny_dataset(tmp_path / "school")
    build.pupil_comments(school)
    add_graph_accounts(
        school, build_graph_dataset(tmp_path / "graph")
    )  # its Facebook Page and Instagram besides
    db = tmp_path / "w.duckdb"
    port = free_port()
    with oidc_provider([f"http://127.0.0.1:{port}/signin/callback"], tmp_path / "provider.log") as provider:
        guarded = ReviewAppSettings(
            accounts_file=str(tmp_path / "no-local-accounts.json"),
            oidc=OidcSettings(
                issuer=provider.issuer, client_id=provider.client_id, label="Tiny Lane account"
            ),
            grants=(Grant("reviewer", (REVIEWER,)), Grant("viewer", (VIEWER,))),
        )
        app = build.acting_app(db, school, guarded, client_secret=provider.client_secret)
        with served(app, port) as url:
            yield Served(url, db, school)


def audit(cli: Any, school: Path, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli(
        "run", "--sandbox", str(school), "--db", str(db), "--out", str(out), "--as-of", WEEK0.isoformat()
    )
    assert result.returncode == 0, result.stderr[-3000:]


def a_viewer_is_offered_nothing_and_a_client_without_a_session_is_refused(
    browser: Any, review_app: Served
) -> None:
    """Nothing is sent to the platform and nothing recorded but the refusal: checked before anyone has acted (the
    audited week read by the reviewer's test, not one of its own)."""
    url, db, school = review_app.url, review_app.db, review_app.school
    context = browser.new_context()
    page = context.new_page()
    sign_in_at_the_provider(page, url, VIEWER)
    page.goto(f"{url}/exception?key={COMMENT}")
    assert page.locator("h2#act").count() == 0 and page.locator("form[action='/remediate']").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    # The viewer's own session and token, posting the form by hand: refused on the server, as if it did not exist
    # (a pupil's comment is safeguarding-critical: a viewer does not read it).
    posted = page.request.post(
        f"{url}/remediate",
        form={"key": COMMENT, "action": "reject-comment", "confirm": "yes", "csrf_token": token or ""},
        headers={"Origin": url},
        max_redirects=0,
    )
    assert posted.status == 404
    context.close()
    with httpx.Client(base_url=url, trust_env=False) as stranger:
        answer = stranger.post(
            "/remediate",
            data={"key": COMMENT, "action": "reject-comment", "confirm": "yes", "csrf_token": token or ""},
            headers={"Origin": url},
        )
    assert answer.status_code == 403 and build.PUPIL_THREAD not in answer.text
    assert build.journal(school) == []
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM audit.remediations").fetchone() == (0,)
    finally:
        con.close()
    denied = [(e.identity, e.action, e.object) for e in access_log.pending(db)]
    assert (VIEWER, "denied", COMMENT) in denied


def test_a_pupil_s_comment_rejected_from_the_review_app_is_recorded_for_the_next_week_to_judge(
    browser: Any, review_app: Served, tmp_path: Path, socialaudit_inprocess: Any
) -> None:
    """Before the reviewer acts, a viewer and a client without a session try the same action and are refused."""
    url, db, school = review_app.url, review_app.db, review_app.school
    audit(socialaudit_inprocess, school, db, tmp_path)
    # No doctor run: the app asks each account's permissions the first time the reviewer opens its exception.

    context = browser.new_context()
    page = context.new_page()
    sign_in_at_the_provider(page, url, REVIEWER)
    page.goto(f"{url}/exception?key={COMMENT}")
    action = page.locator("section.action", has=page.locator("h3#act-reject-comment"))
    shown = action.inner_text()
    assert "(cannot be undone)" in shown and "50 quota units" in shown
    assert "comments/setModerationStatus?id=" in shown and "moderationStatus=rejected" in shown
    assert f"Taken as {REVIEWER}" in shown
    # The account's permissions are known now (as `doctor` would have recorded them): only its role stops a viewer.
    a_viewer_is_offered_nothing_and_a_client_without_a_session_is_refused(browser, review_app)
    action.get_by_label("Why").fill("A pupil's comment on the sports day video")
    send = action.get_by_role("button", name="Send reject-comment")
    send.click()  # not ticked: the browser refuses to submit the form
    assert page.url.startswith(f"{url}/exception")
    assert build.journal(school) == []
    action.get_by_label(re.compile("I confirm: reject-comment")).check()
    send.click()
    page.wait_for_url(re.compile("done=acted"))
    assert "Action taken and recorded" in page.get_by_role("status").first.inner_text()
    actions = page.locator("table[aria-labelledby=actions]").inner_text()
    assert "reject-comment" in actions and "accepted" in actions and REVIEWER in actions
    assert page.evaluate("document.scripts.length") == 0

    page.goto(f"{url}/exception?key={FACEBOOK_POST}")
    action = page.locator("section.action", has=page.locator("h3#act-delete-page-post"))
    shown = action.inner_text()
    assert "(cannot be undone)" in shown and "Business Use Case" in shown
    assert f"DELETE https://graph.facebook.com/v26.0/{POSTS[1]}" in shown
    action.get_by_label("Why").fill("A photo no parent approved")
    action.get_by_label(re.compile("I confirm: delete-page-post")).check()
    action.get_by_role("button", name="Send delete-page-post").click()
    page.wait_for_url(re.compile("done=acted"))
    assert "Action taken and recorded" in page.get_by_role("status").first.inner_text()
    context.close()
    assert [(e["kind"], e.get("id")) for e in build.journal(school)] == [
        ("yt.moderate", None),
        ("fb.delete", POSTS[1]),
    ]

    con = connect(db, read_only=True)
    try:
        ((requested_by, *recorded),) = con.execute(
            "SELECT requested_by, action, via, outcome, verification FROM dpo.remediations WHERE key = ?",
            [COMMENT],
        ).fetchall()
        # Accepted by the platform and not judged yet: the next week's run proves whether it took effect.
        assert recorded == ["reject-comment", "review-app", "accepted", None]
        assert requested_by.endswith(f"({REVIEWER})")  # the provider's name for them, beside the identity
        deleted = con.execute(
            "SELECT action, via, outcome, verification FROM dpo.remediations WHERE key = ?", [FACEBOOK_POST]
        ).fetchall()
        assert deleted == [("delete-page-post", "review-app", "accepted", None)]
        stored = con.execute("SELECT identity, action, object FROM audit.access_log").fetchall()
    finally:
        con.close()
    entries = stored + [(e.identity, e.action, e.object) for e in access_log.pending(db)]
    assert entries.count((REVIEWER, "remediate", COMMENT)) == 2  # requested, then YouTube's answer
