"""A name written in another script, read against the register's Latin spellings by the consonants both share.

A transliteration is not a spelling. A script that leaves vowels unwritten (Arabic, Urdu, Bengali, Gurmukhi,
Devanagari) gives a skeleton ("انایہ" reads "nyh" for Anaya), and every script has several romanisations
("Γεωργίου": Georgioy or Georgiou; "حارث": Harith or Haris). So a word of another script is compared with the
register's names by the consonants both are written with (text.consonant_keys), which several names share, and
the name beside it settles which: the one register person whose forename and surname two words of the field fit,
one or both written in another script ("سارة الهاشمي": Sara Al-Hashimi), or the two halves of one word run
together, as a script without capitals writes a handle ("زکریاراجہ": Zakariya Raja). A consonant reading no name
beside it settles is left to the word-by-word reading (profile.as_the_school_spells), which is weaker: a forename
alone counts only with a cue that agrees.
"""

from __future__ import annotations

from dataclasses import replace

from checks.identity.name_forms import spelt
from checks.identity.reading import Word
from checks.identity.register_index import Form, RegisterIndex
from checks.identity.text import consonant_keys, squeeze

TRANSLITERATED = "transliterated"
# The shortest half of a word run together that is read as a name.
SHORTEST_HALF = 2


def in_another_script(word: Word) -> bool:
    return word.read_as.startswith(TRANSLITERATED)


def the_one_name(plain: str, index: RegisterIndex) -> str | None:
    """The one register name a word of another script shares its consonants with, or None when several (or
    none) do: a word alone is read only when nothing else could be meant ("نوح" is Noah's consonants, but "انایہ"
    is Anaya's and Noah's both)."""
    names = {name for key in consonant_keys(plain) for name in index.by_consonants.get(key, ())}
    return next(iter(names)) if len(names) == 1 else None


def _a_register_name(key: str, index: RegisterIndex) -> bool:
    return key in index.forename_keys or key in index.by_surname


def _fits(key: str, plain: str, script: bool) -> bool:
    """A register name's key is what a word writes: the same letters, or, for a word of another script, the
    same consonants."""
    return key == squeeze(plain) or (script and bool(consonant_keys(key) & consonant_keys(plain)))


def people_named(
    forename: str, forename_script: bool, surname: str, surname_script: bool, index: RegisterIndex
) -> dict[str, tuple[Form, str, str, int]]:
    """Per register person whose forename (as written, not a nickname: a consonant reading of a nickname is a
    guess on a guess) and surname the two words write, at least one of them in another script: the form, and
    their forename and surname as spelt ("nasser", not squeezed), and how many of the two the letters read spell
    as they are (a name read as written is a better reading than one sharing its consonants)."""
    surnames = {squeeze(surname)}
    if surname_script:
        surnames |= {name for key in consonant_keys(surname) for name in index.by_consonants.get(key, ())}
    found: dict[str, tuple[Form, str, str, int]] = {}
    for key in surnames:
        for person in index.by_surname.get(key, ()):
            for form in index.forms_of(person):
                if form.how != "nickname" and _fits(form.key, forename, forename_script):
                    spelling = (spelt(form.shown, form.key), spelt(person.surname, key))
                    exact = (form.key == squeeze(forename)) + (key == squeeze(surname))
                    found.setdefault(person.person_id, (form, *spelling, exact))
    return _best_read(found)


def _best_read(found: dict[str, tuple[Form, str, str, int]]) -> dict[str, tuple[Form, str, str, int]]:
    best = max((exact for *_, exact in found.values()), default=0)
    return {person: named for person, named in found.items() if named[3] == best}


def settled_together(words: tuple[Word, ...], index: RegisterIndex) -> tuple[Word, ...]:
    """The field's words with each word of another script that, with another word of the field or as two halves
    of itself, names exactly one register person, written as the register spells that person's name."""
    out = list(words)
    for n, word in enumerate(words):
        if not in_another_script(word) or "settles" in out[n].read_as:
            continue
        # person: (other word, this word's name, theirs, forename first, how many read as written)
        pairs: dict[str, tuple[int, str, str, bool, int]] = {}
        for m, other in enumerate(words):
            if m == n:
                continue
            script = in_another_script(other)
            for person, (_, fore, sur, exact) in people_named(
                word.plain, True, other.plain, script, index
            ).items():
                pairs.setdefault(person, (m, fore, sur, True, exact))
            for person, (_, fore, sur, exact) in people_named(
                other.plain, script, word.plain, True, index
            ).items():
                pairs.setdefault(person, (m, sur, fore, False, exact))
        best = max((p[4] for p in pairs.values()), default=0)
        pairs = {person: p for person, p in pairs.items() if p[4] == best}
        if len(pairs) == 1:
            ((m, mine, theirs, forename_first, _),) = pairs.values()
            name = f"{mine} {theirs}" if forename_first else f"{theirs} {mine}"
            settles = f"as the {'surname' if forename_first else 'forename'} beside it settles ({name})"
            out[n] = replace(
                word, plain=mine, read_as=f"{word.read_as}, its consonants those of {mine}, {settles}"
            )
            if in_another_script(words[m]) and words[m].plain != theirs:
                said = f"its consonants those of {theirs}, as the name beside it settles ({name})"
                out[m] = replace(words[m], plain=theirs, read_as=f"{words[m].read_as}, {said}")
        elif not pairs and not _a_register_name(squeeze(word.plain), index):
            out[n] = _halves(word, index)
    return tuple(out)


RUN_TOGETHER = "run together"


def _halves(word: Word, index: RegisterIndex) -> Word:
    """A word of another script that is one register person's forename and surname run together (a script
    without capitals shows no edge between them), either way round: written as the two names with the edge
    between them; else the word as it was."""
    found: dict[str, tuple[str, str, int]] = {}
    plain = word.plain
    for cut in range(SHORTEST_HALF, len(plain) - SHORTEST_HALF + 1):
        first, second = plain[:cut], plain[cut:]
        for person, (_, fore, sur, exact) in people_named(first, True, second, True, index).items():
            found.setdefault(person, (fore, sur, exact))
        for person, (_, fore, sur, exact) in people_named(second, True, first, True, index).items():
            found.setdefault(person, (sur, fore, exact))
    best = max((exact for *_, exact in found.values()), default=0)
    found = {person: named for person, named in found.items() if named[2] == best}
    if len(found) != 1:
        return word
    ((first_name, second_name, _),) = found.values()
    read_as = (
        f"{word.read_as}, its consonants those of {first_name} and {second_name} {RUN_TOGETHER}, as only one "
        "person the school knows is called so"
    )
    return replace(word, plain=first_name + second_name, breaks=(len(first_name),), read_as=read_as)
