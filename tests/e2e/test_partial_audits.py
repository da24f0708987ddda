"""A stream that cannot be read makes a partial audit (exit 3), never a silent one and never a lost week.

Week one is audited clean; week two (same school, nothing changed on the platforms) is audited with a stream of X
and of YouTube, and in one run of Instagram, failing on every request. Everything else is stored and audited as in a
clean week; the exceptions that depend on a failed stream keep their state and their `last_seen`; nothing is
resolved that the run could not see; the report and the command say what was not looked at.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders.audits import AS_OF, Audit, with_settings
from tests.builders.fault_plans import PLANS
from tests.builders.next_week import SAMPLE_SCHOOL_NEXT_WEEK, NextWeek

NEXT_WEEK = SAMPLE_SCHOOL_NEXT_WEEK


def faults(*entries: dict) -> dict[str, str]:
    return {"SOCIALAUDIT_SANDBOX_FAULTS": json.dumps(list(entries))}


@pytest.fixture(scope="module")
def first_week(sample_school_week: Audit, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The session's sample school (tests/e2e/conftest.py), audited clean: exceptions of every subject kind. Its
    school is copied and set to give up a failed request at once (`max_retries = 0`, which changes nothing a clean
    run stores): a stream failing for good fails the same on its first request as on its sixth, and retried, the
    backoffs were a third of the module's time (retrying is tests/e2e/test_faults_and_refusals.py's)."""
    return with_settings(sample_school_week, tmp_path_factory.mktemp("partial"), "[api]\nmax_retries = 0")


@pytest.fixture(scope="module")
def clean_second_week(sample_school_next_week: NextWeek) -> Audit:
    """The same school's next week audited clean: the session's (tests/e2e/conftest.py), which
    tests/e2e/test_media_refetch.py reads too."""
    return sample_school_next_week.audit


def flow_run_state_writing_to(out: Path) -> tuple[str, str]:
    """The type and name of the state of the newest weekly-audit flow run that wrote into `out`, from the Prefect
    API (the session's server holds every worker's runs)."""
    import asyncio
    import concurrent.futures

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    async def newest() -> tuple[str, str]:
        async with get_client() as client:
            runs = await client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200)
            ours = [r for r in runs if Path(str(r.parameters.get("out_dir", ""))).resolve() == out.resolve()]
            assert ours, [r.parameters for r in runs[:5]]
            state = ours[0].state
            assert state is not None
            return state.type.value, state.name or ""

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, newest()).result()


def stored_content(db: Path, as_of: str) -> dict[tuple[str, str, str], str]:
    """The content each account's streams stored for the week `as_of`, by (platform, stream, account)."""
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT platform, stream, account_id, content_sha256 FROM staging.stg_raw__current_snapshots"
            " WHERE as_of = ?",
            [as_of],
        ).fetchall()
    finally:
        con.close()
    return {(platform, stream, account): sha for platform, stream, account, sha in rows}


def stream_status(db: Path, as_of: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT platform, stream, status, reason FROM audit.stream_status WHERE as_of = ?", [as_of]
        ).fetchall()
    finally:
        con.close()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


# Which streams each fault of PLANS leaves unread and which subjects that blinds is
# tests/connectors/test_streams_a_fault_leaves_unread.py's, plan by plan, without an audit. Whole, two runs show the
# rest: each platform once with one stream failing while the others are read (outside the blind spot the week
# equals a clean one) and once stopped as a whole (a usage cap skips X's later streams, an expired sign-in all of
# YouTube). The platforms are read apart, so each run fails one stream of each and judges each plan as if alone;
# a Meta platform failing in a run that reads it anyway costs nothing. Only Instagram: the Page and the Instagram
# account are read at once with one Page token, so a 190 on the Page would stop Instagram too, or not, as the
# threads happen to run (the 190 is met by the connector alone, in test_streams_a_fault_leaves_unread.py).
PAIRS = [
    ("x-posts-500", "youtube-sign-in-expired", "instagram-media-throttled"),
    ("x-followers-usage-cap", "youtube-comments-quota"),
]


def test_each_run_fails_at_most_one_plan_of_each_platform() -> None:
    assert {name for pair in PAIRS for name in pair} <= set(PLANS)
    for names in PAIRS:
        platforms = [{p for p, _ in PLANS[name][1]} for name in names]
        assert all(len(one) == 1 for one in platforms)
        assert len(set().union(*platforms)) == len(names) and {"x", "youtube"} <= set().union(*platforms)


