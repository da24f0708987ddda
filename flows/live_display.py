"""What a run is doing, said as it goes: a live display on a terminal (rich), plain log lines otherwise.

The weekly flow (`flows.progress`), the connectors (`connectors.progress`: pages read, long waits for a rate-limit
reset) and the trust (`flows.progress`: N of M schools done) log their progress as ordinary INFO records, so a
scheduled run's log and the Prefect UI hold them as lines. A phase that goes item by item (images fingerprinted,
accounts read) counts them with `counted`: a bar with its count on a terminal, a line every few seconds otherwise.

When `socialaudit run` or `trust run` has a terminal on standard error, `LiveDisplay` shows the latest stage with
how long it has taken so far, and a bar for each counted phase. Nothing prints over it: every other line (a
warning, `--verbose`'s library lines, a `print`) goes above it, and progress records are kept off the console
handlers (they still reach Prefect's API). When the command ends the display is cleared, so the terminal keeps
only the command's own lines. Progress records carry counts, stages, the official accounts' ids and school slugs,
never a person.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, TextIO, cast

from rich.console import Console, Group
from rich.file_proxy import FileProxy
from rich.live import Live
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

PROGRESS_LOGGERS = ("flows.progress", "connectors.progress")
# A counted phase's line in a log, at most this often (and when it ends).
COUNT_LINE_SECONDS = 10.0
# Marks a counted phase's periodic line: the live display shows the count on its bar instead.
COUNTED = "socialaudit_counted"

progress = logging.getLogger("flows.progress")
# The display on this process's terminal while a command runs; a counted phase finds it here.
_shown: LiveDisplay | None = None


def is_progress(record: logging.LogRecord) -> bool:
    return record.name in PROGRESS_LOGGERS


class _NotProgress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not is_progress(record)


class Counter:
    """How far a phase has got, `done` of `total` `unit`: a bar on the live display, else a progress line at most
    every COUNT_LINE_SECONDS and when it ends. Safe to advance from several threads."""

    def __init__(self, what: str, total: int, unit: str) -> None:
        self.what, self.total, self.unit = what, total, unit
        self.done = 0
        self._lock = threading.Lock()
        self._started = self._said_at = time.monotonic()
        self._display = _shown
        self._task = self._display.add_counter(what, total) if self._display is not None else None

    def advance(self, step: int = 1) -> None:
        with self._lock:
            self.done += step
            done = self.done
            due = time.monotonic() - self._said_at >= COUNT_LINE_SECONDS
            if due:
                self._said_at = time.monotonic()
        if self._display is not None and self._task is not None:
            self._display.count(self._task, done)
        if due and done < self.total:
            self._say(done)

    def _say(self, done: int) -> None:
        progress.info(
            "%s: %s of %s %s", self.what, f"{done:,}", f"{self.total:,}", self.unit, extra={COUNTED: True}
        )

    def close(self) -> None:
        if self._display is not None and self._task is not None:
            self._display.remove_counter(self._task)
        if time.monotonic() - self._started >= COUNT_LINE_SECONDS:  # a log that had its count lines: the last
            self._say(self.done)


@contextmanager
def counted(what: str, total: int, unit: str = "") -> Iterator[Counter]:
    """Count a phase's items as they are done: `with counted("fingerprinting", n, "image(s)") as c: ... c.advance()`."""
    counter = Counter(what, total, unit)
    try:
        yield counter
    finally:
        counter.close()


