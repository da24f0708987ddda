"""What holds children's data, or the keys to it, never enters the repository (.gitignore)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "path",
    [
        "trust/lake/catalog/north-lane.sqlite",
        "trust/out/north-lane/report.html",
        "lake/catalog/north-lane.sqlite",
        "reports/latest/exceptions.csv",
        "sar-P0001/sar.json",
        "SAR-2026-014/sar.json",
        "sar/case-12/identities.csv",
        "data/socialaudit.duckdb.erasures.jsonl",
        "data/.socialaudit-spill/duckdb_temp_storage-0.tmp",
        "north-lane.ducklake",
        "data/socialaudit.duckdb.wal",
        "school/registers/pupils.csv",
    ],
)
def test_is_ignored(path: str) -> None:
    checked = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", path], cwd=REPO, check=False, capture_output=True
    )
    assert checked.returncode == 0, f"{path} is not ignored"


def test_the_code_is_not() -> None:
    for path in ("warehouse/lake.py", "docs/dpo.md", "sandbox/school/people.py", "tests/e2e/test_sar.py"):
        checked = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=REPO, check=False)
        assert checked.returncode == 1, path
