"""Native readers (Tesseract engines, OpenCV cascades) kept for the whole process and lent to one reading at a time.

Why not one per thread: every thread pool a run makes (the fetch's, the library's, each school's in a trust) has new
threads, and a reader kept per thread was loaded again for each (~70 ms of CPU and tens of MB an engine) and never
freed when its thread ended. Lent from one shelf, a process holds at most as many readers as read at once.

Why they are made one at a time: Tesseract keeps some parameters process-wide (`debug_file`, which every engine sets
as it is made), and two threads making engines at once would write them while the other reads them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

Reader = TypeVar("Reader")


class Shelf(Generic[Reader]):
    """Readers made by `make`, one at a time, each lent to one borrower at a time and kept for the next. With
    `most`, a borrower waits for a free reader rather than have more made (the cores are all reading anyway)."""

    def __init__(self, make: Callable[[], Reader], most: int | None = None) -> None:
        self._make = make
        self._idle: list[Reader] = []
        self._lock = threading.Lock()
        self._making = threading.Lock()
        self._free = threading.BoundedSemaphore(most) if most else contextlib.nullcontext()
        self.made = 0

    @contextlib.contextmanager
    def lent(self) -> Iterator[Reader]:
        with self._free:
            with self._lock:
                reader = self._idle.pop() if self._idle else None
            if reader is None:
                with self._making:
                    reader = self._make()
                    self.made += 1
            try:
                yield reader
            finally:
                with self._lock:
                    self._idle.append(reader)
