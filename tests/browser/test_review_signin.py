"""In Chromium, through a real OpenID Connect provider started here: a reviewer signs in, records a decision, and
finds it under the identity the provider vouched for; the access log holds each view and the decision with that
identity; someone the provider signs in but the school never granted sees no pupil data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboards.access import Grant, OidcSettings, ReviewAppSettings
from dashboards.review_app import create_app
from tests.builders.findings import PUPIL_FOLLOWER, STAFF_FOLLOWER, one_run
from tests.builders.oidc import Provider, oidc_provider, sign_in_at_the_provider
from tests.builders.ports import free_port
from tests.builders.served_app import served
from tests.builders.warehouse import migrated_warehouse
from warehouse.db import connect
from warehouse.privacy import access_log

REVIEWER = "robin.ames@tinylane.example"
STRANGER = "someone@elsewhere.example"


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The review app on 127.0.0.1, signing people in through the provider, over a warehouse after one run."""
    root = tmp_path_factory.mktemp("signin")
    db = migrated_warehouse(root / "warehouse.duckdb")
    one_run(connect(db), db, (PUPIL_FOLLOWER, STAFF_FOLLOWER))
    port = free_port()
    with oidc_provider([f"http://127.0.0.1:{port}/signin/callback"], root / "provider.log") as provider:
        app = create_app(db, app_settings(provider, root), client_secret=provider.client_secret)
        with served(app, port) as url:
            yield url, db


def app_settings(provider: Provider, root: Path) -> ReviewAppSettings:
    return ReviewAppSettings(
        accounts_file=str(root / "no-local-accounts.json"),
        oidc=OidcSettings(issuer=provider.issuer, client_id=provider.client_id, label="Tiny Lane account"),
        grants=(Grant("reviewer", (REVIEWER,)),),
    )


def test_a_reviewer_signs_in_through_the_provider_and_decides_under_that_identity(
    browser: Any, signed_in_app: tuple[str, Path]
) -> None:
    url, db = signed_in_app
    context = browser.new_context()
    page = context.new_page()
    sign_in_at_the_provider(page, url, REVIEWER)
    assert page.locator("#identity").inner_text() == REVIEWER
    cookie = next(c for c in context.cookies() if c["name"] == "__Host-socialaudit")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"

    page.get_by_role("link", name=f"Review and history of {PUPIL_FOLLOWER.key}").click()
    assert page.get_by_text(f"Recorded as {REVIEWER}").is_visible()
    page.get_by_label("Note: why").fill("Spoke to the family: the account is closed this week")
    page.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_role("status").inner_text() == "Decision recorded."
    assert page.locator("#status").inner_text() == "acknowledged"
    assert REVIEWER in page.locator("section, main").first.inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{url}/")
    assert "/signin" in page.url and PUPIL_FOLLOWER.subject_label not in page.content()
    context.close()

    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT reviewer, decision, source FROM audit.reviews").fetchall() == [
            (REVIEWER, "acknowledge", "review-app")
        ]
        stored = con.execute("SELECT identity, action, object, origin FROM audit.access_log").fetchall()
    finally:
        con.close()
    entries = stored + [(e.identity, e.action, e.object, e.origin) for e in access_log.pending(db)]
    mine = [(action, obj) for identity, action, obj, _ in entries if identity == REVIEWER]
    assert ("view", PUPIL_FOLLOWER.key) in mine and ("decide", PUPIL_FOLLOWER.key) in mine
    assert sum(action == "list" for action, _ in mine) >= 1
    assert all(origin == "127.0.0.1" for identity, _, _, origin in entries if identity == REVIEWER)


def test_someone_signed_in_but_not_granted_sees_no_pupil_data(
    browser: Any, signed_in_app: tuple[str, Path]
) -> None:
    url, _ = signed_in_app
    context = browser.new_context()
    page = context.new_page()
    sign_in_at_the_provider(page, url, STRANGER)
    assert page.get_by_role("heading", name="No access").is_visible()
    for path in ("/", f"/exception?key={PUPIL_FOLLOWER.key}", "/access-log"):
        page.goto(f"{url}{path}")
        html = page.content()
        assert PUPIL_FOLLOWER.subject_label not in html and STAFF_FOLLOWER.subject_label not in html, path
    context.close()
