"""A large audience resolved on several cores at once.

Resolution is plain Python, one profile at a time, so one process uses one core: a trust-sized audience (250k
profiles) took about a minute on one. With PROFILES_PER_PROCESS profiles for each of two processes or more, and two
usable cores, the audience is cut into contiguous slices (MOST_PROCESSES at most, for memory). This process
resolves the first with its own index while helper processes resolve the others, each with an index built from the
same register frames (`IndexRecipe`) and given the locality this process learnt from the whole audience. Rows come
back in audience order, so the result is the one a single process gives (tests/checks/identity/test_processes.py
compares them).

Helpers are spawned, never forked: the caller may hold Prefect's and polars' threads, which a fork would copy
mid-lock. A helper that fails raises its error here, and the run fails as it would have in one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from checks.cores import usable_cores

# A helper costs ~4 s before its first profile (a new interpreter, imports, building the index: 2.5 s for 70k
# register people); under ~50k profiles (~12 s of work) per process that start-up eats most of what it saves.
PROFILES_PER_PROCESS = 50_000
# Each helper holds its own index, imports and caches beside this process's: at trust size (250k profiles, 70k
# register people) two processes stay inside the 2 GB budget (benchmarks/identity_resolution.py prints each one's
# peak); more would trade memory a school's server may not have for speed.
MOST_PROCESSES = 2
# Profiles this process resolves (~2,000 a second) while a helper starts (~4 s, above): its slice is longer by as
# many, so the processes finish together rather than this one waiting for the helper's start-up.
HELPER_START_PROFILES = 8_000

Shared = TypeVar("Shared")
Part = TypeVar("Part")
Result = TypeVar("Result")


def process_count(profiles: int) -> int:
    """How many processes (this one included) resolve an audience of `profiles`: one unless it is large."""
    return max(1, min(usable_cores(), profiles // PROFILES_PER_PROCESS, MOST_PROCESSES))


def slice_bounds(total: int, parts: int, head_start: int = 0) -> list[tuple[int, int]]:
    """(start, length) of `parts` contiguous runs covering `total` items, in order: as even as can be, the first
    longer by `head_start` (at most a quarter of an even run) than each of the others."""
    head_start = min(head_start, total // (4 * parts)) if parts > 1 else 0
    if not head_start:
        return _even(0, total, parts)
    first = (total + (parts - 1) * head_start) // parts
    return [(0, first), *_even(first, total - first, parts - 1)]


def _even(start: int, total: int, parts: int) -> list[tuple[int, int]]:
    size, extra = divmod(total, parts)
    bounds = []
    for n in range(parts):
        length = size + (1 if n < extra else 0)
        bounds.append((start, length))
        start += length
    return bounds


def in_processes(
    here: Callable[[Part], Result],
    elsewhere: Callable[[Shared, Part], Result],
    shared: Shared,
    parts: Sequence[Part],
) -> list[Result]:
    """[here(first part), elsewhere(shared, part) for each further part], the further ones in helper processes
    (one each) running meanwhile. `elsewhere`, `shared` and the parts cross to the helpers by pickling."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, len(parts) - 1), mp_context=context) as pool:
        pending = [pool.submit(elsewhere, shared, part) for part in parts[1:]]
        first = here(parts[0])
        return [first, *(future.result() for future in pending)]
