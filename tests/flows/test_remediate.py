"""Acting on a finding as the CLI and the review app do (flows/remediation.py), against the sandbox: the permission
checked first, the request recorded before anything is sent, a refusal or failure that changes nothing and says
why, a retry that never acts twice, a second person where school.toml asks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.config.school import load_config
from flows.remediation import Remediator
from tests.builders import remediation as build
from tests.builders.audits import append_toml
from tests.builders.findings import PUPIL_FOLLOWER
from tests.builders.tiny_dataset import POST_IDS, build_tiny_dataset
from tests.builders.warehouse import rows
from warehouse.people import Actor
from warehouse.remediation.records import RemediationError

ALICE = Actor("alice", "Alice Lead", "cli")
BOB = Actor("bob", "Bob Head", "cli")
POST, VIDEO = build.POST, build.VIDEO


def yes(plan: Any, permission: Any) -> bool:
    return True


@pytest.fixture
def school(tmp_path: Path, migrated_template: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The tiny school's dataset, and a warehouse holding a week with exceptions on a post, a video and a follower
    (published as the read-only copy, as after a run); the sandbox's bill is kept in a file."""
    dataset = build_tiny_dataset(tmp_path / "school")
    db = build.week_with_exceptions(tmp_path / "w.duckdb", migrated_template)
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_LEDGER", str(tmp_path / "ledger.jsonl"))
    return dataset, db


def remediator(dataset: Path, db: Path) -> Remediator:
    return Remediator(db, load_config(dataset / "school.toml"), sandbox=True, timeout_seconds=10)


def status(db: Path, key: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT status FROM audit.exceptions WHERE key = ?", [key]).fetchone()
        assert row is not None
        return str(row[0])
    finally:
        con.close()


def recorded(
    db: Path, sql: str = "SELECT * FROM dpo.remediations ORDER BY requested_at"
) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return rows(con, sql)
    finally:
        con.close()


def bill(tmp: Path) -> list[dict[str, Any]]:
    path = tmp / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_post_deleted_once_and_a_retry_asks_nothing_of_x(school: tuple[Path, Path], tmp_path: Path) -> None:
    dataset, db = school
    done = remediator(dataset, db).act(POST.key, "delete-post", ALICE, "parents asked", yes)
    assert done.done and "delete-post accepted: X accepted it" in done.line
    assert status(db, POST.key) == "acknowledged"
    charged = [c["route"] for c in bill(tmp_path)]
    assert charged == ["x.me", "x.delete_post"]  # the identity and permission check, then the delete
    again = remediator(dataset, db).act(POST.key, "delete-post", BOB, None, yes)
    assert again.done and "already done" in again.line and "nothing was sent again" in again.line
    assert [c["route"] for c in bill(tmp_path)] == charged  # no call at all
    (row,) = recorded(db)
    assert (row["outcome"], row["requested_by"], row["cost_usd"]) == ("accepted", "Alice Lead (alice)", 0.015)
    assert row["call"] == f"DELETE https://api.twitter.com/2/tweets/{POST_IDS[0]}"
    assert [e["post_ids"] for e in build.journal(dataset)] == [[POST_IDS[0]]]


def test_credentials_that_cannot_write_are_a_recorded_refusal_before_anything_is_sent(
    school: tuple[Path, Path], tmp_path: Path
) -> None:
    dataset, db = school
    build.declare(dataset, x_permission="read")
    refused = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, yes)
    assert not refused.done and "refused before anything was sent" in refused.line and "read" in refused.line
    assert status(db, POST.key) == "new" and build.journal(dataset) == []
    assert [c["route"] for c in bill(tmp_path)] == ["x.me"]
    (row,) = recorded(db)
    assert row["outcome"] == "refused" and '"sent": false' in row["platform_response"]
    (permission,) = recorded(db, "SELECT * FROM audit.action_permissions")
    assert permission["granted"] == "read" and "delete-post" not in json.loads(permission["allowed"])


