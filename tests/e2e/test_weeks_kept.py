"""Weeks kept (issue 25, item 4): weekly runs keep each week's set in --out/weeks/<as_of>/ beside the latest set,
published in the same step (the oldest removed by [retention] output_weeks: shown without a third audit, as the
first test says); `publish` files a week again; an erasure writes the kept weeks that name the person again without
them, and an earlier kept week's report that shows the person's picture without naming them."""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dashboards.manifest import SCHOOL_OUTPUTS
from dashboards.output_set import publishing_lock
from dashboards.publishing import publish_week, stored_week
from tests.builders.audits import append_toml
from tests.builders.report_pictures import pictures_by_row
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.db import SPILL_FOLDER
from warehouse.side_files import kept_path
from warehouse.snapshot import open_snapshot

WEEKS = ("2026-11-02", "2026-11-09")
SET = sorted([*SCHOOL_OUTPUTS, "manifest.json"])


def _until_waiting_or_done(work: Future[Any], lock: Path, seconds: float = 120) -> None:
    """Until `work` has finished, or a process waits for the lock on `lock` (a blocked flock in /proc/locks)."""
    inode = f":{lock.stat().st_ino} "
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not work.done():
        waiting = [line for line in Path("/proc/locks").read_text().splitlines() if "->" in line]
        if any(inode in line for line in waiting):
            return
        time.sleep(0.05)


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


PICTURED_ONLY = "P0003"


def picturing_a_pupil_nothing_names(dataset: Path) -> None:
    """The sports-day photo approved for the website only (so the X post that publishes it is unapproved media),
    picturing a pupil with consent whom nothing else names: the report shows the approved picture beside the
    post's photo, and never the pupil's name."""
    approvals = dataset / "registers" / "approved_media.csv"
    approvals.write_text(
        approvals.read_text("utf-8").replace(
            "sports_day.jpg,x,,Headteacher,2026-10-01,P0001",
            f"sports_day.jpg,website,,Headteacher,2026-10-01,{PICTURED_ONLY}",
        ),
        "utf-8",
    )
    with (dataset / "registers" / "pupils.csv").open("a", encoding="utf-8", newline="") as pupils:
        pupils.write(f"{PICTURED_ONLY},Zara,Quill,,2015-03-10,6,current,,granted,\r\n")


@dataclass(frozen=True)
class FirstTwoWeeks:
    """The tiny school's first two weeks, audited once for the module into `erased` (the erasure test's: a
    warehouse publishes only into folders it recorded itself, so the erasure runs on the original) and copied to
    `continued` before any test ran (the one `publish` files a week again in)."""

    erased: Path
    continued: Path
    seen: dict[str, dict[str, bytes]]


@pytest.fixture(scope="module")
def first_two_weeks(audit, tmp_path_factory: pytest.TempPathFactory) -> FirstTwoWeeks:
    root = tmp_path_factory.mktemp("weeks-kept")
    dataset = build_tiny_dataset(root / "school")
    # Two kept weeks are within output_weeks = 2: what the erasure finds is the same as under the default.
    append_toml(dataset, "[retention]\noutput_weeks = 2\n")
    picturing_a_pupil_nothing_names(dataset)
    seen: dict[str, dict[str, bytes]] = {}
    for as_of in WEEKS:
        done = audit(dataset, as_of=as_of, root=root)
        assert done.result.returncode == 0, done.result.stderr[-2000:]
        seen[as_of] = files_of(done.out)
    continued = tmp_path_factory.mktemp("weeks-kept-continued") / "root"
    shutil.copytree(root, continued)
    return FirstTwoWeeks(root, continued, seen)


def test_two_mondays_keep_each_week_beside_the_latest_set(
    first_two_weeks: FirstTwoWeeks, socialaudit
) -> None:
    """What a run keeps, and `publish` filing a week again. That the weeks past `[retention] output_weeks` go
    when a week is published is shown without a third audit: dashboards/kept_weeks.py's pruning by
    tests/dashboards/test_kept_weeks.py, the setting read from school.toml by tests/flows/config/test_school.py,
    and a run publishing under it (weeks past the default removed a year on) by
    tests/e2e/test_retention_as_documented.py."""
    tmp_path = first_two_weeks.continued
    seen = dict(first_two_weeks.seen)
    for as_of in WEEKS:
        assert sorted(seen[as_of]) == SET
        assert json.loads(seen[as_of]["manifest.json"])["as_of"] == as_of
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [*SET, "weeks"]
    assert files_of(out) == seen[WEEKS[1]]  # the top level is the latest set, exactly
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS)
    for as_of in WEEKS:
        assert files_of(out / "weeks" / as_of) == seen[as_of]

    # Publishing an earlier week again (no --config: nothing pruned) refiles that week and makes it the latest.
    again = socialaudit("publish", "--db", str(tmp_path / "w.duckdb"), "--out", str(out), "--as-of", WEEKS[0])
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["as_of"] == WEEKS[0]
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS)
    assert files_of(out / "weeks" / WEEKS[0]) == files_of(out)
    # No half-published set left aside (the warehouse's own spill folder and the outputs' empty lock file are kept
    # kinds, not leftovers).
    kept = {SPILL_FOLDER, kept_path("outputs lock", out).name}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name not in kept] == []


