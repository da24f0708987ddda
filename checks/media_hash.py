"""Perceptual fingerprints of images, so a resized or re-encoded copy still matches its original."""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import Any

import imagehash
from PIL import Image, ImageOps

# A school photo is a few megapixels; anything far beyond is a decompression bomb, not a photo.
MAX_PIXELS = 60_000_000


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
                upright = ImageOps.exif_transpose(opened)
                upright.load()
                return upright.convert("RGB")
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


def fingerprint_image(data: bytes) -> dict[str, Any]:
    """sha256 of the bytes plus pHash/dHash of the picture as a person sees it (EXIF orientation applied)."""
    return fingerprint_picture(data, decode_upright(data))


FINGERPRINT_FIELDS = ("sha256", "n_bytes", "width", "height", "phash", "dhash")


def fingerprint_picture(data: bytes, picture: Image.Image) -> dict[str, Any]:
    """The fingerprints of `data` from its picture already decoded (`decode_upright`)."""
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_bytes": len(data),
        "width": picture.width,
        "height": picture.height,
        "phash": str(imagehash.phash(picture)),
        "dhash": str(imagehash.dhash(picture)),
    }


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
    """The approved images' hashes by file sha256; a file whose bytes were hashed before is not decoded again.

    `files` holds the sha256 the register loader already computed for each `approved_media/<name>`, so the
    library is not even re-read. `fingerprinted` holds this run's new fingerprints by sha256 (the library's
    catalogue computed them: checks/images/reading.py `catalogue`), taken as they are. Returns the register frame
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
            fresh[sha] = known if known is not None else fingerprint_image((library_dir / name).read_bytes())
    return approved_media.with_columns(pl.Series("file_sha256", shas, dtype=pl.Utf8)), fresh
