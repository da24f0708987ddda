"""The trust benchmark's step timings: a school's steps read from its single run's output and from its run.log in
the trust, named alike so the two sit side by side."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from benchmarks.__main__ import quietest, trust_steps
from benchmarks.trust_run import longest_quiet, schools_done, steps_alone, steps_in_trust

SINGLE = """\
10:00:00.000 | INFO    | flows.progress - Elm Road Primary, week of 2026-11-16: checking the warehouse and the output folder
10:00:00.500 | INFO    | flows.progress - reading 2 account(s) and the registers
10:00:02.000 | INFO    | flows.progress - fingerprinting 117 new image(s)
10:00:03.000 | INFO    | flows.progress - images read: 50 of 117 image(s)
10:00:05.000 | INFO    | flows.progress - storing the week and running the rules
10:00:07.000 | INFO    | prefect.flow_runs - Finished in state Completed()
"""

RUN_LOG = """\
2026-11-25 10:00:10,000 INFO flows.progress: Elm Road Primary, week of 2026-11-16: checking the warehouse and the output folder
2026-11-25 10:00:10,500 INFO flows.progress: reading 2 account(s) and the registers
2026-11-25 10:00:13,000 INFO flows.progress: fingerprinting 117 new image(s)
2026-11-25 10:00:14,000 INFO flows.progress: images read: 50 of 117 image(s)
2026-11-25 10:00:18,000 INFO flows.progress: storing the week and running the rules
2026-11-25 10:00:19,000 WARNING connectors.x: a line that is not a step
"""

TRUST_OUTPUT = """\
10:00:21.500 | INFO    | flows.progress - 1 of 2 schools done (elm-road: completed)
10:00:25.000 | INFO    | flows.progress - 2 of 2 schools done (oak-lane: failed)
"""


def test_a_single_runs_steps_end_at_the_next_step_and_the_last_when_the_command_returned() -> None:
    steps = steps_alone(SINGLE, datetime(2026, 11, 25, 10, 0, 8))
    assert steps == {
        "checking the warehouse and the output folder": 0.5,
        "reading N account(s) and the registers": 1.5,
        "fingerprinting N new image(s)": 3.0,  # the counted line inside it is not a step
        "storing the week and running the rules": 3.0,
    }


def test_a_schools_steps_in_the_trust_end_when_the_trust_saw_it_done(tmp_path: Path) -> None:
    run_log = tmp_path / "run.log"
    run_log.write_text(RUN_LOG, encoding="utf-8")
    done = schools_done(TRUST_OUTPUT)
    assert done == {"elm-road": "10:00:21.500", "oak-lane": "10:00:25.000"}
    steps = steps_in_trust(run_log, done["elm-road"])
    assert steps["fingerprinting N new image(s)"] == 5.0
    assert steps["storing the week and running the rules"] == 3.5
    # Without the trust's line, the last step ends at the run.log's last line.
    assert steps_in_trust(run_log, None)["storing the week and running the rules"] == 1.0


def test_the_detail_puts_each_schools_slowest_steps_in_the_trust_beside_alone() -> None:
    best = {
        "steps_in_trust_s": {"elm-road": {"storing the week and running the rules": 3.5, "reading": 1.0}},
        "steps_alone_s": {"elm-road": {"storing the week and running the rules": 3.0}},
    }
    detail = trust_steps(best, slowest=1)
    assert (
        detail
        == "; slowest steps in the trust / alone (s): elm-road: storing the week and running the rules 3.5 / 3.0"
    )
    assert trust_steps({}) == ""


def test_a_slow_rounds_wait_is_the_longest_time_the_trust_and_its_schools_logged_nothing() -> None:
    """The trust's output and a school's run.log read together: the school logs while the trust is silent, so the
    longest quiet is the 4 s before the school stores its week, not the trust's own 9 s between its lines."""
    trust = "10:00:09.000 | INFO    | flows.progress - trust of 1 school\n10:00:18.500 | INFO    | a line\n"
    quiet = longest_quiet([trust, RUN_LOG])
    assert quiet == (
        4.0,
        "2026-11-25 10:00:18,000 INFO flows.progress: storing the week and running the rules",
    )
    assert quietest(quiet).startswith("; its logs quiet 4 s at most, until: 2026-11-25 10:00:18,000 INFO")
    assert longest_quiet(["no clock here"]) == (0.0, "") and quietest((0.0, "")) == ""
