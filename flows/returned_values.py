"""What a flow returned, kept in the process that ran it for the caller that asks for its final state.

Prefect's engine hands its caller the terminal state it proposed, the flow's returned value inside, when the
server accepts it; when the server refuses, it hands back the server's copy, and the server holds no data unless
results are persisted (they are not: a persisted result would be one more copy of a school's week on disk for
erasure to reach). The server refuses a change it has already made: Prefect's client sends each state change with
a transition id and, when the answer is lost on the way back (a read timeout, a reset connection, a 502/503 from a
busy server or a proxy), sends the same request again, which the server rejects as a duplicate ("This run has
already made this state transition") with its stored state. Read as a result, that copy raises "State data is
missing" for a week that was stored and published, or an error without its reason for one that was not.

So the weekly audit keeps what it returned here, by its flow run, and its callers read the final state through
`final_state`: the state the flow chose, whenever the server holds the same kind of ending without its data."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from prefect.context import FlowRunContext
from prefect.states import State

P = ParamSpec("P")
R = TypeVar("R")

# A caller takes its run's entry as the run ends (a trust's schools: one a thread at a time), so few are ever kept
# at once; the bound is for a process whose caller never reads (a worker running the deployment), which must not
# make the record grow.
KEPT_AT_MOST = 64

_returned: OrderedDict[UUID, Any] = OrderedDict()
_lock = threading.Lock()


def keeps_returned(function: Callable[P, R]) -> Callable[P, R]:
    """For a flow whose caller reads its final state: what its body returns (a value, or the State it chose) is
    kept by the flow run's id until `final_state` reads it."""

    @functools.wraps(function)
    def keeping(*args: P.args, **kwargs: P.kwargs) -> R:
        returned = function(*args, **kwargs)
        context = FlowRunContext.get()
        if context is not None and context.flow_run is not None:
            with _lock:
                _returned[context.flow_run.id] = returned
                while len(_returned) > KEPT_AT_MOST:
                    _returned.popitem(last=False)
        return returned

    return keeping


def final_state(state: State[Any]) -> State[Any]:
    """The final state a flow run was handed back, with the flow's own data where the server's copy came back
    without it (the same kind of ending: Completed for a returned value, the returned State's type otherwise). A
    different ending (the server's own decision, such as a cancellation) is the server's state as it came."""
    run_id = state.state_details.flow_run_id
    with _lock:
        returned = _returned.pop(run_id, None) if run_id is not None else None
    if returned is None or state.data is not None:
        return state
    if isinstance(returned, State):
        return returned if returned.type == state.type else state
    return state.model_copy(update={"data": returned}) if state.is_completed() else state
