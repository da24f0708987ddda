"""Readers (OCR worker processes, OpenCV cascades) kept for the whole process and lent to one reading at a time.

Why not one per thread: every thread pool a run makes (the fetch's, the library's, each school's in a trust) has new
threads, and a reader kept per thread was loaded again for each (~70 ms of CPU and tens of MB an engine) and never
freed when its thread ended. Lent from one shelf, a process holds at most as many readers as read at once.

Why a shelf may make them one at a time: a native library that keeps state process-wide while a reader is made would
be written by two threads at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

Reader = TypeVar("Reader")


class Shelf(Generic[Reader]):
    """Readers made by `make` (one at a time unless not `one_at_a_time`), each lent to one borrower at a time and
    kept for the next, unless `keep` says it is no longer usable (asked again before it is lent). With `most`, a borrower waits for a free reader
    rather than have more made (the cores are all reading anyway)."""

    def __init__(
        self,
        make: Callable[[], Reader],
        most: int | None = None,
        one_at_a_time: bool = True,
        keep: Callable[[Reader], bool] | None = None,
    ) -> None:
        self._make = make
        self._keep = keep
        self._idle: list[Reader] = []
        self._lock = threading.Lock()
        self._making: contextlib.AbstractContextManager[object] = (
            threading.Lock() if one_at_a_time else contextlib.nullcontext()
        )
        self._free = threading.BoundedSemaphore(most) if most else contextlib.nullcontext()
        self.made = 0

    @contextlib.contextmanager
    def lent(self) -> Iterator[Reader]:
        with self._free:
            with self._lock:
                reader = self._idle.pop() if self._idle else None
                while reader is not None and not (self._keep is None or self._keep(reader)):
                    reader = self._idle.pop() if self._idle else None
            if reader is None:
                with self._making:
                    reader = self._make()
                with self._lock:
                    self.made += 1
            try:
                yield reader
            finally:
                if self._keep is None or self._keep(reader):
                    with self._lock:
                        self._idle.append(reader)
