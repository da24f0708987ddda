"""A closer look at a line read with doubt in large lettering: read again alone, at the size the engine reads best.

Tesseract reads capitals best at about 32 pixels tall (the tesseract-ocr group's advice): lettering much larger than
that, a certificate's name line, is read less surely, and how surely swings with the size it is met at. A generated
certificate's "Tariq Abdullah", its line 81 px tall, gave "Tariq" at 0.29-0.85 read whole or cut out at its own
size, and 0.92-0.96 at half size, every time the same letters. So a line read with doubt whose letters are large is
cut out (with a quarter of its height around it), made the size the engine reads best and read again as it stands
(turned upright as well, a line leaning a degree read less surely at some sizes, 0.39-0.91, not more).

Only a second reading of the same letters counts: each word read the same way keeps the surer of its two
confidences. A word read otherwise keeps its first reading and its doubt (a person looks at the picture), so a second
reading can confirm a word, never replace it: on an independent school's photos, a title read again at half size
came back surer and wrong ("Songs" as "Sones").

Only lines that could hold a name are looked at again (two words or more that start with a capital, letters only),
at most a few a picture, so texture read as letters costs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np

from checks.images.lines import Line, lines_from_tsv
from checks.images.second_look import around

# A word below this confidence is a doubtful reading: the rules' `SURE_READING` (below it a finding is `low`). A copy,
# not an import: the rules' module would add DuckDB and the identity text reader (0.2 s measured) to what importing
# checks/images/text.py costs; tests/checks/images/test_closer_look.py holds the two equal.
DOUBTFUL = 0.7
# A line box this tall is read again at the size the engine reads best: a line box of BEST_LINE_HEIGHT pixels holds
# capitals of about 30 (descenders and the box's margin make up the rest). A line less than about half as tall
# again is near enough that size already.
BEST_LINE_HEIGHT = 40
LARGE_LINE = 64
# Words that could be a name: a capital, then letters (apostrophes and hyphens inside names: O'Neill, Mensah-Boateng).
NAME_LIKE = re.compile(r"^[A-Z][A-Za-z'’-]+$")
# At most this many lines of one picture are read again, the most doubtful first.
CLOSER_AT_MOST = 3
# Said in every reading's `reader` (checks/images/reading.py): a reading stored before this look does not say it.
LOOKED_CLOSER = "large names looked at closer"


def looked_closer(gray: np.ndarray, lines: Sequence[Line], read: Callable[[np.ndarray], str]) -> list[Line]:
    """`lines` (boxes in `gray`'s pixels, H x W uint8) with each doubtful line of large letters read again alone:
    the words the second reading reads alike, at the surer of their two confidences."""
    wanted = sorted(
        (i for i, line in enumerate(lines) if _worth_a_closer_look(line)), key=lambda i: lines[i].confidence
    )[:CLOSER_AT_MOST]
    if not wanted:
        return list(lines)
    kept = list(lines)
    for i in wanted:
        line = kept[i]
        scale = BEST_LINE_HEIGHT / line.box[3]
        region = cv2.resize(around(gray, line.box), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        again = [
            word for other in lines_from_tsv(read(np.ascontiguousarray(region))) for word in _words(other)
        ]
        kept[i] = confirmed(line, again)
    return kept


def _worth_a_closer_look(line: Line) -> bool:
    return (
        line.confidence < DOUBTFUL
        and line.box[3] >= LARGE_LINE
        and sum(1 for word in line.words if NAME_LIKE.match(word)) >= 2
    )


def _words(line: Line) -> list[tuple[str, float]]:
    return list(zip(line.words, line.confidences, strict=True))


def confirmed(line: Line, again: Sequence[tuple[str, float]]) -> Line:
    """`line` with each word that `again` reads the same way at the surer of the two confidences; the words run in
    the same order in both (a word of either reading may be missing from the other)."""
    confidences = list(line.confidences)
    start = 0
    for i, word in enumerate(line.words):
        for j in range(start, len(again)):
            if again[j][0] == word:
                confidences[i] = max(confidences[i], again[j][1])
                start = j + 1
                break
    return replace(line, confidences=tuple(confidences))
