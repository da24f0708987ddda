"""The weekly run says what it is doing: log lines when nothing watches (and in Prefect), a live display on a
terminal that counts each long phase. The trust run's progress (a line as each school is done, a progress artifact
holding a number only) is shown on tests/e2e/test_trust.py's trust run."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from tests.builders.audits import IMAGES_NOT_READ, append_toml
from tests.builders.cli import console_script
from tests.builders.terminal import run_on_terminal
from tests.builders.tiny_dataset import X_HANDLE, build_tiny_dataset

AS_OF = "2026-11-16"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A line of the live display: its elapsed time at the end.
DISPLAY_LINE = re.compile(r"\d+:\d\d:\d\d$")
STAGES = (
    "checking the warehouse and the output folder",
    "reading 2 account(s) and the registers",
    "fingerprinting",
    "storing the week and running the rules",
    "publishing the report",
)


def with_x_followers(school: Path, total: int) -> Path:
    """The school's X account followed by `total` accounts: its own followers, then strangers (a local reader
    each, as the library's account is) enough to make up the number."""
    path = school / "x" / X_HANDLE / "followers.json"
    followers = json.loads(path.read_text(encoding="utf-8"))
    library = followers[2]
    followers += [
        {
            **library,
            "id": str(1610000000000000000 + n),
            "username": f"reader_{n}",
            "name": f"Reader {n}",
        }
        for n in range(len(followers), total)
    ]
    path.write_text(json.dumps(followers), encoding="utf-8")
    return school


def test_a_weekly_run_in_a_log_says_each_stage_and_each_long_stream(tmp_path: Path, socialaudit) -> None:
    # A medium school's 1,500 followers (X serves them in pages of 1,000) on the tiny school: what is said is the
    # same for any school, and a sample school of that size cost this run most of its time.
    school = with_x_followers(build_tiny_dataset(tmp_path / "school"), 1500)
    append_toml(school, IMAGES_NOT_READ)  # the stages and the long stream are said the same either way
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


def test_on_a_terminal_a_live_display_counts_each_long_phase_and_nothing_prints_over_it(
    tmp_path: Path, prefect_api_url: str
) -> None:
    school = build_tiny_dataset(tmp_path / "school")
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "PREFECT_LOGGING_LEVEL": "INFO"}
    args = [
        "run",
        "--sandbox",
        str(school),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--out",
        str(tmp_path / "out"),
    ]
    shown = run_on_terminal([console_script(), *args, "--as-of", AS_OF], env)
    assert shown.returncode == 0, shown.raw[-3000:]
    drawn = ANSI.sub("", shown.raw)
    for stage in ("checking the warehouse", "fingerprinting", "storing the week", "publishing the report"):
        assert stage in drawn, stage
    counts = re.findall(r"images fingerprinted\W+(\d+)/(\d+)", drawn)
    assert counts and any(done == total != "0" for done, total in counts), counts
    assert re.search(r"accounts read\W+2/2", drawn)
    # Each screen as it was redrawn: the display (a spinner or a bar, with its time) at the bottom, nothing written
    # into or below it, and no log line of the progress it shows.
    for screen in shown.screens:
        lines = [line for line in screen if line.strip()]
        first = next((n for n, line in enumerate(lines) if DISPLAY_LINE.search(line)), len(lines))
        assert all(DISPLAY_LINE.search(line) for line in lines[first:]), "\n".join(lines)
        assert not any("flows.progress" in line or " | INFO " in line for line in lines), "\n".join(lines)
    # Cleared when the run ends: the terminal keeps the run's own line (wrapped at the terminal's width).
    kept = "".join(shown.final)
    assert re.fullmatch(r"\d+ exceptions \(\d+ new, \d+ resolved\); report: \S+report\.html", kept), (
        shown.final
    )
