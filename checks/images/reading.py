"""Reading an image as a person would: the text written in it and how many faces it shows.

A reading is kept by the image's sha256 (raw.image_readings, raw.image_text): an image is read once ever, whatever
post, video or library file it turns up in, and a published copy of a library file is given that file's
reading when it is the same picture (checks/images/copies.py); a library file is read only when a copy of it is
published. The image itself is never kept; a reading keeps the lines of text with
the engine's confidence per word and where they are, and the faces as a count and boxes: no crop, template or
embedding of a face.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from checks.cores import usable_cores
from checks.images.closer_look import LOOKED_CLOSER
from checks.images.copies import LATER, Originals
from checks.images.faces import detect_faces, detector_name
from checks.images.text import ReaderMissing, check_engine, engine_version, read_text
from checks.images.thumbnails import PublishedPictures
from checks.media_hash import (
    UnreadableImage,
    decode_upright,
    fingerprint_in_two,
    fingerprint_picture,
    fingerprint_with_crops,
    grayscale,
)
from checks.registers.contract import APPROVED_MEDIA_DIR

__all__ = [
    "LibraryRead",
    "ReadOnce",
    "ReaderMissing",
    "approved_readings",
    "catalogue",
    "catalogue_library_folder",
    "examine",
    "fingerprint_library_folder",
    "getting_ready",
    "library_images",
    "library_to_read",
    "read_files",
    "read_library_file",
    "read_picture",
    "read_pixels",
    "reader_name",
    "ready",
    "usable_cores",
]

T = TypeVar("T")
R = TypeVar("R")


def reader_name() -> str:
    """What reads, recorded with every reading: `tesseract 5.3.0 eng, scored as printed, large names looked at
    closer; opencv 4.14.0 haarcascade_...` (a reading stored before a method was added does not name it)."""
    return f"{engine_version()}, {LOOKED_CLOSER}; {detector_name()}"


def ready() -> str:
    """Raises ReaderMissing (with what to install) before a run fetches anything; returns `reader_name()`."""
    check_engine()
    return reader_name()


def getting_ready() -> Callable[[], str]:
    """`ready` begun on a thread of its own: the OCR workers load their engines (each its own process, ~0.1 s of CPU)
    while the run goes on hashing its library; the function returned waits for them and answers as `ready` does."""
    loaded: Future[str] = Future()

    def load() -> None:
        try:
            loaded.set_result(ready())
        except BaseException as error:  # handed to whoever waits, as `ready` would have raised it
            loaded.set_exception(error)

    threading.Thread(target=load, name="ocr-workers-starting", daemon=True).start()
    return loaded.result


def read_picture(picture: Image.Image, sha256: str) -> dict[str, Any]:
    """The text and faces of one decoded picture, as stored in raw.image_readings / raw.image_text."""
    return read_pixels(np.asarray(grayscale(picture)), sha256)


def read_pixels(gray: np.ndarray, sha256: str) -> dict[str, Any]:
    """`read_picture` of a picture's grayscale pixels (H x W, uint8)."""
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


# Set by `examine` on a proven copy of a library file not read yet: its bytes are kept to examine it again once
# the library is read (flows/stream_reading.py `examine_waiting`).
WAITS_FOR_LIBRARY = "waits_for_library"


def examine(
    data: bytes,
    already_read: Callable[[str], bool] | None,
    originals: Originals | None = None,
    may_wait: bool = True,
    fingerprinted: dict[str, Any] | None = None,
    pictures: PublishedPictures | None = None,
) -> dict[str, Any]:
    """Fingerprints of the image (`fingerprinted`: as found from these bytes before, not computed again), kept in
    `pictures` for a thumbnail should the image be a finding's (checks/images/thumbnails.py), and its reading
    unless `already_read(sha256)` says it was read before (`already_read` None: not read at all). The bytes are
    decoded once for all of them, and made grayscale once for all but a thumbnail (in colour). With
    `originals` (the run's `ReadOnce.originals`), a copy of a library file takes that file's reading
    (checks/images/copies.py); a copy of one not read yet has no reading but WAITS_FOR_LIBRARY (unless too much waits
    already), or, not `may_wait`, waits for that file's reading."""
    upright = decode_upright(data)
    picture = grayscale(upright)
    found = dict(fingerprinted) if fingerprinted else fingerprint_picture(data, picture)
    sha = found["sha256"]
    if pictures is not None:
        pictures.keep(sha, data, upright)
    if already_read is not None and not already_read(sha):
        # Not allowed to wait (kept aside): a copy waits here for its file's reading rather than read again.
        copied = (
            originals.reading_for(sha, found["phash"], picture, wait=not may_wait)
            if originals is not None
            else None
        )
        if copied == LATER and may_wait and originals is not None and originals.may_wait(len(data)):
            found[WAITS_FOR_LIBRARY] = True
            return found
        found["reading"] = copied if isinstance(copied, dict) else read_picture(picture, sha)
    return found


