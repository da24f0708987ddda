"""The review app's actions on a finding, through a direct HTTP client (httpx): offered only where the rule and the
recorded permission allow, shown with their call, cost and whether they can be undone, and sent only for a
signed-in person whose role acts, with the session's CSRF token and a ticked confirmation; taken as that person, in
the access log, and confirmed by a different signed-in person where school.toml asks for a second."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from dashboards.review_app import create_app
from tests.builders import remediation as build
from tests.builders.audits import append_toml
from tests.builders.findings import PUPIL_FOLLOWER
from tests.builders.review_app import csrf_in, local_accounts, settings, sign_in
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import rows
from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.remediation.ledger import record_permission

BASE = "https://127.0.0.1:8765"


@pytest.fixture
def school(tmp_path: Path, migrated_template: Path) -> tuple[Path, Path]:
    dataset = build_tiny_dataset(tmp_path / "school")
    return dataset, build.week_with_exceptions(tmp_path / "w.duckdb", migrated_template)


@pytest.fixture
def accounts(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")


def client_for(db: Path, dataset: Path | None, accounts: Path, name: str | None = "sam") -> TestClient:
    """A client of the app acting through the sandbox serving `dataset` (none: the app cannot act), signed in as
    `name` (None: nobody)."""
    guarded = settings(accounts)
    if dataset is None:
        app = create_app(db, guarded, write_timeout=10)
    else:
        app = build.acting_app(db, dataset, guarded, write_timeout=10)
    client = TestClient(app, base_url=BASE)
    if name is not None:
        assert sign_in(client, name).status_code == 303
    return client


def allow(db: Path, x_allowed: list[str]) -> None:
    """What doctor would have recorded of the school's X keys."""
    con = connect(db)
    try:
        record_permission(con, "x", build.POST.account_id, "read-write", x_allowed, "checked", "doctor")
    finally:
        con.close()
    from warehouse.snapshot import publish_snapshot

    publish_snapshot(db)


def act(client: TestClient, key: str, action: str, token: str | None = None, **fields: str) -> httpx.Response:
    """The action's form posted as a browser would (the session's token unless `token` is given); a form field
    naming someone else changes nothing (who acts is the session's)."""
    if token is None:
        token = csrf_in(client.get("/").text)
    data = {
        "key": key,
        "action": action,
        "csrf_token": token,
        "note": "why",
        "by": "The Headteacher",
        **fields,
    }
    return client.post("/remediate", data=data, headers={"Origin": BASE}, follow_redirects=False)


def page(client: TestClient, key: str) -> str:
    return client.get("/exception", params={"key": key}).text


def remediations(db: Path) -> list[dict[str, object]]:
    con = connect(db, read_only=True)
    try:
        return rows(con, "SELECT * FROM audit.remediations ORDER BY recorded_at")
    finally:
        con.close()


