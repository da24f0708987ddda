"""Tesseract's TSV as lines of words: what the engine read well enough to keep, and where."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

# Below this a "word" is the engine reading texture (grass, brickwork) as letters.
MIN_WORD_CONFIDENCE = 10.0
# A line none of whose words reaches this is not kept: on the sample's photos every such line was texture ("tities",
# "ces"), while a misread name keeps its well-read words ("Siobhan" 0.96 beside "O'Neill" 0.28).
NOISE = 50.0


@dataclass(frozen=True)
class Line:
    """One line of text as read: its words, each word's confidence as printed (0..1: checks/images/as_printed.py),
    and where it is (x, y, w, h)."""

    words: tuple[str, ...]
    confidences: tuple[float, ...]
    box: tuple[int, int, int, int]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def confidence(self) -> float:
        return min(self.confidences)

    @property
    def weight(self) -> float:
        """How much was read, and how surely: each word's characters weighted by its confidence."""
        return sum(
            len(word) * confidence for word, confidence in zip(self.words, self.confidences, strict=True)
        )

    def at(self, box: tuple[int, int, int, int]) -> Line:
        """The same words, found at `box`."""
        return replace(self, box=box)


Box = tuple[int, int, int, int]


class TsvWord(NamedTuple):
    """One word's row of Tesseract's TSV: the line it is on (block, paragraph, line), the word as read (blank for a
    region the layout set aside as an image), its confidence (0..100), its confidence as printed (0..100:
    checks/images/tesseract.py's cell after the text, else the same) and its box."""

    line: tuple[str, str, str]
    text: str
    confidence: float
    as_printed: float
    box: Box


def word_of(cells: list[str]) -> TsvWord | None:
    """A TSV row's cells as its word, or None for a row that is not a word's, or not whole."""
    if len(cells) not in (12, 13) or cells[0] != "5":
        return None
    try:
        confidence = float(cells[10])
        as_printed = float(cells[12]) if len(cells) == 13 else confidence
        x, y, w, h = (int(v) for v in cells[6:10])
    except ValueError:
        return None
    return TsvWord((cells[2], cells[3], cells[4]), cells[11].strip(), confidence, as_printed, (x, y, w, h))


def tsv_words(tsv: str) -> Iterator[TsvWord]:
    """Tesseract's TSV (one row per block, paragraph, line and word) as its words (`word_of`)."""
    for row in tsv.splitlines():
        if (word := word_of(row.split("\t"))) is not None:
            yield word


def lines_from_tsv(tsv: str) -> list[Line]:
    """Tesseract's TSV as lines of words, each word's confidence as printed; words read below MIN_WORD_CONFIDENCE,
    and lines without a letter or digit pair or without a word read above NOISE, are dropped (both by the engine's
    own confidence: they tell texture from writing)."""
    grouped: dict[tuple[str, str, str], list[TsvWord]] = {}
    for word in tsv_words(tsv):
        if word.text and word.confidence >= MIN_WORD_CONFIDENCE:
            grouped.setdefault(word.line, []).append(word)
    lines = []
    for words in grouped.values():
        if not any(sum(c.isalnum() for c in w.text) >= 2 for w in words):
            continue
        if max(w.confidence for w in words) < NOISE:
            continue  # texture read as letters: no word of the line is even half likely
        left = min(w.box[0] for w in words)
        top = min(w.box[1] for w in words)
        right = max(w.box[0] + w.box[2] for w in words)
        bottom = max(w.box[1] + w.box[3] for w in words)
        lines.append(
            Line(
                tuple(w.text for w in words),
                tuple(round(w.as_printed / 100.0, 3) for w in words),
                (left, top, right - left, bottom - top),
            )
        )
    return lines
