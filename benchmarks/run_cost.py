"""A small school's weekly run from the command line against Prefect's own start-up floor (issue 10).

Three kinds of run, interleaved round by round so a busy shared machine slows them alike:

- floor: a subprocess running an empty `@flow`, with the environment `socialaudit` gives Prefect (no
  PREFECT_API_URL, so Prefect starts and stops its temporary server exactly as `socialaudit run` does);
- first: `socialaudit run` of a generated small school into a fresh warehouse, as of 2026-11-16;
- next: the same school and warehouse a week later (2026-11-23), when nothing new is there to fetch;
- bare: the first run of the same school with its Facebook Page and Instagram account left out of school.toml (and
  their sandbox data removed), into its own fresh warehouse: what the Meta platforms add to a first run.

Targets: best first run <= 1.5x the best floor, best next-week run <= 1.3x; the first run with the Meta accounts
<= 1.25x the same school's first run without them (two small accounts read through the same seam). Phases come from Prefect's own log
lines: before the temporary server starts (imports), server start-up, the flow body, and shutdown.
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

FIRST_AS_OF = "2026-11-16"
NEXT_AS_OF = "2026-11-23"
TARGETS = {"first": 1.5, "next": 1.3}
KINDS = ("floor", "first", "next", "bare")
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

# Prefect's console lines, "HH:MM:SS.mmm | LEVEL | logger - message": the moments that split a run into phases.
MARKS = {
    "server_up": "Starting temporary server",
    "flow_start": "Beginning flow run",
    "flow_end": "Finished in state",
    "server_down": "Stopping temporary server",
}
TASK_FINISHED = re.compile(r"Task run '(?P<name>.+?)-[0-9a-f]{3}' - Finished in state")


@dataclass
class Timing:
    wall: float
    cpu: float
    phases: dict[str, float] = field(default_factory=dict)
    # Seconds from the previous mark (flow start, or the task before) to each task's "Finished" line, in log
    # order: a task's own time plus Prefect's overhead around it; concurrent tasks share one stretch.
    tasks: list[tuple[str, float]] = field(default_factory=list)


def _socialaudit() -> str:
    return shutil.which("socialaudit", path=str(Path(sys.executable).parent)) or "socialaudit"


def child_env() -> dict[str, str]:
    """The caller's environment, minus anything pointing Prefect at a standing server: the floor and the runs
    must both start the temporary server."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_API_KEY")}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return env


def _log_lines(log: str, started: datetime) -> list[tuple[datetime, str]]:
    """Prefect's timestamped console lines, dated (its clock shows only the time of day)."""
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


def _log_moments(lines: list[tuple[datetime, str]]) -> dict[str, datetime]:
    """The first time each mark appears (the last, for flow_end: tasks also 'finish in state')."""
    found: dict[str, datetime] = {}
    for moment, rest in lines:
        for key, text in MARKS.items():
            if text not in rest:
                continue
            if key == "flow_end":
                if "Flow run" in rest:
                    found[key] = moment
            else:
                found.setdefault(key, moment)
    return found


def phases(log: str, started: datetime, ended: datetime) -> tuple[dict[str, float], list[tuple[str, float]]]:
    lines = _log_lines(log, started)
    m = _log_moments(lines)
    if not all(k in m for k in MARKS):
        return {}, []  # e.g. PREFECT_LOGGING_LEVEL=WARNING: no INFO lines to split on
    split = {
        "imports": (m["server_up"] - started).total_seconds(),
        "server": (m["flow_start"] - m["server_up"]).total_seconds(),
        "flow": (m["flow_end"] - m["flow_start"]).total_seconds(),
        "shutdown": (ended - m["flow_end"]).total_seconds(),
    }
    tasks, previous = [], m["flow_start"]
    for moment, rest in lines:
        finished = TASK_FINISHED.search(rest)
        if finished and moment >= previous:
            tasks.append((finished["name"], (moment - previous).total_seconds()))
            previous = moment
    tasks.append(("(after the last task)", (m["flow_end"] - previous).total_seconds()))
    return split, tasks


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
    return Timing(wall, cpu, *phases(done.stderr + done.stdout, started_at, ended_at))


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