def logged(db: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(identity, action, object, detail) of every access-log entry, in the warehouse or still in the spool."""
    con = connect(db, read_only=True)
    try:
        stored = con.execute("SELECT identity, action, object, detail FROM audit.access_log").fetchall()
    finally:
        con.close()
    return [*stored, *((e.identity, e.action, e.object, e.detail) for e in access_log.pending(db))]


def test_an_app_without_the_school_s_set_up_offers_no_action(
    school: tuple[Path, Path], accounts: Path
) -> None:
    _, db = school
    client = client_for(db, None, accounts)
    assert "without its <code>school.toml</code>" in page(client, build.POST.key)
    refused = act(client, build.POST.key, "delete-post", confirm="yes")
    assert refused.status_code == 409 and "nothing was done" in refused.text
    assert remediations(db) == []


def checks(db: Path) -> list[tuple[str, str, str]]:
    """(checked_by, allowed, detail) of every recorded check of the accounts' credentials, oldest first."""
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT checked_by, allowed, detail FROM audit.action_permissions ORDER BY checked_at"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_the_credentials_are_checked_on_first_use_and_only_what_they_allow_is_offered(
    school: tuple[Path, Path], accounts: Path
) -> None:
    """No doctor run: the first person who may act and opens an exception has the account's permissions asked of
    the platform (the sandbox, through the plug-in's check) and recorded; a fresh answer is not asked again, a day-old
    one is, and someone who may not act never causes a check."""
    dataset, db = school
    for who in ("vic", "dee"):
        page(client_for(db, dataset, accounts, who), build.POST.key)
    assert checks(db) == []
    client = client_for(db, dataset, accounts)
    shown = page(client, build.POST.key)
    assert [by for by, _, _ in checks(db)] == ["review-app"]
    assert "read-write" in checks(db)[0][2]
    assert 'value="delete-post"' in shown and "(cannot be undone)" in shown
    assert "DELETE https://api.twitter.com/2/tweets/" in shown and "$0.015" in shown
    assert "Taken as <strong>local:sam</strong>" in shown
    follower = page(client, PUPIL_FOLLOWER.key)
    assert 'value="mute-account"' in follower and 'value="delete-post"' not in follower
    assert "Remove this follower" in follower
    allow(db, ["manual"])  # a fresh answer: keys that cannot write
    unchecked = page(client, build.POST.key)
    assert len(checks(db)) == 2 and 'value="delete-post"' not in unchecked
    assert 'value="manual"' in unchecked  # a step by hand needs no credentials
    con = connect(db)
    try:
        con.execute("UPDATE audit.action_permissions SET checked_at = checked_at - INTERVAL 2 DAY")
    finally:
        con.close()
    from warehouse.snapshot import publish_snapshot

    publish_snapshot(db)
    assert 'value="delete-post"' in page(client, build.POST.key)
    assert len(checks(db)) == 3


def test_keys_that_cannot_write_are_found_on_first_use(
    tmp_path: Path, migrated_template: Path, accounts: Path
) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    build.declare(dataset, x_permission="read")
    db = build.week_with_exceptions(tmp_path / "w.duckdb", migrated_template)
    shown = page(client_for(db, dataset, accounts), build.POST.key)
    assert 'value="delete-post"' not in shown and "regenerate the access token" in shown
    assert [by for by, _, _ in checks(db)] == ["review-app"]


@pytest.mark.parametrize("who", [None, "vic", "dee"])
def test_nobody_signed_in_a_viewer_or_the_dpo_is_refused_and_nothing_is_sent(
    school: tuple[Path, Path], accounts: Path, who: str | None
) -> None:
    """A direct client without a session, or signed in with a role that does not act: refused on the server, the
    form's token notwithstanding, and (for the signed-in) recorded as denied."""
    dataset, db = school
    allow(db, ["delete-post", "manual"])
    sams_token = csrf_in(client_for(db, dataset, accounts).get("/").text)
    client = client_for(db, dataset, accounts, who)
    if who is not None:
        shown = page(client, build.POST.key)
        assert "Act on it" not in shown and 'action="/remediate"' not in shown
    token = sams_token if who is None else csrf_in(client.get("/").text)
    refused = act(client, build.POST.key, "delete-post", token=token, confirm="yes")
    assert refused.status_code == 403
    assert str(build.POST.subject_label) not in refused.text
    assert build.journal(dataset) == [] and remediations(db) == []
    if who is not None:
        assert (
            f"local:{who}",
            "denied",
            build.POST.key,
            "remediate delete-post: not for this role",
        ) in logged(db)


def test_an_action_needs_the_session_s_token_and_a_ticked_confirmation(
    school: tuple[Path, Path], accounts: Path
) -> None:
    dataset, db = school
    allow(db, ["delete-post", "manual"])
    client = client_for(db, dataset, accounts)
    forged = act(client, build.POST.key, "delete-post", token="forged", confirm="yes")
    assert forged.status_code == 403
    other_session = csrf_in(client_for(db, dataset, accounts).get("/").text)
    assert act(client, build.POST.key, "delete-post", token=other_session, confirm="yes").status_code == 403
    unticked = act(client, build.POST.key, "delete-post")
    assert unticked.status_code == 400 and "tick the box" in unticked.text
    assert build.journal(dataset) == [] and remediations(db) == []