@dataclass(frozen=True)
class LibraryRead:
    """The approved library's new files' fingerprints (by sha256, as `checks.media_hash.fingerprint_approved` gives
    them, crops included, so they are not computed again) and readings."""

    fingerprints: dict[str, dict[str, Any]]
    readings: list[dict[str, Any]]


def library_images(directory: Path) -> list[Path]:
    """The image files of the approved library's folder (by the names Pillow reads), in name order."""
    suffixes = {suffix.lower() for suffix in Image.registered_extensions()}
    return sorted(p for p in directory.rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def _fingerprinted_file(
    path: Path, skip: Callable[[str], bool]
) -> tuple[str, Image.Image, dict[str, Any]] | None:
    """A library file's sha256, grayscale picture and fingerprints with its Instagram crops' hashes, as register
    settling needs them (checks/media_hash.py `fingerprint_library`: given them, it neither decodes the file again
    nor hashes it twice); None when `skip(sha256)` or the file is unreadable (the register loader reports it)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    sha = hashlib.sha256(data).hexdigest()
    return None if skip(sha) else _fingerprinted(data, sha)


def _fingerprinted(data: bytes, sha: str) -> tuple[str, Image.Image, dict[str, Any]] | None:
    try:
        picture = grayscale(decode_upright(data))
    except UnreadableImage:
        return None
    return sha, picture, fingerprint_with_crops(data, picture)


# A catalogued library file's dHash and crops' hashes are made once the catalogue is complete (`catalogue`), from its
# pixels held meanwhile up to this many bytes (beyond it, a file is hashed in full as it is catalogued). The pixels
# kept for its reading are the same ones, not a copy.
MOST_DEFERRED_PIXELS = 256 * 1024 * 1024


class _Budget:
    """Bytes that may be held, taken by threads."""

    def __init__(self, most: int) -> None:
        self._left = most
        self._lock = threading.Lock()

    def take(self, n_bytes: int) -> bool:
        with self._lock:
            if n_bytes > self._left:
                return False
            self._left -= n_bytes
            return True


def catalogue(
    files: Iterable[Path],
    read_before: Callable[[str], bool],
    originals: Originals,
    workers: int | None = None,
    hashed: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    """The library files never read before (`read_before(sha256)`) catalogued, in parallel, so their copies are
    recognised from the first published image: a file hashed in an earlier run (`hashed`, its fingerprints by
    sha256) with the fingerprints held (`Originals.add_hashed`: not decoded), any other decoded and fingerprinted
    (`Originals.add`). An undecodable file is left to the register loader to report.

    Copies are recognised (`Originals.catalogued`) once every file's pHash and proof are made; the rest of each new
    file's fingerprints (dHash, crops': register settling's) is hashed after, while the images that waited for the
    catalogue are read, instead of before them (checks/media_hash.py `fingerprint_in_two`)."""
    held = hashed or {}
    deferred = _Budget(MOST_DEFERRED_PIXELS)

    def one(path: Path) -> Callable[[], None] | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        sha = hashlib.sha256(data).hexdigest()
        if read_before(sha):
            return None
        if sha in held:
            originals.add_hashed(sha, held[sha], path)
            return None
        try:
            gray = np.asarray(grayscale(decode_upright(data)))
        except UnreadableImage:
            return None
        # Hashed from the very pixels kept for its reading (Image.fromarray shares them): no second copy is held.
        found, rest = fingerprint_in_two(data, Image.fromarray(gray))
        originals.add(sha, gray, found, path)
        finish = lambda: originals.add_fingerprints(sha, rest())  # noqa: E731
        if deferred.take(gray.nbytes):
            return finish
        finish()
        return None

    try:
        later = in_parallel(one, files, workers)
    finally:
        originals.catalogued()
    in_parallel(lambda finish: finish(), [finish for finish in later if finish is not None], workers)


def fingerprint_library_folder(
    directory: Path, hashed_before: Callable[[str], bool], workers: int | None = None
) -> dict[str, dict[str, Any]]:
    """The library folder's files never hashed before (`hashed_before(sha256)`) fingerprinted, crops included, in
    parallel, by sha256: a run that reads no image hashes its library as it starts, as `catalogue` does for a run
    that reads them, not one file after another once the registers are loaded."""

    def one(path: Path) -> tuple[str, dict[str, Any]] | None:
        found = _fingerprinted_file(path, hashed_before)
        return None if found is None else (found[0], found[2])  # the picture is let go here, not held for all

    return dict(found for found in in_parallel(one, library_images(directory), workers) if found is not None)


def catalogue_library_folder(
    directory: Path,
    read_before: Callable[[str], bool],
    originals: Originals,
    hashed: Mapping[str, dict[str, Any]] | None = None,
    workers: int | None = None,
) -> LibraryRead:
    """The library folder's images never read before, catalogued as the run starts (`catalogue`); none is read
    here: a file is read when a published copy of it is met (checks/images/copies.py), its reading then kept if
    the registers approve it (`approved_readings`). The readings are left empty; the fingerprints are those
    computed (files never hashed before)."""
    try:
        catalogue(library_images(directory), read_before, originals, workers, hashed)
    except BaseException:
        originals.abandon()  # nothing will be read: a copy waiting for its file is read itself
        raise
    return LibraryRead(originals.fingerprints(), [])


def approved_readings(paths: Mapping[str, Path], originals: Originals) -> list[dict[str, Any]]:
    """The readings of the approved files to store (`paths` by sha256: `library_to_read`) among the library files
    read this run (each because a published image copies it); a stray file's reading is dropped, never stored."""
    return [reading for reading in originals.readings() if reading["sha256"] in paths]


def read_library_file(sha256: str, gray: np.ndarray | None, path: Path) -> dict[str, Any]:
    """A library file's reading, from its grayscale pixels (kept from the catalogue: not decoded again) or its
    path; an undecodable file is a reading with its error (the register loader reports broken files itself)."""
    if gray is None:
        try:
            gray = np.asarray(grayscale(decode_upright(path.read_bytes())))
        except (UnreadableImage, OSError) as error:
            return not_read(sha256, error)
    return read_pixels(gray, sha256)


def read_files(paths: dict[str, Path], workers: int | None = None) -> list[dict[str, Any]]:
    """Readings of files by sha256, in parallel, in sha256 order (`read_library_file`)."""
    return in_parallel(lambda item: read_library_file(item[0], None, item[1]), sorted(paths.items()), workers)


def in_parallel(work: Callable[[T], R], items: Iterable[T], workers: int | None = None) -> list[R]:
    """`work` over `items` on one thread per usable core (the engines release the GIL), results in order, each in
    the caller's context."""
    items = list(items)
    count = workers or usable_cores()
    if count <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    # Each item runs in a copy of the caller's context (as the caller's own thread would): what the caller's
    # context says, e.g. which flow run a progress line logged from a worker thread belongs to, holds there too.
    caller = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=min(count, len(items))) as pool:
        return list(pool.map(lambda item: caller.copy().run(work, item), items))


class ReadOnce:
    """Which images are read: those whose sha256 was never read before, each once even when two threads meet the
    same bytes (one image posted twice in a week); and (`originals`) the library files never read, each read when
    a published copy of it is met, whose copies take its reading."""

    def __init__(self, read_before: Iterable[str]) -> None:
        self._taken = set(read_before)
        self._before = frozenset(self._taken)
        self._lock = threading.Lock()
        self.originals = Originals(read_library_file)

    def read_before(self, sha256: str) -> bool:
        """Whether the image was read in an earlier run (nothing is taken)."""
        return sha256 in self._before

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
