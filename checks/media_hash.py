"""Perceptual fingerprints of images, so a resized or re-encoded copy still matches its original."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageOps
from scipy.fft import dct

# A school photo is a few megapixels; anything far beyond is a decompression bomb, not a photo.
MAX_PIXELS = 60_000_000
ORIENTATION = 0x0112  # the EXIF tag saying how the camera was held


# The hashes of Krawetz's "Looks Like It" (pHash) and "Kind of Like That" (dHash), bit for bit as the imagehash
# library computes them (tests/checks/test_media_hash.py holds the two side by side): 64 bits each, written as
# 16 hex digits, the first row's bits first.
HASH_SIDE = 8
PHASH_SCALE = 4  # pHash keeps the lowest 8x8 frequencies of a 32x32 picture


def _hex(bits: np.ndarray) -> str:
    number = int("".join("1" if bit else "0" for bit in bits.flatten()), 2)
    return f"{number:0{bits.size // 4}x}"


PHASH_SIZE = (HASH_SIDE * PHASH_SCALE, HASH_SIDE * PHASH_SCALE)
DHASH_SIZE = (HASH_SIDE + 1, HASH_SIDE)


def _phash_of(small: Image.Image) -> str:
    pixels = np.asarray(small, dtype=np.float64)
    low = dct(dct(pixels, axis=0), axis=1)[:HASH_SIDE, :HASH_SIDE]
    return _hex(low > np.median(low))


def _dhash_of(small: Image.Image) -> str:
    pixels = np.asarray(small)
    return _hex(pixels[:, 1:] > pixels[:, :-1])


def phash(gray: Image.Image) -> str:
    """Which of the picture's lowest frequencies (a 2-D DCT of it at 32x32) are above their median."""
    return _phash_of(grayscale(gray).resize(PHASH_SIZE, Image.Resampling.LANCZOS))


def dhash(gray: Image.Image) -> str:
    """Whether each pixel of the picture at 9x8 is brighter than its left neighbour."""
    return _dhash_of(grayscale(gray).resize(DHASH_SIZE, Image.Resampling.LANCZOS))


class _Rows:
    """A grayscale picture resized to a hash's size, whole or a band of its rows (a crop as wide as the picture),
    with one horizontal pass per hash for all of them. Pillow resizes across (to 8-bit pixels), then down; across,
    a band's rows are the whole picture's rows, so the band's hash is the picture's across-pass cut to the band and
    resized down: the same bits as the band cropped and resized (tests/checks/test_media_hash.py), for a fraction
    of the work (the across-pass of a large picture is nearly all of it)."""

    def __init__(self, gray: Image.Image) -> None:
        self.gray = gray
        self._across: dict[int, Image.Image] = {}

    def resized(self, size: tuple[int, int], top: int, bottom: int) -> Image.Image:
        width = size[0]
        across = self._across.get(width)
        if across is None:
            across = self.gray.resize((width, self.gray.height), Image.Resampling.LANCZOS)
            self._across[width] = across
        band = across if (top, bottom) == (0, self.gray.height) else across.crop((0, top, width, bottom))
        return band.resize(size, Image.Resampling.LANCZOS)

    def hashes(self, top: int, bottom: int) -> dict[str, str]:
        return {
            "phash": _phash_of(self.resized(PHASH_SIZE, top, bottom)),
            "dhash": _dhash_of(self.resized(DHASH_SIZE, top, bottom)),
        }


class UnreadableImage(Exception):
    """The bytes are not an image we will decode (corrupt, unsupported, or absurdly large)."""


