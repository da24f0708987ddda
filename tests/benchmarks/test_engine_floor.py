"""The engines' floor under what reading adds: the images a first run's engines read (a library file read for its
copies among them, a copy that took its file's reading not), or without a run each distinct published image once,
and the engines' seconds over the usable cores."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from benchmarks.engine_floor import EngineWork, engine_work, images_read, published_images
from tests.builders.images import encode, textured_image
from tests.builders.warehouse import migrated_warehouse


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


def test_with_a_run_the_floor_is_of_the_images_its_engines_read(tmp_path: Path) -> None:
    original, other, unpublished = (encode(textured_image(n), "JPEG") for n in (1, 2, 3))
    library = write(tmp_path / "registers" / "approved_media" / "original.jpg", original)
    write(tmp_path / "registers" / "approved_media" / "unpublished.jpg", unpublished)
    copy = encode(textured_image(1), "PNG")  # a platform's copy of the library file: takes its reading
    write(tmp_path / "x" / "School" / "media" / "copy.png", copy)
    published = write(tmp_path / "x" / "School" / "media" / "other.jpg", other)
    broken = write(tmp_path / "youtube" / "UCx" / "thumbnails" / "v.jpg", encode(textured_image(4), "JPEG"))
    warehouse = migrated_warehouse(tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    for data, reader, error in (
        (original, "tesseract", None),
        (copy, f"tesseract; as the approved file {hashlib.sha256(original).hexdigest()} it copies", None),
        (other, "tesseract", None),
        (broken.read_bytes(), "tesseract", "cannot identify image file"),
    ):
        con.execute(
            "INSERT INTO raw.image_readings VALUES (?, ?, 0, 0, '[]', now(), ?)",
            [hashlib.sha256(data).hexdigest(), reader, error],
        )
    con.close()

    assert sorted(images_read(tmp_path, warehouse)[0]) == sorted([library, published])
    assert images_read(tmp_path, warehouse)[1] == 1
    work = engine_work(tmp_path, warehouse)
    assert work.images == 2 and work.library == 1
    assert work.note().startswith(
        "the engines' own work on the 2 images its first run read (1 published, 1 library file read for their"
        " published copies): OCR "
    )
