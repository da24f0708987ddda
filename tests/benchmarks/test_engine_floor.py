"""The engines' floor under what reading adds: each distinct published image once, the library left out, and the
engines' seconds over the usable cores."""

from __future__ import annotations

from pathlib import Path

from benchmarks.engine_floor import EngineWork, engine_work, published_images
from tests.builders.images import encode, textured_image


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_each_distinct_published_image_is_counted_once_and_the_library_never(tmp_path: Path) -> None:
    one, other = encode(textured_image(1), "JPEG"), encode(textured_image(2), "PNG")
    write(tmp_path / "x" / "School" / "media" / "1.jpg", one)
    first = write(tmp_path / "facebook" / "school" / "media" / "copy.jpg", one)  # posted twice: first by path
    second = write(tmp_path / "youtube" / "UCx" / "thumbnails" / "v.png", other)
    write(tmp_path / "registers" / "approved_media" / "library.jpg", encode(textured_image(3), "JPEG"))
    write(tmp_path / "x" / "School" / "posts.json", b"[]")

    assert sorted(published_images(tmp_path)) == sorted([first, second])


def test_the_floor_is_the_engines_seconds_over_the_usable_cores(tmp_path: Path) -> None:
    write(tmp_path / "x" / "School" / "media" / "1.jpg", encode(textured_image(1), "JPEG"))
    write(tmp_path / "x" / "School" / "media" / "2.jpg", encode(textured_image(2), "JPEG"))
    write(tmp_path / "x" / "School" / "media" / "broken.jpg", b"not an image")

    work = engine_work(tmp_path)

    assert work.images == 2 and work.ocr_seconds > 0 and work.face_seconds > 0 and work.cores >= 1
    assert work.floor == (work.ocr_seconds + work.face_seconds) / work.cores
    assert EngineWork(117, 4.0, 1.6, 2).note() == (
        "the engines' own work on its 117 published images: OCR 4.0 s and faces 1.6 s, 2.8 s on 2 cores"
    )
