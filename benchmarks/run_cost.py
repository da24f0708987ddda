"""A small school's weekly run from the command line against Prefect's own start-up floor (issue 10).

Three kinds of run, interleaved round by round so a busy shared machine slows them alike:

- floor: a subprocess running an empty `@flow`, with the environment `socialaudit` gives Prefect (no
  PREFECT_API_URL, so Prefect starts and stops its temporary server exactly as `socialaudit run` does);
- first: `socialaudit run` of a generated small school into a fresh warehouse, as of 2026-11-16;
- next: the same school and warehouse a week later (2026-11-23), when nothing new is there to fetch;
- unread: the same first run with `[images] read = false` in school.toml, into its own fresh warehouse: the first
  run without reading images, and (first less unread) what reading adds;
- bare: the first run of the same school with its Facebook Page and Instagram account left out of school.toml (and
  their sandbox data removed), into its own fresh warehouse: what the Meta platforms add to a first run;
- with `--independent DIR` (repeatable): the first, unread and next runs of each sandbox school the project did not
  make, in the same rounds, each figure named by its school.

Targets: best first run <= 1.75x the best floor and reading images adding at most 2.5 s to it, the best first run
without reading <= 1.5x, best next-week run <= 1.3x; the first run with the Meta accounts <= 1.25x the same school's
first run without them (two small accounts read through the same seam). Each ratio is
given in wall time and in CPU time (user + system of the run and every process it waited for), which a machine
shared with other work inflates far less. Where a run's time went comes from its own progress lines (each step of
the weekly flow logs one as it starts): the start-up before the first (imports, Prefect's temporary server, the flow
run's start), then each step to the next. In `make bench` (benchmarks/__main__.py), after the rounds, one more first
run of each school is recorded by py-spy (a dev dependency; every thread and process, the OCR workers too): its busy
seconds by kind of work (benchmarks/reading_profile.py) say where its time went, beside the slowest steps.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.engine_floor import EngineWork

FIRST_AS_OF = "2026-11-16"
NEXT_AS_OF = "2026-11-23"
TARGETS = {"first": 1.75, "unread": 1.5, "next": 1.3}
READING_ADDS = 2.5  # seconds reading images may add to a small school's first run
META_PLATFORMS = ("facebook", "instagram")
META_TARGET = 1.25

# The floor script sets what flows/commands/common.py `prefect_defaults` sets (setdefault: an environment value
# given from outside wins, exactly as it does for `socialaudit`). Kept literal: the benchmark runs the command
# line, not the package's internals.
FLOOR_SCRIPT = textwrap.dedent(
    """
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "connectors,checks,warehouse,flows")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

    from prefect import flow


    @flow(name="empty-floor")
    def empty() -> None:
        return None


    empty()
    """
)

# The run's own progress lines, "HH:MM:SS.mmm | INFO    | flows.progress - message": each step of the weekly flow
# starts with one (flows/weekly_audit.py). A counted step's periodic line ("images read: 3 of 117 image(s)") is not a
# step of its own.
STEP = re.compile(r"^INFO\s*\|\s*flows\.progress - (?P<message>.+)$")
COUNTED_LINE = re.compile(r": \d+ of \d+ ")
START_UP = "start-up (imports, Prefect's temporary server, the flow run)"


@dataclass
class Timing:
    wall: float
    cpu: float
    # Wall seconds of each step of the run in order, from its progress lines: the start-up before the first line,
    # each step to the next line, and the last step with Prefect's shutdown to the process's end.
    phases: list[tuple[str, float]] = field(default_factory=list)


def _socialaudit() -> str:
    return shutil.which("socialaudit", path=str(Path(sys.executable).parent)) or "socialaudit"


def child_env() -> dict[str, str]:
    """The caller's environment, minus anything pointing Prefect at a standing server: the floor and the runs
    must both start the temporary server."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_API_KEY")}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return env


def _log_lines(log: str, started: datetime) -> list[tuple[datetime, str]]:
    """The log's timestamped console lines, dated (the clock shows only the time of day)."""
    lines = []
    for line in log.splitlines():
        stamp, _, rest = line.partition(" | ")
        try:
            clock = datetime.strptime(stamp.strip(), "%H:%M:%S.%f").time()
        except ValueError:
            continue
        moment = datetime.combine(started.date(), clock)
        if moment < started - timedelta(seconds=5):  # the run crossed midnight
            moment += timedelta(days=1)
        lines.append((moment, rest))
    return lines


