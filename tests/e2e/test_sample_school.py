"""End to end through real sockets: the `socialaudit` command audits a generated school, checked against its labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.builders.audits import AS_OF, Audit
from tests.builders.dataset_contract import assert_dataset_meets_the_contract
from tests.builders.output_contract import assert_outputs_meet_the_contract
from tests.builders.warehouse import table_fingerprint

SKELETON_RULES = ("pupil-follower", "staff-personal-follower", "unapproved-media")


@pytest.fixture(scope="module")
def audited(sample_school_week: Audit) -> dict:
    """The session's sample school (tests/e2e/conftest.py): written by `socialaudit sample`, then audited."""
    run = sample_school_week
    return {
        "root": run.root,
        "dataset": run.dataset,
        "db": run.db,
        "out": run.out,
        "stdout": run.result.stdout,
        "labels": json.loads(Path(f"{run.dataset}.labels.json").read_text(encoding="utf-8")),
        "exceptions": run.exceptions,
    }


def found(audited: dict, rule: str, minimum: str = "medium") -> dict[str, dict]:
    order = ["low", "medium", "high", "critical"]
    return {
        e["subject_id"]: e
        for e in audited["exceptions"]
        if e["rule"] == rule and order.index(e["severity"]) >= order.index(minimum)
    }


def expected(audited: dict, rule: str, difficulties: tuple[str, ...]) -> list[dict]:
    return [
        e
        for e in audited["labels"]["expected_exceptions"]
        if e["rule"] == rule and e["difficulty"] in difficulties
    ]


def test_the_dataset_and_outputs_meet_the_contracts(audited):
    assert_dataset_meets_the_contract(audited["dataset"])
    assert_outputs_meet_the_contract(audited["out"], audited["dataset"])
    assert "report: " in audited["stdout"]


@pytest.mark.parametrize("rule", ["pupil-follower", "staff-personal-follower"])
def test_declared_and_exact_name_followers_are_found(audited, rule):
    wanted = expected(audited, rule, ("declared", "easy"))
    assert wanted, f"the sample plants no declared/easy {rule} cases"
    raised = found(audited, rule)
    missing = [(e["subject_id"], e["case"]) for e in wanted if e["subject_id"] not in raised]
    assert not missing
    for e in wanted:
        exception = raised[e["subject_id"]]
        assert exception["person_id"] == e["person_id"]
        assert exception["person_kind"] == e["person_kind"]


def test_confident_follower_findings_are_all_true(audited):
    for rule in ("pupil-follower", "staff-personal-follower"):
        truth = {e["subject_id"] for e in audited["labels"]["expected_exceptions"] if e["rule"] == rule}
        false_alarms = [e["subject_label"] for sid, e in found(audited, rule).items() if sid not in truth]
        assert not false_alarms, rule


def test_unapproved_images_are_found_and_approved_copies_are_not(audited):
    wanted = {
        e["subject_id"] for e in audited["labels"]["expected_exceptions"] if e["rule"] == "unapproved-media"
    }
    raised = set(found(audited, "unapproved-media"))
    assert wanted and wanted <= raised
    assert raised <= wanted


def test_nothing_is_raised_for_parents_staff_official_accounts_or_approved_copies(audited):
    clear = {c["subject_id"]: c["case"] for c in audited["labels"]["expected_clear"]}
    cases = set(clear.values())
    assert any("parent" in c for c in cases) and any("official" in c for c in cases)
    raised = [
        (e["rule"], clear[e["subject_id"]])
        for e in audited["exceptions"]
        if e["subject_id"] in clear and e["rule"] in SKELETON_RULES
    ]
    assert not raised


def test_every_exception_carries_checkable_evidence(audited):
    for e in audited["exceptions"]:
        assert e["evidence"] and e["key"].startswith(e["rule"] + ":")
        if e["rule"] in ("pupil-follower", "staff-personal-follower"):
            assert e["person_id"] in e["evidence"] and "score" in e["evidence"]


def test_the_same_week_twice_adds_no_rows_and_raises_nothing_new(audited, tmp_path, audit):
    db = tmp_path / "w.duckdb"
    shutil.copy(audited["db"], db)
    before = table_fingerprint(db)
    rerun = audit(audited["dataset"], db=db, as_of=AS_OF, root=tmp_path)
    again = rerun.result
    assert again.returncode == 0, again.stderr[-3000:]
    after = table_fingerprint(db)
    # The attempt is counted, and this copy published to a folder of its own: where the outputs went is recorded
    # (an erasure publishes them again there). Nothing else is written.
    runs, folders = "audit.runs", "meta.output_folders"
    assert {t: v for t, v in after.items() if t not in (runs, folders)} == {
        t: v for t, v in before.items() if t not in (runs, folders)
    }
    assert after[folders][0] == before[folders][0] + 1
    assert after[runs][0] == before[runs][0] == 1
    # The week's counts add up over its attempts (a re-run never reports the week as empty: its exceptions are
    # still new this week); the attempt itself raised and resolved nothing.
    assert again.stdout.split(";")[0] == audited["stdout"].split(";")[0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT summary FROM audit.runs WHERE as_of = ?", [AS_OF]).fetchone()
    finally:
        con.close()
    assert stored is not None
    this_attempt = json.loads(stored[0])["this_attempt"]
    assert this_attempt["raised"] == 0 and this_attempt["resolved"] == 0
    assert rerun.exceptions == audited["exceptions"]
