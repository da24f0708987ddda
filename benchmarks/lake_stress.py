"""Lake stress: review decisions published through the app's path on threads while other threads attach and read
the same DuckLake, the shape in which a trust's review app once died in DuckLake maintenance (a native abort in
`ducklake_flush_inlined_data`).

One school's lake (SQLite catalog, encrypted Parquet, as a trust makes it) holds a week of exceptions; `deciders`
threads each take their own exceptions and decide them over and over (acknowledge, reopen, ...) through
`warehouse.reviews.review_and_publish`, exactly as the review app's `/review` route does: a short write on the
lake this process keeps open, then a publish (access log folded, DuckLake maintenance). Meanwhile `readers` threads
open the lake read-only (a database of their own, the lake attached and detached each time, as every app page and
the DPO's SQL do) and read back through the kept writer (as a run reading its own outputs does).

Counted: decisions made, decisions the lake holds at the end (every one must be there), reads, and errors by kind.
A native crash ends the process: run it in a child (`--child`) and the parent counts a child ended by a signal, or
printing glibc's or Python's fatal messages, as a crash (benchmarks/soak.py runs it under the heap checks).

    python -m benchmarks.lake_stress [--rounds 20] [--deciders 4] [--readers 4] [--decisions 12] [--child]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from benchmarks.heap_checks import FATAL, checked_env

AS_OF = date(2026, 11, 16)
SCHOOL = "stress-school"


def make_lake(root: Path, exceptions: int) -> tuple[Path, list[str]]:
    """A school's lake after one week that raised `exceptions` findings (each one new): its locator and their keys."""
    from checks.findings import Finding
    from warehouse import lake
    from warehouse.db import connect, migrate
    from warehouse.snapshot import publish_snapshot

    location = lake.location_in("sqlite:" + str(root / "catalog"), str(root / "data"), SCHOOL)
    locator = lake.write_locator(root / f"{SCHOOL}.ducklake", location)
    findings = [
        Finding(
            rule="pupil-follower",
            severity="high",
            platform="x",
            account="StressSchool",
            account_id="1000",
            subject_kind="follower",
            subject_id=str(2000 + number),
            subject_label=f"@follower_{number}",
            subject_url=f"https://x.com/follower_{number}",
            person_kind="pupil",
            person_id=f"P{number:04d}",
            confidence=1.0,
            evidence=f"x account @follower_{number} is declared in pupils.csv for pupil P{number:04d}",
        )
        for number in range(exceptions)
    ]
    con = connect(locator)
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        for finding in findings:
            row = finding.as_row(AS_OF)
            con.execute(
                "INSERT INTO audit.exceptions (key, rule, severity, status, platform, account, subject_kind,"
                " subject_id, subject_label, subject_url, person_kind, person_id, confidence, evidence,"
                " evidence_sha256, first_seen, last_seen, updated_at, account_id, faces_shown)"
                " VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    row["key"],
                    row["rule"],
                    row["severity"],
                    row["platform"],
                    row["account"],
                    row["subject_kind"],
                    row["subject_id"],
                    row["subject_label"],
                    row["subject_url"],
                    row["person_kind"],
                    row["person_id"],
                    row["confidence"],
                    row["evidence"],
                    row["evidence_sha256"],
                    AS_OF,
                    AS_OF,
                    datetime(2026, 11, 16, 9),
                    row["account_id"],
                    row["faces_shown"],
                ],
            )
        con.execute(
            "INSERT INTO audit.runs (as_of, run_id, mode, school_name, started_at, finished_at, attempts)"
            " VALUES (?, 'stress', 'sandbox', 'Stress School', ?, ?, 1)",
            [AS_OF, datetime(2026, 11, 16, 6), datetime(2026, 11, 16, 6, 1)],
        )
        con.execute("COMMIT")
    finally:
        con.close()
    publish_snapshot(locator)
    return locator, [f.key for f in findings]


