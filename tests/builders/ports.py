"""Ports for the servers a test starts in another process (a `prefect server`, Postgres, the OpenID provider, ...).

Such a server is told its port and binds it seconds later, so the port must stay free in between. A port the kernel
hands out for `bind(("127.0.0.1", 0))` does not: the kernel hands it again to the next socket bound to port 0 anywhere
on the machine (the other test workers' servers, every in-process test server), and such a server can answer the
production trial's health check and be gone before the trial's next command.

So ports come from below the kernel's ephemeral range, which the kernel never hands out by itself. Each test worker
has its own slice of them and walks it in turn from a random start: a port comes back to the same worker only after
every other one of its slice, and a suite run beside another one starts elsewhere in the slice. A port still bound
(a server a killed test left) is passed over.
"""

from __future__ import annotations

import itertools
import os
import random
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path

LOWEST = 20000  # below it, ports that services commonly listen on
# For an in-process server's `serve_forever`: its `shutdown` waits for the loop's next look, every poll_interval
# (socketserver's default 0.5 s), so each test that stopped one waited up to half a second for nothing.
SHORT_POLL = {"poll_interval": 0.05}


def ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def worker_slice(worker: str | None, workers: int, ceiling: int) -> range:
    """The ports of one test worker ("gw0", "gw1", ...; None outside xdist): an equal share of [LOWEST, ceiling)."""
    index = int(worker.removeprefix("gw")) if worker and worker.startswith("gw") else 0
    count = max(workers, index + 1)
    size = (ceiling - LOWEST) // count
    if size < 1:
        raise RuntimeError(f"no ports left below the ephemeral range ({ceiling}) for {count} workers")
    return range(LOWEST + index * size, LOWEST + (index + 1) * size)


def _walk() -> Iterator[int]:
    ports = worker_slice(
        os.environ.get("PYTEST_XDIST_WORKER"),
        int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")),
        ephemeral_start(),
    )
    start = random.randrange(len(ports))
    return itertools.cycle([*ports[start:], *ports[:start]])


_PORTS = _walk()


def bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def first_free(candidates: Iterable[int]) -> int:
    for port in itertools.islice(candidates, 1000):
        if bindable(port):
            return port
    raise RuntimeError("a thousand ports in a row are bound: is a test leaving its servers running?")


def free_port() -> int:
    """A port on 127.0.0.1 nothing is bound to now, and that no other test of this run is handed soon."""
    return first_free(_PORTS)
