"""A school's run kept in the school, where each school of a trust is its own data controller.

With `controller = "schools"` the trust's Prefect server is trust-wide, so it may hold a school run's states and
the *kind* of a failure, never its log lines or an error's detail: a refused register quotes its cell (which
may be a pupil's name), X names the accounts it could not return, a DuckDB error may quote a row. Inside
`kept_in_school(run_log)`:
- no log record goes to the Prefect API (its switch is a context setting, so other schools' runs in other
  threads are untouched), nor to the trust process's console;
- every record of the run goes to `run_log` instead: `<out>/<slug>/run.log` beside the school's report,
  rewritten each week (it holds personal data, so it is kept no longer than the report beside it);
- an exception leaving a guarded task, the flow or the block itself is logged there in full and re-raised as
  `DetailsWithheld`, whose text is only the kind of failure (dashboards.trust_report.trust_level_reason).
Outside it (a single school, or `controller = "trust"`) nothing changes.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect.settings import PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

from dashboards.trust_report import DETAILS_IN_THE_SCHOOL, trust_level_reason

P = ParamSpec("P")
R = TypeVar("R")

_RUN_LOG: ContextVar[Path | None] = ContextVar("socialaudit_school_run_log", default=None)
_log = logging.getLogger("flows.school_run_log")


class DetailsWithheld(Exception):
    """A school's failure as a trust-wide store may keep it: the kind only; the details are in its run.log."""


class _OnlyOutsideSchools(logging.Filter):
    """On the process's other handlers (the console): a kept school's records are not theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _RUN_LOG.get() is None


class _SchoolRunLog(logging.FileHandler):
    """The records of one school's context (a trust runs several schools at once, in threads)."""

    def __init__(self, path: Path) -> None:
        # Created owner-only before logging opens it: FileHandler would create it with the process's umask.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        super().__init__(path, mode="w", encoding="utf-8")
        self.path = path
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def filter(self, record: logging.LogRecord) -> bool:
        return _RUN_LOG.get() == self.path


_OUTSIDE = _OnlyOutsideSchools()


def is_kept() -> bool:
    return _RUN_LOG.get() is not None


def kind_only_when_kept(message: str, kind: str) -> str:
    """A message for a state Prefect stores: inside `kept_in_school`, its kind only (the rest is in run.log)."""
    return kind + DETAILS_IN_THE_SCHOOL if is_kept() else message


def _withheld(error: BaseException) -> DetailsWithheld:
    _log.error("the run failed: %s: %s", type(error).__name__, error, exc_info=error)
    return DetailsWithheld(trust_level_reason(error, "schools"))


@contextmanager
def kept_in_school(run_log: Path) -> Iterator[None]:
    run_log = run_log.absolute()
    run_log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    root = logging.getLogger()
    for handler in root.handlers:
        if _OUTSIDE not in handler.filters:
            handler.addFilter(_OUTSIDE)
    handler = _SchoolRunLog(run_log)
    root.addHandler(handler)
    token = _RUN_LOG.set(run_log)
    try:
        with temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}):
            yield
    except DetailsWithheld:
        raise
    except Exception as error:
        raise _withheld(error) from None
    finally:
        _RUN_LOG.reset(token)
        root.removeHandler(handler)
        handler.close()


def withheld_in_trust(function: Callable[P, R]) -> Callable[P, R]:
    """For a task or flow of the weekly audit: inside `kept_in_school`, its exception leaves as DetailsWithheld
    (Prefect writes a failed run's exception into the state it stores); elsewhere it leaves as it was."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except Exception as error:
            if not is_kept() or isinstance(error, DetailsWithheld):
                raise
            raise _withheld(error) from None

    return guarded
