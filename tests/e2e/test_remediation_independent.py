"""The optional second check of acting on findings, on schools the project did not make (an independent generator's,
beside the repository when they are at hand: tests/builders/second_check.py). The first of them is copied (the
sandbox records what an owner changed inside the dataset), audited, acted on from the command line as an ETL would,
whatever it holds: one of its posts deleted, a pupil's comment rejected, a video made private, another video's
change refused by YouTube (a token without the scope), one pupil follower removed by hand and one only said to be.
The next week's run must resolve what took effect as `remediated`, reopen the follower still there, and leave the
refused video open and public. Skipped when no such school is at hand; nothing here names anything of them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.builders.audits import AS_OF, IMAGES_NOT_READ, Audit, append_toml
from tests.builders.cli import CliResult
from tests.builders.second_check import shared_path
from tests.builders.warehouse import rows

DATASETS = shared_path("datasets")
SCHOOLS = sorted(p for p in DATASETS.iterdir() if (p / "school.toml").is_file()) if DATASETS else []
# One of them: the generator's schools differ by seed only (each labels the same number of exceptions of every rule,
# platform and kind), so a second audits the same actions again on other names. The evaluation scores them all.
ACTED_ON = SCHOOLS[:1]
NEXT_WEEK = (date.fromisoformat(AS_OF) + timedelta(days=7)).isoformat()
CONTENT_RULES = ("unapproved-media", "consent-breach", "pupil-named", "contact-details", "political-content")
SCOPE_REFUSED = json.dumps([{"route": "yt.videos_update", "kind": "403-scope"}])

pytestmark = pytest.mark.skipif(
    not SCHOOLS, reason="no independent school at hand (tests/builders/second_check.py)"
)


def first(
    found: list[dict[str, Any]], rule: tuple[str, ...], platform: str, kind: str
) -> list[dict[str, Any]]:
    return [e for e in found if e["rule"] in rule and e["platform"] == platform and e["subject_kind"] == kind]


def remove_follower_by_hand(dataset: Path, user_id: str) -> None:
    """Removed in the X app: the follower lists the sandbox serves no longer hold them."""
    for path in dataset.glob("x/*/followers.json"):
        held = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps([u for u in held if str(u.get("id")) != user_id]), encoding="utf-8")


@pytest.mark.parametrize("school", ACTED_ON, ids=[f"independent-{n}" for n in range(len(ACTED_ON))])
def test_actions_on_a_school_the_project_did_not_make_are_proved_the_next_week(
    school: Path,
    tmp_path: Path,
    audit: Callable[..., Audit],
    socialaudit_inprocess: Callable[..., CliResult],
) -> None:
    dataset = tmp_path / "school"
    shutil.copytree(school, dataset)
    append_toml(dataset, IMAGES_NOT_READ)  # acting on a finding is the same whatever found it
    week1 = audit(dataset, root=tmp_path)
    assert week1.result.returncode in (0, 3), week1.result.stderr[-2000:]
    found = [e for e in week1.exceptions if e["status"] in ("new", "open", "reopened")]

    def remediate(key: str, action: str, env: dict[str, str] | None = None) -> CliResult:
        args = ("remediate", key, "--action", action, "--sandbox", str(dataset), "--db", str(week1.db))
        return socialaudit_inprocess(*args, "--yes", "--by", "ETL", "--note", "second check", env=env)

    # key -> what the next week must show: "remediated", "reopened" or "refused" (open, not resolved).
    expected: dict[str, str] = {}
    plan = [
        (first(found, CONTENT_RULES, "x", "post")[:1], "delete-post", None, "remediated"),
        (first(found, ("pupil-comment",), "youtube", "comment")[:1], "reject-comment", None, "remediated"),
        (first(found, CONTENT_RULES, "youtube", "video")[:1], "make-video-private", None, "remediated"),
        (
            first(found, CONTENT_RULES, "youtube", "video")[1:2],
            "make-video-private",
            SCOPE_REFUSED,
            "refused",
        ),
    ]
    for picked, action, faults, then in plan:
        for exception in picked:
            answer = remediate(
                exception["key"], action, {"SOCIALAUDIT_SANDBOX_FAULTS": faults} if faults else None
            )
            assert answer.returncode == (1 if then == "refused" else 0), (
                action,
                answer.stdout,
                answer.stderr,
            )
            expected[exception["key"]] = then
    followers = first(found, ("pupil-follower",), "x", "follower")[:2]
    for index, exception in enumerate(followers):
        answer = remediate(exception["key"], "manual")
        assert answer.returncode == 0, answer.stderr
        if index == 0:
            remove_follower_by_hand(dataset, exception["subject_id"])
        expected[exception["key"]] = "remediated" if index == 0 else "reopened"
    assert expected, "the independent school raised nothing to act on"

    week2 = audit(dataset, root=tmp_path, as_of=NEXT_WEEK, out="out2")
    assert week2.result.returncode in (0, 3), week2.result.stderr[-2000:]
    resolved = {
        r["key"]: r["resolved_reason"] for r in json.loads((week2.out / "resolved.json").read_text("utf-8"))
    }
    still = {e["key"]: e["status"] for e in week2.exceptions}
    seen = {}
    for key, then in expected.items():
        if then == "remediated":
            seen[key] = resolved.get(key)
        elif then == "reopened":
            seen[key] = still.get(key)
        else:
            seen[key] = (
                "refused" if key in still and key not in resolved else f"{still.get(key)}/{resolved.get(key)}"
            )
    assert seen == expected
    con = duckdb.connect(str(week1.db), read_only=True)
    try:
        shown = rows(con, "SELECT key, action, outcome, verification FROM dpo.remediations")
    finally:
        con.close()
    verdicts = {r["key"]: (r["outcome"], r["verification"]) for r in shown}
    for key, then in expected.items():
        if then == "refused":
            assert verdicts[key] == ("refused", None)
        else:
            assert verdicts[key][1] == ("took-effect" if then == "remediated" else "did-not-take-effect")
    journal = dataset / "sandbox-writes.jsonl"
    written = (
        [json.loads(line) for line in journal.read_text("utf-8").splitlines()] if journal.exists() else []
    )
    refused_videos = {k.rsplit(":", 1)[1] for k, then in expected.items() if then == "refused"}
    assert not {w.get("video_id") for w in written} & refused_videos  # nothing changed on the platform
    print(
        f"second check: acted on {len(expected)} exceptions ({sorted(expected.values())}); next week as expected"
    )