def test_the_platform_s_refusal_is_recorded_and_changes_nothing(
    school: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, db = school
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps([{"route": "x.delete_post", "kind": "429"}]))
    refused = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, yes)
    assert not refused.done and "15 minutes" in refused.line and "try again after" in refused.line
    assert status(db, POST.key) == "new" and build.journal(dataset) == []
    monkeypatch.setenv(
        "SOCIALAUDIT_SANDBOX_FAULTS", json.dumps([{"route": "yt.videos_update", "kind": "403-scope"}])
    )
    scope = remediator(dataset, db).act(VIDEO.key, "make-video-private", ALICE, None, yes)
    assert not scope.done and "lacks the scope" in scope.line
    (permission,) = recorded(db, "SELECT * FROM audit.action_permissions")
    assert "make-video-private" not in json.loads(permission["allowed"])
    assert [r["outcome"] for r in recorded(db)] == ["refused", "refused"]
    assert status(db, VIDEO.key) == "new" and build.journal(dataset) == []


def test_an_answer_lost_on_the_way_back_is_settled_by_the_retry(
    school: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, db = school
    monkeypatch.setenv(
        "SOCIALAUDIT_SANDBOX_FAULTS", json.dumps([{"route": "x.delete_post", "kind": "drop-mid-body"}])
    )
    lost = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, yes)
    assert not lost.done and "may or may not have been done" in lost.line
    assert status(db, POST.key) == "new"
    monkeypatch.delenv("SOCIALAUDIT_SANDBOX_FAULTS")
    retried = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, yes)
    assert retried.done and "already-done" in retried.line
    assert [r["outcome"] for r in recorded(db)] == ["failed", "already-done"]
    assert len(build.journal(dataset)) == 1  # X deleted it once


def test_an_irreversible_action_waits_for_a_second_person(school: tuple[Path, Path]) -> None:
    dataset, db = school
    append_toml(dataset, "[remediation]\nsecond_person = true")
    waiting = remediator(dataset, db).act(POST.key, "delete-post", ALICE, "asked by the head", yes)
    assert not waiting.done and "second person" in waiting.line and build.journal(dataset) == []
    with pytest.raises(RemediationError, match="the same person cannot confirm it"):
        remediator(dataset, db).act(POST.key, "delete-post", Actor("alice", "A. Lead", "cli"), None, yes)
    confirmed = remediator(dataset, db).act(POST.key, "delete-post", BOB, "agreed", yes)
    assert confirmed.done and "confirmed Alice Lead's request" in confirmed.line
    (row,) = recorded(db)
    assert (row["requested_by"], row["confirmed_by"], row["outcome"]) == (
        "Alice Lead (alice)",
        "Bob Head (bob)",
        "accepted",
    )
    # A reversible action is not held back.
    assert remediator(dataset, db).act(VIDEO.key, "make-video-private", ALICE, None, yes).done


def test_nothing_is_recorded_when_the_person_does_not_confirm(school: tuple[Path, Path]) -> None:
    dataset, db = school
    shown: list[str] = []

    def no(plan: Any, permission: Any) -> bool:
        shown.extend(plan.lines())
        return False

    declined = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, no)
    assert not declined.done and "not confirmed" in declined.line
    assert recorded(db) == [] and build.journal(dataset) == []
    assert any(line.startswith("Can it be undone: NO") for line in shown)
    assert any("$0.015" in line for line in shown)


def test_a_step_done_by_hand_is_recorded_with_who_did_it(school: tuple[Path, Path]) -> None:
    dataset, db = school
    shown: list[str] = []

    def look(plan: Any, permission: Any) -> bool:
        shown.extend(plan.lines())
        return permission is None

    done = remediator(dataset, db).act(PUPIL_FOLLOWER.key, "manual", ALICE, "removed on x.com", look)
    assert done.done and "done by hand by Alice Lead (alice)" in done.line
    assert any("Remove this follower" in line and "x.com/TinyLanePrimary/followers" in line for line in shown)
    (row,) = recorded(db)
    assert (row["outcome"], row["note"], row["call"].startswith("by hand:")) == (
        "done-by-hand",
        "removed on x.com",
        True,
    )


