"""How many cores this process may use (its CPU affinity, e.g. under `taskset` or a container's cpuset)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
