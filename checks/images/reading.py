"""Reading an image as a person would: the text written in it and how many faces it shows.

A reading is kept by the image's sha256 (raw.image_readings, raw.image_text): an image is read once ever, whatever
post, video or library file it turns up in, and a published copy of a library file read the same run is given that
file's reading when it is the same picture (checks/images/copies.py). The image itself is never kept; a reading keeps the lines of text with
the engine's confidence per word and where they are, and the faces as a count and boxes: no crop, template or
embedding of a face.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from checks.images.copies import Originals, Waiting
from checks.images.faces import detect_faces, detector_name
from checks.images.text import ReaderMissing, check_engine, engine_version, read_text, usable_cores
from checks.media_hash import UnreadableImage, decode_upright, fingerprint_picture
from checks.registers.contract import APPROVED_MEDIA_DIR

__all__ = [
    "LibraryRead",
    "ReadOnce",
    "ReaderMissing",
    "examine",
    "library_to_read",
    "read_files",
    "read_library",
    "read_picture",
    "reader_name",
    "ready",
    "usable_cores",
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


def examine(
    data: bytes, already_read: Callable[[str], bool] | None, originals: Originals | None = None
) -> dict[str, Any]:
    """Fingerprints of the image, and its reading unless `already_read(sha256)` says it was read before
    (`already_read` None: not read at all). The bytes are decoded once for both. With `originals` (the run's
    `ReadOnce.originals`), a copy of a library file being read takes that file's reading
    (checks/images/copies.py); an image met before the library is catalogued has no `reading` here: it waits for
    the library and is read with it (`read_library`)."""
    picture = decode_upright(data)
    found = fingerprint_picture(data, picture)
    sha = found["sha256"]
    if already_read is not None and not already_read(sha):
        if originals is not None and originals.wait_for_library(sha, found["phash"], data):
            return found
        copied = originals.reading_for(sha, found["phash"], picture) if originals is not None else None
        found["reading"] = copied or read_picture(picture, sha)
    return found


@dataclass(frozen=True)
class LibraryRead:
    """What `read_library` found: the library files' fingerprints (by sha256, as
    `checks.media_hash.fingerprint_image` gives them, so they are not computed again), and the readings of the
    files and of the published images that waited for them."""

    fingerprints: dict[str, dict[str, Any]]
    readings: list[dict[str, Any]]


def read_library(paths: dict[str, Path], originals: Originals, workers: int | None = None) -> LibraryRead:
    """The approved library's files (`paths` by sha256) catalogued and read (`read_files`), then the published
    images met before the catalogue was complete (`examine`), each taking the reading of a file it copies or read
    itself."""
    readings = read_files(paths, workers, originals)

    def one(waiting: Waiting) -> dict[str, Any]:
        try:
            picture = decode_upright(waiting.data)
        except UnreadableImage as error:  # decoded once already when it was fingerprinted: not expected
            return not_read(waiting.sha256, error)
        copied = originals.reading_for(waiting.sha256, waiting.phash, picture)
        return copied or read_picture(picture, waiting.sha256)

    return LibraryRead(originals.fingerprints(), readings + in_parallel(one, originals.waiting(), workers))


def read_files(
    paths: dict[str, Path], workers: int | None = None, originals: Originals | None = None
) -> list[dict[str, Any]]:
    """Readings of files by sha256 (the approved library), in parallel; an undecodable file is a reading with
    its error (the register loader reports broken files itself). With `originals` (the run's
    `ReadOnce.originals`) every file is catalogued first (with its fingerprints), so a published copy of one met
    while they are read waits for its reading instead of being read again."""
    items = sorted(paths.items())

    def decoded(path: Path) -> Any:
        try:
            return decode_upright(path.read_bytes())
        except (UnreadableImage, OSError) as error:
            return error

    def catalogued(item: tuple[str, Path]) -> None:
        try:
            data = item[1].read_bytes()
            picture = decode_upright(data)
        except (UnreadableImage, OSError):
            return
        if originals is not None:
            originals.add(item[0], picture, fingerprint_picture(data, picture))

    def one(item: tuple[str, Path]) -> dict[str, Any]:
        sha, path = item
        reading: dict[str, Any] | None = None
        try:
            picture = decoded(path)
            reading = (
                not_read(sha, picture) if isinstance(picture, BaseException) else read_picture(picture, sha)
            )
            return reading
        finally:
            if originals is not None:
                originals.read(sha, reading)

    if originals is None:
        return in_parallel(one, items, workers)
    try:
        try:
            # Decoded twice (a picture is not kept between the two passes: a library can be large); 2 ms a file.
            in_parallel(catalogued, items, workers)
        finally:
            originals.catalogued()
        return in_parallel(one, items, workers)
    finally:
        originals.abandon()


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
    same bytes (one image posted twice in a week); and (`originals`) the library files read this run, whose
    published copies take their readings."""

    def __init__(self, read_before: Iterable[str]) -> None:
        self._taken = set(read_before)
        self._lock = threading.Lock()
        self.originals = Originals()

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
