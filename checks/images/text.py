"""Text in images, read by Tesseract through its C API (Debian's `tesseract-ocr` and `tesseract-ocr-eng`).

Why Tesseract, measured in docs/image-reading.md: on certificates, name cards and posters it read as many names as
RapidOCR (ONNX models in its wheel) at about a tenth of the CPU per image and a tenth of the memory, and its model
is a file installed by the system's package manager, read from disk: nothing is ever downloaded.

Why the C API rather than the `tesseract` command: a command per image spends ~90 ms loading the model, most of the
cost for a photo without text; an engine loads it once (~80 ms) and then reads a photo in ~15 ms. One engine per
usable core is loaded and lent to whichever thread reads next; the library releases the GIL (ctypes does), so the
threads read on every core.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
from dataclasses import dataclass

import numpy as np

from checks.cores import usable_cores
from checks.images.lending import Shelf

# Tesseract parallelises one image with OpenMP; the run already reads one image per core, and both together
# oversubscribe the cores. libgomp reads this when it loads, which is when libtesseract loads (just below).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANGUAGE = b"eng"
# Automatic page segmentation: certificates, cards and posters are laid out in blocks and lines.
PAGE_SEGMENTATION = 3
# Larger pictures are read scaled down: text a person can read in a post is large enough at this size, and the
# engine's time grows with the pixels (a 12-megapixel camera original takes ~1 s at full size).
MAX_SIDE = 2000
# Below this a "word" is the engine reading texture (grass, brickwork) as letters.
MIN_WORD_CONFIDENCE = 10.0
# A line none of whose words reaches this is not kept: on the sample's photos every such line was texture ("tities",
# "ces"), while a misread name keeps its well-read words ("Siobhan" 0.96 beside "O'Neill" 0.28).
NOISE = 50.0
INSTALL_HINT = (
    "install Debian's tesseract-ocr and tesseract-ocr-eng (`make setup` does, as root), "
    "or set [images] read = false in school.toml"
)


class ReaderMissing(Exception):
    """The OCR engine or its English model is not installed: images cannot be read."""


@dataclass(frozen=True)
class Line:
    """One line of text as read: its words, each word's confidence (0..1), and where it is (x, y, w, h)."""

    words: tuple[str, ...]
    confidences: tuple[float, ...]
    box: tuple[int, int, int, int]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def confidence(self) -> float:
        return min(self.confidences)


