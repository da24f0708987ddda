"""The soak's summary counts the lake stress beside each run: its crashes with the pipeline's, its decisions and
any the lake lost; runs recorded before the lake stress joined are summed without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.soak import write_results


def a_run(number: int, **lake: Any) -> dict[str, Any]:
    return {
        "run": number,
        "stress": "threads" if number % 2 == 0 else "workers",
        "trust_exit": 0,
        "trust_crashed": False,
        "engine_faults_contained": 0,
        "stress_crashed": False,
        "stress_passes": 1,
        "load_before": 1.0,
        "load_after": 2.0,
        **lake,
    }


def test_the_summary_counts_the_lake_stress_and_tolerates_runs_without_it(tmp_path: Path) -> None:
    runs = [
        a_run(0),  # recorded before the lake stress joined the soak
        a_run(1, lake_stress_crashed=True, lake_decisions=5, lake_decisions_missing=0),
        a_run(2, lake_stress_crashed=False, lake_decisions=6, lake_decisions_missing=1),
    ]
    summary = write_results(tmp_path / "soak.json", 3, runs, {})
    assert summary["lake_stress_rounds"] == 2
    assert summary["lake_stress_crashed"] == 1
    assert summary["lake_decisions"] == 11
    assert summary["lake_decisions_missing"] == 1
    assert json.loads((tmp_path / "soak.json").read_text(encoding="utf-8"))["summary"] == summary
