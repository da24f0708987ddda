"""Synthetic school "photos" for the sample dataset, drawn with Pillow and numpy and re-encoded like a platform."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw

SCENE_KINDS = ("playground", "field", "trip", "classroom", "hall", "art")
OUTDOOR = frozenset({"playground", "field", "trip"})
EXIF_ORIENTATION = 0x0112
EXIF_MAKE, EXIF_MODEL, EXIF_DATETIME, EXIF_SOFTWARE = 0x010F, 0x0110, 0x0132, 0x0131

SKIN = [(241, 194, 167), (224, 172, 105), (198, 134, 66), (141, 85, 36), (92, 58, 36), (255, 219, 172)]
UNIFORMS = [(22, 38, 96), (150, 20, 30), (20, 90, 50), (110, 40, 120), (40, 40, 40), (200, 160, 20)]
BRIGHT = [(230, 57, 70), (255, 183, 3), (33, 158, 188), (106, 176, 76), (244, 140, 6), (155, 93, 229)]


@dataclass(frozen=True)
class Shot:
    """One photographed moment: `scene` fixes the event (setting, palette, who is there); another
    `take` of the same scene is a different shot of that event: people moved, camera reframed."""

    scene: int
    kind: str
    take: int = 0


@dataclass(frozen=True)
class _Camera:
    zoom: float
    cx: float
    cy: float
    width: int
    height: int

    def x(self, u: float) -> float:
        return ((u - self.cx) * self.zoom + 0.5) * self.width

    def y(self, v: float) -> float:
        return ((v - self.cy) * self.zoom + 0.5) * self.height

    def size(self, s: float) -> float:
        return s * self.zoom * min(self.width, self.height)


def render(shot: Shot, width: int, height: int) -> Image.Image:
    """The upright picture of `shot` at width x height (RGB); the same arguments give the same pixels."""
    scene = random.Random(shot.scene)
    take = random.Random(shot.scene * 7919 + shot.take * 104729 + 17)
    if shot.take == 0:
        camera = _Camera(1.0, 0.5, 0.5, width, height)
    else:
        # A second photographer stands elsewhere: closer in, pointing at another part of the event.
        zoom = take.uniform(1.5, 1.9)
        half = 0.5 / zoom
        cx = take.choice([take.uniform(half, 0.4), take.uniform(0.6, 1 - half)])
        camera = _Camera(zoom, cx, take.uniform(half + 0.05, 1 - half), width, height)
    horizon = scene.uniform(0.35, 0.6) + (take.uniform(-0.12, 0.12) if shot.take else 0.0)
    pixels = _background(shot, scene, camera, horizon)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    layout = random.Random(shot.scene * 31 + 5) if shot.take == 0 else take
    _props(draw, shot.kind, scene, layout, camera, horizon)
    _people(draw, scene, layout, camera, horizon)
    return _grain(image, shot)


def _background(shot: Shot, scene: random.Random, camera: _Camera, horizon: float) -> np.ndarray:
    w, h = camera.width, camera.height
    u = (np.arange(w, dtype=np.float32) / w - 0.5) / camera.zoom + camera.cx
    v = (np.arange(h, dtype=np.float32) / h - 0.5) / camera.zoom + camera.cy
    if shot.kind in OUTDOOR:
        top = scene.choice([(70, 130, 210), (120, 170, 230), (180, 200, 220), (90, 110, 150)])
        low = scene.choice([(200, 220, 240), (230, 230, 235), (250, 210, 170)])
        base = {"playground": (105, 105, 112), "field": (70, 150, 60), "trip": (95, 130, 70)}[shot.kind]
        ground = np.array(base, dtype=np.float32) + scene.randint(-20, 20)
        far = ground * 0.75 + np.array(low, dtype=np.float32) * 0.25
    else:
        wall = scene.choice([(235, 225, 200), (200, 215, 235), (240, 200, 200), (215, 235, 210)])
        top, low = wall, (int(wall[0] * 0.85), int(wall[1] * 0.85), int(wall[2] * 0.85))
        ground = np.array(
            scene.choice([(150, 110, 70), (120, 120, 130), (70, 90, 140), (170, 150, 120)]), dtype=np.float32
        )
        far = ground * 0.8
    top_c, low_c = np.array(top, dtype=np.float32), np.array(low, dtype=np.float32)
    # Every colour depends on the row only, and the lighting on the column only: build each once.
    t_sky = np.clip(v / max(horizon, 1e-3), 0, 1)[:, None]
    t_ground = np.clip((v - horizon) / max(1 - horizon, 1e-3), 0, 1)[:, None]
    rows = np.where(
        (v < horizon)[:, None], top_c * (1 - t_sky) + low_c * t_sky, far * (1 - t_ground) + ground * t_ground
    )
    # Side lighting, fixed to the place rather than to the frame, so a second shot sees it elsewhere.
    light = scene.uniform(-0.35, 0.35)
    shade = 1.0 + light * (u - 0.5) * 2
    out = rows[:, None, :] * shade[None, :, None]
    # One large feature of the place (a building, a window, a shadow) sets the picture's overall layout.
    bu, bv = scene.uniform(0.0, 0.7), scene.uniform(0.05, 0.5)
    bw, bh = scene.uniform(0.2, 0.45), scene.uniform(0.2, 0.45)
    cols = (u >= bu) & (u < bu + bw)
    rows_in = (v >= bv) & (v < bv + bh)
    tone = np.array(
        scene.choice([(60, 50, 45), (150, 70, 50), (235, 235, 225), (40, 60, 90), (200, 190, 150)]),
        dtype=np.float32,
    )
    out[np.ix_(rows_in, cols)] = tone
    # Light and shade over the whole place (clouds, windows, shadows): a coarse field unique to the
    # scene. It dominates a perceptual hash, so different events hash far apart.
    grid = np.array([[scene.uniform(-0.4, 0.4) for _ in range(5)] for _ in range(4)], dtype=np.float32)
    # einsum rather than matmul: with an inner dimension of 5, BLAS threading costs more than the sums.
    field = np.einsum("ik,jk->ij", _hat_weights(v, 4) @ grid, _hat_weights(u, 5))
    out *= 1.0 + field[..., None]
    blotch_rng = np.random.default_rng(shot.scene)
    blotches = blotch_rng.normal(0, 18, size=(12, 16, 3)) + 128
    blotch_img = Image.fromarray(np.clip(blotches, 0, 255).astype(np.uint8), "RGB").resize(
        (w, h), Image.Resampling.BILINEAR
    )
    out += np.asarray(blotch_img, dtype=np.float32)
    out -= 128
    return np.clip(out, 0, 255).astype(np.uint8)


def _hat_weights(positions: np.ndarray, knots: int) -> np.ndarray:
    """Linear-interpolation weights of `positions` (world coordinates) over `knots` evenly spaced in [0, 1]."""
    centres = np.linspace(0.0, 1.0, knots, dtype=np.float32)
    spacing = np.float32(1.0 / (knots - 1))
    return np.clip(np.float32(1.0) - np.abs(positions[:, None] - centres[None, :]) / spacing, 0.0, 1.0)


def _props(
    draw: ImageDraw.ImageDraw,
    kind: str,
    scene: random.Random,
    layout: random.Random,
    cam: _Camera,
    horizon: float,
) -> None:
    if kind in OUTDOOR:
        for _ in range(scene.randint(2, 5)):
            u, size = layout.uniform(0, 1), scene.uniform(0.08, 0.18)
            trunk = cam.size(size * 0.12)
            base = cam.y(horizon + 0.02)
            draw.rectangle(
                [cam.x(u) - trunk, base - cam.size(size * 1.2), cam.x(u) + trunk, base], fill=(90, 60, 30)
            )
            canopy = cam.size(size * 0.6)
            top = base - cam.size(size * 1.3)
            colour = scene.choice([(40, 110, 40), (60, 130, 50), (150, 110, 30), (30, 90, 50)])
            draw.ellipse([cam.x(u) - canopy, top - canopy, cam.x(u) + canopy, top + canopy], fill=colour)
        if kind == "playground":
            for _ in range(3):
                u, v = layout.uniform(0.1, 0.9), layout.uniform(horizon + 0.1, 0.95)
                r = cam.size(0.1)
                draw.ellipse(
                    [cam.x(u) - r, cam.y(v) - r / 3, cam.x(u) + r, cam.y(v) + r / 3],
                    outline=(240, 240, 240),
                    width=4,
                )
        elif kind == "field":
            u = layout.uniform(0.2, 0.8)
            draw.rectangle(
                [cam.x(u - 0.12), cam.y(horizon - 0.08), cam.x(u + 0.12), cam.y(horizon + 0.04)],
                outline=(250, 250, 250),
                width=6,
            )
        else:
            for _ in range(2):
                u = scene.uniform(0.1, 0.9)
                draw.polygon(
                    [
                        (cam.x(u - 0.25), cam.y(horizon)),
                        (cam.x(u), cam.y(horizon - scene.uniform(0.1, 0.25))),
                        (cam.x(u + 0.25), cam.y(horizon)),
                    ],
                    fill=scene.choice([(110, 120, 140), (90, 110, 90), (130, 120, 110)]),
                )
    else:
        board = scene.choice([(250, 250, 250), (40, 70, 50), (30, 30, 30)])
        u = layout.uniform(0.25, 0.75)
        draw.rectangle(
            [cam.x(u - 0.2), cam.y(horizon - 0.3), cam.x(u + 0.2), cam.y(horizon - 0.08)],
            fill=board,
            outline=(120, 90, 60),
            width=5,
        )
        for _ in range(scene.randint(3, 8)):
            u2, v2 = scene.uniform(0, 1), scene.uniform(0.05, horizon - 0.05)
            w2 = scene.uniform(0.03, 0.08)
            draw.rectangle(
                [cam.x(u2), cam.y(v2), cam.x(u2 + w2), cam.y(v2 + w2 * 1.3)], fill=scene.choice(BRIGHT)
            )
        for _ in range(scene.randint(1, 3)):
            u3, v3 = layout.uniform(0.05, 0.7), layout.uniform(horizon + 0.1, 0.8)
            draw.rectangle([cam.x(u3), cam.y(v3), cam.x(u3 + 0.28), cam.y(v3 + 0.05)], fill=(180, 140, 90))
        if kind == "art":
            for _ in range(layout.randint(6, 14)):
                u4, v4, r = layout.uniform(0, 1), layout.uniform(0, 1), cam.size(layout.uniform(0.02, 0.07))
                draw.ellipse(
                    [cam.x(u4) - r, cam.y(v4) - r, cam.x(u4) + r, cam.y(v4) + r], fill=layout.choice(BRIGHT)
                )
        if kind == "hall":
            draw.rectangle(
                [cam.x(0.0), cam.y(horizon - 0.02), cam.x(1.0), cam.y(horizon + 0.06)], fill=(120, 70, 40)
            )


def _people(
    draw: ImageDraw.ImageDraw, scene: random.Random, layout: random.Random, cam: _Camera, horizon: float
) -> None:
    uniform = scene.choice(UNIFORMS)
    crowd = [
        (scene.choice(SKIN), scene.uniform(0.75, 1.1), scene.random() < 0.2)
        for _ in range(scene.randint(2, 7))
    ]
    for skin, height, adult in crowd:
        u = layout.uniform(0.05, 0.95)
        feet = layout.uniform(horizon + 0.08, 0.98)
        tall = (0.42 if adult else 0.28) * height
        body_w = tall * 0.22
        shirt = scene.choice(BRIGHT) if adult else uniform
        x, top = cam.x(u), cam.y(feet - tall)
        head = cam.size(tall * 0.09)
        draw.rounded_rectangle(
            [x - cam.size(body_w / 2), top + head * 2, x + cam.size(body_w / 2), cam.y(feet - tall * 0.45)],
            radius=max(1, int(head / 2)),
            fill=shirt,
        )
        leg = (50, 50, 60) if adult else (60, 60, 70)
        draw.rectangle(
            [x - cam.size(body_w / 2.5), cam.y(feet - tall * 0.45), x + cam.size(body_w / 2.5), cam.y(feet)],
            fill=leg,
        )
        draw.ellipse([x - head, top, x + head, top + head * 2], fill=skin)
        draw.chord(
            [x - head, top - head * 0.2, x + head, top + head * 1.2],
            180,
            360,
            fill=scene.choice([(30, 20, 10), (80, 50, 20), (200, 160, 80), (20, 20, 20)]),
        )


def _grain(image: Image.Image, shot: Shot) -> Image.Image:
    rng = np.random.default_rng([shot.scene, shot.take, image.width, image.height])
    noise = Image.fromarray(rng.integers(121, 136, size=(image.height, image.width), dtype=np.uint8), "L")
    # Sensor grain: the same small noise added to every channel (ImageChops keeps this in C).
    return ImageChops.add(image, Image.merge("RGB", (noise, noise, noise)), offset=-128)


def resized(image: Image.Image, width: int) -> Image.Image:
    """The picture scaled to `width` keeping its aspect ratio, as a platform's upload pipeline does."""
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    """A platform-style copy: re-encoded, no metadata at all."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def camera_original_bytes(image: Image.Image, taken: str, device: tuple[str, str], rotated: bool) -> bytes:
    """A camera original as kept in the approved-media folder: EXIF kept, and when `rotated` the
    pixels are stored sideways with Orientation 6 (rotate 90 clockwise to view), as phones do."""
    exif = Image.Exif()
    exif[EXIF_MAKE], exif[EXIF_MODEL] = device
    exif[EXIF_DATETIME] = taken
    exif[EXIF_SOFTWARE] = "17.5.1" if device[0] == "Apple" else "Camera"
    stored = image
    if rotated:
        stored = image.transpose(Image.Transpose.ROTATE_90)
        exif[EXIF_ORIENTATION] = 6
    else:
        exif[EXIF_ORIENTATION] = 1
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()