def test_an_erasure_writes_the_kept_weeks_that_name_the_person_again_without_them(
    first_two_weeks: FirstTwoWeeks, socialaudit
) -> None:
    handle, account_id = "alfie_p_y6", "1600000000000000002"  # a pupil of the tiny school who follows it
    tmp_path = first_two_weeks.erased
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS[:2])
    assert account_id in (out / "weeks" / WEEKS[0] / "exceptions.json").read_text(encoding="utf-8")

    # Shown first, changing nothing: a dry run, and a script that did not say --yes (no terminal to ask at).
    db = tmp_path / "w.duckdb"
    asked = ("erase", "--handle", handle, "--db", str(db), "--by", "dpo", "--reason", "E-1")
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    dry = socialaudit(*asked, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "socialaudit erase would:" in dry.stdout and "dry run: nothing was changed" in dry.stdout
    assert f"--handle {handle} names: register id(s)" in dry.stdout
    assert f"kept weeks written again without them: {WEEKS[0]}, {WEEKS[1]}" in dry.stdout
    unconfirmed = socialaudit(*asked)
    assert unconfirmed.returncode == 2
    assert [line for line in unconfirmed.stderr.splitlines() if line.strip()] == [
        "socialaudit: erase asks before it changes anything: give --yes to go on without a terminal "
        "(or --dry-run to see what it would do); nothing was changed"
    ]
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before

    # A publisher that opened the read-only copy before the erasure (a weekly run between its store and its
    # outputs) and writes the outputs from it while the erasure runs: the erasure waits for it, then writes them
    # again, so the person never stays in the outputs.
    pool = ThreadPoolExecutor(1)
    holding = publishing_lock([out])
    holding.__enter__()
    try:
        stale = open_snapshot(db)
        erasing = pool.submit(lambda: socialaudit(*asked, "--yes"))
        _until_waiting_or_done(erasing, kept_path("outputs lock", out))
        stale_week, school_name = stored_week(stale, None)
        publish_week(stale, out, stale_week, school_name)
        stale.close()
        assert account_id in (out / "exceptions.json").read_text(encoding="utf-8")
    finally:
        holding.__exit__(None, None, None)
    erased = erasing.result(timeout=300)
    pool.shutdown()
    assert erased.returncode == 0, erased.stderr
    assert (
        f'kept weeks written again without them: {out.absolute()}: ["{WEEKS[0]}", "{WEEKS[1]}"]'
        in erased.stdout
    )
    # The earlier week named them and is written again without them; the latest is published again, at the top
    # (still the latest week: the top level never goes back a week) and in its folder.
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS[:2])
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["as_of"] == WEEKS[1]
    assert (out / "weeks" / WEEKS[0] / "report.html").is_file()
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and not [p for p in written if account_id.encode() in p.read_bytes()]
    assert not [p for p in written if handle.encode() in p.read_bytes().lower()]


def test_a_kept_report_showing_an_erased_pupils_picture_is_written_again_though_it_never_names_them(
    first_two_weeks: FirstTwoWeeks, socialaudit
) -> None:
    # The earlier week (the latest is published again by every erasure whatever it shows).
    kept = first_two_weeks.erased / "out" / "weeks" / WEEKS[0] / "report.html"
    as_audited = first_two_weeks.seen[WEEKS[0]]["report.html"].decode("utf-8")
    assert PICTURED_ONLY not in as_audited and "Quill" not in as_audited
    approved = {
        data
        for pictures in pictures_by_row(as_audited).values()
        for alt, data in pictures
        if alt == "approved picture A001"
    }
    # Still shown whichever of this module's erasures ran first: the other erases a pupil the photo does not show.
    before = kept.read_text("utf-8")
    assert approved and all(data in before for data in approved)

    erased = socialaudit(
        "erase",
        "--person",
        PICTURED_ONLY,
        "--db",
        str(first_two_weeks.erased / "w.duckdb"),
        "--by",
        "dpo",
        "--reason",
        "E-8",
        "--yes",
        timeout=300,
    )
    assert erased.returncode == 0, erased.stderr
    after = kept.read_text("utf-8")
    assert not [data for data in approved if data in after]
    assert (
        "the published picture" in after
    )  # the post's own photo does not picture the pupil as far as anyone knows
