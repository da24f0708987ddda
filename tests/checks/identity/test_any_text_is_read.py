"""Whatever a profile holds, the resolver reads it and says something: no text a person can type stops the weekly
run. Profiles are made from a fixed seed out of every kind of character (letters of many scripts, combining marks
before and after letters, joiners, emoji, digits, punctuation, controls), in every text field at once."""

from __future__ import annotations

import random
import sys
import unicodedata
from datetime import UTC, datetime

import pytest

from checks.identity import RegisterIndex, resolve_identities
from checks.identity.reading import read_field
from tests.builders.audience import audience, x_member
from tests.builders.identity import index_of
from tests.builders.registers import parent, pupil, staff

# Characters of every general category, drawn from the whole of Unicode once (a fixed seed), plus the ones that
# combine with their neighbours, which sit at the edges of runs.
_DRAW = random.Random(20261125)
_SAMPLE = [chr(c) for c in _DRAW.sample(range(0x20, sys.maxunicode), 6000)]
CHARACTERS = [c for c in _SAMPLE if unicodedata.category(c) not in ("Cs", "Cn")]
COMBINING = [c for c in map(chr, range(0x0300, 0x0370))] + [
    "\u093f",
    "\u094d",
    "\u0a4d",
    "\u200d",
    "\u200c",
    "\ufe0f",
]
WORDS = ["Orla", "Quenby", "Орла", "Ορλα", "اورلا", "ओरला", "0rl4", "y5", "gaming", "mum of"]


def _text(draw: random.Random) -> str:
    parts = []
    for _ in range(draw.randint(1, 6)):
        choice = draw.random()
        if choice < 0.3:
            parts.append(draw.choice(WORDS))
        elif choice < 0.55:
            parts.append(draw.choice(COMBINING) + draw.choice(WORDS) + draw.choice(COMBINING))
        else:
            parts.append("".join(draw.choice(CHARACTERS) for _ in range(draw.randint(1, 8))))
        parts.append(draw.choice(["", " ", "_", ".", "\u00a0"]))
    return "".join(parts)


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(
        [pupil("P0101", "Orla", "Quenby")],
        [staff("S0101", "Helen", "Pardoe")],
        [parent("PA0101", "Carys", "Quenby", of=("P0101",))],
        "Fernhollow Primary School",
    )


def test_every_field_of_any_text_is_read(index: RegisterIndex) -> None:
    draw = random.Random(7)
    members = [
        x_member(
            f"17000000000000{n:05d}",
            _text(draw)[:15],
            _text(draw),
            bio=_text(draw),
            location=_text(draw),
            url="https://example.org/" + _text(draw),
            created=datetime(2025, 3, 1, tzinfo=UTC),
        )
        for n in range(400)
    ]
    resolved = resolve_identities(audience(*members), index)
    assert resolved.height >= len(members)
    assert all(isinstance(e, str) and e for e in resolved["evidence"])


@pytest.mark.parametrize("mark", COMBINING)
def test_a_word_that_begins_with_a_combining_mark_is_read(mark: str) -> None:
    for word in ("किरण", "анна", "Orla", "ορλα"):
        read_field(word[0] + mark + word[1:])
        read_field(mark + word)
