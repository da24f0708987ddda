"""Text a terminal or a spreadsheet reads, made safe in one place: every CSV, table and listing the product writes
passes platform text (a follower's name is anyone's text) through here.

A terminal acts on control characters rather than showing them (an escape sequence retitles the window or rewrites
the screen, a carriage return overwrites the line, a bidirectional override reorders what is read); each is written
as its visible escape (`\\x1b`, `\\u202e`). A spreadsheet runs a cell that starts with a formula character; such a
cell gets a leading apostrophe.
"""

from __future__ import annotations

import io
import re
from typing import Any, TextIO

# C0 and C1 controls, DEL, the marks, embeddings, overrides and isolates that reorder text, and the line and
# paragraph separators.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def shown(value: Any, keep: str = "") -> str:
    """`value` as text with every control character written as its escape, except those in `keep`."""

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in keep:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return CONTROLS.sub(escape, "" if value is None else str(value))


def spreadsheet_safe(value: Any, keep: str = "\n\t") -> str:
    """A CSV cell: control characters escaped (a line break or tab inside a quoted cell kept), and a leading formula
    character neutralised with an apostrophe."""
    text = shown(value, keep)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


# What a command writes may keep: line breaks, tabs, and a CR only as part of a CRLF line ending.
KEPT_ON_STREAM = re.compile("\r\n|[\n\t]")


class TerminalSafe(io.TextIOBase):
    """A text stream (the command line's stdout or stderr) that writes every control character as its escape, so
    no text that reaches it (a follower's name, a register's name, a file's name, an error naming them) drives the
    terminal it ends on. The escape is `\\uXXXX`, valid inside a JSON string too (JSON already escapes C0 controls;
    DEL, C1 and the reordering marks it leaves as they are). Bytes written to `.buffer` pass as they are."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        def escape(match: re.Match[str]) -> str:
            char = match.group(0)
            return char if KEPT_ON_STREAM.fullmatch(char) else f"\\u{ord(char):04x}"

        self.stream.write(re.sub(f"\r\n|{CONTROLS.pattern}", escape, text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
