"""The week's outputs as Prefect artifacts: the UI's copy of the report, made after the outputs are written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import cast
from uuid import UUID

from prefect import get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from dashboards.publishing import PublishedWeek
from dashboards.run_summary import open_exceptions_table, weekly_summary_markdown
from flows.school_run_log import is_kept
from warehouse.privacy.keyed import opaque_reference


def attach_week_artifacts(as_of: date, week: PublishedWeek, secret: bytes) -> None:
    """The summary and the open exceptions on the flow run; a warning, never a failure, when Prefect refuses.

    The outputs are written and whole by now: a Prefect API that is busy (its database locked while schools of
    a trust publish at once) must not turn a published week into a failed one. None for a school kept in itself
    (a trust of controllers): the server is the trust's. An exception appears by an opaque reference keyed with
    `secret` (the warehouse's): its key names the account it is about."""
    if is_kept():
        return
    outputs = week.outputs
    try:
        create_markdown_artifact(
            key="socialaudit-weekly-summary",
            markdown=weekly_summary_markdown(as_of, outputs, week.decided, week.notices, week.not_read),
            description="Weekly social media audit summary",
        )
        create_table_artifact(
            key="socialaudit-open-exceptions",
            table=open_exceptions_table(outputs, lambda key: opaque_reference(secret, key)),
            description="Open exceptions (opaque references, stable week to week)",
        )
    except Exception as error:
        get_run_logger().warning("the Prefect artifacts of this week were not created (%s)", error)


def track_progress(description: str) -> Callable[[float], None]:
    """A progress artifact on the current flow run (`socialaudit-trust-progress`), and what moves it on (a share
    from 0 to 1). It holds a number and `description` only. A Prefect that refuses it costs the run nothing."""
    try:
        created = create_progress_artifact(0.0, key="socialaudit-trust-progress", description=description)
        artifact_id = cast(UUID, created)  # synchronous in a flow's thread: the id, not a coroutine
    except Exception as error:
        get_run_logger().warning("no progress artifact for this run (%s)", error)
        return lambda share: None

    def move_on(share: float) -> None:
        try:
            update_progress_artifact(artifact_id, round(100 * share, 1))
        except Exception as error:
            get_run_logger().warning("the progress artifact was not updated (%s)", error)

    return move_on
