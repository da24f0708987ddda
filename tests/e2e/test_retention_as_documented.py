"""Retention as docs/dpia.md says it (documentation the tests keep true): every row of the DPIA's retention table
is a [retention] setting with that default, and a run 53 weeks later holds nothing past any of them.

The school is audited two weeks (a register changes between them, so a superseded version exists), with a post
naming two pupils, an exception accepted and one judged a false positive; then once more 53 weeks after the first.
Each check below asks the warehouse, in its own SQL, what it still holds past a setting's cutoff."""

from __future__ import annotations

import csv
import dataclasses
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dashboards.kept_weeks import kept_weeks
from flows.config.school import RetentionSettings
from tests.builders.person_stores import NAMED_POST_ID, name_two_pupils_in_a_post
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.db import connect

ROOT = Path(__file__).resolve().parents[2]
FIRST, SECOND = date(2026, 11, 16), date(2026, 11, 23)
LATER = FIRST + timedelta(weeks=53)
PUPILS = ("alfie price", "ellie brown", "eleanor brown", "alfieprice")

# What each setting must leave behind: rows it should have removed, still held ($cutoff: the run's cutoff).
HELD_PAST: dict[str, str] = {
    "raw_pages_weeks": """
        SELECT count(*) FROM raw.api_pages WHERE snapshot_id IN (
            SELECT snapshot_id FROM raw.snapshots AS s WHERE stream NOT IN ('posts', 'post_lookup') AND as_of < $cutoff
              AND as_of < (SELECT max(as_of) FROM raw.snapshots AS n
                           WHERE n.platform = s.platform AND n.account_id = s.account_id AND n.stream = s.stream))""",
    "unmatched_profiles_weeks": "SELECT count(*) FROM audit.identities WHERE person_kind = 'unknown' AND as_of < $cutoff",
    "matched_identities_weeks": "SELECT count(*) FROM audit.identities WHERE person_kind <> 'unknown' AND as_of < $cutoff",
    "findings_weeks": "SELECT count(*) FROM audit.findings WHERE as_of < $cutoff",
    "resolved_exceptions_months": "SELECT count(*) FROM audit.exceptions WHERE status = 'resolved' AND resolved_on < $cutoff",
    "decided_exceptions_months": """
        SELECT count(*) FROM audit.exceptions AS e WHERE status IN ('accepted', 'false_positive')
          AND (SELECT max(as_of) FROM audit.reviews AS r WHERE r.key = e.key) < $cutoff""",
    "register_versions_months": """
        SELECT count(*) FROM ref.pupils WHERE load_id IN (SELECT load_id FROM ref.register_loads WHERE as_of < $cutoff)
          AND load_id <> (SELECT arg_max(load_id, loaded_at) FROM ref.register_loads)""",
    "validation_results_weeks": "SELECT count(*) FROM audit.validation_results WHERE as_of < $cutoff",
    "posts_naming_pupils_weeks": f"""
        SELECT count(*) FROM raw.api_pages AS p JOIN raw.snapshots AS s USING (snapshot_id)
        WHERE s.stream IN ('posts', 'post_lookup') AND s.as_of < $cutoff
          AND ({" OR ".join(f"contains(lower(p.payload::VARCHAR), '{name}')" for name in PUPILS)})
          AND NOT EXISTS (SELECT 1 FROM audit.exceptions AS e WHERE e.rule = 'pupil-named'
                          AND e.status IN ('new', 'open', 'acknowledged', 'reopened')
                          AND contains(p.payload::VARCHAR, e.subject_id))""",
    "access_log_months": "SELECT count(*) FROM audit.access_log WHERE accessed_at < $cutoff",
}


# The settings about files, not tables: the weeks of reports kept in the output folder, and the backups kept in a
# folder (removed by `socialaudit backup` by when each was really taken, which a run dated a year on cannot move:
# tests/flows/test_backup.py holds it to its default).
OUTPUT_WEEKS = "output_weeks"
BACKUP_WEEKS = "backup_weeks"


