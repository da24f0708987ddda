"""Identity resolution at trust size: 250k follower profiles against 25k pupils, 5k staff and 40k parents.

Run in a process of its own (`measure`): a process's peak memory (max RSS) and its children's are kept by the
kernel for the process's whole life, so measured inside `make bench` they would be the largest of every benchmark
run before it (an audit's subprocess, the image reader's pixels), not this one's.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

from checks.identity import AUDIENCE_COLUMNS, RegisterIndex, resolve_identities
from checks.identity.processes import process_count, usable_cores
from checks.registers.contract import PARENTS_SCHEMA, PUPILS_SCHEMA, STAFF_SCHEMA
from sandbox.school.names import COMMUNITIES

AS_OF = date(2026, 11, 16)
PUPILS, STAFF, PARENTS, FOLLOWERS = 25_000, 5_000, 40_000, 250_000
BUDGET_SECONDS, BUDGET_MB = 60, 2048
SCHOOL = "Meadowbank Community Primary School"
BIOS = ("Mum of 2", "Proud dad", "Nurse. Runner.", "Views my own", "", "", "Coffee first", "Spurs fan")
PUPIL_BIOS = ("i love football", "minecraft", "", "")


def _name(rng: random.Random, child: bool) -> tuple[str, str]:
    community = rng.choices(list(COMMUNITIES), [c.weight for c in COMMUNITIES.values()])[0]
    c = COMMUNITIES[community]
    female = rng.random() < 0.5
    pool = (c.girls if female else c.boys) if child else (c.women if female else c.men)
    return rng.choice(pool), rng.choice(c.surnames)


def registers(rng: random.Random) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    pupils: list[dict[str, Any]] = []
    for i in range(PUPILS):
        forename, surname = _name(rng, child=True)
        year = rng.randrange(7)
        dob = date(2025 - 5 - year, 9, 1) + timedelta(days=rng.randrange(365))
        current = rng.random() < 0.92
        pupils.append(
            {
                "pupil_id": f"P{i:06d}",
                "forename": forename,
                "surname": surname,
                "preferred_name": None,
                "date_of_birth": dob,
                "year_group": "R" if year == 0 else str(year),
                "status": "current" if current else "left",
                "leaving_date": None if current else date(2025, 7, 20),
                "photo_consent": "granted",
                "known_handles": [],
            }
        )
    staff: list[dict[str, Any]] = []
    for i in range(STAFF):
        forename, surname = _name(rng, child=False)
        staff.append(
            {
                "staff_id": f"S{i:05d}",
                "forename": forename,
                "surname": surname,
                "preferred_name": None,
                "role": "Teacher",
                "personal_handles": [],
                "official_handles": [],
            }
        )
    parents: list[dict[str, Any]] = []
    for i in range(PARENTS):
        forename, _ = _name(rng, child=False)
        child = pupils[i % PUPILS]
        parents.append(
            {
                "parent_id": f"PA{i:06d}",
                "forename": forename,
                "surname": child["surname"],
                "pupil_ids": [child["pupil_id"]],
                "known_handles": [{"platform": "x", "handle": f"parent{i}"}] if i % 10 == 0 else [],
            }
        )
    return (
        pl.DataFrame(pupils, schema=PUPILS_SCHEMA),
        pl.DataFrame(staff, schema=STAFF_SCHEMA),
        pl.DataFrame(parents, schema=PARENTS_SCHEMA),
    )


def followers(rng: random.Random, pupils: pl.DataFrame, parents: pl.DataFrame) -> pl.DataFrame:
    """Mostly the public (real-looking names, some shared with the registers by chance), a few per cent parents,
    about one per cent pupils written the ways children write their names."""
    pupil_rows = pupils.select("forename", "surname", "date_of_birth", "year_group").rows()
    parent_rows = parents.select("forename", "surname").rows()
    rows: list[dict[str, Any]] = []
    for i in range(FOLLOWERS):
        roll = rng.random()
        created = datetime(2010, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(5700))
        if roll < 0.01:
            forename, surname, dob, year = rng.choice(pupil_rows)
            style = rng.randrange(4)
            handle = [
                f"{forename}_{surname}",
                f"{forename}{surname}{dob.year}",
                f"{forename[:4]}_{surname[:4]}_y{year}",
                f"{forename}{surname[0]}{dob.year}",
            ][style]
            shown = [f"{forename} {surname}", forename.lower(), forename, f"{forename} ✨"][style]
            bio = rng.choice(PUPIL_BIOS)
            created = datetime(dob.year + 8, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(300))
        elif roll < 0.06:
            forename, surname = rng.choice(parent_rows)
            handle, shown, bio = (
                f"{forename}{surname}{rng.randrange(99)}",
                f"{forename} {surname}",
                "Mum of 2",
            )
        else:
            forename, surname = _name(rng, child=rng.random() < 0.2)
            handle = rng.choice(
                [f"{forename}{surname}", f"{forename[0]}{surname}{rng.randrange(99)}", f"user{i}"]
            )
            shown = rng.choice(
                [f"{forename} {surname}", forename, f"{forename} {surname[0]}", "🌸 " + forename]
            )
            bio = rng.choice(BIOS)
        rows.append(
            {
                "as_of": AS_OF,
                "platform": "x",
                "account_id": "1",
                "relation": "follower",
                "subject_id": str(10**15 + i),
                "handle": "".join(ch for ch in handle if ch.isascii() and (ch.isalnum() or ch == "_"))[:15],
                "display_name": shown,
                "description": bio,
                "location": None,
                "created_at": created,
                "protected": False,
                "subject_url": None,
            }
        )
    return pl.DataFrame(rows, schema=AUDIENCE_COLUMNS)


def main() -> dict[str, float]:
    """Prints the measurement and returns its figures (wall seconds, peak MB at most, comparisons)."""
    rng = random.Random(20261116)
    pupils, staff, parents = registers(rng)
    audience = followers(rng, pupils, parents)
    print(
        f"identity resolution: {audience.height:,} follower profiles against {pupils.height:,} pupils, "
        f"{staff.height:,} staff, {parents.height:,} parents"
    )
    started = time.perf_counter()
    cpu_started = time.process_time()
    index = RegisterIndex(pupils, staff, parents, AS_OF, school_name=SCHOOL)
    indexed = time.perf_counter()
    resolved = resolve_identities(audience, index)
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Helpers (checks/identity/processes.py) run alongside this process: their peak counts on top of its own.
    helper_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    processes = process_count(audience.height)
    all_pairs = audience.height * (pupils.height + staff.height + parents.height)
    comparisons = index.stats.lookups + index.stats.candidates
    kinds = dict(resolved.group_by("person_kind").len().iter_rows())
    print(
        f"  index built in {indexed - started:.1f} s; resolved in {finished - indexed:.1f} s; "
        f"wall {finished - started:.1f} s (CPU of this process {cpu:.1f} s; helper processes work beside it)"
    )
    print(
        f"  {processes} process(es) on {usable_cores()} usable core(s); peak memory (max RSS) {peak_mb:,.0f} MB in "
        f"this process (generation included) + {helper_mb:,.0f} MB in the largest helper = "
        f"{peak_mb + helper_mb:,.0f} MB at most"
    )
    print(
        f"  comparisons: {index.stats.lookups:,} blocking-table lookups + {index.stats.candidates:,} candidates "
        f"scored = {comparisons:,} ({comparisons / audience.height:.1f} per profile; all pairs would be "
        f"{all_pairs:,})"
    )
    print(f"  resolved: {kinds}")
    return {"wall_s": finished - started, "peak_mb": peak_mb + helper_mb, "comparisons": comparisons}


FIGURES_PREFIX = "figures: "


def measure() -> dict[str, float]:
    """`main` in a fresh interpreter, its lines printed here: its figures, peak memory its own alone."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.identity_resolution", "--figures"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith(FIGURES_PREFIX)))
    if done.returncode != 0:
        raise RuntimeError(f"the identity resolution benchmark failed: {done.stderr[-2000:]}")
    figures = json.loads(
        next(line for line in lines if line.startswith(FIGURES_PREFIX))[len(FIGURES_PREFIX) :]
    )
    return {str(name): float(value) for name, value in figures.items()}


if __name__ == "__main__":
    figures = main()
    if "--figures" in sys.argv[1:]:
        print(FIGURES_PREFIX + json.dumps(figures))
        raise SystemExit(0)
    if figures["wall_s"] > BUDGET_SECONDS or figures["peak_mb"] > BUDGET_MB:
        raise SystemExit(f"identity resolution benchmark over budget ({BUDGET_SECONDS} s, {BUDGET_MB} MB)")
