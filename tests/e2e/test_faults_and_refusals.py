"""The weekly run under platform faults and bad registers: complete with the same data, or change nothing."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders.audits import Audit, with_settings
from tests.builders.warehouse import table_fingerprint

NEXT_WEEK = "2026-11-23"


@pytest.fixture(scope="module")
def clean_run(tiny_school_week: Audit, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The session's tiny school week (tests/e2e/conftest.py), its school set to give up waiting after 2 s and to
    retry a failed request at once (`backoff_seconds = 0`: the retries are what these tests look at, not how long
    they back off; backed off, the waits were most of the module's time)."""
    return with_settings(
        tiny_school_week,
        tmp_path_factory.mktemp("faults"),
        "[api]\nbackoff_seconds = 0\nmax_wait_seconds = 2",
    )


def stored_content(db: Path) -> dict[str, str]:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT platform || '/' || stream, content_sha256 FROM staging.stg_raw__current_snapshots"
        ).fetchall()
        return dict(rows)
    finally:
        con.close()


def faults(*entries: dict) -> dict[str, str]:
    return {"SOCIALAUDIT_SANDBOX_FAULTS": json.dumps(list(entries))}


# One run meets every kind of transient fault at once, each on a route of its own: a route retries on its own
# (`[api]` waits are per request), and a run storing what a clean run stores read every route. Each fault is keyed
# by the stream the run names as it retries it, and the test counts those retries. The 429 with a reset announces
# it for this very second: the run still waits for it (and its 1 s margin), not a second longer. A connection the
# live platforms drop mid-body (docs/production.md §7) is met here once inside a whole run; each route's own
# recovery from it is tests/connectors/test_live_failures.py's.
TRANSIENT = {
    "x followers": {"route": "x.followers", "kind": "429", "times": 2, "reset_in": 0},
    "x following": {"route": "x.following", "kind": "429-no-reset", "times": 3},
    "x posts": {"route": "x.tweets", "kind": "500", "times": 2},
    "youtube videos": {"route": "yt.videos", "kind": "503", "times": 1},
    "youtube subscribers": {"route": "yt.subscriptions", "kind": "truncate", "times": 1},
    "x account": {"route": "x.me", "kind": "truncate", "times": 1},
    "media download": {"route": "x.media", "kind": "500", "times": 2},
    "youtube comments": {"route": "yt.commentThreads", "kind": "drop-mid-body", "times": 2},
}


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def connector_warnings() -> Iterator[list[str]]:
    """The connectors' warnings while the block runs, from their logger itself: where its lines are printed
    depends on which stream Prefect's logging set-up, made by whichever run came first in this process, holds."""
    handler = _Messages()
    logger = logging.getLogger("connectors")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def test_transient_faults_store_the_same_data_as_a_clean_run(clean_run, audit_inprocess):
    with connector_warnings() as warned:
        faulty = audit_inprocess(clean_run.dataset, env=faults(*TRANSIENT.values()))
    assert faulty.result.returncode == 0, faulty.result.stderr
    retried = [message for message in warned if "retrying in" in message]
    assert {stream: sum(m.startswith(f"{stream}: ") for m in retried) for stream in TRANSIENT} == {
        stream: fault["times"] for stream, fault in TRANSIENT.items()
    }
    assert stored_content(faulty.db) == stored_content(clean_run.db)
    assert faulty.exceptions == clean_run.exceptions
    assert (faulty.out / "exceptions.csv").read_bytes() == (clean_run.out / "exceptions.csv").read_bytes()


# One X stream and one YouTube stream failing for good in one run: the platforms are read apart. The other ways a
# stream fails for good (a truncated answer or a server error on either platform, a quota on the comments) are met,
# with the words their reasons carry, by the connectors in tests/connectors/test_streams_a_fault_leaves_unread.py;
# a stream failing mid-platform while the platform's others are stored and judged as in a clean week, by the whole
# partial audits of tests/e2e/test_partial_audits.py.
@pytest.mark.parametrize(
    ("plan", "messages", "missing"),
    [
        (
            [
                {"route": "x.tweets", "kind": "429-no-reset", "times": -1},
                {"route": "yt.channels", "kind": "403-quota", "times": -1},
            ],
            ("rate limited", "quota"),
            ("x/posts", "youtube/channel"),
        ),
    ],
    ids=["429-storm-and-quota-exhausted"],
)
def test_persistent_faults_make_a_partial_audit_that_keeps_every_other_stream(
    plan, messages, missing, clean_run, tmp_path, audit_inprocess
):
    """One stream failing for good no longer discards the week: the rest is stored as a clean run stores it."""
    db = tmp_path / "w.duckdb"
    partial = audit_inprocess(clean_run.dataset, db=db, env=faults(*plan))
    result = partial.result
    assert result.returncode == 3, result.stderr[-2000:]
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("socialaudit: partial audit, not read:")
    assert all(message in last_line for message in messages), last_line
    stored, clean = stored_content(db), stored_content(clean_run.db)
    assert stored and not set(missing) & set(stored)
    assert stored == {k: v for k, v in clean.items() if k in stored}
    assert (partial.out / "exceptions.json").exists()


def test_a_malformed_pupils_register_stops_the_run_before_anything_is_written(
    clean_run, tmp_path, audit_inprocess
):
    dataset = tmp_path / "school"
    shutil.copytree(clean_run.dataset, dataset)
    pupils = dataset / "registers" / "pupils.csv"
    lines = pupils.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("date_of_birth")] = "2015-13-01"
    lines[1] = ",".join(cells)
    pupils.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    shutil.copy(clean_run.db, db)
    before = table_fingerprint(db)

    result = audit_inprocess(dataset, db=db, as_of=NEXT_WEEK).result

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "pupils.csv line 2 column date_of_birth" in last_line
    assert table_fingerprint(db) == before
    fresh = tmp_path / "fresh.duckdb"
    result = audit_inprocess(dataset, db=fresh, out="out2", as_of=NEXT_WEEK).result
    assert result.returncode != 0 and not fresh.exists()
