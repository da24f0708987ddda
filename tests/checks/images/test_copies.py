"""A published copy of a library file takes that file's reading (the file read then, never before a copy of it is
published) only when it is the same picture:
real photographs (scikit-image's) as the library, copies resized and re-encoded as a platform serves them, and the
same photographs with a pupil's name written in them, cropped, or brightened, which must be read on their own."""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
from collections.abc import Callable
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFont
from skimage import data as photos

from checks.images import copies, reading
from checks.images.copies import LATER, Originals, difference, proof, same_picture
from checks.images.reading import (
    WAITS_FOR_LIBRARY,
    ReadOnce,
    approved_readings,
    catalogue_library_folder,
    examine,
)
from checks.media_hash import decode_upright, fingerprint_approved, fingerprint_picture

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera")
# Pillow's own font (no system font is assumed), at the pixel sizes asked for.
FONT = ImageFont.load_default


def photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(photos, name)()).convert("RGB").resize((800, 600))


def jpeg(picture: Image.Image, width: int | None = None, quality: int = 80) -> bytes:
    if width is not None:
        picture = picture.resize(
            (width, round(width * picture.height / picture.width)), Image.Resampling.LANCZOS
        )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def gray(data: bytes) -> np.ndarray:
    return np.asarray(decode_upright(data).convert("L"))


def named(picture: Image.Image, size: int, fill: str) -> Image.Image:
    picture = picture.copy()
    ImageDraw.Draw(picture).text((480, 520), "Amelia Khan", font=FONT(size), fill=fill)
    return picture


@pytest.mark.parametrize("name", PHOTOS)
def test_a_resized_reencoded_copy_is_the_same_picture(name: str) -> None:
    original = jpeg(photo(name), quality=92)
    for width, quality in ((680, 80), (1024, 85), (480, 70)):
        assert same_picture(proof(gray(original)), proof(gray(jpeg(photo(name), width, quality))))


@pytest.mark.parametrize("name", PHOTOS)
@pytest.mark.parametrize("size", [12, 18, 28])
@pytest.mark.parametrize("fill", ["white", "black"])
def test_a_name_written_in_a_copy_makes_it_another_picture(name: str, size: int, fill: str) -> None:
    original = proof(gray(jpeg(photo(name), quality=92)))
    changed = proof(gray(jpeg(named(photo(name), size, fill), 680)))
    assert not same_picture(original, changed), difference(original, changed)


@pytest.mark.parametrize("name", PHOTOS)
def test_a_crop_or_a_colour_change_is_read_on_its_own(name: str) -> None:
    original = proof(gray(jpeg(photo(name), quality=92)))
    cropped = photo(name).crop((40, 30, 760, 570)).resize((800, 600))
    brighter = ImageEnhance.Brightness(photo(name)).enhance(1.3)
    for other in (cropped, brighter):
        assert not same_picture(original, proof(gray(jpeg(other, 680))))


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def library(tmp_path: Path) -> dict[str, Path]:
    """scikit-image's photographs as an approved library folder: path by sha256."""
    return {write(tmp_path / f"{n}.jpg", jpeg(photo(n), quality=92)): tmp_path / f"{n}.jpg" for n in PHOTOS}


def test_a_copy_of_a_library_file_takes_its_reading_with_boxes_in_its_own_pixels(tmp_path: Path) -> None:
    files = library(tmp_path)
    once = ReadOnce(())
    folder = catalogue_library_folder(tmp_path, once.read_before, once.originals, workers=2)
    # The whole picture's and its Instagram crops': register settling computes none of them again.
    assert folder.fingerprints == {
        sha: fingerprint_approved(path.read_bytes()) for sha, path in files.items()
    }
    assert folder.readings == [] and approved_readings(files, once.originals) == []  # nothing published yet
    copy = examine(jpeg(photo("astronaut"), 680), once.already_read, once.originals)
    with_name = examine(jpeg(named(photo("astronaut"), 28, "black"), 680), once.already_read, once.originals)
    astronaut_sha = hashlib.sha256((tmp_path / "astronaut.jpg").read_bytes()).hexdigest()
    # Only the file a published image copies is read; the library's other files are hashed, never read.
    (astronaut,) = approved_readings(files, once.originals)
    assert astronaut["sha256"] == astronaut_sha and astronaut["faces"]
    assert copy["reading"]["sha256"] == copy["sha256"] != astronaut["sha256"]
    assert f"as the approved file {astronaut['sha256']} it copies" in copy["reading"]["reader"]
    assert copy["reading"]["faces"] == [[round(v * 680 / 800) for v in box] for box in astronaut["faces"]]
    assert with_name["reading"]["error"] is None and "copies" not in with_name["reading"]["reader"]


