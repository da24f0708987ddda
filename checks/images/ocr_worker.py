"""One OCR worker process: `python -m checks.images.ocr_worker`, started and fed by checks/images/text.py.

It loads one Tesseract engine, says what it is, then reads pictures from standard input until it closes (its
parent ended, however it ended). Each request is a header (width, height: two little-endian uint32) and that many
rows of grayscale bytes; each answer is a status byte, a little-endian uint32 length, and that many bytes of UTF-8:
the TSV of the picture (OK), the engine's name (OK, first, once), or why the engine cannot load (MISSING, then the
process ends).
"""

from __future__ import annotations

import faulthandler
import struct
import sys
from typing import IO

REQUEST = struct.Struct("<II")
ANSWER = struct.Struct("<BI")
OK, MISSING = 0, 1


def answer(out: IO[bytes], status: int, text: str) -> None:
    payload = text.encode("utf-8")
    out.write(ANSWER.pack(status, len(payload)) + payload)
    out.flush()


def read_exactly(source: IO[bytes], size: int) -> bytes | None:
    """`size` bytes, or None at the end of the input (a request cut short is the parent gone)."""
    chunks, wanted = [], size
    while wanted:
        chunk = source.read(wanted)
        if not chunk:
            return None
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def serve(source: IO[bytes], out: IO[bytes]) -> int:
    from checks.images.tesseract import Engine, ReaderMissing, engine_version

    try:
        engine = Engine()
        answer(out, OK, engine_version())
    except ReaderMissing as error:
        answer(out, MISSING, str(error))
        return 1
    while (header := read_exactly(source, REQUEST.size)) is not None:
        width, height = REQUEST.unpack(header)
        pixels = read_exactly(source, width * height)
        if pixels is None:
            break
        answer(out, OK, engine.read(pixels, width, height))
    return 0


def main() -> int:
    # A native fault prints the Python stack of this worker to the run's standard error before the process ends.
    faulthandler.enable()
    return serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    raise SystemExit(main())
