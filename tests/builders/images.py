"""Photo-like test pictures, as the school's camera holds them and as a platform serves them back."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image


def textured_image(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A photo-like picture: smooth random colour fields (what pHash sees) plus fine grain."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    smooth = np.asarray(Image.fromarray(coarse, "RGB").resize(size, Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-20, 21, size=smooth.shape, dtype=np.int16)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8), "RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def original(image: Image.Image) -> bytes:
    """The picture as the school's camera or library holds it: a high-quality JPEG."""
    return encode(image, "JPEG", quality=95)


def platform_copy(image: Image.Image, scale: float = 0.6, quality: int = 70) -> bytes:
    """What a platform serves back: resized and re-encoded as a lossy JPEG."""
    smaller = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
    return encode(smaller, "JPEG", quality=quality)
