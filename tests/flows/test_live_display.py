"""The live display on a pseudo-terminal: a counted phase shows its count; a line another handler writes (a warning,
Prefect's console under --verbose) goes above the display, never over it; the display is cleared at the end. Off a
terminal, a long counted phase says its count in a log line every few seconds."""

from __future__ import annotations

import fcntl
import logging
import os
import pty
import re
import struct
import termios
import threading
import time
from collections.abc import Iterator
from typing import TextIO

import pyte
import pytest
from prefect.logging.handlers import PrefectConsoleHandler

import flows.live_display as live_display
from flows.live_display import counted, progress
from flows.live_display import live_display as start_live_display

COLUMNS, ROWS = 100, 20


@pytest.fixture
def terminal() -> Iterator[tuple[TextIO, list[list[str]], list[bytes]]]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    stream = os.fdopen(follower, "w", encoding="utf-8", buffering=1)
    screen = pyte.Screen(COLUMNS, ROWS)
    feed = pyte.ByteStream(screen)
    screens: list[list[str]] = []
    raw: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            raw.append(chunk)
            feed.feed(chunk)
            screens.append([line.rstrip() for line in screen.display])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    yield stream, screens, raw
    stream.close()
    reader.join(timeout=10)
    os.close(leader)


def _settled(stream: TextIO, screens: list[list[str]], raw: list[bytes]) -> list[str]:
    """The screen once the terminal has shown everything written so far (the reader thread keeps a copy of each
    screen): a window title set after it, which draws nothing, comes through the pseudo-terminal after it."""
    mark = f"\x1b]2;settled {len(raw)}\x07"
    stream.write(mark)
    stream.flush()
    deadline = time.monotonic() + 10
    while mark.encode() not in b"".join(raw) or len(screens) < len(raw):
        assert time.monotonic() < deadline, "the terminal never showed what was written"
        time.sleep(0.01)
    return screens[-1]


def test_lines_go_above_the_display_and_the_display_is_cleared(terminal, monkeypatch) -> None:
    stream, screens, raw = terminal
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr("sys.stderr", stream)
    plain = logging.StreamHandler(stream)
    prefects = PrefectConsoleHandler(stream=stream)
    talker = logging.getLogger("socialaudit.test.talker")
    talker.addHandler(plain)
    talker.addHandler(prefects)
    talker.propagate = False
    try:
        shown = start_live_display(stream)
        assert shown is not None
        try:
            progress.info("fingerprinting 5 new image(s)")
            with counted("images fingerprinted", 5, "image(s)") as count:
                for n in range(5):
                    count.advance()
                    talker.warning("a warning while counting %d", n)
            shown.live.refresh()
            during = [line for line in _settled(stream, screens, raw) if line.strip()]
        finally:
            shown.close()
    finally:
        talker.removeHandler(plain)
        talker.removeHandler(prefects)
    final = [line for line in _settled(stream, screens, raw) if line.strip()]
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(raw).decode(errors="replace"))
    assert re.search(r"images fingerprinted\W+5/5", drawn)
    # Every warning is whole on a line of its own above the display (each handler printed it once).
    warnings = [line for line in during if "a warning while counting" in line]
    assert len(warnings) == 10 and all(re.search(r"a warning while counting \d$", line) for line in warnings)
    assert re.search(r"fingerprinting 5 new image\(s\)\s+\d:\d\d:\d\d$", during[-1])
    assert during.index(warnings[-1]) < len(during) - 1
    # Cleared: the warnings stay, the display does not.
    assert final == during[:-1]
    assert live_display._shown is None


def test_off_a_terminal_a_long_count_is_a_line_every_few_seconds(monkeypatch, caplog) -> None:
    clock = iter(range(0, 1000, 4))
    monkeypatch.setattr(live_display.time, "monotonic", lambda: float(next(clock)))
    with (
        caplog.at_level(logging.INFO, logger="flows.progress"),
        counted("images read", 6, "image(s)") as count,
    ):
        for _ in range(6):
            count.advance()
    said = [r.getMessage() for r in caplog.records if r.name == "flows.progress"]
    # Every 10 s of the fake clock (4 s a step), and the last count when it ends.
    assert said == ["images read: 3 of 6 image(s)", "images read: 6 of 6 image(s)"]
