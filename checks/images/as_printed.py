"""A word's confidence as print shows it: the engine's doubt between a capital I, a lower-case l and a 1 not counted.

In print those three are one upright stroke, and the rules reading text off images read them alike
(checks/rule_support/published_text.py, `printed_shape`). The engine's confidence in a word is its least certain
letter's, so a name card's "Ifeoma", every letter read at 94-99, was scored 0.60 because the engine could not tell
whether its first stroke was an I or an l: either way it is Ifeoma. A letter's doubt is left out only when the
engine's own next choice for it is another of those strokes (at a word's start also a lower-case i: the same letter
of a name once case is set aside); a stroke whose next choice is a t or a backslash keeps its doubt, and so does every
other letter. Loaded in the OCR worker processes: standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ONE_STROKE = frozenset("Il1")
# The engine (Tesseract's LSTM model) scores a word seven times as steeply as its least certain letter, both 0..100:
# a word is 100 - 7 x (100 - that letter). Measured on 6,470 words of generated lettered photos: every word whose
# doubt sits in one letter, e.g. its least certain letter 94.3 and the word 60.1.
WORD_SCALE = 7.0


@dataclass(frozen=True)
class Letter:
    """One letter of a word as read: what the engine chose, how surely (0..100), and its next choice (None: none)."""

    text: str
    confidence: float
    runner_up: str | None


def _forgiven(position: int, letter: Letter) -> bool:
    if letter.text not in ONE_STROKE or letter.runner_up is None:
        return False
    alike = ONE_STROKE | {"i"} if position == 0 else ONE_STROKE
    return letter.runner_up in alike and letter.runner_up != letter.text


def _word_of(confidences: Sequence[float]) -> float:
    return 100.0 - WORD_SCALE * (100.0 - min(confidences))


def confidence_as_printed(word_confidence: float, letters: Sequence[Letter]) -> float:
    """The word's confidence (0..100) with the doubt of its one-stroke letters between themselves left out.

    Only raises: a word with no such letter, or made of nothing else, keeps the engine's figure. A doubt the engine
    put on the word beyond its least certain letter (where a word ends, say) is kept as it was."""
    kept = [letter.confidence for i, letter in enumerate(letters) if not _forgiven(i, letter)]
    if not kept or len(kept) == len(letters):
        return word_confidence
    beyond_letters = max(0.0, _word_of([letter.confidence for letter in letters]) - word_confidence)
    return min(100.0, max(word_confidence, _word_of(kept) - beyond_letters))
