"""A name written in disguise, read back the way a person sees through it (after reading.py; profile.py).

Two disguises keep every letter of a name but hide its words from a reader that takes characters one by one:
- letters spaced out ("E v e l y n  L o c k w o o d", "J E S S"): four or more words of one letter in a row are
  one word, its case saying where a new word starts, as camelCase does;
- digits standing for the letters they look like ("l0ckw00d", "3velyn", "ev1e", "j3551c4"): digits glued to
  letters anywhere in a word, one of them leading it or closing it ("1" as "i" or "l", whichever spells a name).
A person sees through a disguise only when a name shows through it, so each is read as letters only when a
name the index knows (four letters or more) then spans the disguised place: "ev3lyn" is Evelyn, "jess4smith"
stays Jess, 4, Smith (a year group), "5evelyn" stays 5 and Evelyn, "jess16" stays Jess and 16, and "A B C D"
stays four initials.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

from checks.identity.lexicon import FORENAME, GIVEN, SURNAME
from checks.identity.reading import FieldReading, Number, Word, camel_breaks

# Digits that stand for letters by their shape (1 reads as i: "ev1e", "em1ly").
LOOK_ALIKE_DIGITS = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t"}
SPACED_OUT = 4  # single letters in a row that may be one word spaced out
# Digits that close a word are letters only when one stands for the last letter of a name ("jessic4", "0rl4"), the
# letters before it no name of their own: two or more closing digits are a year or an age ("jess16").
_MOST_DIGITS_CLOSING = 1
_SHORTEST_NAME_SEEN_THROUGH = 4
NAME_ROLES = FORENAME | GIVEN | SURNAME

_Item = Word | Number
# What the index knows in a word: (start, end, key, roles) per stretch (RegisterIndex.scan).
Scan = Callable[[str], tuple[tuple[int, int, str, int], ...]]


def undisguised(reading: FieldReading, scan: Scan) -> FieldReading:
    """The reading with spaced-out letters and look-alike digits read as the names they spell; the same
    reading when there are none."""
    items: list[_Item] = sorted((*reading.words, *reading.numbers), key=lambda item: item.position)
    merged = _spaced_out(_digits_as_letters(items, scan), scan)
    if len(merged) == len(items):
        return reading
    renumbered = [replace(item, position=n) for n, item in enumerate(merged)]
    words = tuple(item for item in renumbered if isinstance(item, Word))
    numbers = tuple(item for item in renumbered if isinstance(item, Number))
    return replace(reading, words=words, numbers=numbers)


def _a_name_spans(word: str, start: int, end: int, scan: Scan) -> bool:
    """A name of four letters or more spans letters `start` to `end` of `word` and the letters on each side
    that has letters; a digit closing the word closes a name of five letters or more begun before it."""
    closing = end == len(word) and not _a_name_ends_at(word, start, scan)
    return any(
        s <= start
        and end <= e
        and (s < start or start == 0)
        and (end < e or (closing and e == end and s < start and e - s >= _SHORTEST_NAME_SEEN_THROUGH))
        and e - s >= _SHORTEST_NAME_SEEN_THROUGH
        and roles & NAME_ROLES
        for s, e, _, roles in scan(word)
    )


def _a_name_ends_at(word: str, at: int, scan: Scan) -> bool:
    """The letters before a closing digit already end a name ("jessica4": Jessica, in Year 4)."""
    return any(
        e == at and e - s >= _SHORTEST_NAME_SEEN_THROUGH and r & NAME_ROLES for s, e, _, r in scan(word)
    )


def _as_letters(number: Number) -> list[str]:
    """Every way the number's digits read as the letters they look like ("1" as "i" or "l"); none when a digit
    looks like no letter."""
    choices = [LOOK_ALIKE_DIGITS.get(d, "") for d in number.digits]
    if not all(choices):
        return []
    return ["".join(letters) for letters in itertools.islice(itertools.product(*choices), _MOST_SPELLINGS)]


_MOST_SPELLINGS = 8


def _digits_as_letters(items: list[_Item], scan: Scan) -> list[_Item]:
    """Each chain of words and numbers glued together read as one word when every number in it is letters a
    name shows through; a number closing the chain only when it is one digit and the name ends there."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        j = i + 1
        while j < len(items) and items[j].glued:
            j += 1
        chain = items[i:j]
        word = None
        if (
            len(chain) >= 2
            and isinstance(chain[-1], Number)
            and len(chain[-1].digits) <= _MOST_DIGITS_CLOSING
        ):
            word = _seen_through(chain, scan)
        while word is None and chain and isinstance(chain[-1], Number):
            chain.pop()
        word = word or _seen_through(chain, scan)
        out += [word] if word else chain
        out += items[i + len(chain) : j]
        i = j
    return out


def _seen_through(chain: list[_Item], scan: Scan) -> Word | None:
    if not any(isinstance(item, Number) for item in chain) or len(chain) < 2:
        return None
    if isinstance(chain[0], Number) and len(chain[0].digits) > 1:
        return None  # "2016jess": a leading number of several digits is a year
    readings = [_item_readings(item) for item in chain]
    if not all(readings):
        return None
    for letters in itertools.islice(itertools.product(*readings), _MOST_SPELLINGS):
        plain, places = "", []
        for item, piece in zip(chain, letters, strict=True):
            if isinstance(item, Number):
                places.append((len(plain), len(plain) + len(piece)))
            plain += piece
        if all(_a_name_spans(plain, start, end, scan) for start, end in places):
            shown, breaks, at = "", [], 0
            for item, piece in zip(chain, letters, strict=True):
                if isinstance(item, Word):
                    breaks += [at + b for b in item.breaks]
                    shown += item.shown
                else:
                    shown += item.digits
                at += len(piece)
            return Word(plain, shown, chain[0].position, chain[0].glued, tuple(breaks))
    return None


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
