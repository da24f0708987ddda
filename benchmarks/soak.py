"""Soak: a trust of three schools and the image reader run many times under load with the C libraries' own heap
checks on, counting native crashes (goal: none).

Each run is one `socialaudit trust run` of three small sample schools (a fresh lake each time) while, beside it, a
stress process reads every image of the schools over and over on twice as many threads as there are cores, with
OpenCV's face detection and DuckDB queries on other threads at the same time. The stress alternates run by run:
`workers` reads through the product's reader (checks/images/reading.py: the engine in worker processes), `threads`
loads the engine into the stress process itself, one per reading thread (the engine and the pipeline sharing one
heap), so both are soaked side by side under the same load.

Every process of a run has: MALLOC_CHECK_=3 with glibc's malloc debugging library preloaded (glibc aborts on a heap
inconsistency it sees, instead of going on), MALLOC_PERTURB_ (a different byte each run: freed and fresh memory is
filled with it, so a use after free reads garbage), PYTHONFAULTHANDLER=1 (a fatal signal prints every thread's
Python stack) and, every other run, PYTHONMALLOC=debug (the interpreter checks its own blocks; slower).

Beside each run, in a process of its own under the same checks, the lake stress (benchmarks/lake_stress.py):
review decisions published on threads while other threads attach and read the same DuckLake, the shape in which a
trust's review app once aborted in DuckLake maintenance; its crashes count with the pipeline's, and every decision
it made must be in its lake.

Counted: a process ended by a signal or printing glibc's or Python's fatal messages is a crash; an engine worker
that crashed while the run went on is counted apart ("contained"). Also printed first: the reader's throughput with
the engine in the reading process against worker processes, side by side (benchmarks/image_reading.py).

    python -m benchmarks.soak [--runs 30] [--schools 3] [--size small] [--results FILE] [--resume]
    make soak                 # the full soak, 30 runs (long: ~25 s a run on an idle 2-core machine)
    make soak SOAK_RUNS=3     # the short form, to check it works
    make soak SOAK=--resume   # carry on a soak cut short: its runs are kept, the rest up to --runs are added
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.heap_checks import FATAL, MALLOC_DEBUG, checked_env, crashed

RESULTS = Path(__file__).parent / "results" / "soak.json"
# Beside each trust run: review decisions on threads while others read the same lake (benchmarks/lake_stress.py).
LAKE_STRESS = {"deciders": 2, "readers": 2, "decisions": 3}


def stress(mode: str, images: Path, stop: Path) -> int:
    """Read `images` over and over until `stop` exists, on 2 threads a core, faces and DuckDB beside: passes made."""
    import duckdb
    import numpy as np

    from checks.cores import usable_cores
    from checks.images.faces import detect_faces
    from checks.images.lending import Shelf
    from checks.images.reading import in_parallel, read_picture
    from checks.images.tesseract import Engine
    from checks.media_hash import decode_upright

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as the worker processes have it; no thread runs yet
    files = sorted(images.rglob("*.jpg"))
    in_process: Shelf[Engine] = Shelf(Engine, most=usable_cores())

    def one(path: Path) -> None:
        picture = decode_upright(path.read_bytes())
        if mode == "workers":
            read_picture(picture, path.name)
            return
        gray = np.ascontiguousarray(np.asarray(picture.convert("L")))
        with in_process.lent() as engine:
            engine.read(gray.tobytes(), gray.shape[1], gray.shape[0])
        detect_faces(gray)

    def queries() -> None:
        db = duckdb.connect()
        while not stop.exists():
            db.execute("select sum(i * j) from range(200000) a(i), range(3) b(j)").fetchall()

    beside = threading.Thread(target=queries)
    beside.start()
    passes = 0
    while not stop.exists():
        in_parallel(one, files, workers=2 * usable_cores())
        passes += 1
    beside.join()
    return passes


def soak_run(number: int, root: Path, schools: list[Path], trust: Path) -> dict[str, Any]:
    from benchmarks import lake_stress
    from benchmarks.trust_run import AS_OF, _socialaudit

    env = checked_env(number)
    mode = "threads" if number % 2 == 0 else "workers"
    stop = root / f"stop-{number}"
    load = os.getloadavg()[0]
    lake_result: dict[str, Any] = {}
    lake_beside = threading.Thread(
        target=lambda: lake_result.update(lake_stress.in_child(env, **LAKE_STRESS)), daemon=True
    )
    lake_beside.start()
    with tempfile.TemporaryFile() as stress_log, tempfile.TemporaryFile() as trust_log:
        beside = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.soak", "--stress", mode, str(root / "schools"), str(stop)],
            stdout=stress_log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        started = time.perf_counter()
        command = [
            "trust",
            "run",
            "--trust",
            str(trust),
            "--out",
            str(root / f"out-{number}"),
            "--as-of",
            AS_OF,
        ]
        trust_code = subprocess.run(
            [_socialaudit(), *command],
            stdout=trust_log,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        ).returncode
        wall = time.perf_counter() - started
        stop.touch()
        stress_code = beside.wait()
        trust_log.seek(0)
        stress_log.seek(0)
        trust_text = trust_log.read().decode("utf-8", "replace")
        stress_text = stress_log.read().decode("utf-8", "replace")
    lake_beside.join()
    contained = len(re.findall(r"worker process ended", trust_text))
    lake_code = lake_result.get("exit")
    lake_crashed = lake_code is None or lake_code < 0 or bool(FATAL.search(lake_result.get("log", "")))
    result = {
        "run": number,
        "stress": mode,
        "python_malloc_debug": number % 2 == 1,
        "trust_exit": trust_code,
        # A worker's own fault is printed to the run's log too: the run crashed only if it did not go on.
        "trust_crashed": trust_code < 0 or (trust_code != 0 and crashed(trust_code, trust_text)),
        "engine_faults_contained": contained + (len(FATAL.findall(trust_text)) if trust_code == 0 else 0),
        "stress_exit": stress_code,
        "stress_crashed": crashed(stress_code, stress_text),
        "stress_passes": _passes(stress_text),
        "lake_stress_exit": lake_code,
        "lake_stress_crashed": lake_crashed,
        "lake_decisions": lake_result.get("decisions", 0),
        "lake_decisions_missing": lake_result.get("decisions_missing", 0),
        "lake_errors": sum(lake_result.get("errors", {}).values()),
        "trust_s": round(wall, 1),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    if trust_code != 0 or result["stress_crashed"]:
        result["tail"] = (trust_text if trust_code else stress_text)[-1500:]
    if lake_crashed or lake_code:
        result["lake_tail"] = lake_result.get("log", "")[-1500:]
    return result


def _passes(log: str) -> int:
    found = re.search(r"passes=(\d+)", log)
    return int(found.group(1)) if found else 0


def write_results(
    path: Path, planned: int, runs: list[dict[str, Any]], throughput: dict[str, Any]
) -> dict[str, Any]:
    modes = ("threads", "workers")
    summary = {
        "runs": len(runs),
        "planned": planned,
        "trust_runs_crashed": sum(r["trust_crashed"] for r in runs),
        "trust_runs_failed": sum(r["trust_exit"] != 0 for r in runs),
        "engine_faults_contained": sum(r["engine_faults_contained"] for r in runs),
        "stress_crashed": {m: sum(r["stress_crashed"] for r in runs if r["stress"] == m) for m in modes},
        "stress_passes": {m: sum(r["stress_passes"] for r in runs if r["stress"] == m) for m in modes},
        # Runs recorded before the lake stress joined the soak have none of its keys.
        "lake_stress_crashed": sum(r.get("lake_stress_crashed", False) for r in runs),
        "lake_stress_rounds": sum("lake_stress_crashed" in r for r in runs),
        "lake_decisions": sum(r.get("lake_decisions", 0) for r in runs),
        "lake_decisions_missing": sum(r.get("lake_decisions_missing", 0) for r in runs),
        "heap_checks": "MALLOC_CHECK_=3"
        + (" (libc_malloc_debug)" if MALLOC_DEBUG.exists() else "")
        + ", MALLOC_PERTURB_, PYTHONFAULTHANDLER=1, PYTHONMALLOC=debug on odd runs",
        "load_range": [min(r["load_before"] for r in runs), max(r["load_after"] for r in runs)],
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"summary": summary, "throughput": throughput, "runs": runs}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--schools", type=int, default=3)
    parser.add_argument("--size", default="small")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs already in --results and add the rest up to --runs",
    )
    parser.add_argument("--stress", nargs=3, metavar=("MODE", "IMAGES", "STOP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.stress:
        print(f"passes={stress(args.stress[0], Path(args.stress[1]), Path(args.stress[2]))}", flush=True)
        return 0
    from benchmarks.image_reading import boundary_throughput
    from benchmarks.trust_run import make_schools, write_trust

    with tempfile.TemporaryDirectory(prefix="socialaudit-soak-") as scratch:
        root = Path(scratch)
        schools = make_schools(root, args.schools, args.size)
        trust = write_trust(root, schools, None)
        runs: list[dict[str, Any]] = []
        earlier = json.loads(args.results.read_text(encoding="utf-8")) if args.resume else {}
        if earlier.get("runs"):
            runs, throughput = list(earlier["runs"]), earlier["throughput"]
            print(f"soak: resuming after {len(runs)} runs on record in {args.results}", flush=True)
        else:
            throughput = boundary_throughput(sorted((root / "schools").rglob("*.jpg")))
        print(json.dumps(throughput), flush=True)
        for number in range(len(runs), args.runs):
            runs.append(soak_run(number, root, schools, trust))
            print(json.dumps({k: v for k, v in runs[-1].items() if k != "tail"}), flush=True)
            shutil.rmtree(root / "lake", ignore_errors=True)
            shutil.rmtree(root / f"out-{number}", ignore_errors=True)
            # Written after every run: a soak cut short still has its figures.
            summary = write_results(args.results, args.runs, runs, throughput)
    summary = write_results(args.results, args.runs, runs, throughput)
    print(json.dumps(summary, indent=2))
    crashes = (
        summary["trust_runs_crashed"] + summary["stress_crashed"]["workers"] + summary["lake_stress_crashed"]
    )
    print(
        f"soak: {len(runs)} trust runs, {crashes} crashes of the pipeline (goal 0); written to {args.results}"
    )
    return 0 if crashes == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
