"""What a Prefect server holds of some flow runs, as text a test can search for people's names."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

PAGE = 200


def _pages(read: Callable[[int], list[Any]]) -> Iterator[Any]:
    offset = 0
    while page := read(offset):
        yield from page
        offset += len(page)


def records_of_trust_runs(trust_toml: Path) -> dict[str, str]:
    """Every flow run of the trust `trust_toml` (its trust-audit runs and, through their tasks, every run below
    them: the schools' runs) and their task runs: names, parameters, every state's name and message, log lines
    and artifacts, one text per kind."""
    return records_of_runs("trust_toml", str(trust_toml))


def records_of_runs(parameter: str, value: str) -> dict[str, str]:
    """As `records_of_trust_runs`, for the flow runs whose `parameter` was `value` (a school's weekly audits:
    "school_toml") and every run below them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )

    def dump(value: Any) -> str:
        return json.dumps(value, default=str, ensure_ascii=False)

    with get_client(sync_client=True) as client:
        every_run = list(_pages(lambda offset: client.read_flow_runs(limit=PAGE, offset=offset)))
        runs = [r for r in every_run if r.parameters.get(parameter) == value]
        if not runs:
            return {}

        def task_runs_of(ids: list[UUID]) -> list[Any]:
            where = FlowRunFilter(id=FlowRunFilterId(any_=ids))
            return list(
                _pages(lambda offset: client.read_task_runs(flow_run_filter=where, limit=PAGE, offset=offset))
            )

        while True:
            ids: list[UUID] = [run.id for run in runs]
            task_runs = task_runs_of(ids)
            parents = {t.id for t in task_runs}
            below = [r for r in every_run if r.parent_task_run_id in parents and r.id not in ids]
            if not below:
                break
            runs += below
        states = [s for run in runs for s in client.read_flow_run_states(run.id)]
        states += [s for run in task_runs for s in client.read_task_run_states(run.id)]
        logs = list(
            _pages(
                lambda offset: client.read_logs(
                    log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)), limit=PAGE, offset=offset
                )
            )
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids))
        )
    return {
        "flow runs": dump([(r.name, r.parameters, r.state_name) for r in runs]),
        "task runs": dump([(r.name, r.state_name) for r in task_runs]),
        "states": dump([(s.name, s.message) for s in states]),
        "logs": dump([log.message for log in logs]),
        "artifacts": dump([(a.key, a.data, a.description) for a in artifacts]),
    }
