"""`socialaudit` on a shell's PATH, run by the session's forked-CLI starter (tests/builders/forked_cli.py).

A document's block of commands runs in bash as written; each `socialaudit` in it would start the console script
and import Prefect and the rest again (1-2 s of every command). Here PATH's `socialaudit` is a small script that
hands its arguments and environment over a Unix socket to this test process, which runs the command through the
starter, as the `socialaudit` fixture runs every other test's, and hands back its exit status and output. The
commands run in the test's working directory (the caller's `monkeypatch.chdir`: the starter forks each command
in the directory the test process is in). The console script itself is what tests/e2e/test_production_trial.py's
block starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.builders.forked_cli import ForkedCli

SOCKET_ENV = "SOCIALAUDIT_TEST_CLI_SOCKET"
# The script on PATH: no import of the project nor of any library, so it starts in milliseconds.
SCRIPT = f"""#!{sys.executable} -IS
import json, os, socket, sys

with socket.socket(socket.AF_UNIX) as relay:
    relay.connect(os.environ["{SOCKET_ENV}"])
    relay.sendall((json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n").encode())
    done = json.loads(relay.makefile(encoding="utf-8").readline())
sys.stdout.write(done["stdout"])
sys.stderr.write(done["stderr"])
sys.exit(done["status"] if done["status"] >= 0 else 128 - done["status"])
"""


@contextlib.contextmanager
def socialaudit_on_path(
    forked_cli: ForkedCli, folder: Path, path: str, timeout: float = 300
) -> Iterator[dict[str, str]]:
    """The environment variables that put the forked `socialaudit` first on `path` (a PATH) while the block runs
    (its script in `folder`). Commands run one at a time, as a block's do."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "socialaudit"
    script.write_text(SCRIPT, encoding="utf-8")
    script.chmod(0o755)
    # A socket's path must fit in 108 bytes: a short temporary folder, not `folder` (pytest's can be long).
    sockets = Path(tempfile.mkdtemp(prefix="socialaudit-cli-"))
    address = str(sockets / "cli.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address)
    listener.listen()
    listener.settimeout(0.2)  # so the relay sees the block is done
    done = threading.Event()

    def relay() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(None)
                request = json.loads(connection.makefile(encoding="utf-8").readline())
                # The session's harness reads no heartbeat, as for the `socialaudit` fixture.
                ran = forked_cli.run(request["argv"], request["env"], timeout, heartbeats=False)
                answer = {"status": ran.returncode, "stdout": ran.stdout, "stderr": ran.stderr}
                connection.sendall((json.dumps(answer) + "\n").encode())

    relaying = threading.Thread(target=relay, daemon=True)
    relaying.start()
    try:
        yield {"PATH": f"{bin_dir}{os.pathsep}{path}", SOCKET_ENV: address}
    finally:
        done.set()
        relaying.join(timeout=10)
        listener.close()
        shutil.rmtree(sockets, ignore_errors=True)
