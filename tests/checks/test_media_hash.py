"""The product's pHash and dHash are the imagehash library's, bit for bit: the hashes kept in a warehouse and in a
school's approved-media cache were written by it, and a copy is matched by their Hamming distance, so one bit
computed differently would move a match. imagehash is a developers' tool here, kept only to hold the two side by
side; a school's install leaves it (and PyWavelets under it) out."""

from __future__ import annotations

import io

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageOps
from skimage import data as photographs

from checks.media_hash import (
    CROP_RATIOS,
    centre_crop,
    crop_fingerprints,
    dhash,
    fingerprint_image,
    fingerprint_in_two,
    fingerprint_with_crops,
    grayscale,
    hamming,
    phash,
)
from sandbox.school.images import Shot, jpeg_bytes, render

PHOTOGRAPHS = ("astronaut", "camera", "coffee", "chelsea", "rocket", "page", "text", "horse", "moon")


def _pictures() -> list[tuple[str, Image.Image]]:
    found = [(name, Image.fromarray(getattr(photographs, name)())) for name in PHOTOGRAPHS]
    found += [(f"scene {scene}", render(Shot(scene, "field"), 640, 480)) for scene in (11, 12, 13)]
    noise = np.random.default_rng(39)
    found += [
        (f"noise {w}x{h}", Image.fromarray(noise.integers(0, 256, (h, w), dtype=np.uint8)))
        for w, h in ((7, 5), (32, 32), (33, 31), (1080, 1350))
    ]
    found += [
        ("flat", Image.new("L", (50, 40), 128)),
        ("one pixel", Image.new("RGB", (1, 1), (200, 10, 10))),
        ("halves", Image.fromarray(np.repeat([[0] * 20 + [255] * 20], 30, axis=0).astype(np.uint8))),
    ]
    return found


@pytest.mark.parametrize(
    ("name", "picture"), _pictures(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_the_hashes_are_imagehashs_on_every_picture_its_grayscale_and_its_crops(
    name: str, picture: Image.Image
) -> None:
    gray = grayscale(picture)
    for shape in [gray, *(centre_crop(gray, ratio) for ratio in (4 / 5, 1.91, 1.0))]:
        if shape is None:
            continue
        assert phash(shape) == str(imagehash.phash(shape)), name
        assert dhash(shape) == str(imagehash.dhash(shape)), name
    # imagehash turns a colour picture to grayscale itself, as the product's functions do.
    assert phash(picture) == str(imagehash.phash(picture)), name
    assert dhash(picture) == str(imagehash.dhash(picture)), name


@pytest.mark.parametrize(
    ("name", "picture"),
    [
        *_pictures(),
        *(
            (
                f"noise {w}x{h}",
                Image.fromarray(np.random.default_rng(w).integers(0, 256, (h, w), dtype=np.uint8)),
            )
            for w, h in ((1440, 1080), (1080, 1440), (720, 1280), (1, 2))
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_fingerprint_with_its_crops_is_imagehashs_of_the_picture_and_of_each_crop(
    name: str, picture: Image.Image
) -> None:
    # A crop as wide as the picture is hashed from the whole picture's passes: the same bits as the crop itself.
    gray = grayscale(picture)
    found = fingerprint_with_crops(b"", picture)
    assert (found["phash"], found["dhash"]) == (str(imagehash.phash(gray)), str(imagehash.dhash(gray))), name
    expected = {}
    for ratio_name, ratio in CROP_RATIOS.items():
        cropped = centre_crop(gray, ratio)
        if cropped is not None:
            expected[ratio_name] = {
                "phash": str(imagehash.phash(cropped)),
                "dhash": str(imagehash.dhash(cropped)),
            }
    assert found["crops"] == expected == crop_fingerprints(picture), name


@pytest.mark.parametrize(
    ("name", "picture"), _pictures(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_a_fingerprint_made_in_two_parts_is_the_fingerprint_with_its_crops(
    name: str, picture: Image.Image
) -> None:
    # The library's catalogue hashes its files from the grayscale pixels it keeps for their reading, shared.
    shared = Image.fromarray(np.asarray(grayscale(picture)))
    first, rest = fingerprint_in_two(b"file", shared)

    assert "dhash" not in first and "crops" not in first
    assert {**first, **rest()} == fingerprint_with_crops(b"file", picture), name


def test_a_fingerprint_and_its_crops_are_written_as_imagehash_wrote_them() -> None:
    picture = render(Shot(12, "field"), 1600, 1200)
    fingerprint = fingerprint_image(jpeg_bytes(picture, 85))
    decoded = ImageOps.exif_transpose(Image.open(io.BytesIO(jpeg_bytes(picture, 85)))).convert("L")

    assert fingerprint["phash"] == str(imagehash.phash(decoded))
    assert fingerprint["dhash"] == str(imagehash.dhash(decoded))
    crops = crop_fingerprints(decoded)
    assert sorted(crops) == sorted(CROP_RATIOS)  # a 4:3 picture has none of Instagram's shapes
    for ratio_name, crop in crops.items():
        cropped = centre_crop(decoded, CROP_RATIOS[ratio_name])
        assert cropped is not None
        assert crop == {"phash": str(imagehash.phash(cropped)), "dhash": str(imagehash.dhash(cropped))}
    # 64 bits each: a copy's distance to itself is nothing, to the picture upside down most of them.
    flipped = fingerprint_image(jpeg_bytes(picture.rotate(180), 85))
    assert hamming(fingerprint["phash"], fingerprint["phash"]) == 0
    assert hamming(fingerprint["phash"], flipped["phash"]) > 8