def phases(log: str, started: datetime, ended: datetime) -> list[tuple[str, float]]:
    """The run's steps and their wall seconds, from its progress lines (none: an empty list)."""
    steps = [
        (moment, found["message"])
        for moment, rest in _log_lines(log, started)
        if (found := STEP.match(rest.strip())) and not COUNTED_LINE.search(found["message"] + " ")
    ]
    if not steps:
        return []
    bounds = [moment for moment, _ in steps] + [ended]
    return [(START_UP, (steps[0][0] - started).total_seconds())] + [
        (message, (until - moment).total_seconds())
        for (moment, message), until in zip(steps, bounds[1:], strict=True)
    ]


def timed(command: list[str], env: dict[str, str], what: str) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at = datetime.now()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    ended_at = started_at + timedelta(seconds=wall)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {(done.stderr or done.stdout)[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, phases(done.stderr + done.stdout, started_at, ended_at))


def without_platforms(dataset: Path, platforms: Sequence[str], copy: Path) -> Path:
    """A copy of a sandbox school whose school.toml has no account on `platforms` and whose dataset has none of their
    folders: the same school, audited without them."""
    shutil.copytree(
        dataset, copy, ignore=lambda folder, _: list(platforms) if Path(folder) == dataset else []
    )
    kept: list[str] = []
    block: list[str] = []
    for line in (dataset / "school.toml").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("["):
            kept += _unless_on(block, platforms)
            block = []
        block.append(line)
    kept += _unless_on(block, platforms)
    (copy / "school.toml").write_text("".join(kept), encoding="utf-8")
    return copy


def _unless_on(block: list[str], platforms: Sequence[str]) -> list[str]:
    on = block and block[0].strip() == "[[accounts]]"
    named = {line.split("=", 1)[1].strip().strip('"') for line in block if line.startswith("platform")}
    return [] if on and named & set(platforms) else block


def without_reading(dataset: Path, copy: Path) -> Path:
    """A copy of a sandbox school with `[images] read = false` (a school.toml with its own [images] table is
    refused: the copy would hold two)."""
    shutil.copytree(dataset, copy)
    toml = copy / "school.toml"
    text = toml.read_text(encoding="utf-8")
    if re.search(r"^\[images\]", text, re.MULTILINE):
        raise SystemExit(
            f"{dataset}: school.toml has an [images] table; the run without reading cannot be made"
        )
    toml.write_text(text + "\n[images]\nread = false\n", encoding="utf-8")
    return copy


@dataclass
class Measured:
    """Every round's timings: the floor's, and each school's by kind (first, unread, next, and bare for the own
    school); with each school's profiled first run, its busy seconds by kind of work (benchmarks/reading_profile.py)
    or why it was not profiled."""

    floor: list[Timing] = field(default_factory=list)
    schools: dict[str, dict[str, list[Timing]]] = field(default_factory=dict)
    profiles: dict[str, dict[str, float] | str] = field(default_factory=dict)
    # Each school's engines' own work on the images its first run read (benchmarks/engine_floor.py): reading's floor.
    engines: dict[str, EngineWork] = field(default_factory=dict)

    def best(self, school: str, kind: str) -> Timing:
        return min(self.schools[school][kind], key=lambda t: t.wall)

    def best_floor(self) -> Timing:
        return min(self.floor, key=lambda t: t.wall)

    def reading_adds(self, school: str) -> float | None:
        """Seconds the best first run took beyond the best first run without reading (None: not measured)."""
        if "unread" not in self.schools[school]:
            return None
        return self.best(school, "first").wall - self.best(school, "unread").wall


def own_label(seed: int, size: str) -> str:
    return f"own {size} school, seed {seed}"


Profiler = Callable[[Path, Path], dict[str, float] | str]


def warehouse_of(root: Path, round_index: int, school_index: int) -> Path:
    """Where a round's first run of a school keeps its warehouse."""
    return root / f"round-{round_index}-{school_index}.duckdb"


def measure(
    rounds: int,
    seed: int,
    size: str,
    root: Path,
    independent: Sequence[Path] = (),
    profiler: Profiler | None = None,
    engines: Callable[[Path, Path], EngineWork] | None = None,
) -> Measured:
    """`rounds` interleaved rounds of the floor, the own sample school's first, unread, next and bare runs, and each
    independent school's (a sandbox dataset the project did not make, copied here) first, unread and next runs; then
    with `profiler` (benchmarks/reading_profile.py `first_run_profile`), one more first run of each school profiled,
    and with `engines` (benchmarks/engine_floor.py `engine_work`), the engines' own work on the images its first
    run of the first round read."""
    env = child_env()
    socialaudit = _socialaudit()
    dataset = root / f"{size}-{seed}"
    subprocess.run(
        [socialaudit, "sample", "--out", str(dataset), "--seed", str(seed), "--size", size],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    bare = without_platforms(dataset, META_PLATFORMS, root / f"{size}-{seed}-without-meta")
    schools = {own_label(seed, size): dataset}
    for given in independent:
        if not (given / "school.toml").is_file():
            raise SystemExit(f"{given}: not a sandbox dataset (no school.toml)")
        schools[given.name] = shutil.copytree(given, root / "independent" / given.name)
    unread_copies = {
        label: without_reading(school, root / "unread" / f"{index}-{school.name}")
        for index, (label, school) in enumerate(schools.items())
    }
    floor_script = root / "empty_flow.py"
    floor_script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    results = Measured(schools={label: {} for label in schools})
    for n in range(rounds):
        commands: list[tuple[str, str, list[str]]] = [("", "floor", [sys.executable, str(floor_script)])]
        for index, (label, school) in enumerate(schools.items()):
            db, out = warehouse_of(root, n, index), root / f"round-{n}-{index}"
            run = [socialaudit, "run", "--sandbox", str(school), "--db", str(db)]
            commands.append((label, "first", [*run, "--out", f"{out}-first", "--as-of", FIRST_AS_OF]))
            unread = [
                socialaudit,
                "run",
                "--sandbox",
                str(unread_copies[label]),
                "--db",
                f"{out}-unread.duckdb",
            ]
            commands.append((label, "unread", [*unread, "--out", f"{out}-unread", "--as-of", FIRST_AS_OF]))
            commands.append((label, "next", [*run, "--out", f"{out}-next", "--as-of", NEXT_AS_OF]))
            if school == dataset:
                bare_run = [socialaudit, "run", "--sandbox", str(bare), "--db", f"{out}-bare.duckdb"]
                commands.append((label, "bare", [*bare_run, "--out", f"{out}-bare", "--as-of", FIRST_AS_OF]))
        for label, kind, command in commands:
            timing = timed(command, env, f"{kind} {label} (round {n + 1})".replace("  ", " "))
            if kind == "floor":
                results.floor.append(timing)
            else:
                results.schools[label].setdefault(kind, []).append(timing)
            print(
                f"  round {n + 1}/{rounds} {kind:<6} {timing.wall:6.1f} s wall, {timing.cpu:6.1f} s CPU  {label}",
                file=sys.stderr,
                flush=True,
            )
    for index, (label, school) in enumerate(schools.items()):
        if profiler is not None:
            results.profiles[label] = profiler(school, root / f"profile-{index}")
        if engines is not None:
            results.engines[label] = engines(school, warehouse_of(root, 0, index))
    return results


def profile_note(kinds: dict[str, float] | str, shown: int = 6) -> str:
    """A profiled first run's busy seconds by kind of work, largest first ("everything else" last)."""
    if isinstance(kinds, str):
        return f"profile: {kinds}"
    rest = kinds.get("everything else", 0.0)
    named = sorted(
        ((k, v) for k, v in kinds.items() if k != "everything else" and v >= 0.05), key=lambda kv: -kv[1]
    )
    return (
        "where its work went (py-spy, busy seconds of every thread and process of one more first run, reading on): "
        + "; ".join(f"{kind} {seconds:.1f}" for kind, seconds in named[:shown])
        + f"; everything else (imports, Prefect, the warehouse, the rules) {rest:.1f}"
    )


def where_it_goes(
    best: Timing, floor: Timing, steps: int = 5, profiled: dict[str, float] | str | None = None
) -> str:
    """A figure's detail: the run's start-up beside the floor's whole run, its slowest steps (wall seconds), and
    with `profiled` where a profiled run's work went (`profile_note`)."""
    if not best.phases:
        found = "steps: n/a (the run logged no progress lines)"
    else:
        start_up, *rest = best.phases
        slowest = sorted(rest, key=lambda step: -step[1])[:steps]
        found = (
            f"{start_up[0]} {start_up[1]:.1f} s (the floor's whole run {floor.wall:.1f} s); slowest steps: "
            + "; ".join(f"{message} {seconds:.1f} s" for message, seconds in slowest)
        )
    return found if profiled is None else f"{found}. {profile_note(profiled)}"


def reading_note(results: Measured, school: str) -> str:
    """What reading images adds to the school's best first run, beside its goal."""
    added = results.reading_adds(school)
    if added is None:
        return "reading adds: n/a (no run without reading)"
    verdict = "met" if added <= READING_ADDS else "not met"
    return f"reading images adds {added:.1f} s to the first run (goal <= {READING_ADDS} s: {verdict})"


def ratio(results: Measured, school: str, kind: str) -> tuple[float, float, bool]:
    """(wall ratio, CPU ratio, met): best run over best floor; a bare run: the first run over it."""
    best = results.best(school, kind)
    if kind == "bare":
        first = results.best(school, "first")
        wall = first.wall / best.wall
        return wall, first.cpu / best.cpu, wall <= META_TARGET
    floor = results.best_floor()
    return best.wall / floor.wall, best.cpu / floor.cpu, best.wall / floor.wall <= TARGETS[kind]


def report(results: Measured) -> tuple[str, bool]:
    lines = [
        "| school | run | each (s, in order) | best (s) | median (s) | CPU of best (s) "
        "| start-up of best (s) | best / floor (CPU) | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = [("-", "floor", results.floor)] + [
        (school, kind, timings)
        for school, kinds in results.schools.items()
        for kind, timings in kinds.items()
    ]
    passed = True
    for school, kind, timings in rows:
        walls = [t.wall for t in timings]
        best = min(timings, key=lambda t: t.wall)
        if kind == "floor":
            cell, verdict = "1.00", "-"
        else:
            wall, cpu, ok = ratio(results, school, kind)
            passed &= ok
            goal = META_TARGET if kind == "bare" else TARGETS[kind]
            if kind == "first":
                passed &= (results.reading_adds(school) or 0.0) <= READING_ADDS
            cell = f"{'first / this ' if kind == 'bare' else ''}{wall:.2f}x ({cpu:.2f}x)"
            verdict = f"<= {goal}x {'PASS' if ok else 'FAIL'}"
        lines.append(
            f"| {school} | {kind} | {', '.join(f'{w:.1f}' for w in walls)} | {best.wall:.1f} "
            f"| {statistics.median(walls):.1f} | {best.cpu:.1f} | {best.phases[0][1] if best.phases else 'n/a'} | {cell} | {verdict} |"
        )
    return "\n".join(lines), passed


def step_report(results: Measured) -> str:
    """Where each school's best first, unread and next runs went, step by step (the run's progress lines); what
    reading adds; and where a profiled first run's work went."""
    lines = []
    for school in results.schools:
        for kind in ("first", "unread", "next"):
            if kind not in results.schools[school]:
                continue
            best = results.best(school, kind)
            if best.phases:
                cells = "; ".join(f"{message} {seconds:.1f}" for message, seconds in best.phases)
                lines.append(f"- {school}, {kind} (best run), seconds of each step: {cells}")
        lines.append(f"- {school}: {reading_note(results, school)}")
        if school in results.profiles:
            lines.append(f"- {school}: {profile_note(results.profiles[school])}")
    return "\n".join(lines)


def bytecode_note() -> str | None:
    """Without cached bytecode every run compiles each module it imports from source, the floor included."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None
    if os.path.exists(importlib.util.cache_from_source(spec.origin)):
        return None
    writes = not os.environ.get("PYTHONDONTWRITEBYTECODE")
    return (
        "note: the environment has no bytecode cache for prefect"
        + ("" if writes else " and PYTHONDONTWRITEBYTECODE is set, so none is ever written")
        + ": every run compiles its imports from source (several seconds of the floor and more of a run); "
        "`uv sync --compile-bytecode` installs the cache"
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_cost", description=__doc__)
    parser.add_argument(
        "--rounds", type=_positive, default=3, help="interleaved rounds of floor, first, next (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the sample school's seed")
    parser.add_argument("--size", choices=("small", "medium", "large"), default="small")
    parser.add_argument(
        "--independent",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="repeatable: a sandbox school the project did not make, measured beside its own",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="exit 0 even when a ratio misses its target"
    )
    args = parser.parse_args(argv)
    if "PREFECT_API_URL" in os.environ:
        print("note: PREFECT_API_URL is ignored here; every run starts the temporary server", file=sys.stderr)
    print(
        f"{args.size} school (seed {args.seed}), {args.rounds} interleaved rounds of: empty flow (floor), first "
        f"run as of {FIRST_AS_OF} into a fresh warehouse, next week's run as of {NEXT_AS_OF}"
        + "".join(f"; and of {school}" for school in args.independent),
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-run-cost-") as tmp:
        results = measure(args.rounds, args.seed, args.size, Path(tmp), args.independent)
    table, passed = report(results)
    print()
    print(table)
    steps = step_report(results)
    if steps:
        print()
        print(steps)
    note = bytecode_note()
    if note:
        print(f"\n{note}")
    print("\nRatios are best over best; the machine is shared, so compare runs measured side by side only.")
    return 0 if passed or args.report_only else 1


if __name__ == "__main__":
    raise SystemExit(main())
