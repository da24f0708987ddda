"""Photographs with writing in them, as schools post them: a certificate held up to the camera, a name card on a
desk, a poster on a noticeboard, and ordinary photos with a banner or a sign. Drawn with Pillow's own font (shipped in
its wheel, so every machine draws the same pixels), then photographed: tilted, unevenly lit, grainy, a little soft.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from sandbox.school import images
from sandbox.school.images import Shot

KINDS = ("certificate", "name_card", "poster", "sign")
PAPER = [(250, 246, 232), (255, 253, 245), (245, 240, 255), (240, 250, 240)]
INK = [(120, 20, 30), (20, 30, 90), (20, 80, 40), (60, 20, 90), (30, 30, 30)]
BACKGROUNDS = [(150, 110, 70), (120, 120, 130), (200, 190, 170), (90, 100, 120), (170, 150, 120)]
POSTER_PAPER = [(255, 230, 120), (190, 230, 255), (255, 200, 210), (210, 250, 200)]


@dataclass(frozen=True)
class Lettering:
    """What is written and how it is laid out: `kind` in KINDS, the lines from the top (for a certificate the
    third line is the name; for a sign the lines go on a banner over an ordinary `Shot` of the scene)."""

    kind: str
    lines: tuple[str, ...]
    seed: int


def draw(shot: Shot, lettering: Lettering | None, width: int, height: int) -> Image.Image:
    """The upright picture at width x height: an ordinary photo (`images.render`) or one with lettering."""
    if lettering is None:
        return images.render(shot, width, height)
    rng = random.Random(lettering.seed)
    if lettering.kind == "sign":
        picture = _sign(images.render(replace(shot, take=0), width, height), lettering.lines, rng)
    else:
        maker = {"certificate": _certificate, "name_card": _name_card, "poster": _poster}[lettering.kind]
        picture = _photographed(maker(lettering.lines, rng), width, height, rng)
    return _camera(picture, rng)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size)  # type: ignore[return-value]


def _centred(
    draw: ImageDraw.ImageDraw,
    y: float,
    text: str,
    size: int,
    ink: tuple[int, int, int],
    width: int,
    bold: int = 0,
) -> None:
    font = _font(size)
    left, _, right, _ = draw.textbbox((0, 0), text, font=font, stroke_width=bold)
    while right - left > width * 0.9 and size > 12:  # a long name is set smaller, never cut off
        size = int(size * 0.9)
        font = _font(size)
        left, _, right, _ = draw.textbbox((0, 0), text, font=font, stroke_width=bold)
    draw.text(
        ((width - (right - left)) / 2 - left, y),
        text,
        font=font,
        fill=ink,
        stroke_width=bold,
        stroke_fill=ink,
    )


def _certificate(lines: tuple[str, ...], rng: random.Random) -> Image.Image:
    width, height = 1200, 850
    sheet = Image.new("RGB", (width, height), rng.choice(PAPER))
    pen = ImageDraw.Draw(sheet)
    ink = rng.choice(INK)
    pen.rectangle([24, 24, width - 24, height - 24], outline=rng.choice(INK), width=rng.randint(8, 16))
    pen.rectangle([48, 48, width - 48, height - 48], outline=(190, 160, 80), width=3)
    sizes = (rng.choice([78, 88, 96]), 40, rng.choice([80, 92, 104]), 40, 32)
    tops = (110, 250, 340, 500, 690)
    for index, (line, size, top) in enumerate(zip(lines, sizes, tops, strict=False)):
        bold = 2 if index in (0, 2) else 0
        _centred(pen, top, line, size, ink if index != 1 else (60, 60, 60), width, bold)
    return sheet


def _name_card(lines: tuple[str, ...], rng: random.Random) -> Image.Image:
    width, height = 900, 480
    card = Image.new("RGB", (width, height), (255, 255, 255))
    pen = ImageDraw.Draw(card)
    band = rng.choice(INK)
    pen.rectangle([0, 0, width, 100], fill=band)
    _centred(pen, 22, lines[0], 52, (255, 255, 255), width, 1)
    _centred(pen, 210, lines[1], rng.choice([86, 100, 112]), (20, 20, 20), width, 2)
    return card


def _poster(lines: tuple[str, ...], rng: random.Random) -> Image.Image:
    width, height = 900, 1200
    sheet = Image.new("RGB", (width, height), rng.choice(POSTER_PAPER))
    pen = ImageDraw.Draw(sheet)
    ink = rng.choice(INK)
    for index, line in enumerate(lines):
        size = 104 if index == 0 else rng.choice([50, 56])
        _centred(pen, 110 + index * 190, line, size, ink, width, 2 if index == 0 else 1)
    return sheet


def _photographed(sheet: Image.Image, width: int, height: int, rng: random.Random) -> Image.Image:
    """The sheet on a table or a wall, filling most of the frame, slightly turned."""
    ground = Image.new("RGB", (width, height), rng.choice(BACKGROUNDS))
    share = rng.uniform(0.72, 0.9)
    scale = min(width * share / sheet.width, height * share / sheet.height)
    sheet = sheet.resize((round(sheet.width * scale), round(sheet.height * scale)), Image.Resampling.LANCZOS)
    sheet = sheet.rotate(
        rng.uniform(-5, 5), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0)
    )
    mask = sheet.convert("L").point(lambda v: 255 if v > 0 else 0)
    ground.paste(
        sheet, ((width - sheet.width) // 2 + rng.randint(-20, 20), (height - sheet.height) // 2), mask
    )
    return ground


def _sign(photo: Image.Image, lines: tuple[str, ...], rng: random.Random) -> Image.Image:
    """An ordinary photo of the scene with a banner or sign in it."""
    pen = ImageDraw.Draw(photo)
    width, height = photo.size
    banner_h = round(height * rng.uniform(0.14, 0.2)) * len(lines)
    top = round(height * rng.uniform(0.04, 0.2))
    left, right = round(width * rng.uniform(0.05, 0.2)), round(width * rng.uniform(0.8, 0.95))
    pen.rectangle(
        [left, top, right, top + banner_h], fill=rng.choice(PAPER), outline=rng.choice(INK), width=4
    )
    band = ImageDraw.Draw(photo)
    ink = rng.choice(INK)
    step = banner_h / len(lines)
    for index, line in enumerate(lines):
        font = _font(round(step * 0.55))
        box = band.textbbox((0, 0), line, font=font, stroke_width=1)
        x = left + (right - left - (box[2] - box[0])) / 2 - box[0]
        band.text(
            (x, top + index * step + step * 0.2), line, font=font, fill=ink, stroke_width=1, stroke_fill=ink
        )
    return photo


def _camera(picture: Image.Image, rng: random.Random) -> Image.Image:
    """What a phone makes of it: light falling off across the frame, sensor grain, sometimes a little soft."""
    pixels = np.asarray(picture, dtype=np.float32)
    width = pixels.shape[1]
    fall = np.linspace(1 - rng.uniform(0.0, 0.3), 1.0, width, dtype=np.float32)
    if rng.random() < 0.5:
        fall = fall[::-1]
    noise = (
        np.random.default_rng(rng.getrandbits(32))
        .normal(0, rng.uniform(3, 9), pixels.shape[:2])
        .astype(np.float32)
    )
    pixels = pixels * fall[None, :, None] + noise[..., None]
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    if rng.random() < 0.5:
        photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    return photo
