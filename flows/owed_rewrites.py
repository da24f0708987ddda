"""The weekly run's part in erasure: an erasure whose storage rewrite failed or was stopped (a native crash of the
lake's maintenance, a killed process, a full disk) left the freed space holding what it deleted; the next run
rewrites it before it reads the week (flows/erasure.py `finish_owed_rewrites`). The run never fails for it: it
says so in its log, and the run after tries again."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import school_run_log as run_log
from flows.erasure import StorageRewriteOwed, finish_owed_rewrites


@task(name="finish-owed-erasure-rewrites", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def finish_owed_erasure_rewrites(db_path: Path) -> list[str]:
    """The ids of the erasures whose storage is now rewritten (none if it failed again)."""
    logger = get_run_logger()
    try:
        done = finish_owed_rewrites(db_path)
    except StorageRewriteOwed as owed:
        logger.error("an erasure's storage rewrite is still owed: %s", owed)
        return []
    except Exception as error:  # the week is read all the same; the next run tries again
        logger.error("an erasure's storage rewrite is still owed: %s: %s", type(error).__name__, error)
        return []
    logger.info("storage rewritten for %d erasure(s) whose own rewrite had not been done", len(done))
    return done
