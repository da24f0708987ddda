"""A word's confidence as print shows it: the engine's doubt between a capital I, a lower-case l and a 1 left out,
every other doubt kept; on the engine's own readings of photographed certificates and name cards."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from checks.images import text
from checks.images.as_printed import Letter, confidence_as_printed
from checks.images.lines import lines_from_tsv, tsv_words
from checks.images.tesseract import with_printed_confidences
from sandbox.school.images import Shot
from sandbox.school.lettering import Lettering, draw


def word(spelling: str, confidences: list[float], runners_up: list[str | None]) -> list[Letter]:
    return [Letter(c, conf, r) for c, conf, r in zip(spelling, confidences, runners_up, strict=True)]


def engine_word(least: float) -> float:
    """The engine's figure for a word whose doubt is all in its least certain letter."""
    return 100 - 7 * (100 - least)


IFEOMA = [94.3, 98.8, 98.9, 99.0, 99.0, 99.0]


def test_a_first_stroke_doubted_between_l_and_i_counts_as_sure_as_the_rest_of_the_word() -> None:
    letters = word("lfeoma", IFEOMA, ["I", "'", "é", "O", "n", "e"])
    raised = confidence_as_printed(engine_word(94.3), letters)
    assert engine_word(94.3) == pytest.approx(60.1)
    assert raised == pytest.approx(engine_word(98.8))
    # At a word's start a lower-case i is the same letter of a name once case is set aside.
    letters = word("lfeoma", IFEOMA, ["i", "'", "é", "O", "n", "e"])
    assert confidence_as_printed(engine_word(94.3), letters) == pytest.approx(engine_word(98.8))


@pytest.mark.parametrize(
    ("spelling", "runners_up", "why"),
    [
        ("lfeoma", ["t", "'", "é", "O", "n", "e"], "the stroke might be a t: another word"),
        ("lfeoma", ["\\", "'", "é", "O", "n", "e"], "a backslash is not a letter of the name"),
        ("lfeoma", [None, None, None, None, None, None], "the engine gave no other choice"),
        ("Lelia", ["L", "e", "i", "i", "e"], "mid-word an l doubted as an i is Leila, another name"),
    ],
)
def test_every_other_doubt_is_kept(spelling: str, runners_up: list[str | None], why: str) -> None:
    confidences = IFEOMA[: len(spelling)] if spelling == "lfeoma" else [99.0, 99.0, 94.3, 99.0, 99.0]
    assert confidence_as_printed(engine_word(94.3), word(spelling, confidences, runners_up)) == engine_word(
        94.3
    ), why


def test_the_figure_only_rises_and_keeps_a_doubt_beyond_the_letters() -> None:
    doubtful_end = engine_word(94.3) - 20  # the engine doubted where the word ends, not only its first stroke
    letters = word("lfeoma", IFEOMA, ["I", "'", "é", "O", "n", "e"])
    assert confidence_as_printed(doubtful_end, letters) == pytest.approx(engine_word(98.8) - 20)
    # A word of strokes alone (texture read as "lll") has nothing else to be sure of: the engine's figure stays.
    assert confidence_as_printed(12.0, word("lIl", [84.0, 90.0, 88.0], ["I", "l", "I"])) == 12.0
    # Where the other letters are less sure than the stroke, nothing changes.
    assert confidence_as_printed(30.0, word("Iqra", [99.0, 90.0, 99.0, 99.0], ["l", "g", "n", "e"])) == 30.0


def test_the_tsv_carries_the_figure_on_word_rows_only_and_the_lines_take_it() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "4\t1\t1\t1\t1\t0\t10\t10\t120\t20\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t60\t20\t60.1\tlfeoma",
        "5\t1\t1\t1\t1\t2\t80\t10\t50\t20\t92.3\tByrne",
        "5\t1\t1\t1\t1\t3\t140\t10\t5\t20\t5.0\tl",
    ]
    tsv = with_printed_confidences(
        "\n".join([header, *rows]), {(10, 10, 60, 20): 91.6, (140, 10, 5, 20): 5.0}
    )
    cells = [row.split("\t") for row in tsv.splitlines()]
    assert [len(c) for c in cells] == [12, 12, 13, 13, 13]
    assert [c[12] for c in cells[2:]] == ["91.600000", "92.3", "5.000000"]
    # The texture filters read the engine's own figure; the line keeps the figure as printed.
    assert [(w, c, p) for _, w, c, p, _ in tsv_words(tsv)] == [
        ("lfeoma", 60.1, 91.6),
        ("Byrne", 92.3, 92.3),
        ("l", 5.0, 5.0),
    ]
    (line,) = lines_from_tsv(tsv)
    assert line.words == ("lfeoma", "Byrne") and line.confidences == (0.916, 0.923)


def photographed(kind: str, name: str, seed: int) -> np.ndarray:
    lines = {
        "certificate": (
            "Star of the Week",
            "awarded to",
            name,
            "Year 4 - for fantastic reading",
            "Headteacher",
        ),
        "name_card": ("Hazel Class", name),
    }[kind]
    buffer = io.BytesIO()
    draw(Shot(1, "classroom"), Lettering(kind, lines, seed), 1024, 768).convert("RGB").save(
        buffer, "JPEG", quality=80
    )
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


@pytest.mark.parametrize(("kind", "seed"), [("certificate", 1), ("name_card", 2)])
def test_the_engine_doubting_ifeomas_first_stroke_no_longer_makes_the_name_unsure(
    kind: str, seed: int
) -> None:
    """The engine reads the name card's Ifeoma with every letter at 94-99 and the word at 0.47-0.63, unsure only
    whether its first stroke is an I or an l; read as printed the word is as sure as its other letters."""
    gray = photographed(kind, "Ifeoma Byrne", seed)
    with text.engines.lent() as worker:
        tsv = worker.read(gray)
    read = {w: (own, printed) for _, w, own, printed, _ in tsv_words(tsv) if w}
    (ifeoma,) = [w for w in read if w.endswith("feoma")]
    own, printed = read[ifeoma]
    assert own < 70 <= printed
    assert all(own == pytest.approx(p, abs=0.01) for w, (own, p) in read.items() if not set("Il1") & set(w))
    (line,) = [line for line in text.read_text(gray) if "Byrne" in line.words]
    assert min(line.confidences) >= 0.7
