"""A published copy of an approved library file (resized, re-encoded) shows what the file shows: it is read once.

Schools publish their approved photos, so on a first run about half the published images are copies of library
files (173 of 347 on the project's medium sample). A library file is read when the first published copy of it is
met, and its copies take its reading; a file no published image copies is never read. A copy is given its
original's reading only when the two pictures are shown to be the same, pixel by pixel, not merely alike: both are brought to
PROOF_SIDE pixels, and everywhere the copy differs from the original by more than resampling explains (a share of
the original's own edge strength there) the difference is averaged over WINDOW x WINDOW pixels; a single window
above MOST_DIFFERENT and the copy is read itself. Measured: the project's copies differ by
at most 1.3, the same pictures with a pupil's name written in them at 12 px and more by at least 13.5. A crop, a
colour change or a caption makes the copy read on its own, as before: nothing is inherited on a likeness.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from checks.media_hash import UnreadableImage, decode_upright, grayscale, hamming

PROOF_SIDE = 384
WINDOW = 6
EDGE_ALLOWANCE = 0.5
MOST_DIFFERENT = 5.0
# Only files this close by perceptual hash are compared at all (the comparison decides).
CANDIDATE_BITS = 8
ASPECT_TOLERANCE = 0.01
# Published images met before the library is catalogued, or copies met before their file is read, are kept (as
# downloaded) up to this many bytes to be examined once the library is read; beyond it they are read at once.
MOST_WAITING_BYTES = 128 * 1024 * 1024
# The library files' grayscale pixels, kept from the catalogue for their reading (decoded once, not twice) up to
# this many bytes; a file beyond it is decoded again when read.
MOST_KEPT_PIXELS = 256 * 1024 * 1024
# What `Originals.reading_for` answers for a proven copy whose file is not read yet: examine it once it is.
LATER = "later"


def proof(gray: np.ndarray) -> np.ndarray:
    """The picture at PROOF_SIDE pixels on its longest side, as compared (uint8)."""
    scale = PROOF_SIDE / max(gray.shape)
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return cv2.resize(np.ascontiguousarray(gray, dtype=np.uint8), size, interpolation=cv2.INTER_AREA)


def difference(original: np.ndarray, copy: np.ndarray) -> float:
    """The largest local difference of `copy` from `original` (both `proof`s) that resampling does not explain."""
    if copy.shape != original.shape:
        copy = cv2.resize(copy, (original.shape[1], original.shape[0]), interpolation=cv2.INTER_AREA)
    a = original.astype(np.float32)
    b = copy.astype(np.float32)
    edges = np.maximum(
        np.abs(cv2.Sobel(a, cv2.CV_32F, 1, 0, ksize=3)), np.abs(cv2.Sobel(a, cv2.CV_32F, 0, 1, ksize=3))
    )
    # Resampling moves an edge by under a pixel: the difference it makes is at most the edge's own strength near it.
    allowed = EDGE_ALLOWANCE * cv2.dilate(edges / 4.0, np.ones((3, 3), np.uint8))
    unexplained = np.maximum(0.0, np.abs(a - b) - allowed)
    return float(cv2.blur(unexplained, (WINDOW, WINDOW)).max())


def same_picture(original: np.ndarray, copy: np.ndarray) -> bool:
    return difference(original, copy) <= MOST_DIFFERENT


# How a library file is read (checks/images/reading.py `read_library_file`): its sha256, its grayscale pixels when
# kept from the catalogue (else None: decoded from its path) and its path.
LibraryReader = Callable[[str, np.ndarray | None, Path], dict[str, Any]]


@dataclass
class _Original:
    sha256: str
    fingerprints: dict[str, Any]  # as checks.media_hash.fingerprint_approved gives them (crops, if computed)
    width: int
    height: int
    path: Path
    hashed_here: bool  # fingerprinted this run (else: its fingerprints were held from an earlier run)
    # None until a published image is a candidate copy (a file hashed in an earlier run)
    proof: np.ndarray | None
    reading: Future[dict[str, Any] | None]
    claimed: bool = False  # its reading was started (by the first proven copy met)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Originals:
    """The library files never read, catalogued (perceptual hash and proof) as the run starts, so a published copy
    of one takes its reading instead of being read itself. A file is read only when the first published image
    proven a copy of it is met (by the thread that met it): a file no published image copies is hashed, never read
    (the audit is of what the school published; its library holds photos it never published).

    Nothing here blocks the downloads: a published image met before `catalogued()` may wait, as downloaded
    (`may_wait`), and a proven copy of a file another thread is reading is `LATER`; both are examined
    (flows/stream_reading.py `examine_waiting`), each copy waiting for its own file's reading only."""

    def __init__(self, reader: LibraryReader | None = None) -> None:
        self._reader = reader
        self._originals: dict[str, _Original] = {}
        self._waiting_bytes = 0
        self._pixels: dict[str, np.ndarray] = {}
        self._kept_pixels = 0
        self._lock = threading.Lock()
        self._complete = threading.Event()

    def add(self, sha256: str, gray: np.ndarray, fingerprints: dict[str, Any], path: Path) -> None:
        """A library file, decoded to its grayscale pixels (H x W, uint8), with its fingerprints (its pHash at least:
        `add_fingerprints` gives the rest); the pixels are kept for its reading (`pixels_of`) while fewer than
        MOST_KEPT_PIXELS bytes are kept."""
        h, w = gray.shape
        original = _Original(sha256, fingerprints, w, h, path, True, proof(gray), Future())
        with self._lock:
            if sha256 not in self._originals and self._kept_pixels + gray.nbytes <= MOST_KEPT_PIXELS:
                self._pixels[sha256] = gray
                self._kept_pixels += gray.nbytes
            self._originals.setdefault(sha256, original)

    def add_fingerprints(self, sha256: str, more: dict[str, Any]) -> None:
        """The rest of a catalogued file's fingerprints (checks/media_hash.py `fingerprint_in_two`), hashed once the
        catalogue is complete: a copy is recognised by its pHash alone."""
        with self._lock:
            original = self._originals.get(sha256)
        if original is not None:
            # One new dict in place of the old (a reading thread may be looking up its pHash meanwhile).
            original.fingerprints = {**original.fingerprints, **more}

    def add_hashed(self, sha256: str, fingerprints: dict[str, Any], path: Path) -> None:
        """A library file hashed in an earlier run (`fingerprints` as held), not decoded: it is decoded only when a
        published image is a candidate copy of it (its proof), and read only when one is proven a copy."""
        w, h = int(fingerprints["width"]), int(fingerprints["height"])
        original = _Original(sha256, fingerprints, w, h, path, False, None, Future())
        with self._lock:
            self._originals.setdefault(sha256, original)

    def pixels_of(self, sha256: str) -> np.ndarray | None:
        """A catalogued file's grayscale pixels, given once (to its reading) and then no longer kept."""
        with self._lock:
            return self._pixels.pop(sha256, None)

    def fingerprints(self) -> dict[str, dict[str, Any]]:
        """The fingerprints of the files hashed this run by sha256, as `checks.media_hash.fingerprint_image` gives
        them."""
        return {original.sha256: original.fingerprints for original in self._all() if original.hashed_here}

    def readings(self) -> list[dict[str, Any]]:
        """The readings of the files read this run (each because a published image copies it), by sha256."""
        return sorted(
            (
                reading
                for original in self._all()
                if original.claimed and original.reading.done()
                for reading in [original.reading.result()]
                if reading is not None
            ),
            key=lambda reading: str(reading["sha256"]),
        )

    def catalogued(self) -> None:
        self._complete.set()

    def is_catalogued(self) -> bool:
        return self._complete.is_set()

    def may_wait(self, n_bytes: int) -> bool:
        """Whether a published image of `n_bytes` may wait for the library (the caller keeps its bytes): while
        fewer than MOST_WAITING_BYTES wait."""
        with self._lock:
            if self._waiting_bytes + n_bytes > MOST_WAITING_BYTES:
                return False
            self._waiting_bytes += n_bytes
            return True

    def read(self, sha256: str, reading: dict[str, Any] | None) -> None:
        """The original's reading (None: it could not be read), for its copies."""
        with self._lock:
            original = self._originals.get(sha256)
        if original is not None:
            _settle(original.reading, reading)

    def abandon(self) -> None:
        """No more readings come: a copy of a file not read is read itself. Called however the run's reading of
        images ends, and when the library was never catalogued: nothing waits for it."""
        self._complete.set()
        for original in self._all():
            _settle(original.reading, None)
        with self._lock:
            self._pixels.clear()

    def reading_for(
        self, sha256: str, phash: str, picture: Image.Image, wait: bool = False
    ) -> dict[str, Any] | str | None:
        """The reading of `picture` (sha256 `sha256`) from the library file it is a copy of, that file read here
        when no copy of it was met before; LATER when another thread is reading that file; None: read it. With
        `wait`, waits for the catalogue and for that file's reading instead (every wait ends: `catalogued` is
        called however the catalogue ends, and a file's reading is settled by the thread that started it)."""
        if wait:
            self._complete.wait()
        if not self._complete.is_set():
            return None
        aspect = picture.width / picture.height
        candidates = sorted(
            (
                (hamming(original.fingerprints["phash"], phash), original)
                for original in self._all()
                if hamming(original.fingerprints["phash"], phash) <= CANDIDATE_BITS
                and abs(original.width / original.height - aspect) <= ASPECT_TOLERANCE * aspect
            ),
            key=lambda found: found[0],
        )
        if not candidates:
            return None
        copy_proof = proof(np.asarray(grayscale(picture)))
        for _, original in candidates:
            original_proof, decoded = self._proof(original)
            if original_proof is not None and same_picture(original_proof, copy_proof):
                reader = self._claim(original)
                if reader is not None:
                    _read(
                        original, reader, decoded if decoded is not None else self.pixels_of(original.sha256)
                    )
                elif not original.reading.done() and not wait:
                    return LATER
                read = original.reading.result()
                if read is None or read.get("error"):
                    return None
                if original.sha256 == sha256:  # the file itself, published as it is
                    return read
                return as_copy(read, sha256, original, picture.width / original.width)
        return None

    def _proof(self, original: _Original) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The file's proof (None: it cannot be decoded), decoded from its path the first time it is a candidate;
        with the grayscale pixels when decoded by this call, so that its reading does not decode it again."""
        with original.lock:
            if original.proof is None:
                try:
                    gray = np.asarray(grayscale(decode_upright(original.path.read_bytes())))
                except (UnreadableImage, OSError):
                    return None, None
                original.proof = proof(gray)
                return original.proof, gray
            return original.proof, None

    def _claim(self, original: _Original) -> LibraryReader | None:
        """The reader, once per file, to the thread that reads it; None once the run's reading of images ended."""
        with self._lock:
            if original.claimed or original.reading.done() or self._reader is None:
                return None
            original.claimed = True
            return self._reader

    def _all(self) -> list[_Original]:
        with self._lock:
            return list(self._originals.values())


def _read(original: _Original, reader: LibraryReader, pixels: np.ndarray | None) -> None:
    reading: dict[str, Any] | None = None
    try:
        reading = reader(original.sha256, pixels, original.path)
    finally:
        _settle(original.reading, reading)


def _settle(reading: Future[dict[str, Any] | None], value: dict[str, Any] | None) -> None:
    """The first value a file's reading is given stays (the reader's and `abandon`'s may cross)."""
    with contextlib.suppress(InvalidStateError):
        if not reading.done():
            reading.set_result(value)


def as_copy(read: dict[str, Any], sha256: str, original: _Original, scale: float) -> dict[str, Any]:
    """The original's reading as the copy's: the same lines and faces, boxes in the copy's pixels."""

    def box(values: list[int]) -> list[int]:
        return [round(v * scale) for v in values]

    return {
        "sha256": sha256,
        "reader": f"{read['reader']}; as the approved file {original.sha256} it copies",
        "lines": [{**line, "box": box(line["box"])} for line in read["lines"]],
        "faces": [box(face) for face in read["faces"]],
        "error": None,
    }
