"""`socialaudit` commands run as fresh processes forked from one that has already imported the heavy libraries.

A whole audit spent about 2 of its ~7 s importing great-expectations, pandas and pyarrow, and each command another
1-2 s importing Prefect, in every `socialaudit` process the suite starts. The starter (`python -m
tests.builders.forked_cli`) imports those third-party libraries once and nothing of the project, then forks a child
per command. The child is a new process like the console script's: its own arguments, environment, working
directory, stdin from /dev/null, stdout and stderr in files, Prefect's settings made from its own environment, and
the ordinary interpreter exit (exit handlers run, as they do for the console script). The project's modules and
Prefect's logging set-up (prefect.main) come in the child, after its environment is set, because they read settings
from the environment as they load.

A fork copies only the thread that calls it. OpenBLAS is kept to the calling thread, and the only other threads the
preloaded libraries start, jemalloc's background threads (pyarrow's and polars' allocators), take their locks across
a fork; any other thread at start-up makes the starter refuse, and the suite runs the console script as before
(`SOCIALAUDIT_TEST_FORKED_CLI=0` does that on purpose).

Protocol on the starter's stdin/stdout, one JSON object per line: a request {argv, env, cwd, stdout, stderr,
heartbeats} (stdout and stderr: paths of the files the child writes) is answered by {"pid": ...} when the child
starts and {"status": ...} (its exit code, negative for a signal) when it ends.
"""

from __future__ import annotations

import contextlib
import gc
import json
import locale
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from tests.builders.cli import CliResult, run_console_script

# Not DuckDB (its import starts its default database's scheduler thread, which a child would lack and try to join at
# exit), nor prefect.main (it sets up logging from the settings at import) or the project (its modules read settings
# from the environment as they load, and most import DuckDB). Polars adds only its allocator's background thread.
PRELOADED = (
    "great_expectations.expectations",
    "pyarrow.dataset",
    "polars",
    "cv2",
    # Prefect's engine, client and schemas (most of a command's own start-up): their settings are read through
    # Prefect's settings context, which the child makes again from its own environment (become_command).
    "prefect.context",
    "prefect.flows",
    "prefect.tasks",
    "prefect.flow_runs",
    "prefect.client.orchestration",
    "prefect.client.schemas",
    "prefect.serializers",
    "prefect.blocks.notifications",
    "prefect.blocks.system",
    "prefect.variables",
    "prefect.runtime",
    "prefect.transactions",
    "prefect.task_engine",
    "prefect.artifacts",
    "googleapiclient.discovery",
    "googleapiclient.discovery_cache",
    "google.oauth2.credentials",
    "tweepy",
    "jinja2",
    "PIL.Image",
    # What a run imports besides (a tiny school's, by `python -X importtime`): the review app's encoders, the
    # identity rules' string distances and confusable letters, the HTTP clients' sockets.
    "fastapi.encoders",
    "rapidfuzz.distance",
    "confusable_homoglyphs.confusables",
    "anyio",
)
# Threads the preloaded libraries may start beside the main one, which take their locks across a fork.
FORK_SAFE_THREADS = {"jemalloc_bg_thd"}
READY = "ready"


