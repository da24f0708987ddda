"""A display name or username read the way a person sees it: words, numbers, decoration, and what was not read.

Every character a person can type ends up somewhere a reader can account for:
- letters of the Latin alphabet, however dressed (accents, decorative and full-width letters, small capitals,
  circled and squared letters), become the plain letters of a word (anyascii); letters of another script mixed
  into a Latin word are read by the Latin letter they look like (Unicode's confusables, confusable_homoglyphs);
  a word written wholly in another script (Cyrillic, Greek, Arabic, Devanagari...) is transliterated (anyascii),
  and said so;
- digits of any script become numbers;
- emoji, symbols and flags are decoration; punctuation, spaces, `_` and camelCase separate words;
- invisible formatting (zero-width joiners, variation selectors) and combining marks are part of the character
  they dress, not content;
- letters nothing reads as Latin letters are kept, quoted, as not read: reported rather than dropped.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from confusable_homoglyphs import categories, confusables

from checks.identity.text import sound_of

# Scripts whose letters are read as Latin letters without saying so: Latin itself (accents, small capitals,
# "ł", "ß") and Unicode's common letters (mathematical, circled, squared, full-width: Latin letters dressed up).
_LATIN_SCRIPTS = frozenset({"LATIN", "COMMON"})
# Scripts whose transliteration is as a reader of that alphabet would say it aloud; others (Arabic, Hebrew,
# Devanagari...) leave vowels unwritten or implied, so their letters are a skeleton of the Latin spelling. Han,
# kana and Hangul are romanised syllable by syllable, vowels and all (Pinyin "LiuMei").
_ALPHABETS = frozenset(
    {"CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "HAN", "HIRAGANA", "KATAKANA", "HANGUL", "THAI"}
)
_APOSTROPHES = frozenset("'’ʼ`´")
# "Mrs Ward's Class": a possessive ending is not part of the name it follows.
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’ʼ`´][sS](?![^\W\d_])")
LETTER, DIGIT, DECORATION, SEPARATOR, INVISIBLE, OTHER_SCRIPT, UNREAD = range(7)


@functools.lru_cache(maxsize=8192)
def shape_of(c: str) -> str:
    """The Latin letter a letter of another script looks like, or "": Unicode's confusables ("е" is "e"), and a
    small letter drawn as its capital ("т", "н" look like small capitals T and H) as that capital does."""
    for letter in dict.fromkeys((c, c.upper())):
        for entry in confusables.is_confusable(letter, greedy=True, preferred_aliases=["latin"]) or []:
            for glyph in entry["homoglyphs"]:
                if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                    return str(glyph["c"]) if letter == c else str(glyph["c"]).lower()
    return ""


@functools.lru_cache(maxsize=4096)
def _character(c: str) -> tuple[int, str]:
    """(class, what it reads as) for one character after NFKC: a Latin letter keeps its case."""
    if "a" <= c <= "z" or "A" <= c <= "Z":
        return LETTER, c
    category = unicodedata.category(c)
    if category == "Nd":
        return DIGIT, str(unicodedata.decimal(c))
    # Marks (a Devanagari vowel sign, an accent) belong to the letter they follow: read with it, never a break.
    if category in ("Cf", "Mn", "Mc", "Me") or c in "\ufe0f\ufe0e" or c in _APOSTROPHES:
        return INVISIBLE, ""
    if unicodedata.name(c, "").startswith("REGIONAL INDICATOR"):
        return DECORATION, c  # flags: pairs of these render as one flag
    if category.startswith("L") or category == "So":
        script = categories.alias(c)
        sound = sound_of(c)
        # A symbol is a letter only when it is one dressed up ("ⓙ", "🅹"), not an emoji anyascii names (":smile:").
        dressed_letter = category.startswith("L") or (sound == anyascii(c) and 0 < len(sound) <= 2)
        if script in _LATIN_SCRIPTS and sound and dressed_letter:
            return LETTER, sound
        if category.startswith("L") and script not in _LATIN_SCRIPTS:
            return OTHER_SCRIPT, c
        if category.startswith("L"):
            return UNREAD, c
    if category.startswith(("S", "No")):
        return DECORATION, c
    return SEPARATOR, c


@dataclass(frozen=True)
class Word:
    """One word of a name field: its letters as compared (`plain`, lower case) and as written (`shown`)."""

    plain: str
    shown: str
    position: int  # order among the field's words and numbers
    glued: bool  # joined to the number before it with no separator ("2016jess")
    breaks: tuple[int, ...] = ()  # where camelCase starts a new word inside it ("JessicaSmith": 7)
    # How letters of another script were read: "transliterated from Cyrillic"; "" for Latin letters.
    read_as: str = ""
    # A word wholly in another script whose every letter also looks like a Latin one ("Јеѕѕ"): that reading by
    # shape, which profile.py takes instead of the sound when only the shape spells a name the school knows.
    shape: str = ""
    # A script that leaves vowels unwritten or implied (Arabic, Devanagari): the letters read are a skeleton.
    skeleton: bool = False


@dataclass(frozen=True)
class Number:
    digits: str
    position: int
    glued: bool


@dataclass(frozen=True)
class FieldReading:
    """A name field read: its words and numbers in order, its decoration, and the letters not read."""

    shown: str
    words: tuple[Word, ...]
    numbers: tuple[Number, ...]
    decoration: tuple[str, ...]
    unread: tuple[str, ...]

    @property
    def plain(self) -> str:
        return " ".join(w.plain for w in self.words)


_CAMEL_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def camel_breaks(letters: str) -> tuple[int, ...]:
    """Where camelCase starts a new word ("JessicaSmith": 7); none in a word whose case alternates for effect
    ("aRcHiE", "MoRoE": every piece of one or two letters), which is one word dressed up."""
    breaks = tuple(m.start() for m in _CAMEL_BREAK.finditer(letters))
    edges = (0, *breaks, len(letters))
    if len(breaks) >= 2 and all(b - a <= 2 for a, b in itertools.pairwise(edges)):
        return ()
    return breaks


_WORD_CLASS = {LETTER: LETTER, OTHER_SCRIPT: LETTER, DIGIT: DIGIT, UNREAD: UNREAD}

# One run of characters of one word class: (class of each character, what it reads as, as written).
_Run = list[tuple[int, str, str]]


_ASCII_PIECE = re.compile(r"([A-Za-z]+(?:'[A-Za-z]+)*)|([0-9]+)|([^A-Za-z0-9]+)")


@functools.lru_cache(maxsize=10_000)
def read_field(text: str | None) -> FieldReading:
    """Read a display name or username (a leading "@" is not part of it)."""
    text = unicodedata.normalize("NFKC", (text or "").removeprefix("@"))
    text = _POSSESSIVE.sub(" ", text)
    if text.isascii():
        return _read_ascii(text)
    runs: list[tuple[_Run, bool]] = []  # each run, and whether it is glued to the run before it
    decoration: list[str] = []
    run: _Run = []
    separated, decorating = True, False
    for c in text:
        kind, value = _character(c)
        if kind == INVISIBLE:
            if decorating:
                decoration[-1] += c
            elif run:
                run[-1] = (run[-1][0], run[-1][1], run[-1][2] + c)
            continue
        if kind in (SEPARATOR, DECORATION):
            if kind == DECORATION and decorating:
                decoration[-1] += c
            elif kind == DECORATION:
                decoration.append(c)
            decorating = kind == DECORATION
            if run:
                runs.append((run, not separated))
                run, separated = [], True
            continue
        decorating = False
        if (run and _WORD_CLASS[run[-1][0]] != _WORD_CLASS[kind]) or _a_capital_starts_a_word(run, kind, c):
            runs.append((run, not separated))
            run, separated = [], False
        run.append((kind, value, c))
    if run:
        runs.append((run, not separated))
    return _reading(text, runs, decoration)


def _a_capital_starts_a_word(run: _Run, kind: int, c: str) -> bool:
    """camelCase in a script with capitals ("СофіяШевченко"): a capital after a small letter starts a word."""
    return bool(run) and kind == OTHER_SCRIPT == run[-1][0] and c.isupper() and run[-1][2][-1:].islower()


def _letters(run: _Run) -> tuple[str, str, str, bool]:
    """(letters with case kept, how they were read, the reading by shape, whether a skeleton) for one run of
    letters: by shape where Latin letters are mixed with look-alikes of another script, by sound (anyascii)
    when the word is wholly in another script."""
    if all(kind == OTHER_SCRIPT for kind, _, _ in run):
        written = "".join(c for _, _, c in run)
        # A run's first character may carry its combining marks ("к" + "\u0301"): its script is its base letter's.
        script = categories.alias(run[0][2][0]) or "another script"
        shapes = [shape_of(c) for c in written]
        shape = "".join(shapes) if all(shapes) else ""
        return sound_of(written), f"transliterated from {script.title()}", shape, script not in _ALPHABETS
    out = [value if kind == LETTER else shape_of(c) or sound_of(c) for kind, value, c in run]
    return "".join(out), "", "", False


def _reading(text: str, runs: list[tuple[_Run, bool]], decoration: list[str]) -> FieldReading:
    words: list[Word] = []
    numbers: list[Number] = []
    unread: list[str] = []
    position = 0
    for run, glued in runs:
        kind = _WORD_CLASS[run[0][0]]
        shown = "".join(c for _, _, c in run)
        if kind == DIGIT:
            numbers.append(Number("".join(v for _, v, _ in run), position, glued))
            position += 1
            continue
        if kind == UNREAD:
            unread.append(shown)
            continue
        letters, how, shape, skeleton = _letters(run)
        if how:
            written = [shown] + [""] * (len(letters) - 1)
        else:
            # The characters written for each letter read (a decorative letter may read as two: "æ" -> "ae").
            read = [value if kind == LETTER else shape_of(c) or sound_of(c) for kind, value, c in run]
            written = [
                c for (_, _, c), value in zip(run, read, strict=True) for c in [c] + [""] * (len(value) - 1)
            ]
        if letters:
            breaks = camel_breaks(letters) if not how else ()
            words.append(
                Word(letters.lower(), "".join(written), position, glued, breaks, how, shape.lower(), skeleton)
            )
            position += 1
    return FieldReading(text, tuple(words), tuple(numbers), tuple(decoration), tuple(unread))


def _read_ascii(text: str) -> FieldReading:
    """The same reading for plain ASCII (most names), without looking at each character on its own."""
    words: list[Word] = []
    numbers: list[Number] = []
    decoration: list[str] = []
    glued = False
    for match in _ASCII_PIECE.finditer(text):
        letters, digits, other = match.groups()
        position = len(words) + len(numbers)
        if letters:
            plain = letters.replace("'", "")
            breaks = camel_breaks(plain)
            words.append(Word(plain.lower(), letters, position, glued, breaks))
            glued = True
        elif digits:
            numbers.append(Number(digits, position, glued))
            glued = True
        else:
            symbols = "".join(c for c in other if unicodedata.category(c).startswith("S"))
            if symbols:
                decoration.append(symbols)
            glued = False
    return FieldReading(text, tuple(words), tuple(numbers), tuple(decoration), ())
