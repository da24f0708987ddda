"""Another process holding the warehouse's write lock, as the weekly run (or a review) holds it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD = (
    "import sys, time; from warehouse.db import connect; c = connect(sys.argv[1]);"
    " print('locked', flush=True); time.sleep(float(sys.argv[2])); c.close()"
)


@contextmanager
def warehouse_held(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Yields once the other process holds the lock; it lets go after `seconds`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.wait(timeout=seconds + 30)
