"""Reading an image as a person would: the text written in it and how many faces it shows.

A reading is kept by the image's sha256 (raw.image_readings, raw.image_text): an image is read once ever, whatever
post, video or library file it turns up in. The image itself is never kept; a reading keeps the lines of text with
the engine's confidence per word and where they are, and the faces as a count and boxes: no crop, template or
embedding of a face.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from checks.images.faces import detect_faces, detector_name
from checks.images.text import ReaderMissing, check_engine, engine_version, read_text
from checks.media_hash import UnreadableImage, decode_upright, fingerprint_picture
from checks.registers.contract import APPROVED_MEDIA_DIR

__all__ = [
    "ReadOnce",
    "ReaderMissing",
    "examine",
    "library_to_read",
    "read_files",
    "read_picture",
    "reader_name",
    "ready",
]

T = TypeVar("T")
R = TypeVar("R")


def reader_name() -> str:
    """What reads, recorded with every reading: `tesseract 5.3.0 eng; opencv 4.14.0 haarcascade_...`."""
    return f"{engine_version()}; {detector_name()}"


def ready() -> str:
    """Raises ReaderMissing (with what to install) before a run fetches anything; returns `reader_name()`."""
    check_engine()
    return reader_name()


def read_picture(picture: Image.Image, sha256: str) -> dict[str, Any]:
    """The text and faces of one decoded picture, as stored in raw.image_readings / raw.image_text."""
    gray = np.asarray(picture.convert("L"))
    try:
        lines = read_text(gray)
        faces = detect_faces(gray)
    except ReaderMissing:
        raise
    except Exception as error:  # the engines are C++: a failure on one image is that image's, not the run's
        return not_read(sha256, error)
    return {
        "sha256": sha256,
        "reader": reader_name(),
        "lines": [
            {"text": line.text, "confidences": list(line.confidences), "box": list(line.box)}
            for line in lines
        ],
        "faces": [list(box) for box in faces],
        "error": None,
    }


def not_read(sha256: str, error: BaseException) -> dict[str, Any]:
    """The reading of an image that could not be read: kept with why, so it is not tried every week."""
    return {"sha256": sha256, "reader": reader_name(), "lines": [], "faces": [], "error": str(error)[:500]}


def examine(data: bytes, already_read: Callable[[str], bool] | None) -> dict[str, Any]:
    """Fingerprints of the image, and its reading unless `already_read(sha256)` says it was read before
    (`already_read` None: not read at all). The bytes are decoded once for both."""
    picture = decode_upright(data)
    found = fingerprint_picture(data, picture)
    if already_read is not None and not already_read(found["sha256"]):
        found["reading"] = read_picture(picture, found["sha256"])
    return found


def read_files(paths: dict[str, Path], workers: int | None = None) -> list[dict[str, Any]]:
    """Readings of files by sha256 (the approved library), in parallel; an undecodable file is a reading with
    its error (the register loader reports broken files itself)."""

    def one(item: tuple[str, Path]) -> dict[str, Any]:
        sha, path = item
        try:
            return read_picture(decode_upright(path.read_bytes()), sha)
        except (UnreadableImage, OSError) as error:
            return not_read(sha, error)

    return in_parallel(one, sorted(paths.items()), workers)


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def in_parallel(work: Callable[[T], R], items: Iterable[T], workers: int | None = None) -> list[R]:
    """`work` over `items` on one thread per usable core (the engines release the GIL), results in order."""
    items = list(items)
    count = workers or usable_cores()
    if count <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(count, len(items))) as pool:
        return list(pool.map(work, items))


class ReadOnce:
    """Which images are read: those whose sha256 was never read before, each once even when two threads meet the
    same bytes (one image posted twice in a week)."""

    def __init__(self, read_before: Iterable[str]) -> None:
        self._taken = set(read_before)
        self._lock = threading.Lock()

    def already_read(self, sha256: str) -> bool:
        """False exactly once per new sha256: the caller reads it."""
        with self._lock:
            if sha256 in self._taken:
                return True
            self._taken.add(sha256)
            return False


def library_to_read(
    approved_media: Any, files: dict[str, str], registers_dir: Path, already_read: Callable[[str], bool]
) -> dict[str, Path]:
    """The approved library's files (by sha256, as the register loader hashed them: `files` maps
    `approved_media/<name>` to it) never read (`ReadOnce.already_read`): each distinct file once ever."""
    wanted: dict[str, Path] = {}
    for name in approved_media["file"].to_list():
        sha = files.get(f"{APPROVED_MEDIA_DIR}/{name}") if name else None
        if sha and sha not in wanted and not already_read(sha):
            wanted[sha] = registers_dir / APPROVED_MEDIA_DIR / name
    return wanted
