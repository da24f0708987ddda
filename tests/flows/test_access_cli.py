"""Who did what on the command line: `review`, `remediate`, `exceptions list` and `sql` record the name given and the OS user
in the access log; closing a critical exception takes two names; the review app's local accounts are made with
`reviewers`; `review-app` refuses to start where nobody could sign in."""

from __future__ import annotations

import io
import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboards import accounts
from flows.cli import main
from tests.builders.findings import CONSENT_BREACH, PUPIL_FOLLOWER, one_run
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.db import connect
from warehouse.privacy import access_log

OS_USER = pwd.getpwuid(os.getuid()).pw_name
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    return one_run(con, db_path, (PUPIL_FOLLOWER, CONSENT_BREACH))


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def logged(db: Path) -> list[tuple[str, str | None, str, str | None]]:
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT identity, os_user, action, object FROM audit.access_log").fetchall()
    finally:
        con.close()
    return rows + [(e.identity, e.os_user, e.action, e.object) for e in access_log.pending(db)]


def review(db: Path, key: str, decision: str, by: str, *more: str) -> list[str]:
    return ["review", key, "--db", str(db), "--decision", decision, "--note", "checked", "--by", by, *more]


def test_a_decision_records_the_name_and_the_os_user(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, *review(db, PUPIL_FOLLOWER.key, "acknowledge", "The Headteacher"))
    assert code == 0 and f"OS user {OS_USER}" in out
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT reviewer, os_user FROM audit.reviews").fetchall() == [
            ("The Headteacher", OS_USER)
        ]
    finally:
        con.close()
    assert ("The Headteacher", OS_USER, "decide", PUPIL_FOLLOWER.key) in logged(db)