@functools.cache
def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError as error:
        raise ReaderMissing(f"the OCR engine (libtesseract) is not installed: {INSTALL_HINT}") from error
    _quiet_leptonica()
    pointer = ctypes.c_void_p
    lib.TessVersion.restype = ctypes.c_char_p
    lib.TessBaseAPICreate.restype = pointer
    lib.TessBaseAPIInit3.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetVariable.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetPageSegMode.argtypes = [pointer, ctypes.c_int]
    lib.TessBaseAPISetImage.argtypes = [
        pointer,
        pointer,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.TessBaseAPIRecognize.argtypes = [pointer, pointer]
    lib.TessBaseAPIGetTsvText.argtypes = [pointer, ctypes.c_int]
    lib.TessBaseAPIGetTsvText.restype = pointer
    lib.TessDeleteText.argtypes = [pointer]
    lib.TessBaseAPIClear.argtypes = [pointer]
    return lib


def _quiet_leptonica() -> None:
    """Leptonica, the engine's image library, prints its own complaints ("Error in boxClipToRectangle") to the
    run's standard error for harmless edge cases; the engine's result says what matters."""
    name = ctypes.util.find_library("lept") or "liblept.so.5"
    with contextlib.suppress(OSError, AttributeError):  # another build of the library: its messages stay
        ctypes.CDLL(name).setMsgSeverity(6)  # L_SEVERITY_NONE


def engine_version() -> str:
    """`tesseract 5.3.0 eng`; raises ReaderMissing when it is not installed."""
    return f"tesseract {_library().TessVersion().decode()} {LANGUAGE.decode()}"


class _Engine:
    """One Tesseract instance with the English model loaded: used by one thread at a time."""

    def __init__(self) -> None:
        lib = _library()
        self.lib = lib
        self.api = lib.TessBaseAPICreate()
        # None: the model directory the library was built with (or $TESSDATA_PREFIX), never a network path.
        if lib.TessBaseAPIInit3(self.api, None, LANGUAGE) != 0:
            raise ReaderMissing(
                f"the OCR engine's English model (eng.traineddata) is missing: {INSTALL_HINT}"
            )
        lib.TessBaseAPISetPageSegMode(self.api, PAGE_SEGMENTATION)
        # The engine's own progress notes ("Estimating resolution as ...") would fill the run's log. The setting is
        # process-wide: engines are made one at a time (checks/images/lending.py), all setting the same value.
        lib.TessBaseAPISetVariable(self.api, b"debug_file", os.devnull.encode())

    def read(self, gray: np.ndarray) -> str:
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = pixels.shape
        lib = self.lib
        # No resolution is given: the engine estimates it from the letters' sizes, which read best (a fixed 72 or
        # 100 dpi lost a third of the names on the certificates measured in docs/image-reading.md).
        lib.TessBaseAPISetImage(self.api, pixels.ctypes.data, width, height, 1, width)
        try:
            if lib.TessBaseAPIRecognize(self.api, None) != 0:
                return ""
            text = lib.TessBaseAPIGetTsvText(self.api, 0)
            try:
                return ctypes.string_at(text).decode("utf-8", errors="replace") if text else ""
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessBaseAPIClear(self.api)


# At most one engine per usable core: a thread waits for a free one, when the cores are all reading anyway.
engines: Shelf[_Engine] = Shelf(_Engine, most=usable_cores())


def check_engine() -> str:
    """Load an engine and its model (kept for the first reading; raises ReaderMissing); returns what reads."""
    with engines.lent():
        return engine_version()


def read_text(gray: np.ndarray) -> list[Line]:
    """The lines of text in a grayscale picture (H x W, uint8), in reading order, boxes in its own pixels."""
    scale = min(1.0, MAX_SIDE / max(gray.shape))
    if scale < 1.0:
        from PIL import Image

        small = Image.fromarray(gray).resize(
            (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))),
            Image.Resampling.LANCZOS,
        )
        gray = np.asarray(small)
    with engines.lent() as engine:
        tsv = engine.read(gray)
    return lines_from_tsv(tsv, 1.0 / scale)


def lines_from_tsv(tsv: str, scale: float = 1.0) -> list[Line]:
    """Tesseract's TSV (one row per block, paragraph, line and word) as lines of words; words read below
    MIN_WORD_CONFIDENCE, and lines without a letter or digit pair or without a word read above NOISE, are dropped."""
    grouped: dict[tuple[str, str, str], list[tuple[str, float, tuple[int, int, int, int]]]] = {}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5":
            continue
        word = cells[11].strip()
        try:
            confidence = float(cells[10])
            box = tuple(round(int(v) * scale) for v in cells[6:10])
        except ValueError:
            continue
        if not word or confidence < MIN_WORD_CONFIDENCE:
            continue
        grouped.setdefault((cells[2], cells[3], cells[4]), []).append((word, confidence / 100.0, box))  # type: ignore[arg-type]
    lines = []
    for words in grouped.values():
        if not any(sum(c.isalnum() for c in w) >= 2 for w, _, _ in words):
            continue
        if max(c for _, c, _ in words) < NOISE / 100.0:
            continue  # texture read as letters: no word of the line is even half likely
        left = min(b[0] for _, _, b in words)
        top = min(b[1] for _, _, b in words)
        right = max(b[0] + b[2] for _, _, b in words)
        bottom = max(b[1] + b[3] for _, _, b in words)
        lines.append(
            Line(
                tuple(w for w, _, _ in words),
                tuple(round(c, 3) for _, c, _ in words),
                (left, top, right - left, bottom - top),
            )
        )
    return lines
