"""The review app: lists from the snapshot, escapes platform text, records decisions safely and without collisions."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient

from dashboards.review_app import create_app
from tests.builders.findings import (
    AS_OF,
    PUPIL_FOLLOWER,
    STAFF_FOLLOWER,
    UNAPPROVED_VIDEO,
    insert_exception,
    insert_rules,
    variant,
)
from tests.builders.locks import warehouse_held
from warehouse.db import connect
from warehouse.snapshot import open_snapshot, publish_snapshot

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://evil","x")'
HOSTILE = variant(
    PUPIL_FOLLOWER, "1600000000000000010", subject_label=SCRIPT, evidence=HYPERLINK + " " + SCRIPT
)
TOKEN = "test-token-0123456789"


@pytest.fixture
def app_db(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """A warehouse after one run, with its read-only snapshot published."""
    insert_rules(con)
    for finding in (PUPIL_FOLLOWER, STAFF_FOLLOWER, UNAPPROVED_VIDEO, HOSTILE):
        insert_exception(con, finding)
    con.execute(
        "INSERT INTO audit.runs VALUES (?, 'r1', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [AS_OF, datetime(2026, 11, 13, 6), datetime(2026, 11, 13, 6, 1)],
    )
    con.close()
    publish_snapshot(db_path)
    return db_path


@pytest.fixture
def client(app_db: Path) -> TestClient:
    return TestClient(create_app(app_db, token=TOKEN, write_timeout=20), base_url="http://127.0.0.1:8765")


def decide(client: TestClient, key: str, decision: str, **fields: str) -> httpx.Response:
    data = {
        "key": key,
        "decision": decision,
        "note": "checked",
        "by": "Sam (ETL)",
        "csrf_token": TOKEN,
        **fields,
    }
    return client.post(
        "/review", data=data, headers={"Origin": "http://127.0.0.1:8765"}, follow_redirects=False
    )


def statuses(db: Path) -> dict[str, str]:
    reader = open_snapshot(db)
    try:
        return dict(reader.execute("SELECT key, status FROM audit.exceptions").fetchall())
    finally:
        reader.close()


def test_the_list_filters_escapes_and_charts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;http://evil&#34;" in html or "&quot;http://evil&quot;" in html
    assert html.count("<svg") == 2
    for finding in (PUPIL_FOLLOWER, STAFF_FOLLOWER, UNAPPROVED_VIDEO):
        assert finding.subject_id in html
    only_staff = client.get("/", params={"rule": "staff-personal-follower"}).text
    assert STAFF_FOLLOWER.subject_id in only_staff and PUPIL_FOLLOWER.subject_id not in only_staff
    by_platform = client.get("/", params=[("platform", "youtube"), ("severity", "high")]).text
    assert UNAPPROVED_VIDEO.subject_id in by_platform and STAFF_FOLLOWER.subject_id not in by_platform


def test_a_decision_is_recorded_and_shown_in_the_history(client: TestClient, app_db: Path) -> None:
    detail = client.get("/exception", params={"key": PUPIL_FOLLOWER.key})
    assert detail.status_code == 200 and f'value="{TOKEN}"' in detail.text
    answer = decide(client, PUPIL_FOLLOWER.key, "accept", until="2026-12-31", note="Parent's managed account")
    assert answer.status_code == 303
    assert statuses(app_db)[PUPIL_FOLLOWER.key] == "accepted"
    shown = client.get(answer.headers["location"]).text
    assert "Decision recorded." in shown and "Parent&#39;s managed account" in shown and "review-app" in shown
    assert re.search(r"<td>reviewed</td><td>accepted</td><td>Sam \(ETL\)</td>", shown)


@pytest.mark.parametrize(
    ("token", "origin"),
    [("", "http://127.0.0.1:8765"), ("wrong", "http://127.0.0.1:8765"), (TOKEN, "http://evil.example")],
)
def test_forged_posts_are_refused(client: TestClient, app_db: Path, token: str, origin: str) -> None:
    answer = client.post(
        "/review",
        data={
            "key": PUPIL_FOLLOWER.key,
            "decision": "false-positive",
            "note": "n",
            "by": "x",
            "csrf_token": token,
        },
        headers={"Origin": origin},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert statuses(app_db)[PUPIL_FOLLOWER.key] == "new"


def test_bad_decisions_say_why_and_record_nothing(client: TestClient, app_db: Path) -> None:
    answer = decide(client, STAFF_FOLLOWER.key, "accept")
    assert answer.status_code == 400 and "needs an expiry date" in answer.text
    assert decide(client, STAFF_FOLLOWER.key, "accept", until="31/12/2026").status_code == 400
    assert decide(client, "no-such-key", "acknowledge").status_code == 404
    assert statuses(app_db)[STAFF_FOLLOWER.key] == "new"
    assert client.get("/exception", params={"key": "no-such-key"}).status_code == 404


def test_other_host_names_are_refused(app_db: Path) -> None:
    rebound = TestClient(create_app(app_db, token=TOKEN), base_url="http://attacker.example")
    assert rebound.get("/").status_code == 400


def test_it_reads_and_writes_while_another_process_holds_the_warehouse(
    client: TestClient, app_db: Path
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from warehouse.db import connect; c = connect(sys.argv[1]);"
            " print('locked', flush=True); time.sleep(2); c.close()",
            str(app_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(duckdb.IOException):
            connect(app_db).close()  # the weekly run would hold the warehouse just like this
        started = time.monotonic()
        assert client.get("/").status_code == 200  # reads the snapshot: no waiting
        assert time.monotonic() - started < 1.5
        answer = decide(client, UNAPPROVED_VIDEO.key, "acknowledge")
        assert answer.status_code == 303  # waited for the lock, then wrote
    finally:
        holder.wait(timeout=30)
    assert statuses(app_db)[UNAPPROVED_VIDEO.key] == "acknowledged"


def test_no_snapshot_yet(tmp_path: Path) -> None:
    empty = TestClient(create_app(tmp_path / "none.duckdb", token=TOKEN), base_url="http://127.0.0.1")
    page = empty.get("/")
    assert page.status_code == 503 and "run the weekly audit first" in page.text


@pytest.mark.slow
def test_a_lock_held_too_long_keeps_the_note_and_says_when_to_retry(app_db: Path) -> None:
    impatient = TestClient(
        create_app(app_db, token=TOKEN, write_timeout=0.5), base_url="http://127.0.0.1:8765"
    )
    with warehouse_held(app_db, 3):
        answer = decide(impatient, UNAPPROVED_VIDEO.key, "acknowledge", note="spoke to the head of PE")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "60"
    assert "is busy" in answer.text and "try again in a few minutes" in answer.text
    assert "spoke to the head of PE</textarea>" in answer.text  # the note is kept
    assert "Could not set lock" not in answer.text
    assert statuses(app_db)[UNAPPROVED_VIDEO.key] != "acknowledged"
