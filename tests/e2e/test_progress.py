"""Progress (issue 25, item 6): the weekly run and the trust run say what they are doing: log lines when nothing
watches (and in Prefect), one live line on a terminal; the trust keeps a progress artifact (a number only)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from sandbox.school import SIZES, write_sample
from tests.builders.tiny_dataset import build_tiny_dataset

AS_OF = "2026-11-16"
STAGES = (
    "checking the warehouse and the output folder",
    "reading 2 account(s) and the registers",
    "fingerprinting",
    "storing the week and running the rules",
    "publishing the report",
)


def test_a_weekly_run_in_a_log_says_each_stage_and_each_long_stream(tmp_path: Path, socialaudit) -> None:
    school = tmp_path / "school"
    # A small school with a medium school's 1,500 followers: X serves them in pages of 1,000.
    write_sample(school, seed=31, size=replace(SIZES["small"], followers=1500))
    ran = socialaudit(
        "run",
        "--sandbox",
        str(school),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
        env={"PREFECT_LOGGING_LEVEL": "INFO"},
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    for stage in ("checking the warehouse", "fingerprinting", "storing the week", "publishing the report"):
        assert stage in ran.stderr, stage
    assert "x followers of " in ran.stderr and "page 2 read, 1,500 so far" in ran.stderr
    assert "\x1b[2K" not in ran.stderr  # no terminal: plain lines, no live display


def test_on_a_terminal_one_line_is_kept_up_to_date(tmp_path: Path, prefect_api_url: str) -> None:
    school = build_tiny_dataset(tmp_path / "school")
    leader, follower = pty.openpty()
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "PREFECT_LOGGING_LEVEL": "INFO"}
    executable = Path(sys.executable).parent / "socialaudit"
    args = [
        "run",
        "--sandbox",
        str(school),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
    ]
    process = subprocess.Popen(
        [str(executable), *args, "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=follower, env=env
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=300)
    os.close(leader)
    assert process.returncode == 0, seen.decode(errors="replace")[-3000:]
    terminal = seen.decode(errors="replace")
    assert "\r\x1b[2Kpublishing the report" in terminal
    assert "\r\x1b[2Kfingerprinting" in terminal
    # Shown on the live line, not printed again as a log line of its own.
    lines = terminal.replace("\r\x1b[2K", "\n").splitlines()
    assert sum("publishing the report" in line for line in lines) == 1


def test_a_trust_says_how_many_schools_are_done_and_keeps_a_progress_artifact(
    tmp_path: Path, socialaudit
) -> None:
    for slug in ("north", "south", "east"):
        build_tiny_dataset(tmp_path / "schools" / slug)
    entries = "".join(f'[[schools]]\nsandbox = "schools/{slug}"\n' for slug in ("north", "south", "east"))
    (tmp_path / "trust.toml").write_text(
        f'[trust]\nname = "Progress Trust"\ncontroller = "trust"\nparallel = 2\n\n{entries}', encoding="utf-8"
    )
    ran = socialaudit(
        "trust",
        "run",
        "--trust",
        str(tmp_path / "trust.toml"),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        AS_OF,
        env={"PREFECT_LOGGING_LEVEL": "INFO"},
        timeout=900,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    for done in (1, 2, 3):
        assert f"{done} of 3 schools done (" in ran.stderr
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["socialaudit-trust-progress"]))
        )
    # The session's Prefect server also holds the progress of trusts other modules ran on this worker.
    ours = [a for a in found if "Progress Trust" in (a.description or "")]
    assert ours and max(float(a.data) for a in ours if a.data is not None) == 100.0  # type: ignore[arg-type]
    assert all(a.type == "progress" for a in ours)
