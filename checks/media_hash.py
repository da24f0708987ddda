"""Perceptual fingerprints of images, so a resized or re-encoded copy still matches its original."""

from __future__ import annotations

import hashlib
import io
import warnings
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


def phash(gray: Image.Image) -> str:
    """Which of the picture's lowest frequencies (a 2-D DCT of it at 32x32) are above their median."""
    side = HASH_SIDE * PHASH_SCALE
    pixels = np.asarray(grayscale(gray).resize((side, side), Image.Resampling.LANCZOS), dtype=np.float64)
    low = dct(dct(pixels, axis=0), axis=1)[:HASH_SIDE, :HASH_SIDE]
    return _hex(low > np.median(low))


def dhash(gray: Image.Image) -> str:
    """Whether each pixel of the picture at 9x8 is brighter than its left neighbour."""
    pixels = np.asarray(grayscale(gray).resize((HASH_SIDE + 1, HASH_SIDE), Image.Resampling.LANCZOS))
    return _hex(pixels[:, 1:] > pixels[:, :-1])


class UnreadableImage(Exception):
    """The bytes are not an image we will decode (corrupt, unsupported, or absurdly large)."""


def decode_upright(data: bytes) -> Image.Image:
    """The picture as a person sees it (EXIF orientation applied), RGB; UnreadableImage when it is not one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise UnreadableImage(f"{width}x{height} pixels is over the {MAX_PIXELS} limit")
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
    gray = grayscale(picture)
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_bytes": len(data),
        "width": picture.width,
        "height": picture.height,
        "phash": phash(gray),
        "dhash": dhash(gray),
    }


# The shapes Instagram crops a feed photo to (width:height); the app centres the crop unless the poster moves it.
CROP_RATIOS = {"4:5": 4 / 5, "1.91:1": 1.91, "1:1": 1.0}


def centre_crop(picture: Image.Image, ratio: float) -> Image.Image | None:
    """The largest centred part of `picture` of width:height `ratio`; None when the picture already has it (within 2%)."""
    width, height = picture.size
    if abs(width / height - ratio) <= 0.02 * ratio:
        return None
    if width / height > ratio:
        kept = round(height * ratio)
        left = (width - kept) // 2
        return picture.crop((left, 0, left + kept, height))
    kept = round(width / ratio)
    top = (height - kept) // 2
    return picture.crop((0, top, width, top + kept))


def crop_fingerprints(picture: Image.Image) -> dict[str, dict[str, str]]:
    """pHash/dHash of each Instagram crop of the picture, by ratio name (ratios the picture already has left out)."""
    crops: dict[str, dict[str, str]] = {}
    gray = grayscale(
        picture
    )  # the hashes' own conversion, made once for every crop (a crop of it is the same)
    for name, ratio in CROP_RATIOS.items():
        cropped = centre_crop(gray, ratio)
        if cropped is not None:
            crops[name] = {"phash": phash(cropped), "dhash": dhash(cropped)}
    return crops


def fingerprint_approved(data: bytes) -> dict[str, Any]:
    """An approved file's fingerprints: the whole picture's and, under `crops`, its Instagram crops'."""
    picture = grayscale(decode_upright(data))
    return {**fingerprint_picture(data, picture), "crops": crop_fingerprints(picture)}


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
