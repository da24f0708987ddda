"""The C libraries' and Python's own heap checks for a benchmark's child processes, and what counts as a crash
(benchmarks/soak.py, benchmarks/lake_stress.py)."""

from __future__ import annotations

import re
from pathlib import Path

MALLOC_DEBUG = Path("/lib/x86_64-linux-gnu/libc_malloc_debug.so.0")
FATAL = re.compile(
    r"malloc\(\)|free\(\)|double free|corrupted|tcache|Fatal Python error|Segmentation fault|Aborted|"
    r"Debug memory block"
)


def checked_env(number: int) -> dict[str, str]:
    from benchmarks.run_cost import child_env

    env = child_env()
    env.update(MALLOC_CHECK_="3", MALLOC_PERTURB_=str(1 + (number * 37) % 254), PYTHONFAULTHANDLER="1")
    if MALLOC_DEBUG.exists():  # glibc 2.34 and later read MALLOC_CHECK_ only with this library loaded
        env["LD_PRELOAD"] = " ".join(p for p in (str(MALLOC_DEBUG), env.get("LD_PRELOAD")) if p)
    if number % 2:
        env["PYTHONMALLOC"] = "debug"
    return env


def crashed(code: int, log: str) -> bool:
    return code < 0 or bool(FATAL.search(log))
