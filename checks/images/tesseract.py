"""Tesseract's C API through ctypes: one engine reads one grayscale picture's bytes into Tesseract's TSV.

Loaded only in the OCR worker processes (checks/images/ocr_worker.py), never in the pipeline's own process: a fault
in the C++ library (a heap corruption, a crash on one picture) ends that worker, not the run, and cannot write
over the memory DuckDB, OpenCV or the interpreter use. This module imports nothing but the standard library and
checks/images/as_printed.py and lines.py (themselves standard library only), so a worker starts in a fraction of a
second.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os

from checks.images.as_printed import ONE_STROKE, Letter, confidence_as_printed
from checks.images.lines import Box, word_of

LANGUAGE = b"eng"
# Automatic page segmentation: certificates, cards and posters are laid out in blocks and lines. A single column (4)
# lost names on the sample schools' photos and sparse text (11) took longer; neither is cheaper without a loss.
PAGE_SEGMENTATION = 3
INSTALL_HINT = (
    "install Debian's tesseract-ocr and tesseract-ocr-eng (`make setup` does, as root), "
    "or set [images] read = false in school.toml"
)


class ReaderMissing(Exception):
    """The OCR engine or its English model is not installed: images cannot be read."""


@functools.cache
def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError as error:
        raise ReaderMissing(f"the OCR engine (libtesseract) is not installed: {INSTALL_HINT}") from error
    _quiet_leptonica()
    pointer = ctypes.c_void_p
    # Every function that takes or returns a pointer is declared: ctypes' default (int) would cut a 64-bit
    # pointer to 32 bits.
    lib.TessVersion.restype = ctypes.c_char_p
    lib.TessBaseAPICreate.restype = pointer
    lib.TessBaseAPICreate.argtypes = []
    lib.TessBaseAPIDelete.argtypes = [pointer]
    lib.TessBaseAPIInit3.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetVariable.argtypes = [pointer, ctypes.c_char_p, ctypes.c_char_p]
    lib.TessBaseAPISetPageSegMode.argtypes = [pointer, ctypes.c_int]
    lib.TessBaseAPISetImage.argtypes = [pointer, ctypes.c_char_p, *[ctypes.c_int] * 4]
    lib.TessBaseAPIRecognize.argtypes = [pointer, pointer]
    lib.TessBaseAPIGetTsvText.argtypes = [pointer, ctypes.c_int]
    lib.TessBaseAPIGetTsvText.restype = pointer
    lib.TessDeleteText.argtypes = [pointer]
    lib.TessBaseAPIClear.argtypes = [pointer]
    _declare_iterators(lib)
    return lib


def _declare_iterators(lib: ctypes.CDLL) -> None:
    """The result iterator's functions: each word's letters and the engine's choices for each (`_letter`)."""
    pointer, number, flag = ctypes.c_void_p, ctypes.c_int, ctypes.c_int
    lib.TessBaseAPIGetIterator.argtypes = [pointer]
    lib.TessBaseAPIGetIterator.restype = pointer
    lib.TessResultIteratorDelete.argtypes = [pointer]
    lib.TessResultIteratorNext.argtypes = [pointer, number]
    lib.TessResultIteratorNext.restype = flag
    lib.TessResultIteratorGetUTF8Text.argtypes = [pointer, number]
    lib.TessResultIteratorGetUTF8Text.restype = pointer
    lib.TessResultIteratorConfidence.argtypes = [pointer, number]
    lib.TessResultIteratorConfidence.restype = ctypes.c_float
    lib.TessResultIteratorGetPageIterator.argtypes = [pointer]
    lib.TessResultIteratorGetPageIterator.restype = pointer
    lib.TessPageIteratorIsAtBeginningOf.argtypes = [pointer, number]
    lib.TessPageIteratorIsAtBeginningOf.restype = flag
    lib.TessPageIteratorBoundingBox.argtypes = [pointer, number, *[ctypes.POINTER(ctypes.c_int)] * 4]
    lib.TessPageIteratorBoundingBox.restype = flag
    lib.TessResultIteratorGetChoiceIterator.argtypes = [pointer]
    lib.TessResultIteratorGetChoiceIterator.restype = pointer
    lib.TessChoiceIteratorDelete.argtypes = [pointer]
    lib.TessChoiceIteratorNext.argtypes = [pointer]
    lib.TessChoiceIteratorNext.restype = flag
    lib.TessChoiceIteratorGetUTF8Text.argtypes = [pointer]
    lib.TessChoiceIteratorGetUTF8Text.restype = ctypes.c_char_p


def _quiet_leptonica() -> None:
    """Leptonica, the engine's image library, prints its own complaints ("Error in boxClipToRectangle") to
    standard error for harmless edge cases; the engine's result says what matters."""
    name = ctypes.util.find_library("lept") or "liblept.so.5"
    with contextlib.suppress(OSError, AttributeError):  # another build of the library: its messages stay
        ctypes.CDLL(name).setMsgSeverity(6)  # L_SEVERITY_NONE


def engine_version() -> str:
    """`tesseract 5.3.0 eng, scored as printed`; raises ReaderMissing when it is not installed. Recorded with each
    reading: one stored before words were scored as printed (checks/images/as_printed.py) does not say so."""
    return f"tesseract {_library().TessVersion().decode()} {LANGUAGE.decode()}, {SCORED}"


SCORED = "scored as printed"


