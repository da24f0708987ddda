"""Spaced-out letters and look-alike digits read as the name they spell, only when a name shows through."""

from __future__ import annotations

import pytest

from checks.identity.disguise import undisguised
from checks.identity.lexicon import DECORATIVE, FORENAME, GIVEN, HOBBY_WORD, SURNAME
from checks.identity.reading import read_field
from checks.identity.text import squeeze

# Names the index would know, as RegisterIndex.scan reports them (made up here).
NAMES = {
    "evelyn": FORENAME,
    "jess": FORENAME,
    "jessa": FORENAME,
    "jessica": FORENAME,
    "jessie": FORENAME,
    "lily": FORENAME,
    "lockwood": SURNAME,
    "smith": SURNAME,
    "elodie": FORENAME,
    "ashdown": SURNAME,
    "ivo": FORENAME,
    "elys": SURNAME,
    "gillespie": SURNAME,
    "ida": GIVEN,
    "gaming": HOBBY_WORD,
    "yt": DECORATIVE,
}


KEYS = {squeeze(name): roles for name, roles in NAMES.items()}


def scan(word: str) -> tuple[tuple[int, int, str, int], ...]:
    # As the index compares them: letters repeated for effect squeezed ("smiilie" and "smillie" are "smilie").
    return tuple(
        (start, end, squeeze(word[start:end]), KEYS[squeeze(word[start:end])])
        for start in range(len(word))
        for end in range(start + 1, len(word) + 1)
        if squeeze(word[start:end]) in KEYS
    )


def read(text: str) -> tuple[list[str], list[str]]:
    reading = undisguised(read_field(text), scan)
    return [w.plain for w in reading.words], [n.digits for n in reading.numbers]


@pytest.mark.parametrize(
    ("shown", "words"),
    [
        ("l0ckw00d", ["lockwood"]),  # two places in one word
        ("3velyn_x", ["evelyn", "x"]),  # a digit leading the word
        ("Ev3lyn L0ckwood", ["evelyn", "lockwood"]),
        ("E v e l y n", ["evelyn"]),
        ("J E S S", ["jess"]),
        ("j3551c4", ["jessica"]),  # digits throughout, one closing the name
        ("1i1y_5m17h", ["lily", "smith"]),  # "1" as "l" or "i", whichever spells the name
        ("45hd0wn", ["ashdown"]),  # several digits leading the word
        ("3l0d13", ["elodie"]),  # several digits closing it, the letters before them no name
        ("3l0d134shd0wn", ["elodieashdown"]),  # one number across two names run together
        ("1v0 45hd0wn", ["ivo", "ashdown"]),  # a register name of three letters, a whole word
        ("3l0d13 G4m1ng", ["elodie", "gaming"]),  # a channel word read as one, not as an age
        ("j3ss13", ["jessie"]),  # written in digits throughout: "13" after "Jess" is letters too
        ("3l0d13 1v05m17h", ["elodie", "ivosmith"]),  # a register name of three letters opening a word
        ("31y5", ["elys"]),  # a token of digits alone that can be no age or year: a name
        ("g1113sp13", ["gillespie"]),  # "11" as "ll", not "ii"
        ("3v3lyn1ily", ["evelynlily"]),  # the reading long names explain most of
        (
            "3l0d13 y7",
            ["elodie", "yt"],
        ),  # digits for letters throughout: a short channel word too, not Year 7
    ],
)
def test_a_name_shows_through_its_disguise(shown: str, words: list[str]) -> None:
    assert read(shown) == (words, [])


def test_spaced_out_letters_keep_their_case_as_word_breaks() -> None:
    (word,) = undisguised(read_field("E v e l y n L o c k w o o d"), scan).words
    assert word.plain == "evelynlockwood" and word.breaks == (6,)


@pytest.mark.parametrize(
    ("shown", "read_as"),
    [
        ("jess4smith", (["jess", "smith"], ["4"])),  # a year group between names: "jessasmith" spans no gap
        ("5evelyn", (["evelyn"], ["5"])),  # "sevelyn" is nobody's name
        ("ev3lyn16", (["evelyn"], ["16"])),  # a number ending the word stays a number
        ("jessica4", (["jessica"], ["4"])),  # a digit after a whole name is a year group, not its last letter
        ("jess13", (["jess"], ["13"])),  # an age after a name, though "jessie" is a name too
        ("Elodie y7", (["elodie", "y"], ["7"])),  # no other word in digits: a year group
        ("1d4", (["d"], ["1", "4"])),
        ("2015", ([], ["2015"])),  # a year  # a short word is read only as a name the registers hold
        ("E R Lockwood", (["e", "r", "lockwood"], [])),  # initials
        ("A B C D", (["a", "b", "c", "d"], [])),  # no name spelt out
    ],
)
def test_numbers_and_initials_that_spell_no_name_stay_as_written(
    shown: str, read_as: tuple[list[str], list[str]]
) -> None:
    assert read(shown) == read_as
