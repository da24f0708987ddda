"""What a run's start-up makes, kept out of the interpreter's full collections while the run works.

A weekly run's start-up (~4,600 modules imported: Prefect and its temporary server's client, great-expectations'
context, polars, DuckDB, the audit itself) makes millions of objects that live until the process ends, and each of
the cyclic garbage collector's full collections walks every one of them: on a small school's run that was ~1 s of
CPU, a full collection every few seconds of start-up and another in the middle of the rules (0.1-0.3 s each, longer
as the heap grows). While the start-up makes them the collector is off; once every thread doing start-up work is
done they are frozen (`gc.freeze`), so later collections walk only what the run itself makes. Objects freed by
their reference counts are freed as ever; only cycles made during start-up wait, and those are few (module
imports, not data).

When the run ends the frozen objects are released (`gc.unfreeze`) and the collector is as it was, so a process
that goes on after the run (the tests, `socialaudit evaluate`'s several audits) collects them as before.
"""

from __future__ import annotations

import gc
import threading


class StartUpHeap:
    """The collector held off for one run's start-up. Made by the thread starting the run, which counts as one
    party; each thread doing more start-up work beside it (`joined`) is another. Each party says when its part is
    made (`made`): what exists then is frozen, and the collector runs again once the last party is done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parties = 1
        self._released = False
        self._was_enabled = gc.isenabled()
        gc.disable()

    def joined(self) -> None:
        """One more thread doing start-up work: the collector waits for its `made` too."""
        with self._lock:
            if not self._released:
                self._parties += 1

    def made(self) -> None:
        """One party's start-up work is done: freeze what exists now; the last party's turns the collector on."""
        with self._lock:
            if self._released or self._parties == 0:
                return
            gc.freeze()
            self._parties -= 1
            if self._parties == 0 and self._was_enabled:
                gc.enable()

    def release(self) -> None:
        """The run is over: what was frozen is collected as usual again, and the collector is as it was (a party
        still at work then, a warm-up the run did not wait for, changes nothing any more)."""
        with self._lock:
            if self._released:
                return
            self._released = True
            gc.unfreeze()
            if self._was_enabled:
                gc.enable()
