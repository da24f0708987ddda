"""`socialaudit` on a pseudo-terminal, read through a terminal emulator (pyte): what a person at the terminal sees,
screen by screen as it is redrawn, and at the end."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyte
from prefect._internal.analytics.ci_detection import CI_ENV_VARS


@dataclass
class TerminalRun:
    returncode: int
    raw: str  # everything written to the terminal, control sequences and all
    screens: list[list[str]] = field(
        default_factory=list
    )  # the screen after each read, its lines right-stripped
    final: list[str] = field(default_factory=list)  # the screen once the command ended, empty lines dropped

    def text(self) -> str:
        return "\n".join(self.final)


def run_on_terminal(
    command: list[str], env: Mapping[str, str], columns: int = 110, rows: int = 40, timeout: float = 600
) -> TerminalRun:
    """`command` (the console script or `python -m flows.cli`, with its arguments) with standard output and standard
    error on one pseudo-terminal of `columns` x `rows`, as a person's: no CI runner's variables (on a runner,
    libraries such as Prefect's client keep quiet that would print on a person's terminal)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    environment = {name: value for name, value in env.items() if name not in CI_ENV_VARS}
    environment.update(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
    environment.pop("NO_COLOR", None)
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=environment
    )
    os.close(follower)
    screen = pyte.Screen(columns, rows)
    stream = pyte.ByteStream(screen)
    raw = b""
    screens: list[list[str]] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            raw += chunk
            stream.feed(chunk)
            screens.append([line.rstrip() for line in screen.display])
        elif process.poll() is not None:
            break
    process.wait(timeout=timeout)
    os.close(leader)
    final = [line.rstrip() for line in screen.display if line.strip()]
    return TerminalRun(process.returncode, raw.decode(errors="replace"), screens, final)
