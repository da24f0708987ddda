"""The "Check a post" routes probed over a socket of the served app, as a careless poster and a stranger to a school
would: another poster's check, an approval without the session's token or with another session's, replayed, of a
check that does not exist, and every route asked of a school in the trust the person has no grant for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from dashboards.access import Grant
from dashboards.review_app import create_app
from tests.builders.findings import PUPIL_FOLLOWER, one_run
from tests.builders.review_app import local_accounts, settings
from tests.builders.review_app import signed_in as signed_in_to
from tests.builders.served_app import served
from tests.builders.warehouse import migrated_warehouse
from warehouse import post_checks
from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.snapshot import open_snapshot, publish_snapshot

# sam and dsl2 post for school A, dsl1 approves there; vic approves at school B only.
GRANTS = (
    Grant("poster", ("local:sam", "local:dsl2"), ("school-a",)),
    Grant("approver", ("local:dsl1",), ("school-a",)),
    Grant("approver", ("local:vic",), ("school-b",)),
)
DRAFT_TEXT = "Sports day with Alfie Price"


def checked(db: Path, by: str) -> str:
    """A draft `by` checked whose only finding is its own image not yet approved (approvable)."""
    con = connect(db)
    try:
        check_id = post_checks.record_check(
            con,
            checked_by=by,
            checked_identity=by,
            via="review-app",
            platform="x",
            text=DRAFT_TEXT,
            pupils_pictured=["P0001"],
            verdict="hold",
            findings=[
                {"rule": "unapproved-media", "severity": "high", "evidence": "not approved", "image": "a.jpg"}
            ],
            images=[],
        )
    finally:
        con.close()
    publish_snapshot(db)
    return check_id


@pytest.fixture
def schools(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for slug in ("school-a", "school-b"):
        db = migrated_warehouse(tmp_path / slug / "warehouse.duckdb")
        made[slug] = one_run(connect(db), db, (PUPIL_FOLLOWER,))
    return made


@pytest.fixture
def url(schools: dict[str, Path], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    accounts_file = local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")
    app = create_app(schools, replace(settings(accounts_file), grants=GRANTS), accounts_file=accounts_file)
    with served(app) as base:
        yield base


def signed_in(url: str, name: str) -> tuple[httpx.Client, str]:
    return signed_in_to(url, name, "/check-post", {"school": "school-a"})


def approvals(db: Path) -> int:
    reader = open_snapshot(db)
    try:
        row = reader.execute("SELECT count(*) FROM audit.post_approvals").fetchone()
        return int(row[0]) if row else 0
    finally:
        reader.close()


def denied(db: Path) -> list[tuple[str, str | None]]:
    return [(e.identity, e.object) for e in access_log.pending(db) if e.action == "denied"]


def test_another_posters_check_is_not_shown_and_the_attempt_is_logged(
    url: str, schools: dict[str, Path]
) -> None:
    db = schools["school-a"]
    sams = checked(db, "local:sam")
    sam, _ = signed_in(url, "sam")
    assert DRAFT_TEXT in sam.get("/post-check", params={"school": "school-a", "id": sams}).text
    other, _ = signed_in(url, "dsl2")
    answer = other.get("/post-check", params={"school": "school-a", "id": sams})
    nothing = other.get("/post-check", params={"school": "school-a", "id": "0123456789abcdef"})
    # The same answer whether it is someone else's or does not exist; only the first is an attempt to log.
    assert answer.status_code == nothing.status_code == 404 and DRAFT_TEXT not in answer.text
    assert ("local:dsl2", f"post-check:{sams}") in denied(db)
    assert all(obj != "post-check:0123456789abcdef" for _, obj in denied(db))


def test_an_approval_needs_this_sessions_token_once_and_an_existing_check(
    url: str, schools: dict[str, Path]
) -> None:
    db = schools["school-a"]
    check_id = checked(db, "local:sam")
    head, token = signed_in(url, "dsl1")
    _, others_token = signed_in(url, "sam")
    where = {"school": "school-a"}
    for form in ({"check_id": check_id}, {"check_id": check_id, "csrf_token": others_token}):
        refused = head.post("/approve-post", params=where, data=form, headers={"Origin": url})
        assert refused.status_code == 403
    assert approvals(db) == 0 and sum(who == "local:dsl1" for who, _ in denied(db)) == 2
    # A GET where a POST is expected does nothing.
    assert head.get("/approve-post", params={**where, "check_id": check_id}).status_code == 405
    form = {"check_id": check_id, "csrf_token": token}
    assert head.post("/approve-post", params=where, data=form, headers={"Origin": url}).status_code == 303
    replayed = head.post("/approve-post", params=where, data=form, headers={"Origin": url})
    assert replayed.status_code == 409 and "approved already" in replayed.text
    unknown = head.post(
        "/approve-post", params=where, data={**form, "check_id": "<b>no</b>"}, headers={"Origin": url}
    )
    assert unknown.status_code == 409 and "<b>no</b>" not in unknown.text
    assert approvals(db) == 1


def test_no_post_check_route_answers_for_a_school_without_a_grant(url: str, schools: dict[str, Path]) -> None:
    a_check = checked(schools["school-a"], "local:sam")
    b_check = checked(schools["school-b"], "local:someone-at-b")
    head, token = signed_in(url, "dsl1")  # approves at school A only
    elsewhere = {"school": "school-b"}
    answers = [
        head.get("/check-post", params={**elsewhere, "q": "alfie"}),
        head.get("/post-checks", params=elsewhere),
        head.get("/post-check", params={**elsewhere, "id": b_check}),
        head.post("/approve-post", params=elsewhere, data={"check_id": b_check, "csrf_token": token}),
        head.post(
            "/check-post", params=elsewhere, files={"text": (None, "hello"), "csrf_token": (None, token)}
        ),
        # School B's check asked for at school A finds nothing either.
        head.get("/post-check", params={"school": "school-a", "id": b_check}),
        head.post(
            "/approve-post", params={"school": "school-a"}, data={"check_id": b_check, "csrf_token": token}
        ),
        # Nor do the exception routes, whatever the form says.
        head.get("/exception", params={**elsewhere, "key": PUPIL_FOLLOWER.key}),
        head.get("/access-log", params=elsewhere),
        head.post(
            "/remediate",
            data={
                **elsewhere,
                "key": PUPIL_FOLLOWER.key,
                "action": "manual",
                "confirm": "yes",
                "csrf_token": token,
            },
        ),
        head.post(
            "/review",
            data={**elsewhere, "key": PUPIL_FOLLOWER.key, "decision": "acknowledge", "csrf_token": token},
        ),
    ]
    for answer in answers:
        assert answer.status_code in (404, 409), answer.request.url
        assert DRAFT_TEXT not in answer.text and "someone-at-b" not in answer.text
        assert str(PUPIL_FOLLOWER.subject_label) not in answer.text
    assert approvals(schools["school-b"]) == 0 and approvals(schools["school-a"]) == 0
    assert a_check


def test_an_approver_cannot_approve_a_draft_they_checked_themselves(
    url: str, schools: dict[str, Path]
) -> None:
    db = schools["school-a"]
    own = checked(db, "local:dsl1")
    head, token = signed_in(url, "dsl1")
    page = head.get("/post-check", params={"school": "school-a", "id": own})
    assert page.status_code == 200 and "another approver approves it" in page.text
    assert "Approve this draft" not in page.text
    refused = head.post(
        "/approve-post", params={"school": "school-a"}, data={"check_id": own, "csrf_token": token}
    )
    assert refused.status_code == 409 and "the same person cannot confirm it" in refused.text
    assert approvals(db) == 0
    assert any(who == "local:dsl1" and obj == own for who, obj in denied(db))