def test_doctor_says_which_actions_each_account_allows_and_records_it(
    school: tuple[Path, Path], socialaudit_inprocess: Any
) -> None:
    dataset, db = school
    build.declare(dataset, x_permission="read", youtube_scopes=build.READ_ONLY_SCOPES)
    said = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(db)).stdout
    assert (
        "[warn] actions through X @TinyLanePrimary: the X keys of @TinyLanePrimary are read: delete-post, "
        "hide-reply, mute-account not offered" in said
    )
    assert "regenerate the access token and secret" in said
    assert (
        "was granted youtube.readonly: reject-comment, reject-comment-ban-author, set-made-for-kids, " in said
    )
    assert "[ok] actions offered: recorded in w.duckdb for the review app" in said
    con = duckdb.connect(str(db.with_name("w.duckdb.readonly.duckdb")), read_only=True)
    try:
        found = {
            r["platform"]: json.loads(r["allowed"])
            for r in rows(con, "SELECT * FROM audit.action_permissions")
        }
    finally:
        con.close()
    assert found == {"x": ["manual"], "youtube": ["manual"]}


def test_credentials_that_cannot_be_checked_are_a_recorded_refusal(
    school: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, db = school
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps([{"route": "x.me", "kind": "403-suspended"}]))
    refused = remediator(dataset, db).act(POST.key, "delete-post", ALICE, None, yes)
    assert (
        not refused.done
        and "the credentials could not be checked" in refused.line
        and "suspended" in refused.line
    )
    assert [r["outcome"] for r in recorded(db)] == ["refused"] and build.journal(dataset) == []
    # Not a finding about what the keys allow: nothing is recorded that would stop the app offering the action.
    assert recorded(db, "SELECT * FROM audit.action_permissions") == []


def test_a_copy_of_the_warehouse_never_acts_on_the_accounts(
    school: tuple[Path, Path], tmp_path: Path, migrated_template: Path
) -> None:
    """A restored backup or a copied file, not yet run from: an action taken from it would change the platform while
    its record stayed where the live warehouse never reads it. Refused before anything is sent; the live warehouse
    still acts, and a copy that takes the weekly run over (records a folder of its own) acts too."""
    from warehouse.snapshot import publish_snapshot
    from warehouse.week import record_output_folder

    dataset, _ = school
    (tmp_path / "live").mkdir()
    (tmp_path / "restored").mkdir()
    live = build.week_with_exceptions(tmp_path / "live" / "w.duckdb", migrated_template)
    con = duckdb.connect(str(live))
    record_output_folder(con, tmp_path / "out", build.AS_OF, live)
    con.close()
    publish_snapshot(live)
    copy = build.week_with_exceptions(tmp_path / "restored" / "w.duckdb", migrated_template)
    con = duckdb.connect(str(copy))
    record_output_folder(con, tmp_path / "out", build.AS_OF, live)  # the rows it was copied with
    con.close()
    publish_snapshot(copy)

    with pytest.raises(RemediationError, match=r"this warehouse is a copy of .*live/w\.duckdb"):
        remediator(dataset, copy).act(POST.key, "delete-post", ALICE, None, yes)
    assert bill(tmp_path) == [] and build.journal(dataset) == []  # nothing asked of X
    assert recorded(copy) == []
    assert remediator(dataset, live).act(POST.key, "delete-post", ALICE, None, yes).done

    con = duckdb.connect(str(copy))
    record_output_folder(con, tmp_path / "out-restored", build.AS_OF, copy)  # its own weekly run
    con.close()
    publish_snapshot(copy)
    assert remediator(dataset, copy).plan(VIDEO.key, "make-video-private").action.name == "make-video-private"
