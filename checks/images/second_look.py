"""A second look at what the OCR engine read only in part: lettering turned a few degrees, and lettering its layout
set aside as a picture.

On photographed name cards and certificates Tesseract loses lines a person reads at a glance, in two ways (both
found on the sample schools' photos, and each seen again on cards of other sizes and names drawn for the tests):

1. Text turned by a degree or more loses words: a name card on a desk is read "Kiara" and then two words at
   confidence 0, or its name line is not read at all. The same picture turned upright is read whole.
2. Letters much larger than the rest of a picture's (a card's name under its small heading) are filtered out by the
   engine's layout as too big to be letters, and the region is set aside as an image: a blank "word" in its TSV.
   Read alone, the region's letters are the only ones there, and they are read.

So a picture whose text leans is read again turned upright, and every region set aside that is not most of the
picture (that is the photograph itself) is read alone, at half size (what was set aside was too large), upright (by
its own lean when no line was read to measure the picture's by). How far text leans is measured from its pixels,
not the engine's baselines (which gave 1-2 degrees for cards turned 6): the turn at which the rows of its ink are
sharpest. A line read twice is kept once, as it was read best. A photo with no line read and nothing set aside is
read once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from checks.images.lines import Box, Line, lines_from_tsv, tsv_words

# Text leaning less than this (degrees) is read as well as level text.
TILTED = 0.5
# How far a lean is searched for, either way (degrees): a card or sheet photographed by hand, not text set at an
# angle on purpose.
LEAN_AT_MOST = 15
# The lean is measured on the region made at most this many pixels long: the turns are cheap to search, and the
# lean is still found to within a quarter of a degree (tests/checks/images/test_second_look.py).
LEAN_SIDE = 400
# A region set aside is read again when each side is at least this (pixels; half of it once halved)...
SET_ASIDE_SIDE = 32
# ...and it is at most this share of the picture: a region larger than that is the photograph the text is in (on
# the independent schools' photos, at 0.8 the region read most often was the scene of a photo without text, for no
# line found; a name card's body set aside is two fifths of its photo).
SET_ASIDE_SHARE = 0.6
# At most this many regions of one picture are read again, the largest first: a collage of many small pictures
# costs no more than a few readings.
SET_ASIDE_AT_MOST = 6
# Set aside for being too large to be letters: read at this scale, the letters are of a size the engine reads.
SET_ASIDE_SCALE = 0.5


def looked_again(gray: np.ndarray, first: str, read: Callable[[np.ndarray], str]) -> list[Line]:
    """The lines of `gray` (H x W, uint8), boxes in its pixels, given the engine's `first` TSV of it; `read` gives
    the TSV of another picture."""
    lines = lines_from_tsv(first)
    looked, tsv, back = gray, first, IDENTITY
    more: list[Line] = []
    # Measured on the line read best; with no line read, each region set aside is measured on its own.
    tilt = lean(around(gray, max(lines, key=lambda line: line.weight).box)) if lines else None
    if tilt is not None and abs(tilt) >= TILTED:
        looked, back = upright(gray, tilt)
        tsv = read(looked)
        more += [line.at(mapped(line.box, back, gray.shape)) for line in lines_from_tsv(tsv)]
    for x, y, w, h in set_aside(tsv, looked.shape):
        crop = cv2.resize(
            looked[y : y + h, x : x + w],
            None,
            fx=SET_ASIDE_SCALE,
            fy=SET_ASIDE_SCALE,
            interpolation=cv2.INTER_AREA,
        )
        crop_back = IDENTITY
        if tilt is None and abs(crop_tilt := lean(crop)) >= TILTED:
            crop, crop_back = upright(crop, crop_tilt)
        to_gray = back @ shifted(x, y) @ enlarged(1 / SET_ASIDE_SCALE) @ crop_back
        more += [line.at(mapped(line.box, to_gray, gray.shape)) for line in lines_from_tsv(read(crop))]
    return merged(lines, more) if more else lines


def around(gray: np.ndarray, box: Box) -> np.ndarray:
    """The pixels of a line's box and a margin of a quarter of its height."""
    x, y, w, h = box
    pad = h // 4
    return gray[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]


