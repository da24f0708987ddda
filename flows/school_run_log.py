"""A school's run kept in the school: Prefect's database never holds an error's detail or a run's log lines.

Prefect keeps what a run tells it (flow runs, logs, states) for weeks, out of reach of an erasure (docs/dpia.md):
a refused register quotes its cell (which may be a pupil's name), X names the accounts it could not return, a
DuckDB error may quote a row. So every weekly audit runs inside `kept_in_school(run_log)`:
- no log record goes to the Prefect API (its switch is a context setting, so other schools' runs in other
  threads are untouched);
- every record of the run goes to `run_log`: `<out>/run.log` beside the school's report (`<out>/<slug>/run.log` in
  a trust), rewritten each week; an erasure redacts it, and it is kept no longer than the report beside it;
- an exception leaving a guarded task, the flow or the block itself is logged there in full and re-raised as
  `DetailsWithheld`, whose text is only the kind of failure (dashboards.trust_report.trust_level_reason). The
  original stays on it in this process only (never pickled into Prefect's result storage): the command line
  prints it on the terminal, and a trust whose controller is the trust puts it in its report.
Where each school of a trust is its own data controller (`apart`), the trust-wide server also gets only the kind
of a partial or unpublished week and no artifacts, and the trust process's console none of the school's records.
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

# These libraries log request headers, OAuth signatures or tokens at DEBUG: never let them reach a handler.
SECRET_BEARING_LOGGERS = ("tweepy", "oauthlib", "requests_oauthlib", "urllib3", "httplib2", "googleapiclient")
_RUN_LOG: ContextVar[Path | None] = ContextVar("socialaudit_school_run_log", default=None)
_APART: ContextVar[bool] = ContextVar("socialaudit_school_apart_from_trust", default=False)
_SHOWN_BY_CALLER: ContextVar[bool] = ContextVar("socialaudit_failure_shown_by_caller", default=False)
# Where a failure's details are when no run.log is open yet (the output folder is checked first).
DETAILS_WHERE_STARTED = " (details where the run was started: its terminal, or its worker's log)"
_log = logging.getLogger("flows.school_run_log")


class DetailsWithheld(Exception):
    """A school's failure as Prefect may keep it: the kind only; the details are in its run.log.

    `detail`, the original exception, lives in this process only: pickled (Prefect's result storage), a
    DetailsWithheld is its kind alone."""

    def __init__(self, kind: str, detail: BaseException | None = None) -> None:
        super().__init__(kind)
        self.detail = detail

    def __reduce__(self) -> tuple[type[DetailsWithheld], tuple[str]]:
        return DetailsWithheld, (str(self),)


class _OnlyOutsideSchools(logging.Filter):
    """On the process's other handlers (the console): a school's records kept apart from the trust are not theirs,
    nor a withheld failure's details (the command line prints its one line itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _APART.get() and not getattr(record, _RUN_LOG_ONLY, False)


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
_RUN_LOG_ONLY = "socialaudit_run_log_only"


def quiet_secret_bearing_loggers() -> None:
    for name in SECRET_BEARING_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def is_kept() -> bool:
    """Inside `kept_in_school`: this run's records go to its run.log."""
    return _RUN_LOG.get() is not None


def is_apart() -> bool:
    """A school of a trust that is its own data controller: the trust-wide server gets kinds only."""
    return _APART.get()


def kind_only_when_apart(message: str, kind: str) -> str:
    """A message for a state Prefect stores: for a school apart from its trust, its kind only (the rest is in
    run.log). A partial or unpublished week's message names streams and folders, never a person."""
    return kind + DETAILS_IN_THE_SCHOOL if is_apart() else message


def _filter_the_console() -> None:
    for handler in logging.getLogger().handlers:
        if _OUTSIDE not in handler.filters:
            handler.addFilter(_OUTSIDE)


def _withheld(error: BaseException) -> DetailsWithheld:
    _filter_the_console()
    shown = _SHOWN_BY_CALLER.get()
    _log.error(
        "the run failed: %s: %s", type(error).__name__, error, exc_info=error, extra={_RUN_LOG_ONLY: shown}
    )
    kind = trust_level_reason(error, "schools")
    if not is_kept():
        kind = kind.removesuffix(DETAILS_IN_THE_SCHOOL) + DETAILS_WHERE_STARTED
    return DetailsWithheld(kind, detail=error)


@contextmanager
def failure_shown_by_caller() -> Iterator[None]:
    """Around a flow a command runs in its own process: it shows a failure's details itself (from
    `DetailsWithheld.detail`), so they are logged to the run.log only, never to its terminal as well."""
    token = _SHOWN_BY_CALLER.set(True)
    try:
        yield
    finally:
        _SHOWN_BY_CALLER.reset(token)


@contextmanager
def kept_in_school(run_log: Path, *, apart: bool = True) -> Iterator[None]:
    """`apart`: a trust's school that is its own controller (above); False for a school's own run."""
    run_log = run_log.absolute()
    run_log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _filter_the_console()
    root = logging.getLogger()
    handler = _SchoolRunLog(run_log)
    root.addHandler(handler)
    token, apart_token = _RUN_LOG.set(run_log), _APART.set(apart)
    try:
        with temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}):
            yield
    except DetailsWithheld:
        raise
    except Exception as error:
        raise _withheld(error) from None
    finally:
        _RUN_LOG.reset(token)
        _APART.reset(apart_token)
        root.removeHandler(handler)
        handler.close()


def withheld_from_prefect(function: Callable[P, R]) -> Callable[P, R]:
    """For a task or flow of the weekly audit: its exception leaves as DetailsWithheld (Prefect writes a failed
    run's exception into the state it stores), its details logged to the run.log (where one is kept) and to no
    log Prefect's API receives."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        with temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}):
            try:
                return function(*args, **kwargs)
            except DetailsWithheld:
                raise
            except Exception as error:
                raise _withheld(error) from None

    return guarded
