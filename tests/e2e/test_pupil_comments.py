"""pupil-comment over a whole audit: a pupil's replies (embedded and beyond the embedded few) and a pupil's
comment held for review are raised, a reply read twice counts once, and the pupil's subject access export
holds their replies."""

from __future__ import annotations

import json

import pytest

from tests.builders.audits import Audit
from tests.builders.output_contract import assert_outputs_meet_the_contract
from tests.builders.pupil_comments import (
    HELD_THREAD_ID,
    PUPIL_CHANNEL,
    PUPIL_ID,
    REPLY_THREAD_ID,
    add_pupil_replies_and_held_comment,
)
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture(scope="module")
def audited(audit, tmp_path_factory) -> Audit:
    root = tmp_path_factory.mktemp("pupil-comments")
    dataset = add_pupil_replies_and_held_comment(build_tiny_dataset(root / "school"))
    run = audit(dataset, root=root)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    return run


def _pupil_comments(audited: Audit) -> dict[str, dict]:
    return {
        e["subject_id"]: e
        for e in audited.exceptions
        if e["rule"] == "pupil-comment" and e["person_id"] == PUPIL_ID
    }


def test_a_pupils_replies_and_held_comment_are_exceptions(audited: Audit) -> None:
    found = _pupil_comments(audited)
    assert set(found) == {REPLY_THREAD_ID, HELD_THREAD_ID}
    replies = found[REPLY_THREAD_ID]
    assert replies["key"].endswith(f":comment:{REPLY_THREAD_ID}:{PUPIL_CHANNEL}")
    assert replies["severity"] == "high" and replies["person_kind"] == "pupil"
    # Reply 2 is embedded and listed again by comments.list: named once. Reply 7 is beyond the embedded few.
    assert replies["evidence"].count(f"reply {REPLY_THREAD_ID}.r2") == 1
    assert f"reply {REPLY_THREAD_ID}.r7" in replies["evidence"]
    held = found[HELD_THREAD_ID]
    assert held["key"].endswith(f":comment:{HELD_THREAD_ID}")
    assert f"top-level comment {HELD_THREAD_ID} (held for review)" in held["evidence"]
    assert_outputs_meet_the_contract(audited.out, audited.dataset)


def test_the_pupils_subject_access_export_holds_their_replies(
    audited, tmp_path, socialaudit_inprocess
) -> None:
    out = tmp_path / "sar"
    result = socialaudit_inprocess("sar", "--person", PUPIL_ID, "--db", str(audited.db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    sections = json.loads((out / "sar.json").read_text(encoding="utf-8"))["sections"]
    objects = {(o["stream"], o["object"]["id"]) for o in sections["raw_objects"]}
    assert {
        ("comments", f"{REPLY_THREAD_ID}.r2"),
        ("comment_replies", f"{REPLY_THREAD_ID}.r2"),
        ("comment_replies", f"{REPLY_THREAD_ID}.r7"),
        ("comments", HELD_THREAD_ID),
    } <= objects
    assert ("comments", REPLY_THREAD_ID) not in objects  # the thread another person started is not hers
    assert {e["subject_id"] for e in sections["exceptions"] if e["rule"] == "pupil-comment"} == {
        REPLY_THREAD_ID,
        HELD_THREAD_ID,
    }
