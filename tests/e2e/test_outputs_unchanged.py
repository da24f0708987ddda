"""Refactoring changes no output: two weeks of a sample school audited now equal the recorded outputs byte for byte.

The files in tests/golden/ were written by the pipeline before the issue-10 restructuring. A change that is
meant to alter outputs (a better rule, a new field) regenerates them on purpose:
`SOCIALAUDIT_UPDATE_GOLDEN=1 pytest tests/e2e/test_outputs_unchanged.py`, and the diff is reviewed like code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sandbox.school import write_sample

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "seed7-small"
SEED = 7
WEEKS = {0: "2026-11-16", 1: "2026-11-23"}
FILES = ("exceptions.json", "exceptions.csv", "resolved.json", "report.html")


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory, audit) -> Path:
    root = tmp_path_factory.mktemp("golden")
    for week, as_of in WEEKS.items():
        dataset = root / f"w{week}" / "school"
        write_sample(dataset, seed=SEED, size="small", week=week)
        result = audit(dataset, db="w.duckdb", out=f"out{week}", as_of=as_of, root=root).result
        assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.mark.parametrize("week", sorted(WEEKS))
@pytest.mark.parametrize("name", FILES)
def test_the_outputs_equal_the_recorded_ones(audited: Path, week: int, name: str) -> None:
    produced = audited / f"out{week}" / name
    recorded = GOLDEN / f"week{week}" / name
    if os.environ.get("SOCIALAUDIT_UPDATE_GOLDEN") == "1":
        recorded.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, recorded)
    assert produced.read_bytes() == recorded.read_bytes(), f"{name} of week {week} differs from {recorded}"