class ForkedCli:
    """The client: one starter per test process, commands run one at a time."""

    def __init__(self) -> None:
        self._starter = subprocess.Popen(
            [sys.executable, "-m", "tests.builders.forked_cli"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
            text=True,
        )
        greeting = self._read_line(timeout=120)
        if greeting.get("state") != READY:
            self.close()
            raise RuntimeError(f"the forked-CLI starter refused: {greeting}")

    def run(self, argv: list[str], env: dict[str, str], timeout: float, heartbeats: bool = True) -> CliResult:
        """`heartbeats=False`: the command's flow runs send Prefect no heartbeat (see `become_command`)."""
        with tempfile.TemporaryDirectory(prefix="socialaudit-cli-") as streams:
            out, err = Path(streams) / "stdout", Path(streams) / "stderr"
            request = {
                "argv": argv,
                "env": env,
                "cwd": os.getcwd(),
                "stdout": str(out),
                "stderr": str(err),
                "heartbeats": heartbeats,
            }
            assert self._starter.stdin is not None
            self._starter.stdin.write(json.dumps(request) + "\n")
            self._starter.stdin.flush()
            pid = int(self._read_line(timeout=60)["pid"])
            try:
                status = int(self._read_line(timeout=timeout)["status"])
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self._read_line(timeout=60)
                raise subprocess.TimeoutExpired(argv, timeout) from None
            encoding = locale.getpreferredencoding(False)  # what `subprocess.run(text=True)` decodes with
            return CliResult(status, out.read_text(encoding), err.read_text(encoding))

    def close(self) -> None:
        if self._starter.stdin is not None:
            with contextlib.suppress(OSError):
                self._starter.stdin.close()
        try:
            self._starter.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._starter.kill()
            self._starter.wait()

    def _read_line(self, timeout: float) -> dict[str, Any]:
        assert self._starter.stdout is not None
        ready, _, _ = select.select([self._starter.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"the forked-CLI starter said nothing for {timeout} s")
        line = self._starter.stdout.readline()
        if not line:
            raise RuntimeError(f"the forked-CLI starter ended (exit {self._starter.poll()})")
        answer = json.loads(line)
        assert isinstance(answer, dict)
        return answer


def socialaudit_with(
    forked: ForkedCli | None, env: dict[str, str], *args: str, timeout: float = 300
) -> CliResult:
    """`socialaudit ARGS` with exactly `env` (a standing server's client, say), forked from the session's starter
    when there is one (a new process, its settings from `env`, without re-importing the heavy libraries), else the
    console script."""
    if forked is not None:
        return forked.run(list(args), env, timeout)
    return run_console_script(*args, env=env, timeout=timeout)


def other_threads() -> list[str]:
    """The names of this process's threads other than the main one."""
    tasks = Path("/proc/self/task")
    return [
        (tasks / task / "comm").read_text().strip() for task in os.listdir(tasks) if task != str(os.getpid())
    ]


def reply(answer: dict[str, Any]) -> None:
    os.write(1, (json.dumps(answer) + "\n").encode())


class _Child(Exception):
    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            raise _Child(request)  # leaves the loop: the child must never return into it
        reply({"pid": pid})
        _, wait_status = os.waitpid(pid, 0)
        reply({"status": os.waitstatus_to_exitcode(wait_status)})


def become_command(request: dict[str, Any]) -> NoReturn:
    os.setpgid(0, 0)  # a signal to the starter's group (pytest's teardown) is not the command's
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, path, flags in (
        (0, os.devnull, os.O_RDONLY),
        (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
    ):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding=locale.getpreferredencoding(False), closefd=False)  # noqa: SIM115
    sys.argv = ["socialaudit", *request["argv"]]
    # The settings a fresh process's first `import prefect` would read: this environment's, not the starter's.
    import prefect.context

    prefect.context.refresh_global_settings_context()
    # Heartbeats are for a standing server to tell a crashed run; their thread looks once a second whether the run
    # has ended, and the run waits for it as it ends (half a second on average). Where the caller's server reads
    # none (the session's test harness), they are turned off here: the variable cannot say "none" (Prefect refuses
    # null and 0).
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.cli import console

    no_heartbeats = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
    with contextlib.nullcontext() if request.get("heartbeats", True) else no_heartbeats:
        console()


def main() -> None:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # no BLAS threads to fork past; the tests' numpy work is small
    # Prefect's import-time analytics, for the starter only (a child's is its own)
    os.environ["DO_NOT_TRACK"] = "1"
    for module in PRELOADED:
        __import__(module)
    import PIL.Image

    PIL.Image.init()  # every image format's plug-in, which a command reading an image would load itself
    # What the starter made is out of the children's collector's way: a child's full collections (its exit's among
    # them) would otherwise walk, and write to, every object of these libraries, copying the starter's pages one by
    # one (~0.8 s of a one-second command).
    gc.freeze()
    others = other_threads()
    if any(name not in FORK_SAFE_THREADS for name in others):
        reply({"state": "refused", "threads": others})
        return
    reply({"state": READY})
    try:
        serve()
    except _Child as child:
        become_command(child.request)


if __name__ == "__main__":
    main()
