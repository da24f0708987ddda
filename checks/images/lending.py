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
        discard: Callable[[Reader], None] | None = None,
    ) -> None:
        self._make = make
        self._keep = keep
        self._discard = discard
        self._most = most
        self._idle: list[Reader] = []
        self._held = 0  # readers kept: idle or lent
        self._lock = threading.Lock()
        self._making: contextlib.AbstractContextManager[object] = (
            threading.Lock() if one_at_a_time else contextlib.nullcontext()
        )
        self._free = threading.BoundedSemaphore(most) if most else contextlib.nullcontext()
        self.made = 0

    def room(self) -> int:
        """How many more readers may be kept now: `most` less those kept (idle or lent); 1 without `most`."""
        with self._lock:
            return max(0, self._most - self._held) if self._most else 1

    def stock(self, readers: list[Reader]) -> None:
        """Readers made elsewhere (e.g. side by side as a run starts), kept for the next borrowers."""
        with self._lock:
            self._idle.extend(readers)
            self.made += len(readers)
            self._held += len(readers)

    def _usable(self, reader: Reader) -> bool:
        return self._keep is None or self._keep(reader)

    def _take_idle(self) -> Reader | None:
        with self._lock:
            while self._idle:
                reader = self._idle.pop()
                if self._usable(reader):
                    return reader
                self._held -= 1
            return None

    @contextlib.contextmanager
    def lent(self, fresh: bool = False) -> Iterator[Reader]:
        """A reader for one borrower. `fresh` makes a new one even when an idle one looks usable: a reader ended
        from outside can still look alive for a moment (its process is still dying), and a retry must not be spent
        on one; a fresh reader beyond `most` is discarded when it comes back."""
        with self._free:
            reader = None if fresh else self._take_idle()
            if reader is None:
                with self._making:
                    reader = self._make()
                with self._lock:
                    self.made += 1
                    self._held += 1
            try:
                yield reader
            finally:
                kept = self._usable(reader)
                with self._lock:
                    if kept and not (self._most and self._held > self._most):
                        self._idle.append(reader)
                        reader = None
                    else:
                        self._held -= 1
                if reader is not None and kept and self._discard is not None:
                    self._discard(reader)
