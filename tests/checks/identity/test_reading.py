"""A name field read the way a person sees it: every typed character read, or kept and said to be unread."""

from __future__ import annotations

import pytest

from checks.identity.reading import read_field


def words(text: str) -> list[str]:
    return [w.plain for w in read_field(text).words]


@pytest.mark.parametrize(
    ("shown", "read"),
    [
        ("Jess Smith", ["jess", "smith"]),
        ("𝓙𝓮𝓼𝓼 🌸 Smith", ["jess", "smith"]),  # script letters, an emoji between
        ("Ｊｅｓｓ　Ｓｍｉｔｈ", ["jess", "smith"]),  # full width
        ("ᴊᴇss sᴍɪᴛʜ", ["jess", "smith"]),  # small capitals
        ("🅹🅴🆂🆂", ["jess"]),  # negative squared letters
        ("ⓙⓔⓢⓢ", ["jess"]),  # circled
        ("Јеss Ѕmith", ["jess", "smith"]),  # Cyrillic look-alikes inside Latin words: read by shape
        ("Ѕмiтн", ["smith"]),  # small Cyrillic letters drawn as Latin small capitals
        ("Zoë O’Brien", ["zoe", "obrien"]),  # an apostrophe joins
        ("Mrs Ward's Class", ["mrs", "ward", "class"]),  # a possessive is not part of the name
        ("Je\u200bss", ["jess"]),  # a zero-width space is invisible
        ("Ze\u0301lie", ["zelie"]),  # a combining accent
    ],
)
def test_letters_however_dressed_read_as_plain_words(shown: str, read: list[str]) -> None:
    assert words(shown) == read


def test_a_word_wholly_in_cyrillic_is_transliterated_and_marked() -> None:
    (ivan, petrov) = read_field("Иван Петров").words
    assert (ivan.plain, petrov.plain) == ("ivan", "petrov")
    assert ivan.read_as == "transliterated from Cyrillic" and ivan.shown == "Иван"


@pytest.mark.parametrize(
    ("shown", "read", "script"),
    [("李华 Lee", "lihua", "Han"), ("अर्जुन", "arjun", "Devanagari"), ("Αλέξανδρος", "alexandros", "Greek")],
)
def test_a_word_in_any_other_script_is_transliterated_and_marked(shown: str, read: str, script: str) -> None:
    word = read_field(shown).words[0]
    assert (word.plain, word.read_as) == (read, f"transliterated from {script}")


def test_a_script_that_leaves_vowels_unwritten_gives_a_skeleton() -> None:
    (word,) = read_field("محمد").words
    assert (word.plain, word.skeleton) == ("mhmd", True)


def test_a_word_wholly_in_look_alike_letters_keeps_its_reading_by_shape() -> None:
    (word,) = read_field("Јеѕѕ").words
    assert word.shape == "jess" and word.read_as == "transliterated from Cyrillic"


def test_emoji_and_flags_are_decoration_digits_are_numbers() -> None:
    reading = read_field("🇬🇧 jess_smith16x ❤️‍🔥")
    assert [w.plain for w in reading.words] == ["jess", "smith", "x"]
    assert [(n.digits, n.glued) for n in reading.numbers] == [("16", True)]
    assert reading.decoration == ("🇬🇧", "❤️‍🔥")


def test_camel_case_is_a_soft_break_inside_one_word() -> None:
    (word,) = read_field("JessicaSmith").words
    assert (word.plain, word.breaks) == ("jessicasmith", (7,))
    (mc,) = read_field("McDonald").words
    assert (mc.plain, mc.breaks) == ("mcdonald", (2,))


def test_digits_of_any_script_are_numbers() -> None:
    assert [n.digits for n in read_field("jess٢٠١٦").numbers] == ["2016"]


def test_syllables_of_han_are_read_with_their_vowels_not_as_consonants_alone() -> None:
    (word,) = read_field("李明").words
    assert word.plain == "liming" and not word.skeleton