def dpia_retention_rows() -> list[dict[str, str]]:
    """The DPIA's "How long" table: setting, table, kept for."""
    text = (ROOT / "docs" / "dpia.md").read_text(encoding="utf-8")
    section = text.split("## How long", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append({"setting": cells[0].strip("`"), "table": cells[1].strip("`"), "kept_for": cells[2]})
    return rows


def cutoff(kept_for: str, as_of: date) -> date:
    amount, unit = kept_for.split()
    return as_of - timedelta(days=int(amount) * (7 if unit.startswith("week") else 30))


def test_every_row_of_the_dpia_is_a_setting_with_that_default() -> None:
    rows = dpia_retention_rows()
    defaults = {f.name: f.default for f in dataclasses.fields(RetentionSettings)}
    assert [r["setting"] for r in rows] and {r["setting"] for r in rows} == set(defaults) == set(
        HELD_PAST
    ) | {OUTPUT_WEEKS, BACKUP_WEEKS}
    for row in rows:
        amount = int(row["kept_for"].split()[0])
        assert amount == defaults[row["setting"]], row
        assert re.fullmatch(r"\d+ (weeks?|months?)", row["kept_for"]), row


def _review(socialaudit: Any, db: Path, key: str, *decision: str) -> None:
    result = socialaudit(
        "review", key, "--db", str(db), *decision, "--note", "decided in week one", "--by", "A. Etl"
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _add_a_member_of_staff(dataset: Path) -> None:
    with (dataset / "registers" / "staff.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["S002", "Nia", "Evans", "", "Teaching assistant", "", ""])


def _held(db: Path, out: Path, as_of: date) -> dict[str, int]:
    con = connect(db, read_only=True)
    try:
        held = {}
        for row in dpia_retention_rows():
            if row["setting"] == BACKUP_WEEKS:
                continue
            if row["setting"] == OUTPUT_WEEKS:
                past = cutoff(row["kept_for"], as_of)
                held[OUTPUT_WEEKS] = sum(week <= past for week in kept_weeks(out))
                continue
            found = con.execute(
                HELD_PAST[row["setting"]], {"cutoff": cutoff(row["kept_for"], as_of)}
            ).fetchone()
            held[row["setting"]] = int(found[0]) if found else 0
        return held
    finally:
        con.close()


@pytest.fixture(scope="module")
def a_year_on(tmp_path_factory: pytest.TempPathFactory, audit: Any, socialaudit: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("a-year-on")
    dataset = build_tiny_dataset(root / "school")
    name_two_pupils_in_a_post(dataset)
    # The acceptance below must still hold 53 weeks on, past the default longest acceptance (90 days).
    school_toml = dataset / "school.toml"
    school_toml.write_text(
        school_toml.read_text(encoding="utf-8") + "\n[reviews]\nmax_accept_days = 730\n", encoding="utf-8"
    )
    first = audit(dataset, as_of=FIRST.isoformat(), root=root)
    assert first.result.returncode == 0, first.result.stderr[-2000:]
    keys = {(e["rule"], e["subject_id"]): e["key"] for e in first.exceptions}
    _review(socialaudit, first.db, keys[("pupil-named", NAMED_POST_ID)], "--decision", "false-positive")
    follower = next(k for (rule, _), k in keys.items() if rule == "pupil-follower")
    _review(socialaudit, first.db, follower, "--decision", "accept", "--until", "2028-01-31")
    _add_a_member_of_staff(dataset)
    second = audit(dataset, as_of=SECOND.isoformat(), root=root)
    assert second.result.returncode == 0, second.result.stderr[-2000:]
    before, out_before = root / "before.duckdb", root / "out-before"
    shutil.copy(first.db, before)
    shutil.copytree(second.out, out_before)
    later = audit(dataset, as_of=LATER.isoformat(), root=root)
    assert later.result.returncode == 0, later.result.stderr[-2000:]
    return {
        "before": _held(before, out_before, LATER),
        "after": _held(later.db, later.out, LATER),
        "db": later.db,
    }


def test_a_run_53_weeks_later_holds_nothing_past_its_retention(a_year_on: dict[str, Any]) -> None:
    assert a_year_on["after"] == dict.fromkeys(a_year_on["after"], 0)


def test_before_that_run_each_kind_was_held_so_the_check_can_fail(a_year_on: dict[str, Any]) -> None:
    held = {setting for setting, n in a_year_on["before"].items() if n}
    # Nothing had been resolved a year before, and the access log is dated by the clock, not the audited week (no
    # entry is 24 months old): those rows cannot be shown held, only shown empty.
    never_held = {"resolved_exceptions_months", "access_log_months"}
    assert held == (set(HELD_PAST) | {OUTPUT_WEEKS}) - never_held, a_year_on["before"]


def test_the_pupils_names_left_the_old_post_and_the_post_stayed(a_year_on: dict[str, Any]) -> None:
    con = connect(a_year_on["db"], read_only=True)
    try:
        (text,) = con.execute(
            "SELECT text FROM staging.stg_x__posts WHERE post_id = ?", [NAMED_POST_ID]
        ).fetchone()  # type: ignore[misc]
        purged = dict(
            con.execute("SELECT rule, sum(rows_deleted) FROM dpo.purge_log GROUP BY rule").fetchall()
        )
    finally:
        con.close()
    assert "[removed by retention]" in text and "Alfie" not in text
    assert purged["posts_naming_pupils_weeks=52"] >= 1 and purged["decided_exceptions_months=12"] == 2
