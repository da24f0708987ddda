"""The parts of a register person's name as a profile may show them, and the pieces a name field is cut into.

A piece is a stretch of a word of a display name or username and what it is taken for: one of the candidate's
name parts (forename, a diminutive of it, its start, an initial, the surname, its start, a slip of it) or what
else it may be (someone else's given name or surname, a word of the lexicon, a stray letter, nothing known).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from checks.identity.name_forms import surname_keys
from checks.identity.nicknames import is_made_diminutive
from checks.identity.register_index import Form, Person, RegisterIndex
from checks.identity.text import fold_name, squeeze

# Roles of a piece: the candidate's name parts ...
FORENAME_PART = "forename"
DIMINUTIVE = "diminutive"
CUT_SHORT = "forename cut short"
FORENAME_TYPO = "forename typo"
INITIAL = "initial"  # forename or surname initial, told apart by where it stands
SURNAME_PART = "surname"
SURNAME_CUT = "surname cut short"
SURNAME_TYPO = "surname typo"
NAME_ROLES = frozenset(
    {FORENAME_PART, DIMINUTIVE, CUT_SHORT, FORENAME_TYPO, INITIAL, SURNAME_PART, SURNAME_CUT, SURNAME_TYPO}
)
# ... and what the rest may be.
GIVEN_NAME = "given name"
OTHER_SURNAME = "another surname"
WORD = "word"  # decoration, a hobby, a job, family, an age word, a title, teaching: `roles` says which
LETTER = "letter"
UNEXPLAINED = "unexplained"


@dataclass(slots=True)
class Piece:
    word: int  # the word's index in its field
    start: int
    end: int
    text: str  # the letters as read
    role: str
    roles: int = 0  # lexicon bits of the word, for WORD, GIVEN_NAME and OTHER_SURNAME pieces
    form: Form | None = None  # the forename form, for FORENAME_PART, DIMINUTIVE, CUT_SHORT and FORENAME_TYPO
    how: str = ""  # "surname exact" / "part of the surname" for SURNAME_PART
    said: str = ""  # what it is taken for, once placed: "a second given name", "another person"...
    key: str = ""  # the comparable key of a name part


@dataclass(frozen=True)
class NameParts:
    """Every way one name (forename, preferred name, surname) may appear in a profile. People of the same name
    share it: a profile is explained once per name, however many register people carry it."""

    forms: dict[str, Form]  # forename-form key -> form
    surnames: dict[str, str]  # surname key -> "surname exact" | "part of the surname"
    givens: tuple[str, ...]  # keys of the forename and preferred name themselves (not nicknames)
    initials: frozenset[str]  # of the forename and preferred name
    surname_initials: frozenset[str]
    surname_key: str
    surname_written: str  # the surname's letters as spelt, not squeezed ("butt"): slips are read on them
    # Beginnings of two letters or more: of the surname (for "robin" of Robinson), of each given name (for
    # "temi" of Temitope and the stem of "evie" of Evelyn), each with the given names it begins.
    surname_starts: frozenset[str]
    given_starts: dict[str, tuple[str, ...]]
    first_letters: frozenset[str]  # where any partial name part of theirs may start


def name_of(person: Person) -> tuple[str, str | None, str]:
    return (person.forename, person.preferred, person.surname)


def name_parts(index: RegisterIndex, person: Person) -> NameParts:
    return index.remember(("parts", *name_of(person)), lambda: _name_parts(index, person))


def _name_parts(index: RegisterIndex, person: Person) -> NameParts:
    forms: dict[str, Form] = {}
    for form in index.forms_of(person):
        held = forms.get(form.key)
        if held is None or (held.how == "nickname" and form.how != "nickname"):
            forms[form.key] = form
    surnames = {key: how for key, how in surname_keys(person.surname) if key}
    givens = tuple(k for k, f in forms.items() if f.how != "nickname" and len(k) >= 2)
    initials = {fold_name(n)[:1] for n in (person.forename, person.preferred) if n and fold_name(n)}
    surname_key = squeeze(fold_name(person.surname).replace(" ", ""))
    given_starts: dict[str, list[str]] = {}
    for given in givens:
        for end in range(2, len(given) + 1):
            given_starts.setdefault(given[:end], []).append(given)
    return NameParts(
        forms,
        surnames,
        givens,
        frozenset(initials),
        frozenset(fold_name(person.surname)[:1]) if fold_name(person.surname) else frozenset(),
        surname_key,
        fold_name(person.surname).replace(" ", ""),
        frozenset(surname_key[:end] for end in range(2, len(surname_key))),
        {start: tuple(g) for start, g in given_starts.items()},
        frozenset(initials | {surname_key[:1]} | {g[:1] for g in givens}) - {""},
    )


@functools.lru_cache(maxsize=50_000)
def is_diminutive(written: str, given: str) -> bool:
    return is_made_diminutive(written, given)
