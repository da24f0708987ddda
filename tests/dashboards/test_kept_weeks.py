"""Each week's set also kept in `weeks/<as_of>/`, filed in the same step as the set, pruned by retention, and
removable by an erasure (dashboards/kept_weeks.py). A whole run that keeps weeks: tests/e2e/test_weeks_kept.py."""

from __future__ import annotations

import errno
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboards import output_set
from dashboards.kept_weeks import (
    KeptWeek,
    kept_weeks,
    kept_weeks_naming,
    prune_kept_weeks,
    remove_kept_week,
    rewrite_kept_week,
)
from dashboards.output_set import publish_set

NAMES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")
MONDAY = date(2026, 11, 16)


def week_files(marker: str) -> dict[str, str]:
    return {name: f"{marker}\n" for name in NAMES}


def test_each_week_is_kept_beside_the_latest_set_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for n in range(3):
        publish_set(out, week_files(f"week {n}"), KeptWeek(MONDAY + timedelta(weeks=n), keep_weeks=52))
    assert sorted(p.name for p in out.iterdir()) == [*sorted(NAMES), "weeks"]
    assert (out / "report.html").read_text(encoding="utf-8") == "week 2\n"
    weeks = kept_weeks(out)
    assert list(weeks) == [MONDAY + timedelta(weeks=n) for n in range(3)]
    for n, folder in enumerate(weeks.values()):
        assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == week_files(f"week {n}")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing left beside it


def test_publishing_a_week_again_replaces_its_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_set(out, week_files("first attempt"), KeptWeek(MONDAY))
    publish_set(out, {"report.html": "second attempt\n"}, KeptWeek(MONDAY))
    (folder,) = kept_weeks(out).values()
    assert [p.name for p in folder.iterdir()] == ["report.html"]
    assert (folder / "report.html").read_text(encoding="utf-8") == "second attempt\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_retention_removes_old_weeks_and_leaves_what_a_person_put_there(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for n in range(5):
        publish_set(out, week_files(str(n)), KeptWeek(MONDAY + timedelta(weeks=n), keep_weeks=2))
    (out / "weeks" / "notes").mkdir()
    assert list(kept_weeks(out)) == [MONDAY + timedelta(weeks=3), MONDAY + timedelta(weeks=4)]
    later = KeptWeek(MONDAY + timedelta(weeks=9), keep_weeks=1)
    assert prune_kept_weeks(out, later) == [MONDAY + timedelta(weeks=3), MONDAY + timedelta(weeks=4)]
    assert kept_weeks(out) == {} and (out / "weeks" / "notes").is_dir()
    assert prune_kept_weeks(out, KeptWeek(MONDAY, keep_weeks=None)) == []


def test_a_failed_swap_leaves_last_weeks_set_and_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    publish_set(out, week_files("last week"), KeptWeek(MONDAY))
    publish_set(out, week_files("this week"), KeptWeek(MONDAY + timedelta(weeks=1)))
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))

    def refuse(first: Path, second: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output_set, "_exchange", refuse)
    with pytest.raises(OSError):
        publish_set(out, week_files("again"), KeptWeek(MONDAY + timedelta(weeks=1)))
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    kept = kept_weeks(out)[MONDAY + timedelta(weeks=1)]
    assert (kept / "report.html").read_text(encoding="utf-8") == "this week\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_kept_weeks_that_name_a_person_are_found_however_the_files_wrote_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_set(out, {"report.html": "<p>nobody here</p>\n"}, KeptWeek(MONDAY))
    publish_set(
        out, {"report.html": "<p>Seán O&#39;Brien @SeanOB</p>\n"}, KeptWeek(MONDAY + timedelta(weeks=1))
    )
    publish_set(
        out, {"exceptions.json": '[{"subject_id": "99887766"}]\n'}, KeptWeek(MONDAY + timedelta(weeks=2))
    )
    publish_set(
        out, {"exceptions.json": '[{"label": "Se\\u00e1n"}]\n'}, KeptWeek(MONDAY + timedelta(weeks=3))
    )
    found = kept_weeks_naming(out, ["seanob", "Seán O'Brien", "99887766", ""])
    assert found == [MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=2)]
    assert kept_weeks_naming(out, ["Seán"]) == [MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=3)]


def test_a_kept_week_is_written_again_whole_and_the_latest_set_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, latest = MONDAY, MONDAY + timedelta(weeks=1)
    publish_set(out, {"report.html": "<p>Seán O'Brien</p>\n", "extra.txt": "old\n"}, KeptWeek(first))
    publish_set(out, {"report.html": "<p>the latest week</p>\n"}, KeptWeek(latest))
    rewrite_kept_week(out, first, {"report.html": "<p>nobody</p>\n"})
    assert sorted(p.name for p in kept_weeks(out)[first].iterdir()) == ["report.html"]
    assert (kept_weeks(out)[first] / "report.html").read_text(encoding="utf-8") == "<p>nobody</p>\n"
    assert (out / "report.html").read_text(encoding="utf-8") == "<p>the latest week</p>\n"
    assert sorted(p.name for p in (out / "weeks").iterdir()) == [first.isoformat(), latest.isoformat()]
    remove_kept_week(out, first)
    assert list(kept_weeks(out)) == [latest]
