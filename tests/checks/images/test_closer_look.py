"""The closer look (checks/images/closer_look.py): a doubtful line of large letters that could hold a name is read
again alone at the size the engine reads best, and only words read alike both times are made surer; with a stand-in
reader for what is read and the real engine on a certificate drawn here."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from checks.images import closer_look
from checks.images.closer_look import BEST_LINE_HEIGHT, CLOSER_AT_MOST, DOUBTFUL, confirmed, looked_closer
from checks.images.lines import Line
from checks.images.text import read_once
from checks.rule_support.published_text import SURE_READING

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv(*words: tuple[str, float]) -> str:
    rows = [HEADER] + [
        f"5\t1\t1\t1\t1\t{n}\t{10 + 60 * n}\t10\t50\t30\t{confidence}\t{word}"
        for n, (word, confidence) in enumerate(words, start=1)
    ]
    return "\n".join(rows)


class Reader:
    """Stands in for the engine: answers every picture with one line, and keeps the pictures it was given."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.pictures: list[np.ndarray] = []

    def __call__(self, picture: np.ndarray) -> str:
        self.pictures.append(picture)
        return self.answer


BLANK = np.full((400, 900), 250, dtype=np.uint8)
NAME_LINE = Line(("Tariq", "Abdullah"), (0.41, 0.96), (100, 150, 500, 80))


def test_the_doubt_is_the_rules_own() -> None:
    assert DOUBTFUL == SURE_READING


def test_only_the_words_read_alike_both_times_are_made_surer() -> None:
    line = Line(("Tariq", "Abdullah", "Year", "4"), (0.41, 0.96, 0.5, 0.3), (0, 0, 10, 10))

    again = confirmed(line, [("Tariq", 0.95), ("Abdulah", 0.97), ("4", 0.2)])

    # "Abdulah" is another reading and "Year" was not read again: each keeps its first; "4" keeps the surer.
    assert again.confidences == (0.95, 0.96, 0.5, 0.3)
    # Words are matched in their order: a word read again before the one it was matched to is another word.
    assert confirmed(line, [("Year", 0.9), ("Tariq", 0.95)]).confidences == (0.95, 0.96, 0.5, 0.3)
    assert again.words == line.words and again.box == line.box
    assert confirmed(line, []) == line


def test_a_doubtful_name_line_of_large_letters_is_read_again_at_the_size_read_best() -> None:
    reader = Reader(tsv(("Tariq", 93.0), ("Abdullah", 96.0)))

    (line,) = looked_closer(BLANK, [NAME_LINE], reader)

    assert line.confidences == (0.93, 0.96)
    (picture,) = reader.pictures
    # The line's box and a quarter of its height around it, made BEST_LINE_HEIGHT tall.
    assert picture.shape[0] == round((80 + 2 * 20) * BEST_LINE_HEIGHT / 80)


def test_a_different_second_reading_leaves_the_doubt_for_a_person() -> None:
    (line,) = looked_closer(BLANK, [NAME_LINE], Reader(tsv(("Tarig", 97.0), ("Abdullah", 97.0))))

    assert line.confidences == (0.41, 0.97)


def test_lines_sure_small_or_holding_no_name_are_not_read_again() -> None:
    reader = Reader(tsv(("Tariq", 97.0)))
    lines = [
        Line(("Tariq", "Abdullah"), (0.9, 0.96), (0, 0, 500, 80)),  # sure
        Line(("Tariq", "Abdullah"), (0.41, 0.96), (0, 100, 500, 40)),  # the size the engine reads best
        Line(("mv", "atk", "=", "ojya"), (0.2, 0.3, 0.4, 0.5), (0, 200, 500, 80)),  # texture read as letters
        Line(("Tariq", "wins"), (0.41, 0.96), (0, 300, 500, 80)),  # one capitalised word
    ]

    assert looked_closer(BLANK, lines, reader) == lines
    assert reader.pictures == []


def test_a_few_lines_of_a_picture_at_most_the_most_doubtful_first() -> None:
    lines = [Line(("Ann", "Lee"), (0.1 * n, 0.9), (0, 90 * n, 400, 80)) for n in range(1, 6)]
    reader = Reader(tsv(("Ann", 99.0), ("Lee", 99.0)))

    again = looked_closer(np.full((600, 500), 250, dtype=np.uint8), lines, reader)

    assert len(reader.pictures) == CLOSER_AT_MOST
    assert [line.confidences[0] for line in again] == [0.99, 0.99, 0.99, 0.4, 0.5]


def certificate(name: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A certificate's name in letters about three times the size the engine reads best, and its line's box."""
    page = Image.new("L", (1024, 480), 245)
    pen = ImageDraw.Draw(page)
    font = ImageFont.load_default(96)
    left, top, right, bottom = (round(edge) for edge in pen.textbbox((0, 0), name, font=font))
    x, y = (1024 - (right - left)) // 2 - left, 180
    pen.text((x, y), name, font=font, fill=30)
    return np.asarray(page), (x + left, y + top, right - left, bottom - top)


def test_the_real_engine_confirms_a_large_name_read_alone() -> None:
    gray, box = certificate("Tariq Abdullah")
    doubted = Line(("Tariq", "Abdullah"), (0.41, 0.41), box)
    assert box[3] >= closer_look.LARGE_LINE

    (line,) = looked_closer(gray, [doubted], read_once)

    assert min(line.confidences) >= SURE_READING
    # A name it reads otherwise keeps its doubt.
    (other,) = looked_closer(gray, [Line(("Tarig", "Abdullah"), (0.41, 0.41), box)], read_once)
    assert other.confidences[0] == 0.41 and other.confidences[1] >= SURE_READING