class LiveDisplay(logging.Handler):
    """The live display on a terminal: the latest progress message with its elapsed time, and a bar for each
    counted phase, redrawn in place by rich; everything else printed above it."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(logging.INFO)
        self.console = Console(file=stream)
        message = Column(no_wrap=True, overflow="ellipsis", ratio=1)
        self.stage = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False, table_column=message),
            TimeElapsedColumn(),
            console=self.console,
            expand=True,
        )
        self.counters = Progress(
            TextColumn("  {task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.stage_task = self.stage.add_task("starting", total=None)
        self.live = Live(
            Group(self.stage, self.counters),
            console=self.console,
            transient=True,
            refresh_per_second=8,
            redirect_stdout=_same_terminal(sys.stdout, stream),
            redirect_stderr=_same_terminal(sys.stderr, stream),
        )
        self.quiet = _NotProgress()
        self.redirected: list[tuple[logging.Handler, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, COUNTED, False):
            return
        try:
            text = " ".join(self.format(record).split())
            self.stage.reset(self.stage_task, description=text)
            self.live.refresh()
        except Exception:  # a display must never stop a run
            self.handleError(record)

    def add_counter(self, what: str, total: int) -> TaskID:
        task = self.counters.add_task(what, total=total)
        self.live.refresh()
        return task

    def count(self, task: TaskID, done: int) -> None:
        self.counters.update(task, completed=done)
        if done == self.counters.tasks[self._index(task)].total:
            self.live.refresh()

    def remove_counter(self, task: TaskID) -> None:
        self.counters.remove_task(task)

    def _index(self, task: TaskID) -> int:
        return next(n for n, t in enumerate(self.counters.tasks) if t.id == task)

    def install(self) -> LiveDisplay:
        global _shown
        self.setFormatter(logging.Formatter("%(message)s"))
        self.live.start()
        # Every console handler now writes above the display (sys.stderr is the live display's proxy while it runs),
        # and leaves the progress records to it.
        for handler in _console_handlers(self.console.file):
            handler.addFilter(self.quiet)
            self.redirected.append((handler, _redirect(handler, FileProxy(self.console, self.console.file))))
        for name in PROGRESS_LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(self)
            logger.setLevel(logging.INFO)
        _shown = self
        return self

    def close(self) -> None:
        global _shown
        _shown = None
        for name in PROGRESS_LOGGERS:
            logging.getLogger(name).removeHandler(self)
        try:
            self.live.stop()
        finally:
            for handler, restore in self.redirected:
                handler.removeFilter(self.quiet)
                restore()
            super().close()


def _same_terminal(stream: Any, terminal: IO[str]) -> bool:
    try:
        return (
            bool(stream.isatty()) and os.fstat(stream.fileno()).st_rdev == os.fstat(terminal.fileno()).st_rdev
        )
    except (AttributeError, ValueError, OSError):
        return False


def _console_handlers(terminal: IO[str]) -> list[logging.Handler]:
    """The handlers of every logger that write to the terminal (Prefect's console handler writes through a rich
    console of its own)."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    found: list[logging.Handler] = []
    for logger in loggers:
        for handler in logger.handlers:
            if handler in found or isinstance(handler, LiveDisplay):
                continue
            if _writes_to(handler, terminal):
                found.append(handler)
    return found


def _writes_to(handler: logging.Handler, terminal: IO[str]) -> bool:
    console = getattr(handler, "console", None)
    stream = (
        getattr(console, "file", None) if isinstance(console, Console) else getattr(handler, "stream", None)
    )
    return stream is not None and _same_terminal(stream, terminal)


class _Above(io.TextIOBase):
    """Writes lines above the live display (rich's FileProxy), for a rich console of another library: rich unwraps
    a FileProxy it is given as its file, and would write straight over the display."""

    def __init__(self, proxy: FileProxy) -> None:
        self.proxy = proxy

    def write(self, text: str) -> int:
        return self.proxy.write(text)

    def flush(self) -> None:
        self.proxy.flush()

    def isatty(self) -> bool:
        return self.proxy.isatty()

    def fileno(self) -> int:
        return self.proxy.fileno()


def _redirect(handler: logging.Handler, proxy: FileProxy) -> Any:
    """Point `handler` at `proxy`; returns what puts it back."""
    console = getattr(handler, "console", None)
    if isinstance(console, Console):
        before = console.file
        console.file = cast(IO[str], _Above(proxy))

        def restore_console() -> None:
            console.file = before

        return restore_console
    if isinstance(handler, logging.StreamHandler):
        previous = handler.setStream(proxy)

        def restore_stream() -> None:
            handler.setStream(previous)

        return restore_stream
    return lambda: None


def live_display(stream: TextIO | None = None) -> LiveDisplay | None:
    """The live display when `stream` (standard error as it is now) is a terminal that can redraw in place; None
    otherwise (CI, cron, a dumb terminal): the progress records stay plain log lines."""
    stream = stream if stream is not None else sys.stderr
    try:
        interactive = stream.isatty()
    except ValueError:  # a closed stream: nobody is watching
        interactive = False
    if not interactive or Console(file=stream).is_dumb_terminal:
        for name in PROGRESS_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)
        return None
    return LiveDisplay(stream).install()
