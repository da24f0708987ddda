"""The review app, signed in: lists from the snapshot, escapes platform text, records decisions under the signed-in
identity, safely and without collisions; what each role may see and decide; a second person for a critical one."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient

from checks.rules import rule_by_id
from dashboards.review_app import create_app
from tests.builders.findings import (
    AS_OF,
    CONSENT_BREACH,
    PUPIL_FOLLOWER,
    STAFF_FOLLOWER,
    UNAPPROVED_VIDEO,
    one_run,
    variant,
)
from tests.builders.locks import warehouse_held
from tests.builders.review_app import csrf_in, local_accounts, settings, sign_in
from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.reviews import record_policy
from warehouse.snapshot import open_snapshot

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://evil","x")'
HOSTILE = variant(
    PUPIL_FOLLOWER, "1600000000000000010", subject_label=SCRIPT, evidence=HYPERLINK + " " + SCRIPT
)
# Critical about a person and what they did (no rule raises one today): the safeguarding lead's and the DPO's only.
ABOUT_A_PERSON = variant(
    PUPIL_FOLLOWER, "1600000000000000077", severity="critical", subject_label="@critical_person"
)
BASE = "https://127.0.0.1:8765"


@pytest.fixture
def app_db(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """A warehouse after one run (acceptances up to 60 days), with its read-only snapshot published."""
    record_policy(con, 60, AS_OF)
    return one_run(
        con,
        db_path,
        (PUPIL_FOLLOWER, STAFF_FOLLOWER, UNAPPROVED_VIDEO, HOSTILE, CONSENT_BREACH, ABOUT_A_PERSON),
    )


@pytest.fixture
def make_client(app_db: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    accounts_file = local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")
    app = create_app(app_db, settings(accounts_file), write_timeout=20)

    def signed_in(name: str) -> TestClient:
        client = TestClient(app, base_url=BASE)
        assert sign_in(client, name).status_code == 303
        return client

    return signed_in


@pytest.fixture
def client(make_client) -> TestClient:  # type: ignore[no-untyped-def]
    return make_client("dsl1")


def decide(client: TestClient, key: str, decision: str, **fields: str) -> httpx.Response:
    token = csrf_in(client.get("/").text)
    data = {"key": key, "decision": decision, "note": "checked", "csrf_token": token, **fields}
    return client.post("/review", data=data, headers={"Origin": BASE}, follow_redirects=False)


def statuses(db: Path) -> dict[str, str]:
    reader = open_snapshot(db)
    try:
        return dict(reader.execute("SELECT key, status FROM audit.exceptions").fetchall())
    finally:
        reader.close()


def logged(db: Path) -> list[tuple[str, str, str | None]]:
    """(identity, action, object) of every access-log entry, in the warehouse or still in the spool."""
    con = connect(db, read_only=True)
    try:
        stored = con.execute(
            "SELECT identity, action, object FROM audit.access_log ORDER BY accessed_at"
        ).fetchall()
    finally:
        con.close()
    return [*stored, *((e.identity, e.action, e.object) for e in access_log.pending(db))]


def test_the_list_filters_escapes_and_charts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;http://evil&#34;" in html or "&quot;http://evil&quot;" in html
    assert html.count("<svg") == 2
    for finding in (PUPIL_FOLLOWER, STAFF_FOLLOWER, UNAPPROVED_VIDEO, CONSENT_BREACH):
        assert finding.subject_id in html
    only_staff = client.get("/", params={"rule": "staff-personal-follower"}).text
    assert STAFF_FOLLOWER.subject_id in only_staff and PUPIL_FOLLOWER.subject_id not in only_staff
    by_platform = client.get("/", params=[("platform", "youtube"), ("severity", "high")]).text
    assert UNAPPROVED_VIDEO.subject_id in by_platform and STAFF_FOLLOWER.subject_id not in by_platform


def test_a_decision_is_recorded_under_the_signed_in_identity(make_client, app_db: Path) -> None:  # type: ignore[no-untyped-def]
    sam = make_client("sam")
    detail = sam.get("/exception", params={"key": PUPIL_FOLLOWER.key})
    assert detail.status_code == 200 and "Recorded as <strong>local:sam</strong>" in detail.text
    assert 'name="by"' not in detail.text  # nobody types who they are
    answer = decide(
        sam, PUPIL_FOLLOWER.key, "accept", until="2026-12-31", note="Parent's managed account", by="x"
    )
    assert answer.status_code == 303
    assert statuses(app_db)[PUPIL_FOLLOWER.key] == "accepted"
    shown = sam.get(answer.headers["location"]).text
    assert "Decision recorded." in shown and "Parent&#39;s managed account" in shown and "review-app" in shown
    assert re.search(r"<td>reviewed</td><td>accepted</td><td>local:sam</td>", shown)
    con = connect(app_db, read_only=True)
    try:
        assert con.execute("SELECT reviewer, os_user, seconded_by FROM audit.reviews").fetchall() == [
            ("local:sam", None, None)
        ]
    finally:
        con.close()
    entries = logged(app_db)
    assert ("local:sam", "view", PUPIL_FOLLOWER.key) in entries
    assert ("local:sam", "decide", PUPIL_FOLLOWER.key) in entries


@pytest.mark.parametrize(("token", "origin"), [("", BASE), ("wrong", BASE), (None, "https://evil.example")])
def test_forged_posts_are_refused(client: TestClient, app_db: Path, token: str | None, origin: str) -> None:
    real = csrf_in(client.get("/").text)
    answer = client.post(
        "/review",
        data={
            "key": PUPIL_FOLLOWER.key,
            "decision": "false-positive",
            "note": "n",
            "csrf_token": real if token is None else token,
        },
        headers={"Origin": origin},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert statuses(app_db)[PUPIL_FOLLOWER.key] == "new"


def test_a_token_from_another_session_is_refused(make_client, app_db: Path) -> None:  # type: ignore[no-untyped-def]
    """CSRF tokens belong to a session: one person's page token does not work in another's session."""
    sams_token = csrf_in(make_client("sam").get("/").text)
    other = make_client("sam")  # the same person, signed in again: a new session, a new token
    answer = other.post(
        "/review",
        data={"key": PUPIL_FOLLOWER.key, "decision": "acknowledge", "note": "n", "csrf_token": sams_token},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert answer.status_code == 403 and statuses(app_db)[PUPIL_FOLLOWER.key] == "new"


def test_bad_decisions_say_why_and_record_nothing(client: TestClient, app_db: Path) -> None:
    answer = decide(client, STAFF_FOLLOWER.key, "accept")
    assert answer.status_code == 400 and "needs an expiry date" in answer.text
    assert decide(client, STAFF_FOLLOWER.key, "accept", until="31/12/2026").status_code == 400
    assert decide(client, "no-such-key", "acknowledge").status_code == 404
    too_long = decide(client, STAFF_FOLLOWER.key, "accept", until="2027-06-30")
    assert (
        too_long.status_code == 400 and "at most 60 days" in too_long.text and "2027-01-12" in too_long.text
    )
    assert 'max="2027-01-12"' in client.get("/exception", params={"key": STAFF_FOLLOWER.key}).text
    assert statuses(app_db)[STAFF_FOLLOWER.key] == "new"
    assert client.get("/exception", params={"key": "no-such-key"}).status_code == 404


@pytest.mark.slow
def test_each_role_sees_and_decides_what_it_may(make_client, app_db: Path) -> None:  # type: ignore[no-untyped-def]
    viewer, reviewer, dpo = make_client("vic"), make_client("sam"), make_client("dee")
    # A viewer reads no safeguarding-critical exception (critical, or high about a pupil: warehouse/safeguarding.py).
    listed = viewer.get("/").text
    assert STAFF_FOLLOWER.subject_id in listed and "4 safeguarding-critical exceptions" in listed
    for hidden in (PUPIL_FOLLOWER, CONSENT_BREACH, ABOUT_A_PERSON):
        assert hidden.subject_id not in listed
        assert viewer.get("/exception", params={"key": hidden.key}).status_code == 404
        assert decide(viewer, hidden.key, "acknowledge").status_code == 404
    # The ETL must take down the school's own post picturing a pupil without consent: they read it, act on it and
    # acknowledge it; closing it stays with the safeguarding lead (two of them). A critical exception about a
    # person is not theirs to act on, so not theirs to read.
    listed = reviewer.get("/").text
    assert PUPIL_FOLLOWER.subject_id in listed and CONSENT_BREACH.subject_id in listed
    assert ABOUT_A_PERSON.subject_id not in listed and "1 safeguarding-critical exception" in listed
    assert reviewer.get("/exception", params={"key": ABOUT_A_PERSON.key}).status_code == 404
    assert decide(reviewer, ABOUT_A_PERSON.key, "acknowledge").status_code == 404
    breach = reviewer.get("/exception", params={"key": CONSENT_BREACH.key}).text
    assert 'value="acknowledge"' in breach and 'value="accept"' not in breach
    assert 'value="false-positive"' not in breach and "the safeguarding lead's decision" in breach
    assert decide(reviewer, CONSENT_BREACH.key, "accept", until="2026-12-01").status_code == 403
    assert decide(reviewer, CONSENT_BREACH.key, "false-positive").status_code == 403
    assert statuses(app_db)[CONSENT_BREACH.key] == "new"
    assert decide(reviewer, CONSENT_BREACH.key, "acknowledge").status_code == 303
    assert statuses(app_db)[CONSENT_BREACH.key] == "acknowledged"
    # A high exception about a pupil is closed by the ETL; nobody but the DPO reads the access log.
    assert 'value="false-positive"' in reviewer.get("/exception", params={"key": PUPIL_FOLLOWER.key}).text
    for person in (viewer, reviewer):
        assert person.get("/access-log").status_code == 404
    assert 'action="/review"' not in viewer.get("/exception", params={"key": STAFF_FOLLOWER.key}).text
    assert decide(viewer, STAFF_FOLLOWER.key, "acknowledge").status_code == 403
    assert ABOUT_A_PERSON.subject_id in dpo.get("/").text
    assert decide(dpo, PUPIL_FOLLOWER.key, "acknowledge").status_code == 403
    assert statuses(app_db)[PUPIL_FOLLOWER.key] == "new" and statuses(app_db)[ABOUT_A_PERSON.key] == "new"
    log_page = dpo.get("/access-log")
    assert log_page.status_code == 200 and "local:vic" in log_page.text and "denied" in log_page.text
    assert ("local:vic", "denied", PUPIL_FOLLOWER.key) in logged(app_db)
    assert ("local:sam", "denied", CONSENT_BREACH.key) in logged(app_db)


def test_closing_a_critical_exception_needs_a_second_person(make_client, app_db: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = make_client("dsl1"), make_client("dsl2")
    proposed = decide(
        first, CONSENT_BREACH.key, "accept", until="2026-12-31", note="Consent re-given in writing"
    )
    assert proposed.status_code == 303 and proposed.headers["location"].endswith("done=proposed")
    assert statuses(app_db)[CONSENT_BREACH.key] == "new"  # still on the report
    page = first.get(proposed.headers["location"]).text
    assert "second person must confirm" in page and "local:dsl1 proposed to accept until 2026-12-31" in page
    again = decide(first, CONSENT_BREACH.key, "accept", until="2026-12-31")
    assert again.status_code == 400 and "a second person must confirm it" in again.text
    different = decide(second, CONSENT_BREACH.key, "accept", until="2026-12-30")
    assert different.status_code == 400 and "confirm exactly that" in different.text
    confirmed = decide(second, CONSENT_BREACH.key, "accept", until="2026-12-31", note="Seen the signed form")
    assert confirmed.status_code == 303 and statuses(app_db)[CONSENT_BREACH.key] == "accepted"
    con = connect(app_db, read_only=True)
    try:
        assert con.execute(
            "SELECT reviewer, seconded_by, accepted_until::VARCHAR FROM audit.reviews"
        ).fetchall() == [("local:dsl1", "local:dsl2", "2026-12-31")]
        assert con.execute("SELECT count(*) FROM audit.pending_decisions").fetchone() == (0,)
    finally:
        con.close()
    entries = logged(app_db)
    assert ("local:dsl1", "proposal", CONSENT_BREACH.key) in entries
    assert ("local:dsl2", "decide", CONSENT_BREACH.key) in entries


def test_it_reads_and_writes_while_another_process_holds_the_warehouse(
    client: TestClient, app_db: Path
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from warehouse.db import connect; c = connect(sys.argv[1]);"
            " print('locked', flush=True); sys.stdin.readline(); c.close()",
            str(app_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(duckdb.IOException):
            connect(app_db).close()  # the weekly run would hold the warehouse just like this
        assert client.get("/").status_code == 200  # reads the snapshot, logs to the spool: no waiting
        assert holder.poll() is None  # answered while the lock was still held
        assert holder.stdin is not None
        threading.Timer(0.5, lambda: (holder.stdin.write("release\n"), holder.stdin.flush())).start()  # type: ignore[union-attr]
        answer = decide(client, UNAPPROVED_VIDEO.key, "acknowledge")
        assert answer.status_code == 303  # waited for the lock, then wrote
    finally:
        holder.wait(timeout=30)
    assert statuses(app_db)[UNAPPROVED_VIDEO.key] == "acknowledged"


def test_no_snapshot_yet(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    accounts_file = local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")
    empty = TestClient(create_app(tmp_path / "none.duckdb", settings(accounts_file)), base_url=BASE)
    assert sign_in(empty, "sam").status_code == 303
    page = empty.get("/")
    assert page.status_code == 503 and "run the weekly audit first" in page.text


@pytest.mark.slow
def test_a_lock_held_too_long_keeps_the_note_and_says_when_to_retry(
    app_db: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    accounts_file = local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")
    impatient = TestClient(create_app(app_db, settings(accounts_file), write_timeout=0.5), base_url=BASE)
    assert sign_in(impatient, "sam").status_code == 303
    with warehouse_held(app_db, 3):
        answer = decide(impatient, UNAPPROVED_VIDEO.key, "acknowledge", note="spoke to the head of PE")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "60"
    assert "is busy" in answer.text and "try again in a few minutes" in answer.text
    assert "spoke to the head of PE</textarea>" in answer.text  # the note is kept
    assert "Could not set lock" not in answer.text
    assert statuses(app_db)[UNAPPROVED_VIDEO.key] != "acknowledged"


@pytest.mark.slow
def test_a_viewer_reads_no_safeguarding_critical_exception_on_any_route(make_client, app_db: Path) -> None:  # type: ignore[no-untyped-def]
    """As a direct HTTP client signed in as a viewer: every GET route the app has, asked about every exception that
    is safeguarding-critical by the one definition the DSL's e-mail uses (critical, or high about a pupil), in any
    format, answers nothing that names the subject or its evidence."""
    from fastapi.routing import APIRoute

    from dashboards.summary_email import ReportReference, build_messages
    from warehouse.safeguarding import row_is_safeguarding_critical

    reader = open_snapshot(app_db)
    try:
        cursor = reader.execute("SELECT * FROM audit.exceptions")
        names = [d[0] for d in cursor.description]
        every = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        reader.close()
    hidden = [row for row in every if row_is_safeguarding_critical(row)]
    assert {row["key"] for row in hidden} == {
        PUPIL_FOLLOWER.key,
        HOSTILE.key,
        CONSENT_BREACH.key,
        ABOUT_A_PERSON.key,
    }
    # The DSL hears of exactly these: the app's term and the e-mail's are one.
    messages = build_messages(
        "Tiny Lane",
        AS_OF,
        every,
        [],
        ReportReference("report.html"),
        "a@school",
        ["etl@school"],
        "dsl@school",
    )
    dsl_copy = messages[-1].get_content()
    assert all(row["key"] in dsl_copy for row in hidden)
    viewer = make_client("vic")
    app = viewer.app
    paths = sorted({r.path for r in app.routes if isinstance(r, APIRoute) and "GET" in (r.methods or set())})
    assert {"/", "/exception", "/access-log"} <= set(paths)
    secrets_of = [(row["key"], row["subject_id"], row["evidence"]) for row in hidden]
    for path in paths:
        for key, subject_id, evidence in secrets_of:
            for params in (
                {"key": key},
                {"key": key, "format": "json"},
                {"key": key, "format": "csv"},
                {"status": "all", "severity": ["critical", "high"], "format": "csv"},
                {"status": "all", "rule": PUPIL_FOLLOWER.rule},
            ):
                answer = viewer.get(path, params=params, headers={"Accept": "application/json, text/csv"})
                body = answer.text
                assert subject_id not in body and evidence not in body, (path, params, answer.status_code)


def test_the_detail_cites_the_policy_the_run_recorded_for_its_rule(client: TestClient) -> None:
    """The clause is meta.rules' (the school's own when school.toml names it; here the general basis)."""
    detail = html.unescape(client.get("/exception", params={"key": PUPIL_FOLLOWER.key}).text)
    assert rule_by_id("pupil-follower").general_basis in detail
