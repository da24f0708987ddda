"""The second look (checks/images/second_look.py): tilted lettering read upright, lettering the engine's layout set
aside read alone; with the real engine on name cards drawn here, turned by known angles."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from checks.images.lines import Line, lines_from_tsv
from checks.images.second_look import around, lean, looked_again, mapped, merged, set_aside, upright
from checks.images.text import read_once, read_text

NAMES = ("Kiara Forbes-Thompson", "Zimo Zhao", "Ewa Li", "Callum Smith", "Dylan Li", "Niamh Byrne")
HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def name_card(name: str, heading: str, turned: float, size: int = 100) -> np.ndarray:
    """A desk name card (a dark band with its class, the name large below) photographed turned by `turned`
    degrees (anticlockwise as seen) on a grey table."""
    card = Image.new("L", (900, 480), 250)
    pen = ImageDraw.Draw(card)
    pen.rectangle([0, 0, 900, 100], fill=40)
    for text, top, points, ink in ((heading, 22, 52, 255), (name, 210, size, 20)):
        font = ImageFont.load_default(points)
        left, _, right, _ = pen.textbbox((0, 0), text, font=font, stroke_width=2)
        while right - left > 810:  # a long name is set smaller, as a school's printer would
            points = int(points * 0.9)
            font = ImageFont.load_default(points)
            left, _, right, _ = pen.textbbox((0, 0), text, font=font, stroke_width=2)
        pen.text(
            ((900 - (right - left)) / 2 - left, top),
            text,
            font=font,
            fill=ink,
            stroke_width=2,
            stroke_fill=ink,
        )
    table = Image.new("L", (1024, 768), 120)
    card = card.rotate(turned, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=0)
    table.paste(
        card, ((1024 - card.width) // 2, (768 - card.height) // 2), card.point(lambda v: 255 if v else 0)
    )
    return np.asarray(table)


def found(lines: list[Line], name: str) -> bool:
    return name in " ".join(line.text for line in lines)


@pytest.mark.parametrize("turned", [-6.0, -4.0, -1.0, 0.0, 2.0, 6.0])
def test_how_far_a_line_leans_is_measured_from_its_pixels(turned: float) -> None:
    """Measured on the best-read line's box as the engine gave it, light on dark (the heading) and dark on light."""
    card = name_card("Tomasz Wright-Evans", "Hazel Class", turned, size=60)
    lines = [line for line in lines_from_tsv(read_once(card)) if len(line.text) >= 5]
    assert lines
    for line in lines:
        # Turned anticlockwise as seen, a line runs up to the right: turned back clockwise, a negative angle.
        assert lean(around(card, line.box)) == pytest.approx(-turned, abs=0.25), line.text
    assert lean(np.full((300, 400), 200, dtype=np.uint8)) == 0.0


@pytest.mark.slow
def test_names_on_turned_cards_are_read_where_one_reading_loses_them() -> None:
    """Cards turned 1.5-5 degrees either way: one reading loses half the names a person reads at a glance (the
    engine's own behaviour, checked here so the test shows what the second look is for). Read with it, one card in
    thirty is still lost: its region set aside is read as nothing at half size (at 0.3, 0.6 or 0.75 it is read), as
    the engine's layout goes; a larger count is the second look not working."""
    cards = [
        (name, name_card(name, f"{cls} Class", turned))
        for name, cls in zip(NAMES, ("Birch", "Oak", "Elm", "Ash", "Hazel", "Rowan"), strict=True)
        for turned in (-4.5, -2.5, 1.5, 3.5, 5.0)
    ]
    once = [found(lines_from_tsv(read_once(card)), name) for name, card in cards]
    assert once.count(False) >= 10
    assert len([name for name, card in cards if not found(read_text(card), name)]) <= 1


def test_a_level_picture_is_not_read_again_whole_and_a_picture_with_nothing_in_it_is_read_once() -> None:
    reads: list[tuple[int, ...]] = []

    def read(picture: np.ndarray) -> str:
        reads.append(picture.shape)
        return read_once(picture)

    level = name_card("Amelia Khan", "Oak Class", 0.0, size=60)
    assert found(looked_again(level, read(level), read), "Amelia Khan")
    assert reads[0] == level.shape and all(shape[0] * shape[1] < level.size / 2 for shape in reads[1:])
    reads.clear()
    blank = np.full((600, 800), 180, dtype=np.uint8)
    assert looked_again(blank, read(blank), read) == [] and len(reads) == 1


def test_a_place_in_the_upright_picture_maps_back_to_where_it_was() -> None:
    picture = np.zeros((400, 600), dtype=np.uint8)
    picture[200:220, 250:350] = 255
    level, back = upright(picture, 4.0)
    ys, xs = np.nonzero(level > 127)
    x, y, _, _ = mapped((round(xs.mean()), round(ys.mean()), 0, 0), back, picture.shape)
    assert abs(x - 300) <= 1 and abs(y - 210) <= 1


def test_only_regions_set_aside_that_could_hold_letters_and_are_not_the_photograph_are_read_again() -> None:
    rows = [
        "5\t1\t1\t1\t1\t1\t400\t200\t200\t40\t96.0\tBirch",
        "5\t1\t2\t1\t1\t1\t100\t250\t800\t350\t95.0\t ",  # the card's body: read again
        "5\t1\t3\t1\t1\t1\t0\t0\t1024\t768\t95.0\t ",  # the whole photograph
        "5\t1\t4\t1\t1\t1\t10\t10\t20\t400\t95.0\t ",  # a rule or an edge: too thin for letters
        "5\t1\t5\t1\t1\t1\t100\t250\t800\t350\t95.0\t",  # the same region twice
    ]
    assert set_aside("\n".join([HEADER, *rows]), (768, 1024)) == [(100, 250, 800, 350)]
    collage = [f"5\t1\t{i}\t1\t1\t1\t{40 * i}\t10\t{40 + i}\t40\t95.0\t " for i in range(1, 21)]
    regions = set_aside("\n".join([HEADER, *collage]), (768, 1024))
    assert [w for _, _, w, _ in regions] == [60, 59, 58, 57, 56, 55]


def line(text: str, confidence: float, box: tuple[int, int, int, int]) -> Line:
    words = tuple(text.split())
    return Line(words, (confidence,) * len(words), box)


def test_a_line_read_twice_is_kept_once_as_it_was_read_best_and_in_its_place() -> None:
    first = [line("Birch Class", 0.96, (400, 200, 220, 45)), line("Kiara", 0.89, (300, 380, 200, 80))]
    more = [
        line("Kiara Forbes-Thompson", 0.9, (280, 370, 520, 95)),
        line("Kiara Forbes-Thompson", 0.6, (282, 372, 515, 90)),  # the same line from the region read alone
        line("Birch Clas", 0.5, (401, 201, 218, 44)),  # read worse than the first time
        line("Year 4", 0.9, (420, 600, 150, 40)),
    ]
    assert [(x.text, x.confidence) for x in merged(first, more)] == [
        ("Birch Class", 0.96),
        ("Kiara Forbes-Thompson", 0.9),
        ("Year 4", 0.9),
    ]
