"""The thumbnails beside a media finding: small, upright, without metadata, made from a real photograph."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from skimage import data as photos

from checks.images.reading import examine
from checks.images.thumbnails import THUMBNAIL_SIDE, PictureSource, PublishedPictures, thumbnail
from checks.media_hash import decode_upright

# A real photograph's thumbnail is a few KB (the astronaut portrait, the busiest of scikit-image's: about 6.5 KB).
MAX_THUMBNAIL_BYTES = 8_000


def photo_bytes(picture: Image.Image, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    if orientation is not None:
        exif[0x0112] = orientation
    picture.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_a_photo_becomes_a_small_upright_jpeg_with_no_metadata() -> None:
    portrait = Image.fromarray(photos.astronaut()).resize((1200, 600))
    # Stored sideways with an EXIF orientation: the thumbnail is the picture as a person sees it.
    data = photo_bytes(portrait.rotate(90, expand=True), orientation=8)
    small = thumbnail(decode_upright(data))
    assert len(small) <= MAX_THUMBNAIL_BYTES
    with Image.open(io.BytesIO(small)) as opened:
        assert opened.format == "JPEG"
        assert opened.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
        assert not opened.getexif() and "exif" not in opened.info


def test_a_thumbnail_decoded_small_is_the_one_decoded_in_full_to_the_eye() -> None:
    # Decoded at a reduced scale (`fit`), turned upright after shrinking: the same size and, pixel by pixel, within a
    # few levels of the thumbnail made from the whole decoded picture.
    portrait = Image.fromarray(photos.astronaut()).resize((1200, 600))
    data = photo_bytes(portrait.rotate(90, expand=True), orientation=8)
    with (
        Image.open(io.BytesIO(thumbnail(decode_upright(data)))) as full,
        Image.open(io.BytesIO(thumbnail(decode_upright(data, fit=THUMBNAIL_SIDE)))) as small,
    ):
        assert small.size == full.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)
        difference = np.abs(np.asarray(full, dtype=np.float64) - np.asarray(small, dtype=np.float64))
        assert difference.mean() < 3.0


def test_an_examined_image_is_thumbnailed_only_when_a_finding_asks_for_it(monkeypatch) -> None:
    import hashlib

    import checks.images.thumbnails as thumbnails

    data = photo_bytes(Image.fromarray(photos.coffee()))
    made: list[bytes] = []
    real = thumbnails.thumbnail

    def counted(picture: Image.Image) -> bytes:
        made.append(real(picture))
        return made[-1]

    monkeypatch.setattr(thumbnails, "thumbnail", counted)
    pictures = PublishedPictures()
    found = examine(data, None, pictures=pictures)
    assert "thumbnail" not in found and made == []  # examined: its bytes kept, no thumbnail made
    assert pictures.thumbnail_of(found["sha256"]) == real(decode_upright(data, fit=THUMBNAIL_SIDE))
    assert (
        pictures.thumbnail_of(found["sha256"]) == real(decode_upright(data, fit=THUMBNAIL_SIDE))
        and len(made) == 1
    )  # made once
    assert pictures.thumbnail_of(hashlib.sha256(b"not examined").hexdigest()) is None


def test_past_the_bytes_kept_an_image_is_thumbnailed_as_it_is_examined() -> None:
    first = photo_bytes(Image.fromarray(photos.coffee()))
    second = photo_bytes(Image.fromarray(photos.chelsea()))
    pictures = PublishedPictures(most_kept_bytes=len(first))
    kept, past = examine(first, None, pictures=pictures), examine(second, None, pictures=pictures)
    assert pictures._data.keys() == {kept["sha256"]}  # the second's bytes were let go ...
    assert pictures._thumbnails.keys() == {past["sha256"]}  # ... once its thumbnail was made
    assert pictures.thumbnail_of(past["sha256"]) == thumbnail(decode_upright(second, fit=THUMBNAIL_SIDE))
    assert pictures.thumbnail_of(kept["sha256"]) == thumbnail(decode_upright(first, fit=THUMBNAIL_SIDE))


def test_an_approved_file_is_thumbnailed_only_while_it_is_the_file_the_register_hashed(tmp_path) -> None:
    import hashlib

    data = photo_bytes(Image.fromarray(photos.chelsea()))
    (tmp_path / "A017.jpg").write_bytes(data)
    source = PictureSource(PublishedPictures(), tmp_path)
    assert source.library_thumbnail("A017.jpg", hashlib.sha256(data).hexdigest()) == thumbnail(
        decode_upright(data, fit=THUMBNAIL_SIDE)
    )
    assert source.library_thumbnail("A017.jpg", "0" * 64) is None  # replaced since: not the approved picture
    assert source.library_thumbnail("gone.jpg", hashlib.sha256(data).hexdigest()) is None
    assert PictureSource().library_thumbnail("A017.jpg", hashlib.sha256(data).hexdigest()) is None
