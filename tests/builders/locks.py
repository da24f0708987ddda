"""Another process holding the warehouse's write lock, as the weekly run (or a review) holds it: for a number of
seconds (`warehouse_held`), or until told to let go (`warehouse_held_until_told`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Holds the lock until its stdin says something or closes, or until the seconds given (if any) have passed.
HOLD = (
    "import select, sys; from warehouse.db import connect; c = connect(sys.argv[1]);"
    " print('locked', flush=True);"
    " select.select([sys.stdin], [], [], float(sys.argv[2]) if sys.argv[2:] else None); c.close()"
)


@contextmanager
def _holding(db: Path, seconds: float | None) -> Iterator[subprocess.Popen[str]]:
    """Yields once the other process holds the lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), *([] if seconds is None else [str(seconds)])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.wait(timeout=(seconds or 0) + 30)
        assert holder.stdin is not None
        holder.stdin.close()


@contextmanager
def warehouse_held(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Yields once the other process holds the lock; it lets go after `seconds`."""
    with _holding(db, seconds) as holder:
        yield holder


@contextmanager
def warehouse_held_until_told(db: Path) -> Iterator[Callable[[], None]]:
    """Yields once the other process holds the lock: a call that makes it let go (and waits until it has); it lets
    go at the end of the block at the latest."""
    with _holding(db, None) as holder:
        assert holder.stdin is not None
        stdin = holder.stdin

        def let_go() -> None:
            if not stdin.closed:
                stdin.close()
            holder.wait(timeout=30)

        try:
            yield let_go
        finally:
            let_go()
