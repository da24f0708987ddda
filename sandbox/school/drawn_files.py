"""The image files made from the sample school's pictures, kept in this process by what decides their bytes.

A picture's pixels are a pure function of its shot, its lettering and the size it is drawn at (`images.render`,
`lettering.draw`), and a file made from them is a pure function of those pixels and how they are encoded. Writing
the same school again (a later week of it, another copy of it, the schools of a trust built from one seed) drew
every picture again: ~40 ms each, three quarters of writing a small school. Here a file is drawn and encoded once
and its bytes handed out again, the same bytes a fresh drawing gives; what is kept is bounded (least recently
used first out).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from PIL import Image

from sandbox.school import lettering
from sandbox.school.images import Shot

# A small school's files come to ~10 MB; a medium one's to a few tens.
BUDGET_BYTES = 96 * 1024 * 1024

# What is drawn: the shot, its lettering, and the width and height it is drawn at.
Drawing = tuple[Shot, lettering.Lettering | None, int, int]
# How one file is made from the drawn picture: a key naming every parameter of the encoding, and the encoding.
Encoding = tuple[Hashable, Callable[[Image.Image], bytes]]


class DrawnFiles:
    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._kept: OrderedDict[tuple[Drawing, Hashable], bytes] = OrderedDict()
        self._size = 0
        self.drawn = 0  # pictures drawn, for the tests

    def files(self, drawing: Drawing, encodings: Sequence[Encoding]) -> list[bytes]:
        """The bytes of each file `encodings` makes from `drawing`, in order; drawn once for all that are not kept."""
        keys = [(drawing, key) for key, _ in encodings]
        made: dict[tuple[Drawing, Hashable], bytes] = {}
        if any(key not in self._kept for key in keys):
            image = lettering.draw(*drawing)
            self.drawn += 1
            made = {key: encode(image) for key, (_, encode) in zip(keys, encodings, strict=True)}
        files = []
        for key in keys:
            data = made[key] if key in made else self._kept[key]
            self._keep(key, data)
            files.append(data)
        return files

    def _keep(self, key: tuple[Drawing, Hashable], data: bytes) -> None:
        if key in self._kept:
            self._kept.move_to_end(key)
            return
        self._kept[key] = data
        self._size += len(data)
        while self._size > self._budget and self._kept:
            _, dropped = self._kept.popitem(last=False)
            self._size -= len(dropped)


DRAWN = DrawnFiles()
