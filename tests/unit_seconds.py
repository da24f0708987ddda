"""How long each unit of `make test`'s work takes (tests/xdist_scheduling.py hands the longest out first).

The figures are in tests/unit_seconds.json: the seconds a unit's tests took in one whole run, set-up included (a
module fixture's set-up is counted with the module's first test, a session fixture's with the first test asking
for it on its worker). Only the order matters to the scheduler, so figures from one run under one load compare.

Written again from a run's JUnit XML (pytest's `time` of a test case is its set-up, call and tear-down):

    pytest -n 2 --dist loadscope --junitxml=durations.xml
    python -m tests.unit_seconds durations.xml "idle, 2 cores, 2 workers"

A unit whose tests the run skipped (a check that needs data a clone may lack, such as the independent schools beside
the checkout) keeps the figure the table had: recorded as 0.1 s, it was handed out last, and where it does run (CI)
one worker ran it alone at the end. A unit without a figure (a module added since) is expected to take the middle
figure of its kind, the whole-audit units' or the others'; tests/test_xdist_scheduling.py holds every whole-audit
unit to having one of its own.
"""

from __future__ import annotations

import json
import statistics
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from pathlib import Path

from tests.xdist_scheduling import runs_whole_audits, unit_of

TABLE = Path(__file__).with_name("unit_seconds.json")
REPO = Path(__file__).resolve().parents[1]


def measured(table: Path = TABLE) -> dict[str, float]:
    """Each unit's measured seconds (empty when there is no table)."""
    if not table.exists():
        return {}
    return {unit: float(seconds) for unit, seconds in json.loads(table.read_text("utf-8"))["seconds"].items()}


def expected(unit: str, figures: Mapping[str, float]) -> float:
    """`unit`'s figure, or the middle figure of the units of its kind (whole audits or not); 0 with none."""
    if unit in figures:
        return figures[unit]
    alike = [s for u, s in figures.items() if runs_whole_audits(u) == runs_whole_audits(unit)]
    return statistics.median(alike) if alike else 0.0


def module_of(classname: str) -> str:
    """The module path of a JUnit test case's classname (`tests.e2e.test_sql` or `tests.e2e.test_sql.TestX`)."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        path = "/".join(parts[:end]) + ".py"
        if (REPO / path).is_file():
            return path
    raise ValueError(f"no module for the test case class {classname!r}")


def from_junit(report: Path, earlier: Mapping[str, float] | None = None) -> dict[str, float]:
    """The seconds of each unit in a JUnit XML report of a whole run; a unit whose every test was skipped there
    has its figure from `earlier` (none without one)."""
    seconds: dict[str, float] = {}
    skipped: set[str] = set()
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        unit = unit_of(module_of(case.get("classname", "")))
        if case.find("skipped") is not None:
            skipped.add(unit)
            continue
        seconds[unit] = seconds.get(unit, 0.0) + float(case.get("time", "0"))
    for unit in skipped - set(seconds):
        if unit in (earlier or {}):
            seconds[unit] = (earlier or {})[unit]
    # A tenth of a second at least: a figure of 0 would read as none (tests/test_xdist_scheduling.py).
    return {
        unit: max(round(s, 1), 0.1) for unit, s in sorted(seconds.items(), key=lambda kv: (-kv[1], kv[0]))
    }


def write(figures: Mapping[str, float], source: str, table: Path = TABLE) -> None:
    table.write_text(json.dumps({"source": source, "seconds": dict(figures)}, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.unit_seconds JUNIT.xml 'where and under what load it was measured'")
    write(from_junit(Path(sys.argv[1]), measured()), sys.argv[2])
