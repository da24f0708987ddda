"""Nicknames and diminutives: the `nicknames` package (Apache-2.0) plus the project's UK supplement."""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

from checks.identity.text import fold_name, name_key, squeeze

UK_SUPPLEMENT = Path(__file__).with_name("uk_nicknames.csv")
UK = "UK list"
PACKAGE = "nicknames package"
MADE = "made from the name"


def _uk_pairs() -> list[tuple[str, str]]:
    pairs = []
    lines = [
        line for line in UK_SUPPLEMENT.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    for name, forms in csv.reader(lines):
        pairs += [(name, form) for form in forms.split("|") if form]
    return pairs


def _package_pairs() -> list[tuple[str, str]]:
    from nicknames import name_triplets

    return [(t.name1, t.name2) for t in name_triplets() if t.relationship == "has_nickname"]


@functools.cache
def nickname_table() -> dict[str, dict[str, str]]:
    """name key -> {other name key: source}, in both directions (a register "Alfie" also answers to "Alfred").
    A pair in the UK supplement is reported as the UK list even when the package has it too."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for source, pairs in ((PACKAGE, _package_pairs()), (UK, _uk_pairs())):
        for full, short in pairs:
            a, b = name_key(full), name_key(short)
            if a and b and a != b:
                table[a][b] = source
                table[b][a] = source
    return dict(table)


def nicknames_of(name: str) -> dict[str, str]:
    """The names a register's `name` may be written as. The UK supplement's pairs count both ways (a register
    "Alfie" also answers to "Alfred"); the package's only from the full name to its nickname: a child goes by
    a shorter form of the name the register holds, not by a longer name it may shorten. The package lists Ella
    and Bella as nicknames of Helen and William, yet "Helen Shaw" is not Ella Shaw, nor "William Hill" a Bella
    Hill (both were possible matches, review load, on tuning seeds)."""
    key = name_key(name)
    backwards = _package_backwards()
    return {
        other: source
        for other, source in nickname_table().get(key, {}).items()
        if source != PACKAGE or (other, key) not in backwards
    }


@functools.lru_cache(maxsize=50_000)
def a_name_of_its_own(written: str, given: str) -> bool:
    """Whether the nickname `written` (a key) is a name in its own right beside the register's `given`: the lists
    give it nicknames of its own that are not `given`'s too, nor made longer from it ("Lisa" has Liz, which Alice
    has not: a Lisa; beside Elizabeth, whose Liz it shares, it is her nickname; "Mandy" has none but Amanda)."""
    theirs = set(nicknames_of(given)) | {name_key(given)}
    return any(
        other not in theirs and not other.startswith(written) for other in _directed().get(written, ())
    )


@functools.cache
def _directed() -> dict[str, frozenset[str]]:
    """Name key -> the nickname keys the lists give it, one way (full name to nickname)."""
    table: dict[str, set[str]] = defaultdict(set)
    for full, short in (*_package_pairs(), *_uk_pairs()):
        table[name_key(full)].add(name_key(short))
    return {name: frozenset(short) for name, short in table.items()}


@functools.cache
def _package_backwards() -> frozenset[tuple[str, str]]:
    """(full, nickname) pairs the package gives one way only: the nickname is no full name of the other."""
    pairs = {(name_key(full), name_key(short)) for full, short in _package_pairs()}
    return frozenset((full, short) for full, short in pairs if (short, full) not in pairs)


# Endings English diminutives are made with: Evelyn -> Evie, Oliver -> Olly, Frederick -> Freddie.
DIMINUTIVE_ENDINGS = ("ie", "y", "ey", "i", "ee")


def merged_diminutive_stem(spelt: str) -> str:
    """The stem of a diminutive made the English way whose doubled consonant is its ending's letter, so that
    squeezing merges the two ("Ayyy" of Ayesha: "ay" + "y" doubled + "y"), read on the letters as spelt; ""
    when the word is not made so (squeezing keeps the ending apart, and `is_made_diminutive` reads it)."""
    for ending in DIMINUTIVE_ENDINGS:
        stem = spelt[: -len(ending)]
        if spelt.endswith(ending) and len(stem) >= 3 and stem[-1] == stem[-2] == ending[0]:
            short = squeeze(stem)
            if len(short) >= 2 and short[-1] not in "aeiou" and squeeze(spelt) not in full_names():
                return short
    return ""


@functools.cache
def full_names() -> frozenset[str]:
    """Keys of the names the lists hold as full names (the names that have nicknames): "mary", "olive"."""
    return frozenset(name_key(full) for full, _ in (*_package_pairs(), *_uk_pairs()))


def is_made_diminutive(written: str, given: str) -> bool:
    """ "Evie" of Evelyn, "Olly" of Oliver, "Beattie" of Beatrice (keys, squeezed): the start of the name (two
    letters or more) and a diminutive ending, written as no list writes it. A name of its own (Molly, Amy, Joy)
    is not made this way, nor is the name cut short ("Temi" of Temitope)."""
    if written in full_names() or given.startswith(written):
        return (
            False  # a name the lists hold as a full name (Mary, Olive) is that name, not another made smaller
        )
    for ending in DIMINUTIVE_ENDINGS:
        stem = written[: -len(ending)]
        if written.endswith(ending) and len(stem) >= 2 and given.startswith(stem) and given != stem:
            return True
    return False


def diminutives_of(name: str) -> dict[str, str]:
    """Every short form of `name` (keys -> where it comes from): the lists' nicknames, and the diminutives made
    from its start the English way ("olly", "ollie" of Oliver; "beatie" of Beatrice), as a reader takes them."""
    key = name_key(name)
    forms = dict(nicknames_of(name))
    for end in range(2, min(len(key), 5)):
        stem = key[:end]  # up to a consonant after a vowel: "ev", "ol", "beat", "fred"
        if stem[-1] in "aeiou" or not any(c in "aeiou" for c in stem[:-1]):
            continue
        for ending in ("ie", "y"):
            made = stem + ending
            if made != key and made not in forms and is_made_diminutive(made, key):
                forms[made] = MADE
    return forms


@functools.cache
def _written_pairs() -> dict[str, set[str]]:
    """Folded name -> its short forms as written (not squeezed: "ollie", "olly"), from both lists, one way."""
    table: dict[str, set[str]] = defaultdict(set)
    for full, short in (*_package_pairs(), *_uk_pairs()):
        table[fold_name(full).replace(" ", "")].add(fold_name(short).replace(" ", ""))
    return dict(table)


def written_diminutives(name: str) -> set[str]:
    """The short forms of `name` as they are written in a post ("olly", "ollie" for Oliver), folded: those the
    lists hold, and those made from its start the English way (the consonant doubled or not: "evie", "evvie")."""
    folded = fold_name(name).replace(" ", "")
    forms = set(_written_pairs().get(folded, ()))
    key = name_key(name)
    for made in diminutives_of(name):
        if diminutives_of(name)[made] == MADE:
            stem = made[:-2] if made.endswith("ie") else made[:-1]
            ending = made[len(stem) :]
            forms |= {stem + ending, stem + stem[-1] + ending}
    return {f for f in forms if f and f != folded and f != key}
