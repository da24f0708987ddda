"""Where reading images spends a first run's time beyond the engine's own work, found with a profiler (py-spy).

A school's first run is recorded by py-spy (every thread, idle ones included, the OCR workers too) with reading on
and again with `[images] read = false`; printed side by side: the run's main thread by the deepest project
function and line it was in (what the run waited on), and the busy samples of every thread and process by kind of work
(the engine in its workers, decoding, fingerprints, faces, the copies' pixel proof, imports). Seconds are
samples / rate: on a loaded machine a runnable thread waiting for a core counts as busy.

    python -m benchmarks.reading_profile [--dataset DIR] [--py-spy PATH]

py-spy is not a dependency of the project: `pip install py-spy` (any environment) and put it on PATH.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

RATE = 50
AS_OF = "2026-11-16"
PROJECT = re.compile(r"\((checks|flows|warehouse|dashboards)/")
# A thread waiting (on a lock, a queue, a socket, a pipe, a sleep), by the innermost frame as py-spy names it, less
# its class (`Condition.wait (threading.py:331)` is matched as `wait (threading.py:331)`: `plain`).
WAITING = re.compile(
    r"^(wait \(threading\.py|_wait_for_tstate_lock \(threading\.py|acquire \(|sleep \(|select \(selectors\.py|"
    r"readinto \(socket\.py|_worker \(concurrent/futures/thread\.py|_connection_worker_thread \(aiosqlite|"
    r"read_exactly \(checks/images/ocr_worker\.py|watch \(<string>|heartbeat_loop \(prefect/|_wait \(subprocess)"
)
ENGINE_READ = re.compile(r"(^|;)read \(checks/images/tesseract\.py:")
CLASS_PREFIX = re.compile(r"^[A-Za-z_]\w*\.(?=\w+ \()")
KINDS: list[tuple[str, Callable[[str, str], bool]]] = [
    # Matched on frames `plain`: the engine's read is `read (checks/images/tesseract.py:N)`.
    (
        "OCR engine (worker processes)",
        lambda stack, process: "ocr_worker" in process and bool(ENGINE_READ.search(stack)),
    ),
    ("OCR worker start-up and pipe", lambda stack, process: "ocr_worker" in process),
    (
        "decoding (decode_upright, grayscale)",
        lambda stack, process: "decode_upright" in stack or "grayscale (" in stack,
    ),
    (
        "fingerprints (fingerprint_picture)",
        lambda stack, process: "fingerprint_picture" in stack or "_fingerprint (" in stack,
    ),
    ("Instagram crops' hashes (crop_fingerprints)", lambda stack, process: "crop_fingerprints" in stack),
    ("faces (detect_faces)", lambda stack, process: "detect_faces" in stack),
    ("copies' pixel proof (copies.py)", lambda stack, process: "checks/images/copies.py" in stack),
    ("text sent and parsed (text.py)", lambda stack, process: "checks/images/text.py" in stack),
    ("everything else", lambda stack, process: True),
]


def record(py_spy: str, dataset: Path, root: Path, name: str) -> Path:
    from benchmarks.run_cost import child_env
    from benchmarks.trust_run import _socialaudit

    profile = root / f"{name}.txt"
    spy = [py_spy, "record", "--subprocesses", "--idle", "--threads", "-r", str(RATE), "--format", "raw"]
    command = [_socialaudit(), "run", "--sandbox", str(dataset), "--db", str(root / f"{name}.duckdb")]
    subprocess.run(
        [*spy, "-o", str(profile), "--", *command, "--out", str(root / f"out-{name}"), "--as-of", AS_OF],
        capture_output=True,
        env=child_env(),
        check=True,
    )
    return profile


Seconds = collections.defaultdict[str, float]


def plain(frame: str) -> str:
    """A frame as `function (file:line)`: py-spy 0.4 names a method `Class.method`."""
    return CLASS_PREFIX.sub("", frame)


def tally(profile: Path) -> tuple[Seconds, Seconds]:
    """(main thread's seconds by deepest project function, busy seconds of all threads and processes by kind)."""
    main: Seconds = collections.defaultdict(float)
    kinds: Seconds = collections.defaultdict(float)
    for row in profile.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = row.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        threads = [f for f in frames if f.startswith("thread ")]
        body = [plain(f) for f in frames if not f.startswith(("process ", "thread "))]
        if not body or not processes or "uvicorn" in processes[-1]:  # Prefect's server: the same either way
            continue
        seconds = int(count) / RATE
        if len(processes) == 1 and threads and "MainThread" in threads[0]:
            ours = [f for f in body if PROJECT.search(f)]
            main[ours[-1] if ours else body[-1]] += seconds  # with its line: which wait, which call
        if not WAITING.match(body[-1]):
            joined = ";".join(body)
            kinds[next(kind for kind, test in KINDS if test(joined, processes[-1]))] += seconds
    return main, kinds


def first_run_profile(dataset: Path, root: Path) -> dict[str, float] | str:
    """Busy seconds of every thread and process of one first run of `dataset` by kind of work (reading on, as the
    school says), or why it was not profiled: the run-cost bench's detail (benchmarks/run_cost.py)."""
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found is None:
        return "py-spy not found (a dev dependency: uv sync)"
    root.mkdir(parents=True, exist_ok=True)
    try:
        return dict(tally(record(found, dataset, root, "first"))[1])
    except subprocess.CalledProcessError as error:
        return f"py-spy failed ({error.returncode}): {(error.stderr or b'')[-300:]!r}"


def report(dataset: Path, py_spy: str | None = None) -> str:
    found = py_spy or shutil.which("py-spy")
    if not found:
        return "reading profile: py-spy not found (pip install py-spy, then put it on PATH): not profiled"
    with tempfile.TemporaryDirectory(prefix="socialaudit-reading-profile-") as scratch:
        root = Path(scratch)
        without = root / "without"
        shutil.copytree(dataset, without)
        toml = without / "school.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + "\n[images]\nread = false\n", encoding="utf-8")
        with_main, with_kinds = tally(record(found, dataset, root, "with"))
        without_main, without_kinds = tally(record(found, without, root, "without"))
    lines = [
        f"reading profile of {dataset.name}'s first run (py-spy, seconds with reading / without / added):",
        f"  main thread: {sum(with_main.values()):.1f} / {sum(without_main.values()):.1f}; where it was:",
    ]
    added = sorted(with_main, key=lambda k: without_main[k] - with_main[k])[:6]
    lines += [
        f"    {with_main[k]:6.1f} {without_main[k]:6.1f} {with_main[k] - without_main[k]:+6.1f}  {k}"
        for k in added
    ]
    lines.append("  busy samples of every thread and process, by kind of work:")
    for kind, _ in KINDS:
        lines.append(
            f"    {with_kinds[kind]:6.1f} {without_kinds[kind]:6.1f} {with_kinds[kind] - without_kinds[kind]:+6.1f}"
            f"  {kind}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reading_profile", description=__doc__)
    parser.add_argument("--dataset", type=Path, help="a sandbox school (default: the small sample school)")
    parser.add_argument("--py-spy", dest="py_spy", help="py-spy's path (default: on PATH)")
    args = parser.parse_args(argv)
    if args.dataset:
        print(report(args.dataset, args.py_spy))
        return 0
    from sandbox.school import write_sample

    with tempfile.TemporaryDirectory(prefix="socialaudit-reading-school-") as scratch:
        write_sample(Path(scratch) / "small", seed=11, size="small")
        print(report(Path(scratch) / "small", args.py_spy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