@pytest.mark.parametrize("names", PAIRS, ids="+".join)
def test_a_stream_failing_for_good_makes_a_partial_audit_that_judges_only_what_it_saw(
    names: tuple[str, ...], first_week: Audit, clean_second_week: Audit, tmp_path: Path, audit_inprocess
) -> None:
    plan = [entry for name in names for entry in PLANS[name][0]]
    not_read = set().union(*(PLANS[name][1] for name in names))
    blind = set().union(*(PLANS[name][2] for name in names))
    db = tmp_path / "w.duckdb"
    shutil.copy(first_week.db, db)

    second = audit_inprocess(first_week.dataset, db=db, as_of=NEXT_WEEK, env=faults(*plan))

    result = second.result
    assert result.returncode == 3, result.stderr[-3000:]
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("socialaudit: partial audit, not read:")
    for platform, stream in not_read:
        assert f"{platform} {stream} of" in last_line
    statuses = stream_status(db, NEXT_WEEK)
    for platform, stream in not_read:
        assert statuses[(platform, stream)][0] in ("failed", "skipped")
        # The line says why, as the platform said it (a Graph error's code, a quota), not only what.
        assert f"({statuses[(platform, stream)][0]}: {statuses[(platform, stream)][1]})" in last_line
    # Every other stream was read; a stream the platform does not offer at all (a Page's followers) never is.
    assert all(
        s == "complete" or (s == "skipped" and (why or "").startswith("not looked at:"))
        for (p, st), (s, why) in statuses.items()
        if (p, st) not in not_read
    )

    # Every stream read is stored as the clean week stored it; none not read is stored at all.
    stored = stored_content(db, NEXT_WEEK)
    clean_stored = stored_content(clean_second_week.db, NEXT_WEEK)
    assert stored and stored == {k: sha for k, sha in clean_stored.items() if k[:2] not in not_read}

    before = {row["key"]: row for row in first_week.exceptions}
    clean = {row["key"]: row for row in clean_second_week.exceptions}
    after = {row["key"]: row for row in second.exceptions}

    def in_blind_spot(row: dict) -> bool:
        return (row["platform"], row["subject_kind"]) in blind

    # Outside the blind spot the partial week equals a clean one, exception for exception.
    assert {k: r for k, r in after.items() if not in_blind_spot(r)} == {
        k: r for k, r in clean.items() if not in_blind_spot(r)
    }
    # Inside it, every exception is as the first week left it: not raised afresh, not resolved, not seen.
    unjudged = {k: r for k, r in before.items() if in_blind_spot(r)}
    for name in names:  # each plan's own blind spot, not only one of them
        blind_spot = PLANS[name][2]
        assert any((r["platform"], r["subject_kind"]) in blind_spot for r in unjudged.values()), name
    assert {k: r for k, r in after.items() if in_blind_spot(r)} == unjudged
    resolved = json.loads((second.out / "resolved.json").read_text(encoding="utf-8"))
    assert not [r for r in resolved if in_blind_spot(r)]
    report = (second.out / "report.html").read_text(encoding="utf-8")
    assert "Partial audit: not everything was looked at this week" in report
    # Not a plain success in Prefect either: Completed (the week is stored and published), named Partial.
    assert flow_run_state_writing_to(second.out) == ("COMPLETED", "Partial")


def test_images_that_cannot_be_downloaded_blind_only_their_posts_media_rules(
    first_week: Audit, tmp_path: Path, audit_inprocess
) -> None:
    """A fresh warehouse, so the images are downloaded; every X image download fails for good (each given up at
    once, as the module's school is set to)."""
    faulty = audit_inprocess(
        first_week.dataset, env=faults({"route": "x.media", "kind": "500", "times": -1}), root=tmp_path
    )
    result = faulty.result
    assert result.returncode == 3, result.stderr[-3000:]
    assert "image downloads of" in result.stderr.strip().splitlines()[-1]
    clean = {row["key"]: row for row in first_week.exceptions}
    partial = {row["key"] for row in faulty.exceptions}
    missing = set(clean) - partial
    # Only X posts' media rules are missing, and what was found in the text read in their images; everything
    # else was raised as in the clean run.
    assert missing and all(
        k.split(":")[0] in ("unapproved-media", "consent-breach") or "read in image" in clean[k]["evidence"]
        for k in missing
    )
    assert all(k.split(":")[1] == "x" for k in missing)
    assert partial <= set(clean)
    assert stream_status(faulty.db, AS_OF)[("media", "downloads")][0] == "failed"


def test_when_nothing_at_all_can_be_read_nothing_is_stored(
    first_week: Audit, tmp_path: Path, audit_inprocess
):
    db = tmp_path / "w.duckdb"
    shutil.copy(first_week.db, db)
    from tests.builders.warehouse import table_fingerprint

    before = table_fingerprint(db)
    failed = audit_inprocess(
        first_week.dataset, db=db, as_of=NEXT_WEEK, env=faults({"route": "*", "kind": "500", "times": -1})
    )
    assert failed.result.returncode == 1
    assert "nothing could be read" in failed.result.stderr.strip().splitlines()[-1]
    assert table_fingerprint(db) == before
