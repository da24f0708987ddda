"""What a run is doing, said as it goes: one line kept up to date on a terminal, log lines otherwise.

The weekly flow (`flows.progress`), the connectors (`connectors.progress`: pages read, long waits for a rate-limit
reset) and the trust (`flows.progress`: N of M schools done) log their progress as ordinary INFO records, so a
scheduled run's log and the Prefect UI hold them as lines. When `socialaudit run` or `trust run` has a terminal on
standard error, `LiveLine` shows the latest of them on one line instead, rewritten in place, and keeps them off
Prefect's console lines (they still reach Prefect's API). Progress records carry counts, stages, the official
accounts' ids and school slugs, never a person.
"""

from __future__ import annotations

import logging
import shutil
import sys
from typing import TextIO

PROGRESS_LOGGERS = ("flows.progress", "connectors.progress")
# The loggers whose console handlers would print progress records as lines too (Prefect's extra loggers).
PARENT_LOGGERS = ("flows", "connectors")

progress = logging.getLogger("flows.progress")


def is_progress(record: logging.LogRecord) -> bool:
    return record.name in PROGRESS_LOGGERS


class _NotProgress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not is_progress(record)


class LiveLine(logging.Handler):
    """The latest progress message on one line of a terminal (`stream`), rewritten in place."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(logging.INFO)
        self.stream = stream
        self.filtered: list[logging.Handler] = []
        self.shown = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            text = " ".join(self.format(record).split())
            self.stream.write("\r\x1b[2K" + (text if len(text) <= width else text[: width - 1] + "…"))
            self.stream.flush()
            self.shown = True
        except Exception:  # a display must never stop a run
            self.handleError(record)

    def install(self) -> LiveLine:
        self.setFormatter(logging.Formatter("%(message)s"))
        quiet = _NotProgress()
        for name in PARENT_LOGGERS:
            for handler in logging.getLogger(name).handlers:
                if isinstance(handler, logging.StreamHandler) and getattr(handler, "stream", None) in (
                    sys.stderr,
                    sys.stdout,
                ):
                    handler.addFilter(quiet)
                    self.filtered.append(handler)
        for name in PROGRESS_LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(self)
            logger.setLevel(logging.INFO)
        self._quiet = quiet
        return self

    def close(self) -> None:
        for name in PROGRESS_LOGGERS:
            logging.getLogger(name).removeHandler(self)
        for handler in self.filtered:
            handler.removeFilter(self._quiet)
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        super().close()


def live_display(stream: TextIO | None = None) -> LiveLine | None:
    """A live line when `stream` (standard error as it is now) is a terminal; None otherwise (the progress records
    stay log lines)."""
    stream = stream if stream is not None else sys.stderr
    try:
        interactive = stream.isatty()
    except ValueError:  # a closed stream: nobody is watching
        interactive = False
    if not interactive:
        logging.getLogger("flows.progress").setLevel(logging.INFO)
        logging.getLogger("connectors.progress").setLevel(logging.INFO)
        return None
    return LiveLine(stream).install()