def stress(
    locator: Path, keys: list[str], deciders: int, readers: int, decisions: int, reader_pause: float = 0.0
) -> dict[str, Any]:
    """Decide each decider's share of `keys` `decisions` times in all, readers reading meanwhile (each waiting
    `reader_pause` seconds between its reads; none: as fast as they can): the counts."""
    from warehouse.db import connect
    from warehouse.people import Actor
    from warehouse.privacy.access_log import AccessEntry
    from warehouse.reviews import review_and_publish
    from warehouse.snapshot import open_snapshot

    errors: Counter[str] = Counter()
    made: list[str] = []
    reads = [0]
    done = threading.Event()
    lock = threading.Lock()

    def decide(share: list[str]) -> None:
        following = {key: "acknowledge" for key in share}
        for number in range(decisions):
            key = share[number % len(share)]
            try:
                review = review_and_publish(
                    locator,
                    key,
                    following[key],
                    f"stress decision {number}",
                    Actor("local:stress", "local:stress", "review-app"),
                    access=AccessEntry("local:stress", "review-app", "127.0.0.1", "decide"),
                )
            except Exception as error:  # every failure is counted by kind, the stress goes on
                with lock:
                    errors[f"decide: {type(error).__name__}: {str(error)[:400]}"] += 1
                continue
            following[key] = "reopen" if following[key] == "acknowledge" else "acknowledge"
            with lock:
                made.append(review.review_id)

    def read(own: bool) -> None:
        while not done.is_set():
            try:
                con = open_snapshot(locator, own_writes=True) if own else connect(locator, read_only=True)
                try:
                    con.execute(
                        "SELECT status, count(*) FROM audit.exceptions GROUP BY ALL ORDER BY ALL"
                    ).fetchall()
                    con.execute("SELECT count(*) FROM audit.reviews").fetchall()
                finally:
                    con.close()
            except Exception as error:
                with lock:
                    errors[f"read: {type(error).__name__}: {str(error)[:400]}"] += 1
                continue
            with lock:
                reads[0] += 1
            done.wait(reader_pause)

    shares = [keys[i::deciders] for i in range(deciders)]
    reading = [threading.Thread(target=read, args=(i % 2 == 1,)) for i in range(readers)]
    deciding = [threading.Thread(target=decide, args=(share,)) for share in shares if share]
    started = time.perf_counter()
    for thread in [*reading, *deciding]:
        thread.start()
    for thread in deciding:
        thread.join()
    done.set()
    for thread in reading:
        thread.join()
    wall = time.perf_counter() - started
    held = set()
    try:
        con = connect(locator, read_only=True)
        try:
            held = {r[0] for r in con.execute("SELECT review_id FROM audit.reviews").fetchall()}
        finally:
            con.close()
    except Exception as error:
        errors[f"final read: {type(error).__name__}: {str(error)[:400]}"] += 1
    return {
        "decisions": len(made),
        "decisions_missing": len(set(made) - held),
        "reads": reads[0],
        "errors": dict(errors),
        "wall_s": round(wall, 1),
    }


def one_round(root: Path, deciders: int, readers: int, decisions: int) -> dict[str, Any]:
    from warehouse import lake

    locator, keys = make_lake(root, exceptions=2 * deciders)
    try:
        return stress(locator, keys, deciders, readers, decisions)
    finally:
        lake.release()


def in_child(
    env: dict[str, str] | None, deciders: int, readers: int, decisions: int, timeout: float = 900.0
) -> dict[str, Any]:
    """One round in a process of its own (a native crash ends only it): its counts, its exit code and its log."""
    with tempfile.TemporaryDirectory(prefix="socialaudit-lake-stress-") as scratch:
        command = [
            sys.executable,
            "-m",
            "benchmarks.lake_stress",
            "--round-in",
            scratch,
            "--deciders",
            str(deciders),
            "--readers",
            str(readers),
            "--decisions",
            str(decisions),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                check=False,
                cwd=Path(__file__).resolve().parents[1],  # where `benchmarks` is found
            )
        except subprocess.TimeoutExpired as stuck:
            return {"exit": None, "log": f"timed out after {timeout:.0f} s: {stuck.stderr!s}"[-1500:]}
    counts: dict[str, Any] = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            counts = json.loads(line)
    return {"exit": done.returncode, "log": (done.stdout + done.stderr)[-1500:], **counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lake_stress", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--deciders", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--decisions", type=int, default=12, help="per decider")
    parser.add_argument("--round-in", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.round_in:
        print(json.dumps(one_round(args.round_in, args.deciders, args.readers, args.decisions)), flush=True)
        return 0
    crashes = 0
    for number in range(args.rounds):
        result = in_child(checked_env(number), args.deciders, args.readers, args.decisions)
        code = result["exit"]
        crashed = code is None or code < 0 or bool(FATAL.search(result["log"]))
        crashes += crashed
        shown = {k: v for k, v in result.items() if k != "log" or crashed or code}
        print(
            json.dumps({"round": number, "crashed": crashed, "load": os.getloadavg()[0], **shown}), flush=True
        )
    print(f"lake stress: {args.rounds} rounds, {crashes} crashed")
    return 0 if crashes == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