def test_a_confirmed_action_is_taken_as_the_signed_in_person_and_not_offered_again(
    school: tuple[Path, Path], accounts: Path
) -> None:
    dataset, db = school
    allow(db, ["delete-post", "manual"])
    client = client_for(db, dataset, accounts)
    sent = act(client, build.POST.key, "delete-post", confirm="yes")
    assert sent.status_code == 303 and "done=acted" in sent.headers["location"]
    after = client.get(sent.headers["location"]).text
    assert "Action taken and recorded" in after and "Done: accepted" in after
    assert 'name="action" value="delete-post"' not in after
    assert [e["post_ids"] for e in build.journal(dataset)] == [[build.POST.subject_id]]
    # Who acted is the session's person: the form's "by" field is not read.
    assert {(r["actor_identity"], r["via"]) for r in remediations(db)} == {("local:sam", "review-app")}
    assert "The Headteacher" not in after
    entries = [(i, a, o) for i, a, o, _ in logged(db)]
    assert entries.count(("local:sam", "remediate", build.POST.key)) == 2  # requested, then the answer
    again = act(client, build.POST.key, "delete-post", confirm="yes")
    assert again.status_code == 303 and len(build.journal(dataset)) == 1


def test_a_refusal_is_shown_as_it_is_recorded(school: tuple[Path, Path], accounts: Path) -> None:
    dataset, db = school
    build.declare(dataset, x_permission="read")
    allow(db, ["delete-post", "manual"])  # recorded before the keys were changed
    client = client_for(db, dataset, accounts)
    refused = act(client, build.POST.key, "delete-post", confirm="yes")
    assert refused.status_code == 409 and "refused before anything was sent" in refused.text
    assert "Not recorded" not in refused.text and build.journal(dataset) == []
    assert 'value="delete-post"' not in page(client, build.POST.key)  # the refusal updated what is offered
    assert ("local:sam", "remediate", build.POST.key, "delete-post: refused") in logged(db)


@pytest.mark.slow
def test_an_irreversible_action_waits_for_a_different_signed_in_person(
    school: tuple[Path, Path], accounts: Path
) -> None:
    dataset, db = school
    append_toml(dataset, "[remediation]\nsecond_person = true")
    allow(db, ["delete-post", "manual"])
    sam = client_for(db, dataset, accounts)
    waiting = act(sam, build.POST.key, "delete-post", confirm="yes")
    assert waiting.status_code == 303 and "done=waiting" in waiting.headers["location"]
    assert build.journal(dataset) == []
    shown = sam.get(waiting.headers["location"]).text
    assert "a second person must confirm it" in shown and "waits for a second person" in shown
    assert 'name="action" value="delete-post"' not in shown  # not for the person who asked
    again = act(sam, build.POST.key, "delete-post", confirm="yes")  # the same person, posting directly
    assert again.status_code == 409 and "the same person cannot confirm it" in again.text
    assert build.journal(dataset) == []
    assert any(i == "local:sam" and a == "remediate-refused" for i, a, _, _ in logged(db))

    dsl = client_for(db, dataset, accounts, "dsl1")
    offered = page(dsl, build.POST.key)
    assert "Confirm as the second person and send" in offered
    confirmed = act(dsl, build.POST.key, "delete-post", confirm="yes")
    assert confirmed.status_code == 303 and "done=acted" in confirmed.headers["location"]
    assert len(build.journal(dataset)) == 1
    steps = {r["stage"]: r["actor_identity"] for r in remediations(db)}
    assert steps == {"requested": "local:sam", "confirmed": "local:dsl1", "settled": "local:dsl1"}
