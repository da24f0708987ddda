"""Candidate generation (blocking): the register people a profile's names point at, found by table lookups.

No profile is compared with the whole register: only pairs of a register forename form and a register surname
are looked up in `RegisterIndex.full`; one-typo surnames come from its SymSpell deletions. Partial readings
(initials, a forename alone) are in partial.py.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz

from checks.identity.evidence import form_note, where
from checks.identity.nicknames import UK
from checks.identity.profile import Match, Profile
from checks.identity.register_index import Form, Person, RegisterIndex
from checks.identity.text import fold_name, squeeze
from checks.identity.weights import (
    BASE,
    LONGER_SURNAME,
    RUN_TOGETHER,
    SPELLING_VARIANT,
    SPLIT_NAME,
    SURNAME_FIRST,
    SURNAME_PART,
)


def form_method(form: Form) -> str:
    if form.how == "nickname":
        return "nickname_uk" if form.source == UK else "nickname"
    return form.how


class Collector:
    """The candidate readings of one profile, keeping the strongest per register person."""

    def __init__(self, index: RegisterIndex, profile: Profile) -> None:
        self.index = index
        self.profile = profile
        self.matches: dict[tuple[str, str], Match] = {}
        self.in_username: set[tuple[str, str]] = set()

    def add(self, person: Person, method: str, note: str, where: str, base: float) -> None:
        key = (person.kind, person.person_id)
        if where.startswith("username"):
            self.in_username.add(key)
        held = self.matches.get(key)
        if held is None or base > held.base:
            self.matches[key] = Match(person, method, note, where, base)

    def full(
        self,
        first: str,
        last: str,
        written: str,
        where: str,
        penalty: float,
        extra: str,
        surname_written: str,
    ) -> bool:
        self.index.stats.lookups += 1
        found = self.index.full.get((first, last))
        for form, s_how in found or ():
            method = form_method(form)
            base = BASE[method] - penalty - (SURNAME_PART if s_how != "surname exact" else 0.0)
            note = f"{form_note(form, written)}, {s_how}{extra}"
            variant = (form.how != "nickname" and not spelt_as(written, form.shown)) or not spelt_as(
                surname_written, form.person.surname
            )
            if variant:  # "Calum" for "Callum": the same name to a reader, but not the same spelling
                base -= SPELLING_VARIANT
                note += " (spelt differently)"
            self.add(form.person, method, note, where, base)
        return bool(found)


_STRETCHED = re.compile(r"(.)\1{2,}")


def _runs(word: str, keep: int) -> str:
    return _STRETCHED.sub(r"\1" * keep, word)


@functools.lru_cache(maxsize=200_000)
def spelt_as(written: str, register: str) -> bool:
    """The same spelling, allowing letters stretched for effect ("Jessss", "Smithhh") and words run together."""
    plain = fold_name(written).replace(" ", "")
    targets = {fold_name(register).replace(" ", ""), *fold_name(register).split()}
    return bool({plain, _runs(plain, 1), _runs(plain, 2)} & targets)


def full_name_matches(c: Collector) -> None:
    p = c.profile
    forenames, surnames = c.index.forename_keys, c.index.by_surname
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        at = where(p, source)
        # Blocking: only pairs of a register forename form and a register surname are looked up.
        firsts = [t for t in tokens if t.key in forenames]
        lasts = [t for t in tokens if t.key in surnames] if firsts else []
        for a in firsts:
            for b in lasts:
                c.index.stats.lookups += 1
                if (a.end <= b.start or b.end <= a.start) and (a.key, b.key) in c.index.full:
                    first_after = b.start < a.start
                    # "Adaeze Olawale-Obi" names Adaeze Olawale-Obi better than a parent called Adaeze Obi.
                    longer = source == "display name" and any(
                        len(t.key) >= 3
                        and t.end - t.start == 1
                        and (t.end == b.start or t.start == b.end)
                        and not (a.start <= t.start < a.end)
                        for t in tokens
                    )
                    c.full(
                        a.key,
                        b.key,
                        a.text,
                        at,
                        (SURNAME_FIRST if first_after else 0.0) + (LONGER_SURNAME if longer else 0.0),
                        (" (surname first)" if first_after else "")
                        + (" (the display name's surname is longer)" if longer else ""),
                        b.text,
                    )
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        for a in tokens:
            if a.end - a.start != 1 or len(a.key) < 3 or a.key in forenames:
                continue
            for b in tokens:
                if b.end <= a.start or a.end <= b.start:
                    _short_form(c, a.key, a.text, b.key, where(p, source), "")
    if not c.matches:
        _split_between_names(c)
    for chunk in p.chunks:
        at = where(p, "username" if chunk not in [t.text for t in p.display_tokens] else "display name")
        for i in range(2, len(chunk) - 1):
            first, last = squeeze(chunk[:i]), squeeze(chunk[i:])
            extra = f' (run together in "{chunk}")'
            if first in forenames and last in surnames:
                c.full(first, last, chunk[:i], at, RUN_TOGETHER, extra, chunk[i:])
            if last in forenames and first in surnames:
                c.full(last, first, chunk[i:], at, RUN_TOGETHER + SURNAME_FIRST, extra, chunk[:i])
            if i >= 3 and first not in forenames and last in surnames:
                _short_form(c, first, chunk[:i], last, at, extra)


def _short_form(c: Collector, short: str, written: str, surname: str, at: str, extra: str) -> None:
    """ "Ayo Nwosu" for Ayomide Nwosu: a forename cut short, with the surname as the register has it."""
    if surname not in c.index.by_surname or short == surname or short in c.index.by_surname:
        return  # a known surname is not a forename cut short ("SShah": Shah, not Shahid)
    c.index.stats.lookups += 1
    # Sorted: a set's order changes with the process's hash seed, and candidate order orders the evidence.
    for full in sorted(c.index.forenames_by_start.get(short, ())):
        for form, s_how in c.index.full.get((full, surname), ()):
            if s_how != "surname exact":
                continue
            note = f'"{written.capitalize()}" is {form.shown} cut short, {s_how}{extra}'
            c.add(form.person, "short_form", note, at, BASE["short_form"])


def _split_between_names(c: Collector) -> None:
    """ "Jess 🌸" followed as @smith_2016: the forename in the display name, the surname only in the username."""
    p = c.profile
    at = f'display name "{p.display}" with username @{p.handle.lstrip("@")}'
    firsts = [t for t in p.display_tokens if t.end - t.start == 1 and t.key in c.index.forename_keys]
    lasts = [t for t in p.handle_tokens if len(t.key) >= 3 and t.key in c.index.by_surname]
    for a in firsts:
        for b in lasts:
            if b.key != a.key:
                note = " (forename in the display name, surname in the username)"
                c.full(a.key, b.key, a.text, at, SPLIT_NAME, note, b.text)


def fuzzy_surname_matches(c: Collector) -> None:
    """One typo in the surname ("Jessica Smiht"): SymSpell deletions find the register surnames one edit away."""
    p = c.profile
    tokens = p.display_tokens
    at = where(p, "display name")
    for b in tokens:
        if b.end - b.start != 1 or b.key in c.index.by_surname:
            continue
        for near in sorted(c.index.near_surnames(b.key)):
            similarity = fuzz.ratio(b.key, near)
            for a in tokens:
                if a.end <= b.start or b.end <= a.start:
                    c.index.stats.lookups += 1
                    for form, _ in c.index.full.get((a.key, near), ()):
                        if form.how == "nickname":
                            continue
                        if transposed(b.key, near):
                            method, how = "transposed_surname", "two neighbouring letters swapped"
                        else:
                            method, how = "fuzzy_surname", "one letter apart"
                        note = (
                            f'{form_note(form, a.text)}, surname "{b.text}" ~ {form.person.surname} '
                            f"({how}, similarity {similarity:.0f}%)"
                        )
                        c.add(form.person, method, note, at, BASE[method])


def transposed(written: str, register: str) -> bool:
    """The same letters with one neighbouring pair swapped ("hadman" / "hamdan")."""
    if len(written) != len(register) or written == register:
        return False
    apart = [i for i, (x, y) in enumerate(zip(written, register, strict=True)) if x != y]
    return (
        len(apart) == 2
        and apart[1] == apart[0] + 1
        and written[apart[0]] == register[apart[1]]
        and written[apart[1]] == register[apart[0]]
    )