def decode_upright(data: bytes, fit: int | None = None) -> Image.Image:
    """The picture as a person sees it (EXIF orientation applied), RGB; UnreadableImage when it is not one. With
    `fit`, shrunk to fit a `fit` px square for a picture shown small (Pillow's `thumbnail`: a JPEG is decoded at the
    reduced scale its decoder gives nearly free, 1/2 to 1/8, rather than in full and then shrunk)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise UnreadableImage(f"{width}x{height} pixels is over the {MAX_PIXELS} limit")
                if fit is not None:
                    opened.thumbnail((fit, fit), Image.Resampling.LANCZOS)
                opened.load()
                # Turned only when its EXIF says so, and converted only when not RGB already: each copy of a
                # decoded photo costs about as much as a tenth of decoding it.
                upright = (
                    opened if opened.getexif().get(ORIENTATION, 1) == 1 else ImageOps.exif_transpose(opened)
                )
                return upright if upright.mode == "RGB" else upright.convert("RGB")
    except UnreadableImage:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise UnreadableImage(f"not a readable image: {type(error).__name__}: {error}") from error


def grayscale(picture: Image.Image) -> Image.Image:
    """The picture in Pillow's grayscale ("L", ITU-R 601-2 luma), which every hash, crop's hash, copy's proof and
    reading works on: a decoded picture is converted once, however many are made of it (a grayscale one is itself)."""
    return picture if picture.mode == "L" else picture.convert("L")


def fingerprint_image(data: bytes) -> dict[str, Any]:
    """sha256 of the bytes plus pHash/dHash of the picture as a person sees it (EXIF orientation applied)."""
    return fingerprint_picture(data, grayscale(decode_upright(data)))


FINGERPRINT_FIELDS = ("sha256", "n_bytes", "width", "height", "phash", "dhash")


def fingerprint_picture(data: bytes, picture: Image.Image) -> dict[str, Any]:
    """The fingerprints of `data` from its picture already decoded (`decode_upright`, or its `grayscale`)."""
    return _fingerprint(data, picture, _Rows(grayscale(picture)))


def _fingerprint(data: bytes, picture: Image.Image, rows: _Rows) -> dict[str, Any]:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_bytes": len(data),
        "width": picture.width,
        "height": picture.height,
        **rows.hashes(0, rows.gray.height),
    }


# The shapes Instagram crops a feed photo to (width:height); the app centres the crop unless the poster moves it.
CROP_RATIOS = {"4:5": 4 / 5, "1.91:1": 1.91, "1:1": 1.0}


def centre_crop(picture: Image.Image, ratio: float) -> Image.Image | None:
    """The largest centred part of `picture` of width:height `ratio`; None when the picture already has it (within 2%)."""
    box = _centre_box(picture.size, ratio)
    return None if box is None else picture.crop(box)


def _centre_box(size: tuple[int, int], ratio: float) -> tuple[int, int, int, int] | None:
    width, height = size
    if abs(width / height - ratio) <= 0.02 * ratio:
        return None
    if width / height > ratio:
        kept = round(height * ratio)
        left = (width - kept) // 2
        return (left, 0, left + kept, height)
    kept = round(width / ratio)
    top = (height - kept) // 2
    return (0, top, width, top + kept)


def crop_fingerprints(picture: Image.Image) -> dict[str, dict[str, str]]:
    """pHash/dHash of each Instagram crop of the picture, by ratio name (ratios the picture already has left out)."""
    return _crop_fingerprints(_Rows(grayscale(picture)))


def _crop_fingerprints(rows: _Rows) -> dict[str, dict[str, str]]:
    crops: dict[str, dict[str, str]] = {}
    gray = rows.gray
    for name, ratio in CROP_RATIOS.items():
        box = _centre_box(gray.size, ratio)
        if box is None:
            continue
        left, top, right, bottom = box
        if (left, right) == (0, gray.width):  # a band of rows: the whole picture's across-passes serve it
            crops[name] = rows.hashes(top, bottom)
        else:
            cropped = gray.crop(box)
            crops[name] = {"phash": phash(cropped), "dhash": dhash(cropped)}
    return crops


def fingerprint_with_crops(data: bytes, picture: Image.Image) -> dict[str, Any]:
    """`fingerprint_picture` with its Instagram crops' hashes under `crops`, as an approved file's are kept: a crop
    as wide as the picture is hashed from the whole picture's work (`_Rows`)."""
    rows = _Rows(grayscale(picture))
    return {**_fingerprint(data, picture, rows), "crops": _crop_fingerprints(rows)}


def fingerprint_in_two(
    data: bytes, picture: Image.Image
) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
    """`fingerprint_with_crops` in two parts: now the sha256, size and pHash (what tells a copy: checks/images/
    copies.py), and the dHash and the Instagram crops' hashes (under `crops`) when the function returned is called,
    from the same across-passes. A library catalogue recognises copies once every file's pHash is known, so the rest,
    more than half the hashing, is left until then rather than kept on the path every reading waits on."""
    rows = _Rows(grayscale(picture))
    first = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_bytes": len(data),
        "width": picture.width,
        "height": picture.height,
        "phash": _phash_of(rows.resized(PHASH_SIZE, 0, rows.gray.height)),
    }

    def rest() -> dict[str, Any]:
        return {
            "dhash": _dhash_of(rows.resized(DHASH_SIZE, 0, rows.gray.height)),
            "crops": _crop_fingerprints(rows),
        }

    return first, rest


def fingerprint_approved(data: bytes) -> dict[str, Any]:
    """An approved file's fingerprints: the whole picture's and, under `crops`, its Instagram crops'."""
    return fingerprint_with_crops(data, grayscale(decode_upright(data)))


def hamming(hex_a: str, hex_b: str) -> int:
    """Bits that differ between two equal-length hex hashes."""
    return (int(hex_a, 16) ^ int(hex_b, 16)).bit_count()


def fingerprint_library(
    approved_media: Any,
    files: dict[str, str],
    library_dir: Any,
    cached: dict[str, dict[str, Any]],
    prefix: str,
    fingerprinted: dict[str, dict[str, Any]],
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """The approved images' hashes (with their crops') by file sha256; a file hashed before is not decoded again.

    `files` holds the sha256 the register loader already computed for each `approved_media/<name>`, so the
    library is not even re-read. `fingerprinted` holds this run's new fingerprints by sha256 (the library's
    catalogue computed them: checks/images/reading.py `catalogue`); the crops are computed here. Returns the register frame
    with `file_sha256` added, and the new hashes.
    """
    import polars as pl

    shas: list[str | None] = []
    fresh: dict[str, dict[str, Any]] = {}
    for name in approved_media["file"].to_list():
        if not name:
            shas.append(None)
            continue
        sha = files[f"{prefix}/{name}"]
        shas.append(sha)
        if sha not in cached and sha not in fresh:
            known = fingerprinted.get(sha)
            if known is not None and "crops" in known:
                fresh[sha] = known
            else:
                data = (library_dir / name).read_bytes()
                fresh[sha] = {**(known or {}), **fingerprint_approved(data)}
    return approved_media.with_columns(pl.Series("file_sha256", shas, dtype=pl.Utf8)), fresh