def test_an_action_records_the_name_and_the_os_user(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`remediate` (a step done by hand: nothing sent) is in the access log as each of its steps is recorded."""
    dataset = build_tiny_dataset(db.parent / "school")
    args = ["remediate", PUPIL_FOLLOWER.key, "--action", "manual", "--sandbox", str(dataset), "--db", str(db)]
    code, out, err = cli(capsys, *args, "--yes", "--by", "Robin Ames", "--note", "removed on x.com")
    assert code == 0, err
    assert "done by hand by Robin Ames" in out
    steps = [entry for entry in logged(db) if entry[2] == "remediate"]
    assert steps == [("Robin Ames", OS_USER, "remediate", PUPIL_FOLLOWER.key)] * 2  # requested, then done


@pytest.fixture
def second_os_user() -> Iterator[str]:
    """A throwaway operating-system user (made with useradd, removed after): the second person at the terminal."""
    if os.geteuid() != 0:
        pytest.skip("making a second operating-system user needs root")
    name = f"sa{uuid.uuid4().hex[:10]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder a second operating-system user may pass through and read (pytest's own temporary folders are the
    owner's only), removed after."""
    root = Path(tempfile.mkdtemp(prefix="socialaudit-shared-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root)


def as_os_user(
    user: str, home: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI run by `user` (setpriv: real and effective uid and gid theirs, no other groups): who decides comes
    from the OS, never from a typed name. This Python's own files may sit in root's home, so the system's
    interpreter of the same version runs it, over this checkout and its installed packages."""
    python = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not python.exists():
        pytest.skip(f"{python} is needed to run the CLI as another operating-system user")
    packages = sysconfig.get_paths()["purelib"]
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": f"{REPO}:{packages}"}
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={user}",
            f"--regid={user}",
            "--clear-groups",
            str(python),
            "-m",
            "flows.cli",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=home,
        env=environment,
        input=stdin,
    )


def test_one_os_user_cannot_close_a_critical_exception_under_two_names(
    con: duckdb.DuckDBPyConnection, db: Path, capsys: pytest.CaptureFixture[str], second_os_user: str
) -> None:
    accept = ("--until", "2026-12-31")
    code, out, _ = cli(capsys, *review(db, CONSENT_BREACH.key, "accept", "Dee Slade", *accept))
    assert code == 0 and "nothing changes until a second person" in out
    code, _, err = cli(capsys, *review(db, CONSENT_BREACH.key, "accept", "Ravi Deputy", *accept))
    assert code == 1 and "the same person cannot confirm it" in err and OS_USER in err
    # Nor "as" someone of the review app: a typed name is never an identity.
    code, _, err = cli(capsys, *review(db, CONSENT_BREACH.key, "accept", "local:dsl2", *accept))
    assert code == 1 and "the same person cannot confirm it" in err
    # The second person is another OS user with access to the warehouse (here: its owner, after a handover).
    con.close()
    shared = Path(tempfile.mkdtemp(prefix="socialaudit-two-people-"))
    try:
        for held in db.parent.glob(db.name + "*"):
            shutil.copy2(held, shared / held.name)
        shutil.chown(shared, second_os_user, second_os_user)
        for copied in shared.iterdir():
            shutil.chown(copied, second_os_user, second_os_user)
        there = shared / db.name
        confirmed = as_os_user(
            second_os_user, shared, *review(there, CONSENT_BREACH.key, "accept", "Ravi Deputy", *accept)
        )
        assert confirmed.returncode == 0, confirmed.stderr
        assert "new -> accepted" in confirmed.stdout
        assert f"confirmed by Ravi Deputy ({second_os_user})" in confirmed.stdout
        again = connect(there, read_only=True)
        try:
            assert again.execute("SELECT reviewer, os_user, seconded_by FROM audit.reviews").fetchall() == [
                ("Dee Slade", second_os_user, f"Ravi Deputy ({second_os_user})")
            ]
        finally:
            again.close()
    finally:
        shutil.rmtree(shared)
    assert ("Dee Slade", OS_USER, "proposal", CONSENT_BREACH.key) in logged(db)


def test_a_proposal_made_in_the_app_is_not_confirmed_from_the_command_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warehouse.people import Actor
    from warehouse.reviews import review_and_publish

    until = date(2026, 12, 31)
    proposed = review_and_publish(
        db,
        CONSENT_BREACH.key,
        "accept",
        "seen the form",
        Actor("local:dsl1", "local:dsl1", "review-app"),
        until,
    )
    assert proposed.awaiting_second
    for name in ("local:dsl2", "local:dsl1", "Someone Else"):
        code, _, err = cli(
            capsys, *review(db, CONSENT_BREACH.key, "accept", name, "--until", until.isoformat())
        )
        assert code == 1 and "where local:dsl1 requested it" in err


def test_an_acceptance_longer_than_the_policy_is_refused(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, *review(db, PUPIL_FOLLOWER.key, "accept", "Sam", "--until", "9999-12-31"))
    assert code == 1 and "at most 90 days" in err


def test_listing_and_querying_leave_a_trace(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli(capsys, "exceptions", "list", "--db", str(db), "--format", "csv", "--by", "Sam Etl")
    assert code == 0
    code, _, _ = cli(capsys, "sql", "SELECT count(*) FROM dpo.exceptions_by_person", "--db", str(db))
    assert code == 0
    code, _, _ = cli(capsys, "sql", "DELETE FROM audit.exceptions", "--db", str(db), "--by", "Mallory")
    assert code == 2
    entries = logged(db)
    assert ("Sam Etl", OS_USER, "export", "status=needing attention; rule=any") in entries
    assert (OS_USER, OS_USER, "sql", "SELECT count(*) FROM dpo.exceptions_by_person") in entries
    assert ("Mallory", OS_USER, "sql", "DELETE FROM audit.exceptions") in entries
    code, out, _ = cli(
        capsys, "sql", "SELECT identity, action FROM dpo.access_log", "--db", str(db), "--format", "json"
    )
    shown = {(row["identity"], row["action"]) for row in json.loads(out)}
    assert {("Sam Etl", "export"), ("Mallory", "sql")} <= shown  # a query of the log sees it up to now


def test_reviewers_makes_lists_and_removes_local_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    school = build_tiny_dataset(tmp_path / "school") / "school.toml"
    school.write_text(
        school.read_text(encoding="utf-8")
        + '\n[[review_app.grants]]\nrole = "reviewer"\nwho = ["local:etl"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    code, _, err = cli(capsys, "reviewers", "add", "etl", "--config", str(school), "--password-stdin")
    assert code == 1 and "at least 12 characters" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("a perfectly long passphrase\n"))
    code, out, err = cli(capsys, "reviewers", "add", "etl", "--config", str(school), "--password-stdin")
    assert code == 0 and "made local:etl" in out and err == ""
    path = school.parent / "review-accounts.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "a perfectly long passphrase" not in path.read_text() and "$argon2id$" in path.read_text()
    assert accounts.verify(path, "etl", "a perfectly long passphrase") is not None
    assert accounts.verify(path, "etl", "a perfectly long passphrasE") is None
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    code, _, err = cli(capsys, "reviewers", "add", "dsl", "--config", str(school), "--password-stdin")
    assert code == 0 and "local:dsl has no role yet" in err
    code, out, _ = cli(capsys, "reviewers", "list", "--config", str(school))
    assert "local:etl\tetl\treviewer" in out
    assert "local:dsl\tdsl\tno role granted" in out
    code, _, _ = cli(capsys, "reviewers", "remove", "dsl", "--config", str(school))
    assert code == 0 and "dsl" not in accounts.load_accounts(path)


def test_the_review_app_will_not_start_where_nobody_could_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "review-app", "--db", str(tmp_path / "w.duckdb"))
    assert code == 1 and "serves only signed-in people" in err
    school = build_tiny_dataset(tmp_path / "school") / "school.toml"
    code, _, err = cli(capsys, "review-app", "--config", str(school), "--db", str(tmp_path / "w.duckdb"))
    assert code == 1 and "nobody could sign in" in err
