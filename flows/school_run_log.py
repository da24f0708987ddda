"""What Prefect learns of a weekly audit: never an error's detail or a run's log lines.

Prefect keeps what a run tells it (flow runs, logs, states, results) for weeks, out of reach of an erasure
(docs/dpia.md): a refused register quotes its cell (which may be a pupil's name), X names the accounts it could not
return, a DuckDB error may quote a row. So every task and the flow of the weekly audit are `withheld_from_prefect`:
- no log record goes to the Prefect API while they run (its switch is a context setting, so other schools' runs in
  other threads are untouched); the console still has them: a terminal, or a worker's log;
- an exception leaving one is logged in full and re-raised as `DetailsWithheld`, whose text is only the kind of
  failure (dashboards.trust_report.trust_level_reason). The original stays on it in this process only (never
  pickled into Prefect's result storage): the command line prints it on its terminal (`failure_shown_by_caller`),
  and a trust whose controller is the trust puts it in its report.
Where each school of a trust is its own data controller, its run is `kept_in_school(run_log)`: every record goes to
`<out>/<slug>/run.log` (rewritten each week; an erasure redacts it), none to the trust process's console; the
trust-wide server also gets only the kind of a partial or unpublished week, and no artifacts.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
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
_SHOWN_BY_CALLER: ContextVar[bool] = ContextVar("socialaudit_failure_shown_by_caller", default=False)
# Where a failure's details are for a run not kept in its school.
DETAILS_WHERE_STARTED = " (details where the run was started: its terminal, or its worker's log)"
_log = logging.getLogger("flows.school_run_log")


class DetailsWithheld(Exception):
    """A school's failure as Prefect may keep it: the kind only; the details are where the kind says.

    `detail`, the original exception, lives in this process only: pickled (Prefect's result storage), a
    DetailsWithheld is its kind alone."""

    def __init__(self, kind: str, detail: BaseException | None = None) -> None:
        super().__init__(kind)
        self.detail = detail

    def __reduce__(self) -> tuple[type[DetailsWithheld], tuple[str]]:
        return DetailsWithheld, (str(self),)


class _OnlyOutsideSchools(logging.Filter):
    """On the process's other handlers (the console): a kept school's records are not theirs, nor a withheld
    failure's details when the command line prints them itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _RUN_LOG.get() is None and not getattr(record, _RUN_LOG_ONLY, False)


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
    return _RUN_LOG.get() is not None


def kind_only_when_kept(message: str, kind: str) -> str:
    """A message for a state Prefect stores: inside `kept_in_school`, its kind only (the rest is in run.log).
    Elsewhere the whole: a partial or unpublished week's message names streams and folders, never a person."""
    return kind + DETAILS_IN_THE_SCHOOL if is_kept() else message


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
    `DetailsWithheld.detail`), so they are logged to a kept school's run.log only, never to its terminal too."""
    token = _SHOWN_BY_CALLER.set(True)
    try:
        yield
    finally:
        _SHOWN_BY_CALLER.reset(token)


@contextmanager
def kept_in_school(run_log: Path) -> Iterator[None]:
    run_log = run_log.absolute()
    run_log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _filter_the_console()
    root = logging.getLogger()
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


def withheld_from_prefect(function: Callable[P, R]) -> Callable[P, R]:
    """For a task or flow of the weekly audit: its exception leaves as DetailsWithheld (Prefect writes a failed
    run's exception into the state it stores), its details logged to no log Prefect's API receives."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        # Turned off once, by the flow: its tasks run in its context (~20 ms a setting's change costs).
        sending = PREFECT_LOGGING_TO_API_ENABLED.value()
        with (
            temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}) if sending else nullcontext()
        ):
            try:
                return function(*args, **kwargs)
            except DetailsWithheld:
                raise
            except Exception as error:
                raise _withheld(error) from None

    return guarded
