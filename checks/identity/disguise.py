"""A name written in disguise, read back the way a person sees through it (after reading.py; profile.py).

Two disguises keep every letter of a name but hide its words from a reader that takes characters one by one:
- letters spaced out ("E v e l y n  L o c k w o o d", "J E S S"): four or more words of one letter in a row are
  one word, its case saying where a new word starts, as camelCase does;
- digits standing for the letters they look like (3 for e, 0 for o, 1 for i or l, 4 for a, 5 for s, 7 for t)
  anywhere in a token ("l0ckw00d", "44r0h1", "ch4r113", "f10r3nc35u7c11ff3"): a token of letters and digits
  glued together is read as letters when every digit then falls inside a name the index knows.
A person sees through a disguise only when a name shows through it, so each digit is a letter only inside a name
of four letters or more (three when the name is the whole token: "F0x"), never where the letters before it already
end a name ("jess4smith" stays Jess, 4, Smith: a year group; "jess13" stays Jess and 13) nor starting a name in the
middle of a word unless another name ends there ("5evelyn" stays 5 and Evelyn, "jess16" stays Jess and 16, and
"A B C D" stays four initials). A whole token that reads as a channel or hobby word ("g4m1ng", "p14y5",
"0ff1c141", "f4m1ly") is read as that word, so its digits are not taken for an age or a year group.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

from checks.identity.lexicon import FORENAME, GIVEN, NOT_A_NAME, SURNAME
from checks.identity.reading import FieldReading, Number, Word, camel_breaks

# Digits that stand for letters by their shape (1 reads as i: "ev1e", "em1ly").
LOOK_ALIKE_DIGITS = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t"}
SPACED_OUT = 4  # single letters in a row that may be one word spaced out
DIGITS_READ_AS_LETTERS = "digits read as the letters they look like"
_SHORTEST_NAME_SEEN_THROUGH = 4
_SHORTEST_WHOLE_NAME = 3
_SHORTEST_KNOWN_WORD = 2  # "yt", "tv": read as such only beside another token in digits
NAME_ROLES = FORENAME | GIVEN | SURNAME
REGISTER_NAME = FORENAME | SURNAME

_Item = Word | Number
# What the index knows in a word: (start, end, key, roles) per stretch (RegisterIndex.scan).
Scan = Callable[[str], tuple[tuple[int, int, str, int], ...]]


def undisguised(reading: FieldReading, scan: Scan) -> FieldReading:
    """The reading with spaced-out letters and look-alike digits read as the names they spell; the same
    reading when there are none."""
    items: list[_Item] = sorted((*reading.words, *reading.numbers), key=lambda item: item.position)
    seen_through = _digits_as_letters(items, scan, _SHORTEST_NAME_SEEN_THROUGH)
    if any(isinstance(item, Word) and item.read_as == DIGITS_READ_AS_LETTERS for item in seen_through):
        # Digits written for letters throughout the field: a short token reading as a channel word is one too
        # ("53r3n y7": "yt", not Year 7).
        seen_through = _digits_as_letters(seen_through, scan, _SHORTEST_KNOWN_WORD)
    merged = _spaced_out(seen_through, scan)
    if len(merged) == len(items):
        return reading
    renumbered = [replace(item, position=n) for n, item in enumerate(merged)]
    words = tuple(item for item in renumbered if isinstance(item, Word))
    numbers = tuple(item for item in renumbered if isinstance(item, Number))
    return replace(reading, words=words, numbers=numbers)


_Spans = tuple[tuple[int, int, str, int], ...]


def _digit_inside_a_name(word: str, at: int, spans: _Spans) -> bool:
    """Letter `at` of `word` (a digit read as a letter) falls inside a name the index knows: a name of four letters
    or more (three when it is the whole word), not begun by the digit in the middle of the word unless another
    name ends just before it."""
    for s, e, _, roles in spans:
        whole = s == 0 and e == len(word)
        if not (s <= at < e and roles & NAME_ROLES):
            continue
        # A name of three letters shows through only as a whole word or at the start of one ("z03f0x...").
        opens = s == 0 or whole
        if e - s < _SHORTEST_NAME_SEEN_THROUGH and not (opens and e - s >= _SHORTEST_WHOLE_NAME):
            continue
        if e - s < _SHORTEST_NAME_SEEN_THROUGH and not roles & REGISTER_NAME:
            continue  # a short name is read only as one the registers hold ("F0x"), not any given name
        if at == s and s > 0 and not _a_name_ends_at(word, s, spans):
            continue  # "5evelyn": a name does not start with a digit inside a word
        return True
    return False


def _a_name_ends_at(word: str, at: int, spans: _Spans) -> bool:
    return any(e == at and e - s >= _SHORTEST_WHOLE_NAME and r & NAME_ROLES for s, e, _, r in spans)


def _letters_of_names(word: str, numbers: list[tuple[str, int, int]], scan: Scan) -> bool:
    """Every digit of the numbers (digits, start, end) in `word` falls inside a name, and a number that may be an
    age or a year where the letters before it end a name ("jess13", "jess4smith") is read as letters only when
    another number of the word is letters beyond doubt: the word is written in digits throughout ("J05h1")."""
    spans = scan(word)
    if not all(
        _digit_inside_a_name(word, at, spans) for _, start, end in numbers for at in range(start, end)
    ):
        return False
    doubtful = [
        _may_be_an_age_or_year(digits) and _a_name_ends_at(word, start, spans) for digits, start, _ in numbers
    ]
    return not any(doubtful) or not all(doubtful)


def _a_known_word(word: str, scan: Scan, shortest: int) -> bool:
    """The whole word is a channel, hobby or family word ("gaming", "plays", "official", "family")."""
    return len(word) >= shortest and any(
        s == 0 and e == len(word) and roles & NOT_A_NAME for s, e, _, roles in scan(word)
    )


def _may_be_an_age_or_year(digits: str) -> bool:
    return len(digits) <= 2 or (len(digits) == 4 and digits[:2] in ("19", "20"))


def _as_letters(number: Number) -> list[str]:
    """Every way the number's digits read as the letters they look like ("1" as "i" or "l"); none when a digit
    looks like no letter."""
    choices = [LOOK_ALIKE_DIGITS.get(d, "") for d in number.digits]
    if not all(choices):
        return []
    return ["".join(letters) for letters in itertools.islice(itertools.product(*choices), _MOST_SPELLINGS)]


_MOST_SPELLINGS = 64


def _digits_as_letters(items: list[_Item], scan: Scan, shortest_known: int) -> list[_Item]:
    """Each chain of words and numbers glued together read as one word when its digits are letters of names
    that show through (or the whole chain is a known word of `shortest_known` letters or more); else without the
    numbers closing it."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        j = i + 1
        while j < len(items) and items[j].glued:
            j += 1
        chain = items[i:j]
        word = _seen_through(chain, scan, shortest_known)
        while word is None and chain and isinstance(chain[-1], Number):
            chain.pop()
            word = _seen_through(chain, scan, shortest_known)
        out += [word] if word else chain
        out += items[i + len(chain) : j]
        i = j
    return out


