"""The engines' own work on a school's published images: the floor under what reading images adds to a first run.

A first run reads each distinct published image once (an approved library file only through a published copy of
it), so its reading cannot add less than the OCR engine and the face detector take for those images with every
usable core reading and nothing else to do. Measured here on the school's own files, one image at a time, after a
warm-up: the OCR engine in one worker process (checks/images/text.py, as the run reads), faces in this process.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def floor(self) -> float:
        """Seconds of wall the engines need on every usable core at once."""
        return (self.ocr_seconds + self.face_seconds) / max(1, self.cores)

    def note(self) -> str:
        return (
            f"the engines' own work on its {self.images} published images: OCR {self.ocr_seconds:.1f} s and faces "
            f"{self.face_seconds:.1f} s, {self.floor:.1f} s on {self.cores} cores"
        )


def published_images(dataset: Path) -> list[Path]:
    """Each distinct image file the platforms serve for the school (by sha256, first by path), the library left out."""
    seen: dict[str, Path] = {}
    for path in library_images(dataset):  # every image file Pillow reads, in name order
        if path.relative_to(dataset).parts[0] != LIBRARY:
            seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(seen.values())


def engine_work(dataset: Path) -> EngineWork:
    pictures = []
    for path in published_images(dataset):
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
    return EngineWork(len(pictures), ocr, faces, usable_cores())