def measure(rounds: int, seed: int, size: str, root: Path) -> dict[str, list[Timing]]:
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
    floor_script = root / "empty_flow.py"
    floor_script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    results: dict[str, list[Timing]] = {kind: [] for kind in KINDS}
    for n in range(rounds):
        db = root / f"round-{n}.duckdb"
        run = [socialaudit, "run", "--sandbox", str(dataset), "--db", str(db)]
        commands = {
            "floor": [sys.executable, str(floor_script)],
            "first": [*run, "--out", str(root / f"round-{n}-first"), "--as-of", FIRST_AS_OF],
            "next": [*run, "--out", str(root / f"round-{n}-next"), "--as-of", NEXT_AS_OF],
            "bare": [
                *(socialaudit, "run", "--sandbox", str(bare), "--db", str(root / f"round-{n}-bare.duckdb")),
                *("--out", str(root / f"round-{n}-bare"), "--as-of", FIRST_AS_OF),
            ],
        }
        for kind in KINDS:
            timing = timed(commands[kind], env, f"{kind} (round {n + 1})")
            results[kind].append(timing)
            print(
                f"  round {n + 1}/{rounds} {kind:<5} {timing.wall:6.1f} s wall, {timing.cpu:6.1f} s CPU",
                file=sys.stderr,
                flush=True,
            )
    return results


def _phase_cell(timings: list[Timing]) -> str:
    best = min(timings, key=lambda t: t.wall)
    if not best.phases:
        return "n/a"
    return " / ".join(f"{best.phases[k]:.1f}" for k in ("imports", "server", "flow", "shutdown"))


def report(results: dict[str, list[Timing]]) -> tuple[str, bool]:
    best = {kind: min(t.wall for t in results[kind]) for kind in KINDS}
    lines = [
        "| run | each (s, in order) | best (s) | median (s) | CPU of best (s) "
        "| phases of best: imports / server / flow / shutdown (s) | best / floor | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    passed = True
    for kind in KINDS:
        timings = results[kind]
        walls = [t.wall for t in timings]
        cpu = min(timings, key=lambda t: t.wall).cpu
        if kind == "floor":
            ratio, verdict = "1.00", "-"
        elif kind == "bare":
            value = best["first"] / best["bare"]
            ok = value <= META_TARGET
            passed &= ok
            ratio = f"first / this {value:.2f}x"
            verdict = f"<= {META_TARGET}x {'PASS' if ok else 'FAIL'}"
        else:
            value = best[kind] / best["floor"]
            ok = value <= TARGETS[kind]
            passed &= ok
            ratio, verdict = f"{value:.2f}x", f"<= {TARGETS[kind]}x {'PASS' if ok else 'FAIL'}"
        lines.append(
            f"| {kind} | {', '.join(f'{w:.1f}' for w in walls)} | {best[kind]:.1f} | {statistics.median(walls):.1f} "
            f"| {cpu:.1f} | {_phase_cell(timings)} | {ratio} | {verdict} |"
        )
    return "\n".join(lines), passed


def task_report(results: dict[str, list[Timing]]) -> str:
    """Where the flow body of each kind's best run went, task by task (from Prefect's log lines)."""
    lines = []
    for kind in ("first", "next"):
        best = min(results[kind], key=lambda t: t.wall)
        if best.tasks:
            cells = ", ".join(f"{name} {seconds:.1f}" for name, seconds in best.tasks)
            lines.append(f"- {kind} (best run), seconds to each task's end: {cells}")
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
        "--report-only", action="store_true", help="exit 0 even when a ratio misses its target"
    )
    args = parser.parse_args(argv)
    if "PREFECT_API_URL" in os.environ:
        print("note: PREFECT_API_URL is ignored here; every run starts the temporary server", file=sys.stderr)
    print(
        f"{args.size} school (seed {args.seed}), {args.rounds} interleaved rounds of: empty flow (floor), first "
        f"run as of {FIRST_AS_OF} into a fresh warehouse, next week's run as of {NEXT_AS_OF}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-run-cost-") as tmp:
        results = measure(args.rounds, args.seed, args.size, Path(tmp))
    table, passed = report(results)
    print()
    print(table)
    tasks = task_report(results)
    if tasks:
        print()
        print(tasks)
    note = bytecode_note()
    if note:
        print(f"\n{note}")
    print("\nRatios are best over best; the machine is shared, so compare runs measured side by side only.")
    return 0 if passed or args.report_only else 1


if __name__ == "__main__":
    raise SystemExit(main())
