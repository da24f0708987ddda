"""Subject access, erasure and retention end to end: export everything about a person, erase it, purge by policy."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.builders.audits import AS_OF, Audit
from tests.builders.person_stores import NAMED_POST_ID, name_two_pupils_in_a_post
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.db import connect
from warehouse.snapshot import snapshot_path

PUPIL_HANDLE = "alfie_p_y6"  # P0001 Alfie Price declares it, and it follows the school's X account
PUPIL_ACCOUNT_ID = "1600000000000000002"


OTHER_PUPIL = ("P0002", "Eleanor Brown", "Ellie Brown", "EllieBrown")


# Shorter than its default (8 weeks): what the run shows in force is the school's own setting.
RETENTION = "[retention]\nraw_pages_weeks = 1\n"


@pytest.fixture(scope="module")
def audited(audit, tmp_path_factory) -> Audit:
    """The tiny school with a post naming Alfie Price (P0001) and Ellie Brown (P0002), with a photo whose approval
    pictures them both, and its own [retention] raw_pages_weeks."""
    root = tmp_path_factory.mktemp("sar")
    dataset = build_tiny_dataset(root / "school")
    name_two_pupils_in_a_post(dataset)
    run = audit(dataset, toml=RETENTION, as_of=AS_OF, root=root)
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    return run


def test_a_pupil_named_and_pictured_finds_both_and_never_the_other_pupil(
    audited, tmp_path, socialaudit_inprocess
):
    db = _copy(audited, tmp_path)
    out = tmp_path / "SAR-2026-9"
    result = socialaudit_inprocess(
        "sar",
        "--person",
        "P0001",
        "--db",
        str(db),
        "--out",
        str(out),
        "--by",
        "A. Dpo",
        "--reason",
        "SAR-2026-9",
    )
    assert result.returncode == 0, result.stderr
    export = json.loads((out / "sar.json").read_text(encoding="utf-8"))
    sections = export["sections"]
    (named,) = [t for t in sections["texts_naming_them"] if t["id"] == NAMED_POST_ID]
    assert "Alfie Price" in named["text"] and "another pupil" in named["text"]
    (approval,) = sections["approved_media_picturing"]
    assert approval["approval_id"] == "A001" and approval["pupils_pictured"] == ["P0001", "another pupil"]
    (parent,) = sections["parents_listing_them"]  # the link is theirs; who the parent is, is not
    assert parent["parent_id"] == "a parent" and parent["pupil_ids"] == ["P0001"]
    assert all(r["reviewer"] == "a reviewer" for r in sections.get("exception_reviews", []))
    cover = (out / "cover.html").read_text(encoding="utf-8")  # for the parent: what, why, how long, rights
    assert "<h1>What " in cover and "P0001" in cover and "Your rights" in cover and "Kept for" in cover
    assert "The school&#39;s own posts" in cover and "texts_naming_them.csv" in cover
    everything = "".join(p.read_text(encoding="utf-8") for p in out.iterdir()).lower()
    assert not [o for o in OTHER_PUPIL if o.lower() in everything]
    con = connect(db, read_only=True)
    try:
        log = con.execute(
            "SELECT performed_by, reason, selector_kind, export_folder, counts FROM dpo.subject_access_log"
        ).fetchall()
    finally:
        con.close()
    ((by, reason, kind, folder, counts),) = log
    assert (by, reason, kind, folder) == ("A. Dpo", "SAR-2026-9", "person", str(out))
    assert json.loads(counts)["texts_naming_them"] >= 1
    assert "p0001" not in json.dumps(log[0], default=str).lower()


def _copy(audited, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(audited.db, db)
    shutil.copy(snapshot_path(audited.db), snapshot_path(db))
    return db


@pytest.mark.parametrize(
    "selector", [("--handle", "@Alfie_P_Y6"), ("--platform-id", PUPIL_ACCOUNT_ID), ("--person", "P0001")]
)
def test_a_subject_access_export_holds_everything_about_the_person(
    audited, selector, tmp_path, socialaudit_inprocess
):
    out = tmp_path / "sar"
    result = socialaudit_inprocess("sar", *selector, "--db", str(audited.db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    export = json.loads((out / "sar.json").read_text(encoding="utf-8"))
    sections = export["sections"]
    assert PUPIL_ACCOUNT_ID in export["platform_ids"]
    assert any(row["subject_id"] == PUPIL_ACCOUNT_ID for row in sections["identities"])
    assert any(row["rule"] == "pupil-follower" for row in sections["exceptions"])
    assert sections["exception_events"]
    assert any(obj["object"].get("username") == PUPIL_HANDLE for obj in sections["raw_objects"])
    if selector[0] != "--platform-id":
        assert [row["pupil_id"] for row in sections["register_pupils"]] == ["P0001"]
        assert sections["approved_media_picturing"]
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    with (out / "identities.csv").open(encoding="utf-8") as handle:
        assert any(row["subject_id"] == PUPIL_ACCOUNT_ID for row in csv.DictReader(handle))


def test_an_unknown_person_is_reported_plainly(audited, tmp_path, socialaudit_inprocess):
    result = socialaudit_inprocess(
        "sar", "--person", "P9999", "--db", str(audited.db), "--out", str(tmp_path)
    )
    assert result.returncode == 1
    assert "holds nothing for person 'P9999'" in result.stderr


def test_erasure_removes_the_person_everywhere_and_records_only_that_it_happened(
    audited, tmp_path, socialaudit_inprocess
):
    db = _copy(audited, tmp_path)
    result = socialaudit_inprocess(
        "erase",
        "--yes",
        "--handle",
        PUPIL_HANDLE,
        "--db",
        str(db),
        "--by",
        "A. Dpo",
        "--reason",
        "SAR-2026-014",
    )
    assert result.returncode == 0, result.stderr
    for path in (db, snapshot_path(db)):
        con = connect(path, read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM ref.pupils WHERE pupil_id = 'P0001'").fetchone() == (0,)
            for table in ("audit.identities", "audit.findings", "audit.exceptions"):
                held = con.execute(f"SELECT count(*) FROM {table} WHERE subject_id = ?", [PUPIL_ACCOUNT_ID])
                assert held.fetchone() == (0,), table
            raw = con.execute(
                "SELECT count(*) FROM raw.api_pages WHERE contains(payload::VARCHAR, ?)", [PUPIL_HANDLE]
            )
            assert raw.fetchone() == (0,)
            assert con.execute(
                "SELECT count(*) FROM ref.approved_media WHERE list_contains(pupils_pictured, 'P0001')"
            ).fetchone() == (0,)
            record = con.execute(
                "SELECT performed_by, reason, selector_kind, counts FROM dpo.erasure_log"
            ).fetchall()
        finally:
            con.close()
        assert len(record) == 1
        by, reason, kind, counts = record[0]
        assert (by, reason, kind) == ("A. Dpo", "SAR-2026-014", "handle")
        assert json.loads(counts)["ref.pupils"] == 1 and json.loads(counts)["audit.identities"] >= 1
        assert PUPIL_HANDLE not in json.dumps(record[0], default=str).lower()
        assert "alfie price" not in json.dumps(record[0], default=str).lower()
    again = socialaudit_inprocess(
        "sar", "--handle", PUPIL_HANDLE, "--db", str(db), "--out", str(tmp_path / "s")
    )
    assert again.returncode == 1 and "holds nothing" in again.stderr


def test_the_run_enforces_the_retention_school_toml_sets(audited):
    """The policy the run applied (meta.retention_policy, written as each run enforces it) is school.toml's
    [retention], defaults for what it leaves out. That a run purges past each setting and logs what it purged:
    tests/warehouse/privacy/test_retention.py::test_each_rule_purges_past_its_cutoff_and_logs_counts, and
    tests/e2e/test_retention_as_documented.py for whole runs a week and a year apart."""
    con = connect(audited.db, read_only=True)
    try:
        policy = {
            rule: (keep_for, str(cutoff))
            for rule, keep_for, cutoff in con.execute(
                "SELECT rule, keep_for, cutoff FROM dpo.retention_status"
            ).fetchall()
        }
    finally:
        con.close()
    assert policy["raw_pages_weeks"] == ("1 week", "2026-11-09")
    assert policy["unmatched_profiles_weeks"][0] == "1 week"
    assert policy["resolved_exceptions_months"][0] == "12 months"
