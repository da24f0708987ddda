"""A temporary Prefect server that ends as it starts (its database damaged, say) fails the start at once, saying
what the server said, instead of Prefect starting it again and again until its start-up timeout and then blaming a
port (a run on a damaged database, through the command: tests/e2e/test_temporary_prefect_server.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows import prefect_server
from flows.prefect_server import STARTS_AGAIN, TERMINAL_LOGGING, ServerEnded, owned_server_class

# What the real server printed on a damaged database, then its exit status (uvicorn's STARTUP_FAILURE).
SAID = (
    "Traceback (most recent call last):",
    '  File "sqlalchemy/engine/base.py", line 1, in _exec_single_context',
    "sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database",
    "11:16:28.082 | ERROR | uvicorn.error - Application startup failed. Exiting.",
)


def ending_server(starts: Path, status: int) -> str:
    """A stand-in for the server's process: counts its starts in `starts`, says SAID, ends with `status`."""
    return "\n".join(
        [
            "import sys",
            f"open({str(starts)!r}, 'a').write('start\\n')",
            *(f"print({line!r}, file=sys.stderr)" for line in SAID),
            f"sys.exit({status})",
        ]
    )


def a_server() -> Any:
    """An owned temporary server made apart from Prefect's registry of one a process."""
    server: Any = object.__new__(owned_server_class())
    server.__init__()
    return server


@pytest.mark.parametrize(("status", "starts"), [(3, 1 + STARTS_AGAIN), (1, 1)])
def test_a_server_that_ends_as_it_starts_fails_the_start_at_once_with_what_it_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int, starts: int
) -> None:
    counted = tmp_path / "starts"
    monkeypatch.setattr(prefect_server, "WATCHDOG", ending_server(counted, status))
    monkeypatch.setenv("PREFECT_LOGGING_SETTINGS_PATH", str(TERMINAL_LOGGING))  # a command without --verbose
    server = a_server()

    # Prefect's own start would wait out the timeout given (then raise its RuntimeError, not ServerEnded).
    with pytest.raises(ServerEnded) as ended:
        server.start(timeout=300)

    message = str(ended.value)
    assert f"ended as it started, {starts} time(s), exit status {status}: " in message
    assert ": sqlalchemy.exc.DatabaseError: (sqlite3.DatabaseError) file is not a database" in message
    assert counted.read_text().count("start") == starts  # started again only after a start-up failure, twice
    # The command's second start (its flow call, after the early one) fails as the first did, starting nothing.
    with pytest.raises(ServerEnded) as again:
        server.start(timeout=300)
    assert again.value is ended.value and counted.read_text().count("start") == starts
    assert not server.running
    server.stop()
