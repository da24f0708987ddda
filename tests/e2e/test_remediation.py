"""Acting on findings from the command line, and the next week's proof, on the tiny school against the sandbox.

Week one is audited; then, as an ETL would: a post is deleted (refused first, while the school's X app could only
read), a pupil's comment is rejected, a video's change is refused by YouTube, two pupil followers are handled by hand
(one really removed, one not). Week two resolves what took effect as `remediated` and reopens what did not; a
refused action leaves its exception open and the platform as it was."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.cli import main
from tests.builders import remediation as build
from tests.builders.audits import AS_OF, Audit
from tests.builders.cli import CliResult
from tests.builders.output_contract import output_problems
from tests.builders.tiny_dataset import CHOIR_POST_ID, VIDEO_SONG, VIDEO_SPORTS, build_tiny_dataset
from tests.builders.warehouse import rows

NEXT_WEEK = (date.fromisoformat(AS_OF) + timedelta(days=7)).isoformat()
POST = build.key("unapproved-media", "x", "post", CHOIR_POST_ID)
COMMENT = build.key("pupil-comment", "youtube", "comment", build.PUPIL_THREAD)
VIDEO = build.key("unapproved-media", "youtube", "video", VIDEO_SPORTS)
PRIVATE = build.key("unapproved-media", "youtube", "video", VIDEO_SONG)
REMOVED = build.key("pupil-follower", "x", "follower", build.PUPIL_FOLLOWER)
STILL_THERE = build.key("pupil-follower", "x", "follower", build.OTHER_PUPIL_FOLLOWER)
BY = "Robin Ames (ETL)"


def remediate(
    dataset: Path, db: Path, key: str, action: str, *extra: str, env: dict[str, str] | None = None
) -> CliResult:
    """`socialaudit remediate` in this process (the audits run as the console script, in their own processes)."""
    args = [
        "remediate",
        key,
        "--action",
        action,
        "--sandbox",
        str(dataset),
        "--db",
        str(db),
        "--yes",
        "--by",
        BY,
    ]
    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, *extra])
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return CliResult(code, out.getvalue(), err.getvalue())


@dataclass
class TwoWeeks:
    dataset: Path
    db: Path
    week1: Audit
    week2: Audit
    answers: dict[str, CliResult]

    def query(self, sql: str) -> list[dict[str, Any]]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return rows(con, sql)
        finally:
            con.close()

    def resolved(self) -> dict[str, str]:
        found = json.loads((self.week2.out / "resolved.json").read_text(encoding="utf-8"))
        return {r["key"]: r["resolved_reason"] for r in found}

    def open(self) -> dict[str, str]:
        return {r["key"]: r["status"] for r in self.week2.exceptions}


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory: pytest.TempPathFactory, audit: Callable[..., Audit]) -> Iterator[TwoWeeks]:
    root = tmp_path_factory.mktemp("remediation")
    dataset = build_tiny_dataset(root / "school")
    build.pupil_comments(dataset)
    build.declare(dataset, x_permission="read")  # the school's X app was set up to read only
    week1 = audit(dataset, root=root)
    assert week1.result.returncode == 0, week1.result.stderr[-2000:]
    db = week1.db
    answers = {"refused-delete": remediate(dataset, db, POST, "delete-post")}
    # The ETL sets the app to read and write and regenerates its keys, then deletes the post (twice: a retry).
    build.declare(dataset, x_permission="read-write")
    answers["delete"] = remediate(dataset, db, POST, "delete-post", "--note", "unapproved photo")
    answers["delete-again"] = remediate(dataset, db, POST, "delete-post")
    answers["reject"] = remediate(dataset, db, COMMENT, "reject-comment", "--note", "a pupil's comment")
    scope = json.dumps([{"route": "yt.videos_update", "kind": "403-scope"}])
    answers["private-refused"] = remediate(
        dataset, db, VIDEO, "make-video-private", env={"SOCIALAUDIT_SANDBOX_FAULTS": scope}
    )
    answers["private"] = remediate(dataset, db, PRIVATE, "make-video-private")
    answers["not-offered"] = remediate(dataset, db, REMOVED, "delete-post")
    answers["removed"] = remediate(dataset, db, REMOVED, "manual", "--note", "removed on x.com")
    answers["still-there"] = remediate(dataset, db, STILL_THERE, "manual", "--note", "removed on x.com")
    build.remove_follower(dataset, build.PUPIL_FOLLOWER)  # only the first was really removed
    week2 = audit(dataset, root=root, as_of=NEXT_WEEK, out="out2")
    assert week2.result.returncode == 0, week2.result.stderr[-2000:]
    yield TwoWeeks(dataset, db, week1, week2, answers)


def test_each_command_exits_as_the_contract_says(two_weeks: TwoWeeks) -> None:
    answers = two_weeks.answers
    for name in ("delete", "delete-again", "reject", "private", "removed", "still-there"):
        assert answers[name].returncode == 0, (name, answers[name].stderr)
        assert answers[name].stderr == "", name
    for name in ("refused-delete", "private-refused", "not-offered"):
        result = answers[name]
        assert result.returncode == 1, (name, result.stdout)
        # As text, not a tuple: pytest shortens a tuple's repr, and the whole stderr says what else was written.
        assert len(result.stderr.strip().splitlines()) == 1, f"{name}:\n{result.stderr}"
    assert "refused before anything was sent" in answers["refused-delete"].stderr
    assert "the X keys of @TinyLanePrimary are read" in answers["refused-delete"].stderr
    assert "lacks the scope" in answers["private-refused"].stderr
    assert "not an action for pupil-follower" in answers["not-offered"].stderr
    assert "already done" in answers["delete-again"].stdout
    plan = answers["delete"].stdout
    assert (
        "Call: DELETE https://api.twitter.com/2/tweets/" in plan
        and "Can it be undone: NO" in plan
        and "$0.015" in plan
    )


def test_what_took_effect_resolves_as_remediated_the_next_week(two_weeks: TwoWeeks) -> None:
    resolved = two_weeks.resolved()
    assert {
        POST: "remediated",
        COMMENT: "remediated",
        PRIVATE: "remediated",
        REMOVED: "remediated",
    }.items() <= resolved.items()
    assert output_problems(two_weeks.week2.out) == []
    report = (two_weeks.week2.out / "report.html").read_text(encoding="utf-8")
    assert report.count("remediated: the action taken on it took effect") == 4


def test_a_follower_still_there_after_the_step_by_hand_is_reopened(two_weeks: TwoWeeks) -> None:
    assert two_weeks.open()[STILL_THERE] == "reopened"
    (note,) = [
        r["note"]
        for r in two_weeks.query(
            f"SELECT note FROM audit.exception_events WHERE key = '{STILL_THERE}' AND event = 'reopened'"
        )
    ]
    assert note.startswith(
        "the action did not take effect: manual (done by hand, requested by Robin Ames (ETL)"
    )


def test_a_refused_action_leaves_the_exception_open_recorded_and_the_platform_unchanged(
    two_weeks: TwoWeeks,
) -> None:
    assert two_weeks.open()[VIDEO] == "open" and VIDEO not in two_weeks.resolved()
    kinds = [entry["kind"] for entry in build.journal(two_weeks.dataset)]
    # The refused change of the sports-day video reached nothing; the other video was made private.
    assert sorted(kinds) == ["x.delete", "yt.moderate", "yt.video_status"]
    (served,) = two_weeks.query(
        f"SELECT privacy_status FROM staging.stg_youtube__videos WHERE as_of = DATE '{NEXT_WEEK}'"
        f" AND video_id = '{VIDEO_SPORTS}'"
    )
    assert served["privacy_status"] == "public"  # what YouTube served the next week


def test_the_dpo_reads_every_action_with_who_what_and_the_proof(two_weeks: TwoWeeks) -> None:
    shown = two_weeks.query("SELECT * FROM dpo.remediations ORDER BY requested_at")
    outcomes = [(r["key"], r["action"], r["outcome"], r["verification"]) for r in shown]
    assert outcomes == [
        (POST, "delete-post", "refused", None),
        (POST, "delete-post", "accepted", "took-effect"),
        (COMMENT, "reject-comment", "accepted", "took-effect"),
        (VIDEO, "make-video-private", "refused", None),
        (PRIVATE, "make-video-private", "accepted", "took-effect"),
        (REMOVED, "manual", "done-by-hand", "took-effect"),
        (STILL_THERE, "manual", "done-by-hand", "did-not-take-effect"),
    ]
    assert all(r["requested_by"].startswith(BY + " (") for r in shown)
    assert all(r["requested_at"] is not None and r["evidence"] for r in shown)
    verified = [r for r in shown if r["verification"]]
    assert all(r["verified_at"] is not None and r["verified_week"].isoformat() == NEXT_WEEK for r in verified)
    (rejected,) = [r for r in shown if r["action"] == "reject-comment"]
    assert json.loads(rejected["targets"]) == [build.PUPIL_THREAD] and rejected["quota_units"] == 50


def test_a_video_made_private_is_sent_its_whole_status_and_served_private_the_next_week(
    two_weeks: TwoWeeks,
) -> None:
    """videos.update resets every status field it is not sent: the connector sends the status it read back with the
    change, so the video made private stays made for kids."""
    (sent,) = [e for e in build.journal(two_weeks.dataset) if e["kind"] == "yt.video_status"]
    assert sent["video_id"] == VIDEO_SONG
    assert sent["status"]["privacyStatus"] == "private" and sent["status"]["selfDeclaredMadeForKids"] is True
    (served,) = two_weeks.query(
        "SELECT privacy_status, made_for_kids FROM staging.stg_youtube__videos"
        f" WHERE as_of = DATE '{NEXT_WEEK}' AND video_id = '{VIDEO_SONG}'"
    )
    assert served == {"privacy_status": "private", "made_for_kids": True}
    (acted,) = [r for r in two_weeks.query("SELECT * FROM dpo.remediations") if r["key"] == PRIVATE]
    assert acted["quota_units"] == 51 and acted["reversible"] and acted["via"] == "cli"
    assert PRIVATE not in two_weeks.open()  # resolved, not merely hidden from the list
