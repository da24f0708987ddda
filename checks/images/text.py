"""Text in images, read by Tesseract (Debian's `tesseract-ocr` and `tesseract-ocr-eng`) in worker processes.

Why Tesseract, measured when it was chosen: on certificates, name cards and posters it read as many names as
RapidOCR (ONNX models in its wheel) at about a tenth of the CPU per image and a tenth of the memory, and its model
is a file installed by the system's package manager, read from disk: nothing is ever downloaded.

Why worker processes: the engine is C++ called through ctypes (checks/images/tesseract.py); in the pipeline's own
process a fault in it would corrupt the heap DuckDB, OpenCV and the interpreter share with it. In a worker, a fault
ends that worker: the picture is read again by a fresh one, and a picture that ends two is that picture's error.
Why not the `tesseract` command per picture: each would spend ~90 ms loading the model, most of the cost for a
photo without text; a worker loads it once (~80 ms) and then reads a photo in ~15 ms. At most one worker per usable
core is started, lent to whichever thread reads next; a thread waits on its worker's pipe without the GIL, so the
threads read on every core.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

from checks.cores import usable_cores
from checks.images.closer_look import looked_closer
from checks.images.lending import Shelf
from checks.images.lines import Line, lines_from_tsv
from checks.images.ocr_worker import ANSWER, MISSING, REQUEST, read_exactly
from checks.images.second_look import looked_again
from checks.images.tesseract import LANGUAGE, ReaderMissing

__all__ = [
    "LANGUAGE",
    "Line",
    "ReaderMissing",
    "Worker",
    "check_engine",
    "engine_version",
    "lines_from_tsv",
    "read_text",
]

# Larger pictures are read scaled down: text a person can read in a post is large enough at this size, and the
# engine's time grows with the pixels (a 12-megapixel camera original takes ~1 s at full size). A photo of 1000-1600 px
# is read as it is: at 1000-1200 px the engine took as long (its time there is the text and texture, not the pixels)
# and lost names.
MAX_SIDE = 2000
# Where `checks` is imported from, so a worker imports the same code whatever the run's working directory.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])


class EngineEnded(Exception):
    """An OCR worker process ended while reading (a fault in the engine, or killed from outside)."""


def _worker_environment() -> dict[str, str]:
    env = dict(os.environ)
    # Tesseract parallelises one picture with OpenMP; the run already reads one picture per core, and both together
    # oversubscribe the cores. libgomp reads this as the worker loads libtesseract.
    env.setdefault("OMP_THREAD_LIMIT", "1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_SOURCE_ROOT, env.get("PYTHONPATH")) if p)
    return env


class Worker:
    """One OCR worker process (checks/images/ocr_worker.py) with its engine loaded: used by one thread at a time.
    Its standard error is the run's, so what a failing engine says is in the run's log."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checks.images.ocr_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_worker_environment(),
        )
        self.ended = False
        self.name = ""

    @classmethod
    def started(cls) -> Worker:
        """A worker with its engine loaded (raises ReaderMissing when it cannot load)."""
        return cls().loaded()

    def loaded(self) -> Worker:
        """Waits for the engine to load: what reads, or ReaderMissing (the worker is then ended)."""
        status, text = self._answer()
        if status == MISSING:
            self.close()
            raise ReaderMissing(text)
        self.name = text
        return self

    def usable(self) -> bool:
        """Not ended, here or from outside (a worker killed while it waited for a picture)."""
        return not self.ended and self.process.poll() is None

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self, gray: np.ndarray) -> str:
        """Tesseract's TSV of a grayscale picture (H x W, uint8)."""
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = pixels.shape
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(REQUEST.pack(width, height))
            self.process.stdin.write(pixels.data)
            self.process.stdin.flush()
        except OSError:  # the worker is gone: its pipe is closed
            self._gone()
        return self._answer()[1]

    def _answer(self) -> tuple[int, str]:
        assert self.process.stdout is not None
        header = read_exactly(self.process.stdout, ANSWER.size)
        status, size = ANSWER.unpack(header) if header else (0, 0)
        payload = read_exactly(self.process.stdout, size) if header else None
        if payload is None:
            self._gone()
        return status, payload.decode("utf-8", errors="replace")  # type: ignore[union-attr]

    def _gone(self) -> None:
        self.ended = True
        code = self.process.wait()
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        raise EngineEnded(f"the OCR engine's worker process ended ({how}) while reading this picture")

    def close(self) -> None:
        """Ends the worker: its input closes and it exits; killed if it has not within a few seconds."""
        self.ended = True
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


# At most one worker per usable core: a thread waits for a free one, when the cores are all reading anyway. Workers
# are started side by side (each is its own process), and one that ended is never lent again.
engines: Shelf[Worker] = Shelf(
    Worker.started, most=usable_cores(), one_at_a_time=False, keep=Worker.usable, discard=Worker.close
)
_name: list[str] = []
_name_lock = threading.Lock()


def engine_version() -> str:
    """`tesseract 5.3.0 eng, scored as printed`, as a worker says it; raises ReaderMissing when it is not installed."""
    with _name_lock:
        if not _name:
            with engines.lent() as worker:
                _name.append(worker.name)
        return _name[0]


def check_engine() -> str:
    """Start every worker the shelf may hold, side by side, each loading its engine and model (kept for the
    readings; raises ReaderMissing); returns what reads. Started as the run starts, no reading waits for one."""
    with _name_lock:
        starting = [Worker() for _ in range(engines.room())]
        try:
            engines.stock([worker.loaded() for worker in starting])
        finally:
            for worker in starting:
                if not worker.name:
                    worker.close()
    return engine_version()


def read_text(gray: np.ndarray) -> list[Line]:
    """The lines of text in a grayscale picture (H x W, uint8), in reading order, boxes in its own pixels: read once,
    looked at again where the engine read it only in part (checks/images/second_look.py), and a doubtful name in
    large letters read again at the size the engine reads best (checks/images/closer_look.py)."""
    if gray.size == 0:
        return []
    scale = min(1.0, MAX_SIDE / max(gray.shape))
    if scale < 1.0:
        from PIL import Image

        small = Image.fromarray(gray).resize(
            (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))),
            Image.Resampling.LANCZOS,
        )
        gray = np.asarray(small)
    lines = looked_closer(gray, looked_again(gray, read_once(gray), read_once), read_once)
    if scale == 1.0:
        return lines
    return [line.at(scaled(line.box, 1.0 / scale)) for line in lines]


def scaled(box: tuple[int, int, int, int], factor: float) -> tuple[int, int, int, int]:
    x, y, w, h = box
    return round(x * factor), round(y * factor), round(w * factor), round(h * factor)


def read_once(gray: np.ndarray) -> str:
    """The engine's TSV of a grayscale picture, read on whichever worker is free."""
    try:
        with engines.lent() as worker:
            return worker.read(gray)
    except EngineEnded:
        # A worker that ended took the picture it was reading with it (a worker reads one at a time): once more on a
        # worker started for it, never another idle one that may be dying too (killed from outside, it looks alive
        # until it has written its crash report); a picture that ends a worker made for it is this picture's error
        # (checks/images/reading.py).
        pass
    with engines.lent(fresh=True) as worker:
        return worker.read(gray)
