"""A flow run's final state change reaching the Prefect server and its answer lost on the way back, as a busy
server or a proxy loses it (a read timeout): the server has made the change; Prefect's client sends the same
request again, and the real server answers it as a duplicate with its stored state, which holds no data."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import prefect.client.base
import pytest

FINAL = {"COMPLETED", "FAILED"}


@contextmanager
def final_answer_lost(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """In this process, the answer to the first final state change of each flow run is lost after the server
    made the change; yields the state types whose answers were lost (the test asserts the fault happened)."""
    send = httpx.Client.send
    lost: list[str] = []
    runs_answered: set[str] = set()

    def losing_send(
        client: httpx.Client, request: httpx.Request, *args: Any, **kwargs: Any
    ) -> httpx.Response:
        response = send(client, request, *args, **kwargs)
        path = request.url.path
        if request.method == "POST" and "/flow_runs/" in path and path.endswith("/set_state"):
            state_type = json.loads(request.content)["state"]["type"]
            if state_type in FINAL and path not in runs_answered:
                runs_answered.add(path)
                assert response.json()["status"] == "ACCEPT", response.text  # the server made the change
                lost.append(state_type)
                raise httpx.ReadTimeout("the answer was lost on the way back", request=request)
        return response

    with monkeypatch.context() as patch:
        patch.setattr(httpx.Client, "send", losing_send)
        patch.setattr(prefect.client.base, "time", _BackOffNotWaited())
        yield lost


class _BackOffNotWaited:
    """The `time` Prefect's synchronous client sees, whose back-off before sending again (2 s after a first lost
    answer, Prefect's own) is not waited out: what is tested is the answer to the request sent again, not the
    pause before it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(0)
