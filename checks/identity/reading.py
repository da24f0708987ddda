"""A display name or username read the way a person sees it: words, numbers, decoration, and what was not read.

Every character a person can type ends up somewhere a reader can account for:
- letters of the Latin alphabet, however dressed (accents, decorative and full-width letters, small capitals,
  circled and squared letters, look-alike Cyrillic or Greek letters mixed into a Latin word), become the plain
  letters of a word; a word written wholly in Cyrillic or Greek is transliterated, and said so;
- digits of any script become numbers;
- emoji, symbols and flags are decoration; punctuation, spaces, `_` and camelCase separate words;
- invisible formatting (zero-width joiners, variation selectors) and combining marks are part of the character
  they dress, not content;
- letters of any other script are kept, quoted, as not read: a reader reports them rather than dropping them.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from checks.identity.text import SPECIAL_LETTERS

_LATIN_NAME = re.compile(
    r"^(?:LATIN (?:SMALL|CAPITAL) LETTER (?:SMALL CAPITAL )?|LATIN LETTER SMALL CAPITAL |"
    r"(?:NEGATIVE )?(?:SQUARED|CIRCLED|PARENTHESIZED) LATIN (?:SMALL |CAPITAL )?LETTER |"
    r"MODIFIER LETTER (?:SMALL |CAPITAL )|REGIONAL INDICATOR SYMBOL LETTER )([A-Z])(?: WITH .*)?$"
)
# Cyrillic and Greek letters that look like Latin ones: inside a Latin word they are disguise, read by shape.
_LOOK_ALIKE = str.maketrans(
    "АВЕКМНОРСТХУаеорсухіјѕԁһԛԝӏІЈЅҮүькмнтвΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικνρτυχεω",
    "ABEKMHOPCTXYaeopcyxijsdhqwlIJSYybkmhtbABEZHIKMNOPTYXoaikvptuxew",
)
# A word wholly in Cyrillic or Greek is a name written in that alphabet: read by sound.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_APOSTROPHES = frozenset("'’ʼ`´")
# "Mrs Ward's Class": a possessive ending is not part of the name it follows.
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’ʼ`´][sS](?![^\W\d_])")
LETTER, DIGIT, DECORATION, SEPARATOR, INVISIBLE, CYRILLIC, GREEK, UNREAD = range(8)


@functools.lru_cache(maxsize=4096)
def _character(c: str) -> tuple[int, str]:
    """(class, what it reads as) for one character after NFKC: a Latin letter keeps its case."""
    if "a" <= c <= "z" or "A" <= c <= "Z":
        return LETTER, c
    category = unicodedata.category(c)
    if category == "Nd":
        return DIGIT, str(unicodedata.decimal(c))
    if category in ("Cf", "Mn", "Me") or c in "\ufe0f\ufe0e":
        return INVISIBLE, ""
    if c in _APOSTROPHES:
        return INVISIBLE, ""
    base = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", c.translate(SPECIAL_LETTERS))
        if not unicodedata.combining(ch)
    )
    if base and all("a" <= ch <= "z" or "A" <= ch <= "Z" for ch in base):
        return LETTER, base
    name = unicodedata.name(c, "")
    if name.startswith("REGIONAL INDICATOR"):
        return DECORATION, c  # flags: pairs of these render as one flag
    named = _LATIN_NAME.match(name)
    if named:
        capital = "CAPITAL LETTER" in name and "SMALL CAPITAL" not in name
        return LETTER, named.group(1) if capital else named.group(1).lower()
    if name.startswith("CYRILLIC"):
        return CYRILLIC, c
    if name.startswith("GREEK"):
        return GREEK, c
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
    read_as: str = ""  # "transliterated" when written in Cyrillic or Greek


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


_WORD_CLASS = {LETTER: LETTER, CYRILLIC: LETTER, GREEK: LETTER, DIGIT: DIGIT, UNREAD: UNREAD}

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
        if run and _WORD_CLASS[run[-1][0]] != _WORD_CLASS[kind]:
            runs.append((run, not separated))
            run, separated = [], False
        run.append((kind, value, c))
    if run:
        runs.append((run, not separated))
    return _reading(text, runs, decoration)


def _letters(run: _Run) -> tuple[str, str]:
    """What a run of letters reads as (case kept) and how: by shape when Latin letters are mixed with
    look-alikes, by sound when the word is wholly Cyrillic or Greek."""
    scripts = {kind for kind, _, _ in run}
    if scripts <= {CYRILLIC} or scripts <= {GREEK}:
        table = _CYRILLIC if CYRILLIC in scripts else _GREEK
        sound = []
        for _, value, _ in run:
            low = value.lower()
            letter = table.get(unicodedata.normalize("NFKD", low)[:1], low.translate(_LOOK_ALIKE))
            sound.append(letter.capitalize() if value != low else letter)
        return "".join(sound), "transliterated"
    out = []
    for kind, value, _ in run:
        if kind == LETTER:
            out.append(value)
            continue
        shaped = value.translate(_LOOK_ALIKE)
        if shaped == value:  # no Latin look-alike ("ж"): read by sound
            table = _CYRILLIC if kind == CYRILLIC else _GREEK
            shaped = table.get(unicodedata.normalize("NFKD", value.lower())[:1], "")
        out.append(shaped)
    if any(not ch.isascii() for ch in out):
        return "".join(ch for ch in "".join(out) if ch.isascii()), ""
    return "".join(out), ""


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
        letters, how = _letters(run)
        # The characters written for each letter read (a decorative letter may read as two: "æ" -> "ae").
        written = [c for _, value, c in run for c in [c] + [""] * (len(value) - 1)]
        if how == "transliterated":
            written = [shown] + [""] * (len(letters) - 1)
        if letters:
            breaks = camel_breaks(letters)
            words.append(Word(letters.lower(), "".join(written), position, glued, breaks, how))
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
