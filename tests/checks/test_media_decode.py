"""An image is decoded as a person sees it: turned as its EXIF orientation says, in RGB whatever it was stored as."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from checks.media_hash import ORIENTATION, UnreadableImage, decode_upright


def _encoded(picture: Image.Image, fmt: str = "JPEG", orientation: int | None = None) -> bytes:
    buffer = io.BytesIO()
    if orientation is None:
        picture.save(buffer, fmt)
    else:
        exif = Image.Exif()
        exif[ORIENTATION] = orientation
        picture.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def _picture() -> Image.Image:
    picture = Image.new("RGB", (60, 40), "white")
    picture.paste((200, 30, 30), (0, 0, 20, 10))  # a red block at the top left
    return picture


def test_a_photo_stored_sideways_is_turned_upright() -> None:
    stored = _picture().transpose(Image.Transpose.ROTATE_90)  # as a camera held on its side stores it

    upright = decode_upright(_encoded(stored, orientation=6))  # 6: turn 90 degrees clockwise to view

    assert upright.size == (60, 40) and upright.mode == "RGB"
    red, green, _ = upright.getpixel((5, 3))  # type: ignore[misc]
    assert red > 150 and green < 90, "the red block is back at the top left"


@pytest.mark.parametrize("orientation", [None, 1])
def test_an_upright_photo_is_its_own_pixels(orientation: int | None) -> None:
    data = _encoded(_picture(), orientation=orientation)

    decoded = decode_upright(data)

    assert decoded.size == (60, 40) and decoded.mode == "RGB"
    assert decoded.tobytes() == Image.open(io.BytesIO(data)).convert("RGB").tobytes()


@pytest.mark.parametrize("mode", ["L", "P", "RGBA"])
def test_a_picture_stored_in_another_mode_comes_back_rgb(mode: str) -> None:
    decoded = decode_upright(_encoded(_picture().convert(mode), "PNG"))

    assert decoded.mode == "RGB" and decoded.size == (60, 40)


def test_bytes_that_are_no_image_are_unreadable() -> None:
    with pytest.raises(UnreadableImage):
        decode_upright(b"not an image")