class Engine:
    """One Tesseract instance with the English model loaded: used by one thread at a time."""

    def __init__(self) -> None:
        lib = _library()
        self.lib = lib
        self.api = lib.TessBaseAPICreate()
        # None: the model directory the library was built with (or $TESSDATA_PREFIX), never a network path.
        if lib.TessBaseAPIInit3(self.api, None, LANGUAGE) != 0:
            lib.TessBaseAPIDelete(self.api)
            raise ReaderMissing(
                f"the OCR engine's English model (eng.traineddata) is missing: {INSTALL_HINT}"
            )
        lib.TessBaseAPISetPageSegMode(self.api, PAGE_SEGMENTATION)
        # The engine's inversion is left on (`invert_threshold` 0.7: a line read below it is read again inverted):
        # white-on-dark lettering, a photo's caption band or a name card's heading, is read only so. Off, or at a
        # lower threshold, it lost the captions of about half an independent school's photos for a tenth less work.
        # The engine's own progress notes ("Estimating resolution as ...") would fill the log. `debug_file` is one
        # global of the library, not the engine's: a worker process has one engine, so nothing reads it meanwhile.
        lib.TessBaseAPISetVariable(self.api, b"debug_file", os.devnull.encode())
        # Each letter's other choices, so a word's doubt between a capital I and a lower-case l is told from its
        # doubt between an l and a t (checks/images/as_printed.py). The same text and word confidences as without
        # (80 of an independent school's photos read both ways), for no measurable cost.
        lib.TessBaseAPISetVariable(self.api, b"lstm_choice_mode", b"2")

    def read(self, pixels: bytes, width: int, height: int) -> str:
        """Tesseract's TSV of a grayscale picture given as `height` rows of `width` bytes, each word's row with one
        cell more: its confidence as printed (`as_printed.confidence_as_printed`)."""
        if width < 1 or height < 1 or len(pixels) != width * height:
            raise ValueError(f"{len(pixels)} bytes are not a {width} x {height} grayscale picture")
        lib = self.lib
        # No resolution is given: the engine estimates it from the letters' sizes, which read best (a fixed 72 or
        # 100 dpi lost a third of the names on the sample schools' certificates). The engine
        # copies the pixels; `pixels` is held by the caller until the call returns.
        lib.TessBaseAPISetImage(self.api, pixels, width, height, 1, width)
        try:
            if lib.TessBaseAPIRecognize(self.api, None) != 0:
                return ""
            text = lib.TessBaseAPIGetTsvText(self.api, 0)
            try:
                tsv = ctypes.string_at(text).decode("utf-8", errors="replace") if text else ""
            finally:
                lib.TessDeleteText(text)
            return with_printed_confidences(tsv, self._printed_confidences())
        finally:
            lib.TessBaseAPIClear(self.api)

    def _printed_confidences(self) -> dict[Box, float]:
        """The confidence as printed of each word holding a one-stroke letter, by its box (left, top, width,
        height, as the TSV gives it); read from the engine's last recognition."""
        lib = self.lib
        doubted: dict[Box, tuple[float, list[Letter]]] = {}
        results = lib.TessBaseAPIGetIterator(self.api)
        if not results:
            return {}
        page = lib.TessResultIteratorGetPageIterator(results)
        try:
            letters: list[Letter] | None = None
            while True:
                if lib.TessPageIteratorIsAtBeginningOf(page, _WORD):
                    letters = None
                    word = _text(lib, results, _WORD)
                    confidence = lib.TessResultIteratorConfidence(results, _WORD)
                    if ONE_STROKE & set(word) and confidence < 100.0:
                        letters = []
                        doubted[_box(lib, page)] = (confidence, letters)
                if letters is not None:
                    letters.append(_letter(lib, results))
                if not lib.TessResultIteratorNext(results, _SYMBOL):
                    break
        finally:
            lib.TessResultIteratorDelete(results)
        return {box: confidence_as_printed(own, letters) for box, (own, letters) in doubted.items()}


_WORD, _SYMBOL = 3, 4  # the iterator's levels (RIL_WORD, RIL_SYMBOL)


def _text(lib: ctypes.CDLL, results: int, level: int) -> str:
    text = lib.TessResultIteratorGetUTF8Text(results, level)
    if not text:
        return ""
    try:
        return ctypes.string_at(text).decode("utf-8", errors="replace")
    finally:
        lib.TessDeleteText(text)


def _box(lib: ctypes.CDLL, page: int) -> Box:
    left, top, right, bottom = (ctypes.c_int() for _ in range(4))
    lib.TessPageIteratorBoundingBox(
        page, _WORD, ctypes.byref(left), ctypes.byref(top), ctypes.byref(right), ctypes.byref(bottom)
    )
    return (left.value, top.value, right.value - left.value, bottom.value - top.value)


def _letter(lib: ctypes.CDLL, results: int) -> Letter:
    """The letter the iterator is at, with the engine's best choice for it other than the letter itself."""
    text = _text(lib, results, _SYMBOL)
    choices = lib.TessResultIteratorGetChoiceIterator(results)
    runner_up = None
    if choices:
        try:
            while runner_up is None:
                choice = (lib.TessChoiceIteratorGetUTF8Text(choices) or b"").decode("utf-8", errors="replace")
                if choice != text:
                    runner_up = choice
                elif not lib.TessChoiceIteratorNext(choices):
                    break
        finally:
            lib.TessChoiceIteratorDelete(choices)
    return Letter(text, lib.TessResultIteratorConfidence(results, _SYMBOL), runner_up)


def with_printed_confidences(tsv: str, printed: dict[Box, float]) -> str:
    """The TSV with one more cell on each word's row: its confidence as printed, the engine's own where the word
    holds no one-stroke letter."""
    rows = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) == 12 and (word := word_of(cells)) is not None:
            row += f"\t{printed[word.box]:.6f}" if word.box in printed else f"\t{cells[10]}"
        rows.append(row)
    return "\n".join(rows)