def lean(region: np.ndarray) -> float:
    """How far the text in `region` leans (degrees; positive when it runs down to the right): the turn at which the
    rows of its ink (Otsu's threshold, the lesser side) change most sharply, to a quarter of a degree."""
    if min(region.shape) < 8:
        return 0.0
    if (longest := max(region.shape)) > LEAN_SIDE:
        region = cv2.resize(
            region, None, fx=LEAN_SIDE / longest, fy=LEAN_SIDE / longest, interpolation=cv2.INTER_AREA
        )
    _, ink = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if ink.mean() > 127:  # the ink is the lesser side: dark letters on paper, or light ones on a dark band
        ink = 255 - ink

    def sharpness(angle: float) -> float:
        height, width = ink.shape
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        rows = cv2.warpAffine(ink, turn, (width, height), flags=cv2.INTER_LINEAR).sum(
            axis=1, dtype=np.float64
        )
        return float(np.square(np.diff(rows)).sum())

    # Of turns as sharp as each other (a region with no ink, or as sharp every way), the least. Searched in three
    # passes (3 degrees, 1, a quarter), each around the best of the last: the sharpness rises smoothly to its peak.
    def best(turns: list[float]) -> float:
        return max(turns, key=lambda angle: (sharpness(angle), -abs(angle)))

    found = best([float(angle) for angle in range(-LEAN_AT_MOST, LEAN_AT_MOST + 1, 3)])
    found = best([found + step for step in (-2.0, -1.0, 0.0, 1.0, 2.0)])
    return best([found + quarter / 4 for quarter in range(-3, 4)])


IDENTITY = np.eye(3)


def shifted(x: float, y: float) -> np.ndarray:
    return np.array([[1.0, 0.0, x], [0.0, 1.0, y], [0.0, 0.0, 1.0]])


def enlarged(factor: float) -> np.ndarray:
    return np.diag([factor, factor, 1.0])


def upright(gray: np.ndarray, tilt: float) -> tuple[np.ndarray, np.ndarray]:
    """`gray` turned about its centre so that text tilted by `tilt` degrees is level (same size, edges repeated),
    and the transform (3 x 3) from the upright picture's pixels back to `gray`'s."""
    height, width = gray.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), tilt, 1.0)
    level = cv2.warpAffine(
        gray, turn, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return level, np.vstack([cv2.invertAffineTransform(turn), [0.0, 0.0, 1.0]])


def mapped(box: Box, back: np.ndarray, shape: tuple[int, ...]) -> Box:
    """The box around where `box`'s corners land through `back` (3 x 3), inside a picture of `shape`."""
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], dtype=np.float64)
    points = corners @ back.T
    height, width = shape[:2]
    left, top = max(0, round(points[:, 0].min())), max(0, round(points[:, 1].min()))
    right, bottom = min(width, round(points[:, 0].max())), min(height, round(points[:, 1].max()))
    return left, top, max(0, right - left), max(0, bottom - top)


def set_aside(tsv: str, shape: tuple[int, ...]) -> list[Box]:
    """The regions the engine's layout set aside as images (blank words), large enough to hold letters and not most
    of the picture, each once; the SET_ASIDE_AT_MOST largest."""
    height, width = shape[:2]
    regions: list[Box] = []
    for word in tsv_words(tsv):
        if word.text:
            continue
        x, y, w, h = word.box
        box = (max(0, x), max(0, y), min(w, width - max(0, x)), min(h, height - max(0, y)))
        if (
            min(box[2], box[3]) >= SET_ASIDE_SIDE
            and box[2] * box[3] <= SET_ASIDE_SHARE * width * height
            and box not in regions
        ):
            regions.append(box)
    return sorted(regions, key=lambda box: box[2] * box[3], reverse=True)[:SET_ASIDE_AT_MOST]


def merged(first: Sequence[Line], more: Sequence[Line]) -> list[Line]:
    """`first` in its order, each line replaced by a better-read line of `more` over it; then the other lines of
    `more`, top to bottom. Lines in the same place are one line read twice: kept once, the better read."""
    kept: list[Line] = []
    for line in sorted(more, key=lambda line: line.weight, reverse=True):
        if not any(over(line.box, other.box) for other in kept):
            kept.append(line)
    lines: list[Line] = []
    used: set[int] = set()
    for line in first:
        rivals = [i for i, other in enumerate(kept) if over(line.box, other.box)]
        better = [i for i in rivals if i not in used and kept[i].weight > line.weight]
        lines.append(kept[better[0]] if better else line)
        used.update(rivals)
    rest = [line for i, line in enumerate(kept) if i not in used]
    return lines + sorted(rest, key=lambda line: (line.box[1], line.box[0]))


def over(a: Box, b: Box) -> bool:
    """Whether two boxes hold the same line: their middles at the same height (within half the shorter's height)
    and at least half of the narrower's width side by side. Boxes mapped back from a turned picture are taller than
    their line, so covering a share of one another says less than where their middles are."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    middles = abs((a[1] + a[3] / 2) - (b[1] + b[3] / 2))
    return width > 0 and 2 * width >= min(a[2], b[2]) and 2 * middles <= min(a[3], b[3])
