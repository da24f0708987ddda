"""What a stranger and a careless client send the review app, asked over a socket of the served app (uvicorn, as
`socialaudit review-app` serves it): a stranger's form, malformed, multipart, oversized or missing what the route
expects, is refused before it is read; a signed-in person's body over the route's limit, declared or streamed
without a length, is refused and changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Message

from dashboards.request_gate import SMALL_BODY_BYTES
from dashboards.review_app import create_app
from tests.builders.findings import PUPIL_FOLLOWER, STAFF_FOLLOWER, one_run
from tests.builders.review_app import csrf_in, local_accounts, settings, signed_in
from tests.builders.served_app import served
from tests.builders.warehouse import migrated_warehouse
from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.snapshot import open_snapshot

POSTS = ("/review", "/remediate", "/check-post", "/approve-post")
PUPIL_DATA = tuple(
    str(v)
    for v in (PUPIL_FOLLOWER.subject_id, PUPIL_FOLLOWER.subject_label, STAFF_FOLLOWER.subject_label, "P0001")
)


@pytest.fixture
def school(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    db = migrated_warehouse(tmp_path / "warehouse.duckdb")
    db = one_run(connect(db), db, (PUPIL_FOLLOWER, STAFF_FOLLOWER))
    return db, local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")


@pytest.fixture
def url(school: tuple[Path, Path]) -> Iterator[str]:
    db, accounts_file = school
    with served(create_app(db, settings(accounts_file), accounts_file=accounts_file)) as base:
        yield base


def reviews(db: Path) -> int:
    reader = open_snapshot(db)
    try:
        row = reader.execute("SELECT count(*) FROM audit.reviews").fetchone()
        return int(row[0]) if row else 0
    finally:
        reader.close()


def test_a_strangers_form_is_refused_whatever_it_holds(url: str, school: tuple[Path, Path]) -> None:
    bodies: list[dict[str, Any]] = [
        {},  # none of the fields the route expects
        {"content": b"\xff\xfe garbage", "headers": {"content-type": "application/x-www-form-urlencoded"}},
        {
            "content": b"--zz\r\nnot multipart",
            "headers": {"content-type": "multipart/form-data; boundary=zz"},
        },
        {"files": {"images": ("a.jpg", b"\xff\xd8\xff" + b"x" * (2 * 1024 * 1024))}, "data": {"key": "k"}},
        {
            "data": {
                "key": PUPIL_FOLLOWER.key,
                "decision": "acknowledge",
                "note": "n" * (SMALL_BODY_BYTES * 2),
            }
        },
    ]
    with httpx.Client(base_url=url) as stranger:
        for path in POSTS:
            for body in bodies:
                answer = stranger.post(path, **body)
                assert answer.status_code == 403, (path, answer.status_code, answer.text[:200])
                assert not any(value in answer.text for value in PUPIL_DATA)
                assert "Field required" not in answer.text and "multipart" not in answer.text
        # A page asked for without what it expects goes to the sign-in page like any other.
        for path in ("/exception", "/post-check", "/review", "/remediate", "/no-such-page"):
            answer = stranger.get(path)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/signin"), path
    assert reviews(school[0]) == 0


def test_a_strangers_body_is_never_read(school: tuple[Path, Path]) -> None:
    """At the app itself: the gate answers before asking for a single byte of the body."""
    db, accounts_file = school
    app = create_app(db, settings(accounts_file), accounts_file=accounts_file)
    asked: list[str] = []
    sent: list[Message] = []

    async def receive() -> Message:
        asked.append("the body")
        return {"type": "http.request", "body": b"key=k&decision=acknowledge", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    for path in POSTS:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"content-length", b"10000000"),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8765),
        }
        asyncio.run(app(scope, receive, send))
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [403] * len(POSTS)
    assert asked == []


def test_a_signed_in_body_over_the_routes_limit_is_refused_and_changes_nothing(
    url: str, school: tuple[Path, Path]
) -> None:
    db = school[0]
    lead, token = signed_in(url, "dsl1")
    form = {"key": STAFF_FOLLOWER.key, "decision": "acknowledge", "csrf_token": token}
    declared = lead.post(
        "/review", data={**form, "note": "n" * (SMALL_BODY_BYTES + 1)}, headers={"Origin": url}
    )
    assert declared.status_code == 413

    def streamed() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it arrives
        yield "&".join(f"{k}={v}" for k, v in form.items()).encode()
        for _ in range(SMALL_BODY_BYTES // 1024 + 2):
            yield b"&note=" + b"n" * 1024

    chunked = lead.post(
        "/review",
        content=streamed(),
        headers={"Origin": url, "content-type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413
    for path in ("/approve-post", "/remediate"):
        answer = lead.post(path, data={**form, "note": "n" * (SMALL_BODY_BYTES + 1)}, headers={"Origin": url})
        assert answer.status_code == 413, path
    assert reviews(db) == 0
    # Within the limit, the same person's form is taken.
    taken = lead.post("/review", data={**form, "note": "n"}, headers={"Origin": url})
    assert taken.status_code == 303 and reviews(db) == 1


def test_a_forged_forwarded_address_is_not_what_the_access_log_records(
    url: str, school: tuple[Path, Path]
) -> None:
    """Served as `socialaudit review-app` serves it, with no trusted proxy: a local client writing
    X-Forwarded-For (and -Proto) is logged at the address it connected from, for a failed sign-in and a decision."""
    db = school[0]
    forged = {"X-Forwarded-For": "198.51.100.66", "X-Forwarded-Proto": "https", "Origin": url}
    with httpx.Client(base_url=url) as guesser:
        page = guesser.get("/signin", headers=forged)
        guesser.cookies = httpx.Cookies(dict(page.cookies))
        wrong = {
            "name": "dee",
            "password": "wrong password, long",
            "csrf_token": csrf_in(page.text),
            "next": "/",
        }
        assert guesser.post("/signin", data=wrong, headers=forged).status_code == 401
    lead, token = signed_in(url, "dsl1")
    form = {"key": STAFF_FOLLOWER.key, "decision": "acknowledge", "note": "n", "csrf_token": token}
    assert lead.post("/review", data=form, headers=forged).status_code == 303
    reader = open_snapshot(db)
    try:
        stored = reader.execute("SELECT action, origin FROM dpo.access_log").fetchall()
    finally:
        reader.close()
    entries = [*stored, *((e.action, e.origin) for e in access_log.pending(db))]
    assert {"sign-in-failed", "decide"} <= {action for action, _ in entries}
    assert {origin for _, origin in entries} == {"127.0.0.1"}
