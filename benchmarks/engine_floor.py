"""The engines' own work on the images a school's first run reads: the floor under what reading images adds to it.

A first run reads each distinct published image once, except a copy of an approved library file, which takes the
reading of its file, read in its place at the file's own size (checks/images/copies.py). So its reading cannot add
less than the OCR engine and the face detector take for the images it read with every usable core reading and
nothing else to do. Which images those were is what the run's warehouse records (`images_read`: each reading the
engines made, not one a copy took from its file); without a run, the school's distinct published images. Measured
here on the school's own files, one image at a time, after a warm-up: the OCR engine in one worker process
(checks/images/text.py, as the run reads), faces in this process.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from checks.cores import usable_cores
from checks.images.faces import detect_faces
from checks.images.reading import library_images
from checks.images.text import read_text
from checks.media_hash import UnreadableImage, decode_upright, grayscale

# Where a sandbox dataset keeps the approved library: read only through a published copy, never on its own.
LIBRARY = "registers"


@dataclass(frozen=True)
class EngineWork:
    images: int
    ocr_seconds: float
    face_seconds: float
    cores: int
    # Of `images`, the library files read for their published copies (None: counted without a run).
    library: int | None = None

    @property
    def floor(self) -> float:
        """Seconds of wall the engines need on every usable core at once."""
        return (self.ocr_seconds + self.face_seconds) / max(1, self.cores)

    def note(self) -> str:
        which = f"its {self.images} published images"
        if self.library is not None:
            which = (
                f"the {self.images} images its first run read ({self.images - self.library} published, "
                f"{self.library} library file{'' if self.library == 1 else 's'} read for their published copies)"
            )
        return (
            f"the engines' own work on {which}: OCR {self.ocr_seconds:.1f} s and faces "
            f"{self.face_seconds:.1f} s, {self.floor:.1f} s on {self.cores} cores"
        )


def _distinct(dataset: Path, wanted: Callable[[Path], bool]) -> dict[str, Path]:
    """The dataset's image files that `wanted` keeps, each distinct one once: by sha256, first by path."""
    seen: dict[str, Path] = {}
    for path in library_images(dataset):  # every image file Pillow reads, in name order
        if wanted(path):
            seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return seen


def _in_library(dataset: Path, path: Path) -> bool:
    return path.relative_to(dataset).parts[0] == LIBRARY


def published_images(dataset: Path) -> list[Path]:
    """Each distinct image file the platforms serve for the school (by sha256, first by path), the library left out."""
    return list(_distinct(dataset, lambda path: not _in_library(dataset, path)).values())


def images_read(dataset: Path, warehouse: Path) -> tuple[list[Path], int]:
    """The dataset's image files (the library's among them) whose readings the engines made in the run that wrote
    `warehouse`, each once, and how many of them are library files."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        read = {
            sha
            for (sha,) in con.execute(
                "SELECT sha256 FROM raw.image_readings WHERE error IS NULL AND reader NOT LIKE '% it copies'"
            ).fetchall()
        }
    finally:
        con.close()
    found = [path for sha, path in _distinct(dataset, lambda path: True).items() if sha in read]
    return found, sum(_in_library(dataset, path) for path in found)


def engine_work(dataset: Path, warehouse: Path | None = None) -> EngineWork:
    """The engines' own work on the images the run that wrote `warehouse` read (`images_read`), or without one,
    on the dataset's distinct published images."""
    paths, library = images_read(dataset, warehouse) if warehouse else (published_images(dataset), None)
    pictures = []
    for path in paths:
        try:
            pictures.append(np.asarray(grayscale(decode_upright(path.read_bytes()))))
        except UnreadableImage:
            continue  # the run reads nothing of it either
    if pictures:  # the worker started and its model loaded, the detector made: not per image
        read_text(pictures[0])
        detect_faces(pictures[0])
    ocr = 0.0
    for picture in pictures:
        started = time.perf_counter()  # the worker's time: this process only waits on its pipe
        read_text(picture)
        ocr += time.perf_counter() - started
    started = time.process_time()
    for picture in pictures:
        detect_faces(picture)
    faces = time.process_time() - started
    return EngineWork(len(pictures), ocr, faces, usable_cores(), library)
