"""The run-cost benchmark: its school without the Meta accounts is the same school less those accounts only, and where
a run's time went is read from the run's own progress lines."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.engine_floor import EngineWork
from benchmarks.run_cost import META_PLATFORMS, START_UP, Timing, phases, where_it_goes, without_platforms

SCHOOL = """[school]
name = "A School"

[[accounts]]
platform = "x"
handle = "ASchool"

[[accounts]]
platform = "facebook"
handle = "aschool"

[[accounts]]
platform = "instagram"
handle = "aschool"

[[accounts]]
platform = "youtube"
handle = "@ASchool"

[api]
backoff_seconds = 0.05
"""


def test_the_school_without_its_meta_accounts_keeps_everything_else(tmp_path: Path) -> None:
    school = tmp_path / "school"
    for folder in ("x", "youtube", "facebook", "instagram", "registers"):
        (school / folder).mkdir(parents=True)
        (school / folder / "kept.json").write_text("{}", encoding="utf-8")
    (school / "school.toml").write_text(SCHOOL, encoding="utf-8")

    bare = without_platforms(school, META_PLATFORMS, tmp_path / "bare")

    config = tomllib.loads((bare / "school.toml").read_text(encoding="utf-8"))
    assert [account["platform"] for account in config["accounts"]] == ["x", "youtube"]
    assert config["school"] == {"name": "A School"} and config["api"] == {"backoff_seconds": 0.05}
    assert sorted(p.name for p in bare.iterdir()) == ["registers", "school.toml", "x", "youtube"]
    assert (school / "facebook" / "kept.json").exists(), "the original school is left as it was"


RUN_LOG = """\
12:00:03.000 | INFO    | flows.progress - A School, week of 2026-11-16: checking the warehouse and the output folder
12:00:03.500 | INFO    | flows.progress - reading 2 account(s) and the registers
12:00:04.000 | INFO    | connectors.progress - x posts of 1: page 2 read, 120 so far
12:00:05.000 | INFO    | flows.progress - reading 10 image(s) that waited for the approved library
12:00:06.000 | INFO    | flows.progress - images read: 3 of 10 image(s)
12:00:07.000 | WARNING | checks - something said on the way
12:00:08.000 | INFO    | flows.progress - publishing the report
a line without a time
"""


def test_a_runs_steps_are_read_from_its_progress_lines() -> None:
    started = datetime(2026, 11, 25, 12, 0, 0)

    found = phases(RUN_LOG, started, started + timedelta(seconds=9))

    assert found == [
        (START_UP, 3.0),
        ("A School, week of 2026-11-16: checking the warehouse and the output folder", 0.5),
        ("reading 2 account(s) and the registers", 1.5),
        ("reading 10 image(s) that waited for the approved library", 3.0),
        ("publishing the report", 1.0),
    ], "a counted step's periodic line and other loggers' lines start no step; the last step runs to the end"
    assert phases("12:00:01.000 | INFO    | prefect - nothing of the run's", started, started) == []


def test_where_a_runs_time_went_names_its_start_up_and_slowest_steps() -> None:
    run = Timing(10.0, 8.0, [(START_UP, 6.0), ("reading", 3.0), ("storing", 0.5), ("publishing", 0.5)])

    detail = where_it_goes(run, Timing(6.5, 6.0), steps=2)

    assert detail.startswith(f"{START_UP} 6.0 s (the floor's whole run 6.5 s)")
    assert detail.endswith("slowest steps: reading 3.0 s; storing 0.5 s")


def test_each_run_cost_figure_names_the_school_it_was_measured_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import __main__ as bench_main
    from benchmarks import run_cost

    def timing(wall: float) -> list[Timing]:
        return [Timing(wall, wall * 0.8, [(START_UP, 5.0), ("reading", wall - 5.0)])]

    own = run_cost.own_label(1, "small")
    measured = run_cost.Measured(
        floor=timing(6.0),
        schools={
            own: {"first": timing(9.0), "next": timing(7.5), "bare": timing(8.0)},
            "independent-s5-small": {"first": timing(12.0), "next": timing(7.0)},
        },
    )
    given: list[object] = []

    def measure(*args: object) -> run_cost.Measured:
        given.extend(args)
        return measured

    monkeypatch.setattr(run_cost, "measure", measure)
    school = Path("/schools/independent-s5-small")

    figures = bench_main.run_cost(bench_main.Options(quick=True, independent=(school,)))

    assert given[4] == (school,), "the independent schools reach the measurement"
    assert [f.name.split(": ")[0] for f in figures] == [own] * 3 + ["independent-s5-small"] * 2
    first = figures[3]
    assert first.value == "2.00x (12.0 s / 6.0 s; CPU 2.00x)" and first.met is False
    assert "slowest steps: reading 7.0 s" in first.detail
    assert figures[2].value.startswith("1.12x (9.0 s / 8.0 s") and figures[2].met is True


def test_the_school_without_reading_is_the_same_school_with_images_not_read(tmp_path: Path) -> None:
    from benchmarks.run_cost import without_reading

    school = tmp_path / "school"
    (school / "registers").mkdir(parents=True)
    (school / "school.toml").write_text(SCHOOL, encoding="utf-8")

    unread = without_reading(school, tmp_path / "unread")

    config = tomllib.loads((unread / "school.toml").read_text(encoding="utf-8"))
    assert config["images"] == {"read": False}
    assert config["accounts"] == tomllib.loads(SCHOOL)["accounts"] and (unread / "registers").is_dir()
    (school / "school.toml").write_text(SCHOOL + "\n[images]\nread = true\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"\[images\] table"):
        without_reading(school, tmp_path / "twice")


def test_a_first_run_is_judged_in_all_without_reading_and_by_what_reading_adds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks import __main__ as bench_main
    from benchmarks import run_cost

    def timing(wall: float) -> list[Timing]:
        return [Timing(wall, wall, [(START_UP, 5.0), ("reading", wall - 5.0)])]

    measured = run_cost.Measured(
        floor=timing(6.0),
        schools={"s": {"first": timing(10.0), "unread": timing(8.4), "next": timing(7.0)}},
        profiles={
            "s": {"OCR engine (worker processes)": 2.5, "faces (detect_faces)": 0.8, "everything else": 9.0}
        },
    )
    monkeypatch.setattr(run_cost, "measure", lambda *args: measured)

    first, unread, _next = bench_main.run_cost(bench_main.Options(quick=True))

    assert (
        first.value.endswith("; reading images adds 1.6 s")
        and first.goal == "<= 1.75x, reading adds <= 2.5 s"
    )
    measured.engines["s"] = EngineWork(40, 2.0, 0.8, 2)
    with_floor = bench_main.run_cost(bench_main.Options(quick=True))[0]
    assert with_floor.value.endswith("; reading images adds 1.6 s (its engines' own work: 1.4 s)")
    assert with_floor.detail.startswith(EngineWork(40, 2.0, 0.8, 2).note() + ". start-up")
    del measured.engines["s"]
    assert first.met is True  # 10.0 / 6.0 = 1.67x, and 1.6 s added
    assert "OCR engine (worker processes) 2.5; faces (detect_faces) 0.8; everything else" in first.detail
    assert unread.name == "s: first run without reading images / an empty Prefect flow run"
    assert unread.goal == "<= 1.5x" and unread.met is True  # 8.4 / 6.0 = 1.40x
    measured.schools["s"]["unread"] = timing(7.0)  # reading now adds 3.0 s, over its 2.5 s
    first, unread, _next = bench_main.run_cost(bench_main.Options(quick=True))
    assert first.met is False and unread.met is True
    assert "reading images adds 3.0 s to the first run (goal <= 2.5 s: not met)" in run_cost.step_report(
        measured
    )
