"""The weekly run's part in erasure: an erasure stopped after its transaction (a killed process) or whose storage
rewrite failed (a native crash of the lake's maintenance, a full disk) may have left its person in the output
folders, the run logs and the storage's free space; the next run finishes it before it reads the week
(flows/erasure.py `finish_unfinished_erasures`). The run never fails for it: it says so in its log, and the run after
tries again."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import school_run_log as run_log
from flows.erasure import StorageRewriteOwed, finish_unfinished_erasures


@task(name="finish-erasures-left-unfinished", cache_policy=NO_CACHE)
@run_log.withheld_from_prefect
def finish_erasures_left_unfinished(db_path: Path) -> list[str]:
    """The ids of the erasures now finished (none if finishing failed again)."""
    logger = get_run_logger()
    try:
        done = finish_unfinished_erasures(db_path)
    except StorageRewriteOwed as owed:
        logger.error("an erasure is still unfinished: %s", owed)
        return []
    except Exception as error:  # the week is read all the same; the next run tries again
        logger.error("an erasure is still unfinished: %s: %s", type(error).__name__, error)
        return []
    logger.info("finished %d erasure(s) left unfinished (outputs, run logs, storage)", len(done))
    return done
