"""What a run publishes besides files: the Prefect artifacts (of the session's tiny school week), and a clean refusal
when live credentials are absent."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

from tests.builders.audits import Audit
from tests.builders.tiny_dataset import build_tiny_dataset

AS_OF = "2026-11-16"


def in_fresh_loop(coroutine):
    """Run a coroutine on its own thread: other tests (the browser) may leave a loop running on this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_run_publishes_a_markdown_summary_and_a_table_of_open_references(tiny_school_week: Audit) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    report = str(tiny_school_week.out / "report.html")

    async def of_the_week(key: str):
        """The week's artifact under `key`: its run is the one whose summary names the week's report (the
        session's Prefect server holds the artifacts of every run on this worker)."""
        async with get_client() as client:
            summaries = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["socialaudit-weekly-summary"]))
            )
            (run,) = {a.flow_run_id for a in summaries if report in str(a.data)}
            assert run is not None
            (found,) = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[run])
                )
            )
            return found

    summary = in_fresh_loop(of_the_week("socialaudit-weekly-summary"))
    assert "week of 2026-11-16" in summary.data and "report.html" in summary.data
    table = in_fresh_loop(of_the_week("socialaudit-open-exceptions"))
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert {"ref", "rule", "severity", "status"} <= set(rows[0]) and "key" not in rows[0]
    assert any(r["rule"] == "pupil-follower" and r["ref"].startswith("ref-") for r in rows)
    # Opaque references, rules and counts: no key, handle, platform id or name in Prefect's database.
    held = str(table.data).lower()
    assert "alfie" not in held and "1600000000000000002" not in held and "pupil-follower:x:" not in held


def test_live_run_without_credentials_fails_in_one_line_and_writes_nothing(
    tmp_path, socialaudit_inprocess, monkeypatch
):
    dataset = build_tiny_dataset(tmp_path / "school")
    for name in (
        "SOCIALAUDIT_X_CONSUMER_KEY",
        "SOCIALAUDIT_X_CONSUMER_SECRET",
        "SOCIALAUDIT_X_ACCESS_TOKEN",
        "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET",
        "SOCIALAUDIT_YOUTUBE_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "w.duckdb"
    result = socialaudit_inprocess(
        "run",
        "--config",
        str(dataset / "school.toml"),
        "--db",
        str(db),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("socialaudit: run failed:") and "credentials" in last.lower()
    assert not db.exists()
    assert not (tmp_path / "out").exists()
