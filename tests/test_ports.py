"""tests/builders/ports.py: ports for servers a test starts in another process stay clear of the ones the kernel
hands out, and of the other test worker's."""

from __future__ import annotations

import itertools
import re
import socket

from tests.builders import ports
from tests.builders.paths import REPO


def test_each_worker_has_its_own_ports_below_the_ephemeral_range() -> None:
    slices = [ports.worker_slice(f"gw{index}", 3, 32768) for index in range(3)]
    assert slices[0].start == ports.LOWEST and slices[-1].stop <= 32768
    assert all(left.stop <= right.start for left, right in itertools.pairwise(slices))
    assert ports.worker_slice(None, 1, 32768) == range(ports.LOWEST, 32768)


def test_a_port_handed_out_is_free_and_not_handed_out_again_soon() -> None:
    handed = [ports.free_port() for _ in range(50)]
    assert len(set(handed)) == 50
    assert all(ports.LOWEST <= port < ports.ephemeral_start() for port in handed)


def test_a_bound_port_is_passed_over() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", ports.free_port()))
        held = int(holder.getsockname()[1])
        free = ports.free_port()
        assert not ports.bindable(held)
        assert ports.first_free([held, free]) == free


def test_no_test_probes_the_kernel_for_a_port_it_hands_to_another_process() -> None:
    probe = re.compile(r"\.bind\(\(\s*[^,()]+,\s*0\s*\)\)")
    found = [
        str(path.relative_to(REPO))
        for path in (REPO / "tests").rglob("*.py")
        if path.name != "ports.py" and probe.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"use tests.builders.ports.free_port instead of a port the kernel hands out: {found}"
