"""Tesseract's C API through ctypes: one engine reads one grayscale picture's bytes into Tesseract's TSV.

Loaded only in the OCR worker processes (checks/images/ocr_worker.py), never in the pipeline's own process: a fault
in the C++ library (a heap corruption, a crash on one picture) ends that worker, not the run, and cannot write
over the memory DuckDB, OpenCV or the interpreter use. This module imports nothing but the standard library, so a
worker starts in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os

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
    return lib


def _quiet_leptonica() -> None:
    """Leptonica, the engine's image library, prints its own complaints ("Error in boxClipToRectangle") to
    standard error for harmless edge cases; the engine's result says what matters."""
    name = ctypes.util.find_library("lept") or "liblept.so.5"
    with contextlib.suppress(OSError, AttributeError):  # another build of the library: its messages stay
        ctypes.CDLL(name).setMsgSeverity(6)  # L_SEVERITY_NONE


def engine_version() -> str:
    """`tesseract 5.3.0 eng`; raises ReaderMissing when it is not installed."""
    return f"tesseract {_library().TessVersion().decode()} {LANGUAGE.decode()}"


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

    def read(self, pixels: bytes, width: int, height: int) -> str:
        """Tesseract's TSV of a grayscale picture given as `height` rows of `width` bytes."""
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
                return ctypes.string_at(text).decode("utf-8", errors="replace") if text else ""
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessBaseAPIClear(self.api)
