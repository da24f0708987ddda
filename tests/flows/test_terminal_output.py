"""What the command line prints never drives the terminal it lands on: a hostile file name, a register's name with
escape sequences, and an error naming them, through `check-post` (a command that prints what it was given)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from dashboards.safe_text import TerminalSafe
from flows.cli import main
from flows.commands.common import EXIT_HOLD
from tests.builders.tiny_dataset import build_tiny_dataset

RETITLE = "\x1b]0;owned\x07\x1b[2J"  # sets the window title, then clears the screen
OVERRIDE = "\u202e"  # right-to-left override: reorders what is read after it


def test_a_hostile_file_name_and_register_name_reach_the_terminal_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    pupils = dataset / "registers" / "pupils.csv"
    pupils.write_text(
        pupils.read_text(encoding="utf-8").replace("P0001,Alfie,Price", f"P0001,Alfie{RETITLE},Price"),
        encoding="utf-8",
    )
    image = tmp_path / f"{RETITLE}photo{OVERRIDE}gpj.png"
    Image.new("RGB", (64, 64), (200, 10, 10)).save(image, "PNG")
    capsys.readouterr()
    code = main(
        [
            "check-post",
            "--sandbox",
            str(dataset),
            "--text",
            f"Well done Alfie{RETITLE} Price!",
            "--image",
            str(image),
        ]
    )
    out, err = capsys.readouterr()
    assert code == EXIT_HOLD, err
    assert "photo" in out and "\\u001b]0;owned\\u0007" in out and "\\u202e" in out
    assert "\x1b" not in out + err and "\x07" not in out + err and OVERRIDE not in out + err
    # An error names the file too.
    missing = main(["check-post", "--sandbox", str(dataset), "--image", str(tmp_path / f"gone{RETITLE}.png")])
    out, err = capsys.readouterr()
    assert missing != 0 and "gone" in err
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_escaped_output_stays_valid_json_and_crlf_csv() -> None:
    held = io.StringIO()
    stream = TerminalSafe(held)  # type: ignore[arg-type]
    value = {"name": f"a{RETITLE}\x7f\x85{OVERRIDE}b"}
    stream.write(json.dumps(value, ensure_ascii=False) + "\n")
    stream.write("a,b\r\nc\rd,e\r\n")
    first, rest = held.getvalue().split("\n", 1)
    assert json.loads(first) == value  # the same text, every control written as a JSON escape
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in first)
    assert rest == "a,b\r\nc\\u000dd,e\r\n"  # a CR on its own would overwrite the line