def test_copies_are_recognised_before_the_library_files_other_hashes_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The images that waited for the catalogue are read from the moment every file's pHash is known; the dHash and
    # the crops' hashes (for register settling) are made after, and the folder's fingerprints are whole all the same.
    files = library(tmp_path)
    once = ReadOnce(())
    made_once_catalogued: list[bool] = []
    real = reading.fingerprint_in_two

    def watched(
        data: bytes, picture: Image.Image
    ) -> tuple[dict[str, object], Callable[[], dict[str, object]]]:
        found, rest = real(data, picture)

        def later() -> dict[str, object]:
            made_once_catalogued.append(once.originals.is_catalogued())
            return rest()

        return found, later

    monkeypatch.setattr(reading, "fingerprint_in_two", watched)
    folder = catalogue_library_folder(tmp_path, once.read_before, once.originals, workers=2)

    assert made_once_catalogued == [True] * len(files)
    assert folder.fingerprints == {
        sha: fingerprint_approved(path.read_bytes()) for sha, path in files.items()
    }


def test_a_library_beyond_the_pixels_held_is_hashed_whole_as_it_is_catalogued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = library(tmp_path)
    monkeypatch.setattr(reading, "MOST_DEFERRED_PIXELS", 0)
    once = ReadOnce(())

    folder = catalogue_library_folder(tmp_path, once.read_before, once.originals, workers=2)

    assert folder.fingerprints == {
        sha: fingerprint_approved(path.read_bytes()) for sha, path in files.items()
    }


def test_an_unpublished_library_file_is_hashed_never_read_and_read_the_week_a_copy_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = library(tmp_path)
    read: list[str] = []
    real = reading.read_pixels

    def counting(gray: np.ndarray, sha256: str) -> dict[str, object]:
        read.append(sha256)
        return real(gray, sha256)

    monkeypatch.setattr(reading, "read_pixels", counting)
    first = ReadOnce(())
    hashed = catalogue_library_folder(tmp_path, first.read_before, first.originals).fingerprints
    examine(jpeg(photo("coffee"), 680), first.already_read, first.originals)
    first.originals.abandon()
    coffee = hashlib.sha256((tmp_path / "coffee.jpg").read_bytes()).hexdigest()
    week_one = [r["sha256"] for r in approved_readings(files, first.originals)]
    assert set(hashed) == set(files) and week_one == [coffee]
    assert read == [coffee]  # the copy itself is not read: it takes the file's reading

    # Week 2: the files hashed in week 1 are not decoded again, and the one published now is read now.
    read.clear()
    decoded: list[int] = []
    real_decode = copies.decode_upright

    def counting_decode(data: bytes) -> Image.Image:
        decoded.append(len(data))
        return real_decode(data)

    monkeypatch.setattr(copies, "decode_upright", counting_decode)
    second = ReadOnce(week_one)
    assert catalogue_library_folder(tmp_path, second.read_before, second.originals, hashed).fingerprints == {}
    copy = examine(jpeg(photo("rocket"), 680), second.already_read, second.originals)
    second.originals.abandon()
    rocket = hashlib.sha256((tmp_path / "rocket.jpg").read_bytes()).hexdigest()
    assert [r["sha256"] for r in approved_readings(files, second.originals)] == [rocket]
    assert read == [rocket] and copy["reading"]["reader"].endswith(f"{rocket} it copies")
    assert decoded == [(tmp_path / "rocket.jpg").stat().st_size]  # its proof; no other library file decoded


def test_a_copy_of_a_file_another_thread_reads_waits_and_reads_itself_when_that_fails() -> None:
    started, release = threading.Event(), threading.Event()

    def failing(sha256: str, gray: np.ndarray | None, path: Path) -> dict[str, object]:
        started.set()
        release.wait()
        raise RuntimeError("the engine stopped")

    originals = Originals(failing)
    data = jpeg(photo("coffee"), quality=92)
    picture = decode_upright(data)
    originals.add("o" * 64, gray(data), fingerprint_picture(data, picture), Path("coffee.jpg"))
    copy = decode_upright(jpeg(photo("coffee"), 680))
    phash = str(imagehash.phash(copy))
    assert originals.reading_for("c" * 64, phash, copy) is None  # not catalogued yet: read it
    originals.catalogued()

    def first_copy() -> None:
        with contextlib.suppress(RuntimeError):
            originals.reading_for("d" * 64, phash, copy)

    reader = threading.Thread(target=first_copy)
    reader.start()
    started.wait()
    assert originals.reading_for("c" * 64, phash, copy) == LATER  # the first copy met is reading the file
    release.set()
    reader.join()
    assert originals.reading_for("c" * 64, phash, copy) is None  # its reading failed: the copy reads itself


def test_a_copy_waits_only_while_too_little_is_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    originals = Originals()  # no reader: as when another thread is reading the file
    data = jpeg(photo("rocket"), quality=92)
    picture = decode_upright(data)
    originals.add("o" * 64, gray(data), fingerprint_picture(data, picture), Path("rocket.jpg"))
    originals.catalogued()
    copy = jpeg(photo("rocket"), 680)
    assert WAITS_FOR_LIBRARY in examine(copy, lambda sha: False, originals)
    monkeypatch.setattr(copies, "MOST_WAITING_BYTES", len(copy))
    read = examine(copy, lambda sha: False, originals)
    assert WAITS_FOR_LIBRARY not in read and read["reading"]["error"] is None