def _seen_through(chain: list[_Item], scan: Scan, shortest_known: int) -> Word | None:
    if not any(isinstance(item, Number) for item in chain):
        return None
    if not any(isinstance(i, Word) for i in chain) and not _may_be_a_name_in_digits(chain):
        return None
    readings = [_item_readings(item) for item in chain]
    if not all(readings):
        return None
    seen: list[tuple[str, tuple[str, ...]]] = []
    for letters in itertools.islice(itertools.product(*readings), _MOST_SPELLINGS):
        plain, numbers = "", []
        for item, piece in zip(chain, letters, strict=True):
            if isinstance(item, Number):
                numbers.append((item.digits, len(plain), len(plain) + len(piece)))
            plain += piece
        if not any(isinstance(i, Word) for i in chain):
            accepted = _a_whole_register_name(plain, scan)
        else:
            accepted = _a_known_word(plain, scan, shortest_known) or _letters_of_names(plain, numbers, scan)
        if accepted:
            seen.append((plain, letters))
    if not seen:
        return None
    # The reading most of whose letters long names explain ("w1111am": William, not "Wil" and "Lila"); of those,
    # "11" as "ll" before "ii", a pair seldom written in a name ("g1113sp13": Gillespie, not "Giilespie").
    plain, letters = min(
        seen, key=lambda reading: (-_named_letters(reading[0], scan), reading[0].count("ii"))
    )
    shown, breaks, at = "", [], 0
    for item, piece in zip(chain, letters, strict=True):
        if isinstance(item, Word):
            breaks += [at + b for b in item.breaks]
            shown += item.shown
        else:
            shown += item.digits
        at += len(piece)
    return Word(
        plain, shown, chain[0].position, chain[0].glued, tuple(breaks), read_as=DIGITS_READ_AS_LETTERS
    )


def _named_letters(word: str, scan: Scan) -> int:
    return len(
        {
            at
            for s, e, _, roles in scan(word)
            if e - s >= _SHORTEST_NAME_SEEN_THROUGH and roles & NAME_ROLES
            for at in range(s, e)
        }
    )


def _may_be_a_name_in_digits(chain: list[_Item]) -> bool:
    """A token of digits alone ("31513") may be a name when it cannot be an age, a year group or a year."""
    return len(chain) == 1 and isinstance(chain[0], Number) and not _may_be_an_age_or_year(chain[0].digits)


def _a_whole_register_name(word: str, scan: Scan) -> bool:
    return len(word) >= _SHORTEST_NAME_SEEN_THROUGH and any(
        s == 0 and e == len(word) and roles & REGISTER_NAME for s, e, _, roles in scan(word)
    )


def _item_readings(item: _Item) -> list[str]:
    return [item.plain] if isinstance(item, Word) else _as_letters(item)


def _spaced_out(items: list[_Item], scan: Scan) -> list[_Item]:
    out: list[_Item] = []
    i = 0
    while i < len(items):
        end = i
        while end < len(items) and _single_letter(items[end]) and (end == i or not items[end].glued):
            end += 1
        letters = [item for item in items[i:end] if isinstance(item, Word)]
        plain = "".join(w.plain for w in letters)
        named = any(e - s >= _SHORTEST_NAME_SEEN_THROUGH and r & NAME_ROLES for s, e, _, r in scan(plain))
        if len(letters) >= SPACED_OUT and named:
            shown = "".join(w.shown for w in letters)
            breaks = camel_breaks(shown) if len(shown) == len(plain) else ()
            out.append(Word(plain, shown, letters[0].position, letters[0].glued, breaks))
            i = end
            continue
        out.append(items[i])
        i += 1
    return out


def _single_letter(item: _Item) -> bool:
    return isinstance(item, Word) and len(item.plain) == 1
