"""The review app's actions on a finding: offered only where the rule and the recorded permission allow, shown with
their call, cost and whether they can be undone, sent only with a ticked confirmation and the app's CSRF token."""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from dashboards.review_app import create_app
from flows.commands.review_app import acting
from flows.config import load_config
from flows.remediation import Remediator
from tests.builders import remediation as build
from tests.builders.audits import append_toml
from tests.builders.findings import PUPIL_FOLLOWER
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import rows
from warehouse.db import connect
from warehouse.remediation_records import Actor
from warehouse.remediations import record_permission

TOKEN = "test-token-0123456789"
ORIGIN = "http://127.0.0.1:8765"


@pytest.fixture
def school(tmp_path: Path, migrated_template: Path) -> tuple[Path, Path]:
    dataset = build_tiny_dataset(tmp_path / "school")
    return dataset, build.week_with_exceptions(tmp_path / "w.duckdb", migrated_template)


def client_for(db: Path, dataset: Path | None) -> TestClient:
    act = acting(argparse.Namespace(config=None, sandbox=dataset, db=db)) if dataset else None
    return TestClient(create_app(db, token=TOKEN, write_timeout=10, act=act), base_url=ORIGIN)


def allow(db: Path, x_allowed: list[str]) -> None:
    """What doctor would have recorded of the school's X keys."""
    con = connect(db)
    try:
        record_permission(con, "x", build.POST.account_id, "read-write", x_allowed, "checked", "doctor")
    finally:
        con.close()
    from warehouse.snapshot import publish_snapshot

    publish_snapshot(db)


def act(client: TestClient, key: str, action: str, **fields: str) -> httpx.Response:
    data = {"key": key, "action": action, "csrf_token": TOKEN, "by": "Robin Ames", "note": "why", **fields}
    return client.post("/remediate", data=data, headers={"Origin": ORIGIN}, follow_redirects=False)


def page(client: TestClient, key: str) -> str:
    return client.get("/exception", params={"key": key}).text


def test_an_app_without_the_school_s_set_up_offers_no_action(school: tuple[Path, Path]) -> None:
    _, db = school
    client = client_for(db, None)
    assert "started without <code>--config</code>" in page(client, build.POST.key)
    refused = act(client, build.POST.key, "delete-post", confirm="yes")
    assert refused.status_code == 400 and "without --config or --sandbox" in refused.text


def test_only_what_the_recorded_permission_allows_is_offered(school: tuple[Path, Path]) -> None:
    dataset, db = school
    client = client_for(db, dataset)
    unchecked = page(client, build.POST.key)
    assert "run `socialaudit doctor`" in unchecked and 'value="delete-post"' not in unchecked
    assert 'value="manual"' in unchecked  # a step by hand needs no credentials
    allow(db, ["manual"])  # doctor found keys that cannot write
    assert 'value="delete-post"' not in page(client, build.POST.key)
    allow(db, ["delete-post", "hide-reply", "mute-account", "manual"])
    shown = page(client, build.POST.key)
    assert 'value="delete-post"' in shown and "(cannot be undone)" in shown
    assert "DELETE https://api.x.com/2/tweets/" in shown and "$0.015" in shown
    follower = page(client, PUPIL_FOLLOWER.key)
    assert 'value="mute-account"' in follower and 'value="delete-post"' not in follower
    assert "Remove this follower" in follower


def test_an_action_needs_the_token_and_a_ticked_confirmation(school: tuple[Path, Path]) -> None:
    dataset, db = school
    allow(db, ["delete-post", "manual"])
    client = client_for(db, dataset)
    forged = act(client, build.POST.key, "delete-post", confirm="yes", csrf_token="forged")
    assert forged.status_code == 403
    unticked = act(client, build.POST.key, "delete-post")
    assert unticked.status_code == 400 and "tick the box" in unticked.text
    assert build.journal(dataset) == []
    con = connect(db, read_only=True)
    try:
        assert rows(con, "SELECT * FROM audit.remediations") == []
    finally:
        con.close()


def test_a_confirmed_action_is_sent_recorded_and_not_offered_again(school: tuple[Path, Path]) -> None:
    dataset, db = school
    allow(db, ["delete-post", "manual"])
    client = client_for(db, dataset)
    sent = act(client, build.POST.key, "delete-post", confirm="yes")
    assert sent.status_code == 303 and "acted=1" in sent.headers["location"]
    after = client.get(sent.headers["location"]).text
    assert "Action taken and recorded" in after and "Done: accepted" in after
    assert 'name="action" value="delete-post"' not in after
    assert "Robin Ames (" in after  # the name typed, beside the accountable identity
    assert [e["post_ids"] for e in build.journal(dataset)] == [[build.POST.subject_id]]
    again = act(client, build.POST.key, "delete-post", confirm="yes")
    assert again.status_code == 303 and len(build.journal(dataset)) == 1


def test_a_refusal_is_shown_as_it_is_recorded(school: tuple[Path, Path]) -> None:
    dataset, db = school
    build.declare(dataset, x_permission="read")
    allow(db, ["delete-post", "manual"])  # recorded before the keys were changed
    client = client_for(db, dataset)
    refused = act(client, build.POST.key, "delete-post", confirm="yes")
    assert refused.status_code == 409 and "refused before anything was sent" in refused.text
    assert "Not recorded" not in refused.text and build.journal(dataset) == []
    assert 'value="delete-post"' not in page(client, build.POST.key)  # the refusal updated what is offered


def test_an_irreversible_action_asked_in_the_app_waits_for_a_known_second_person(
    school: tuple[Path, Path],
) -> None:
    dataset, db = school
    append_toml(dataset, "[remediation]\nsecond_person = true")
    allow(db, ["delete-post", "manual"])
    client = client_for(db, dataset)
    waiting = act(client, build.POST.key, "delete-post", confirm="yes")
    assert waiting.status_code == 409 and "second person" in waiting.text and build.journal(dataset) == []
    shown = page(client, build.POST.key)
    assert "waits for a second person" in shown and "as another user" in shown
    assert 'name="action" value="delete-post"' not in shown  # nobody known can confirm it here
    second = Remediator(db, load_config(dataset / "school.toml"), sandbox=True, timeout_seconds=10)
    done = second.act(
        build.POST.key, "delete-post", Actor("bob", "Bob Head", "cli"), None, lambda plan, ok: True
    )
    assert done.done and len(build.journal(dataset)) == 1
