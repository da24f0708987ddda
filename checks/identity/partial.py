"""Partial readings: weak name evidence (a surname cut short, initials, a forename alone, "Mrs Ward").

Looked for only when the profile carries an age cue (or, for staff, a title), and then only among the pupils
sharing that forename (or the people sharing that surname): scoring drops them unless a cue agrees.
"""

from __future__ import annotations

import itertools
from datetime import date

from checks.ages import age_on
from checks.identity.candidates import Collector
from checks.identity.evidence import form_note, where
from checks.identity.profile import Profile
from checks.identity.register_index import Form, Person
from checks.identity.text import fold_name, squeeze
from checks.identity.weights import BASE, NICKNAME_PARTIAL

# Words that go with an age or year group ("Lily Y4", "Sam yr 5", "Ava age 9"), not a second name.
AGE_WORDS = frozenset({"y", "yr", "yrs", "year", "age", "aged", "class", "of"})


def _pupil_forms(c: Collector, key: str) -> list[Form]:
    c.index.stats.lookups += 1
    return c.index.pupils_by_forename.get(key, [])


def _an_age_cue_fits(person: Person, p: Profile, as_of: date) -> bool:
    """A cheap pre-check of scoring's age checks: does any age cue agree with this pupil?"""
    dob = person.date_of_birth
    for cue in p.age:
        if cue.kind == "year_group" and cue.value == person.year_group:
            return True
        if dob is None:
            continue
        if cue.kind == "birth_year" and int(cue.value) == dob.year:
            return True
        if cue.kind == "number" and (int(cue.value) == dob.year % 100 or cue.value == person.year_group):
            return True
        if cue.kind == "class_of" and person.class_of is not None and int(cue.value) == person.class_of:
            return True
        if cue.kind == "age" and abs(int(cue.value) - age_on(dob, as_of)) <= 1:
            return True
    return False


def _initials_given(c: Collector) -> dict[str, set[str]]:
    """Forename key -> surname initials the profile spells beside it ("Jess S", "ElsieW2017", "jesss")."""
    p = c.profile
    given: dict[str, set[str]] = {}
    for tokens in (p.display_tokens, p.handle_tokens):
        singles = [t for t in tokens if t.end - t.start == 1]
        for a, b in itertools.pairwise(singles):
            if b.start == a.start + 1 and len(b.key) == 1 and len(a.key) > 1 and b.key not in AGE_WORDS:
                given.setdefault(a.key, set()).add(b.key)
    return given


def partial_matches(c: Collector) -> None:
    """Weak name evidence, looked at only when the profile also gives an age or school cue to check it against."""
    p = c.profile
    initials = _initials_given(c)
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        at = where(p, source)
        singles = [t for t in tokens if t.end - t.start == 1]
        for a in singles:
            for b in singles:
                if b.start != a.start + 1:
                    continue
                if len(b.key) >= 3 and len(a.key) > 1:  # "harry_robin_y4": a surname cut short
                    for form in _pupil_forms(c, a.key):
                        surname = fold_name(form.person.surname).replace(" ", "")
                        if surname.startswith(b.text) and surname != b.text:
                            c.add(
                                form.person,
                                "surname_prefix",
                                f'{form_note(form, a.text)}, surname starts "{b.text}"',
                                at,
                                BASE["surname_prefix"],
                            )
                if len(b.key) == 1 and len(a.key) > 1:
                    for form in _pupil_forms(c, a.key):
                        if (
                            squeeze(form.person.surname.lower())[:1] == b.key
                            or fold_name(form.person.surname)[:1] == b.key
                        ):
                            c.add(
                                form.person,
                                "forename_initial",
                                f"{form_note(form, a.text)}, surname initial {b.key.upper()}",
                                at,
                                BASE["forename_initial"]
                                - (NICKNAME_PARTIAL if form.how == "nickname" else 0.0),
                            )
                if len(b.key) == 1 and len(a.key) > 2:  # "smith_j_2016": surname, then the initial
                    c.index.stats.lookups += 1
                    for person in c.index.pupils_by_surname_initial.get((a.key, b.key), ()):
                        c.add(
                            person,
                            "initial_surname",
                            f"surname exact + initial {b.key.upper()} (surname first)",
                            at,
                            BASE["initial_surname"],
                        )
                if len(a.key) == 1 and len(b.key) > 1:
                    c.index.stats.lookups += 1
                    for person in c.index.pupils_by_surname_initial.get((b.key, a.key), ()):
                        c.add(
                            person,
                            "initial_surname",
                            f"initial {a.key.upper()} + surname exact",
                            at,
                            BASE["initial_surname"],
                        )
        # A forename alone: the display name's only word, or (when the display name holds no word, "🌸") the
        # username's first word ("lily_x").
        alone = source == "display name" or not p.display_tokens
        shortest = 2 if source == "display name" else 3
        named = [t for t in singles if t.key not in AGE_WORDS]  # "Lily Y4" is a forename and a year group
        if alone and named and (len(named) == 1 or source == "username") and len(named[0].key) >= shortest:
            a = named[0]
            for form in _pupil_forms(c, a.key):
                if a.key in initials and fold_name(form.person.surname)[:1] not in initials[a.key]:
                    continue  # "Elsie" with "ElsieW2017": an Elsie whose surname starts otherwise is contradicted
                if not p.school and not _an_age_cue_fits(form.person, p, c.index.as_of):
                    continue  # scoring would drop it (no cue to check it against): not worth a candidate
                c.add(
                    form.person,
                    "forename_only",
                    f"{form_note(form, a.text)} (forename only)",
                    at,
                    BASE["forename_only"] - (NICKNAME_PARTIAL if form.how == "nickname" else 0.0),
                )
    for chunk in p.chunks:
        at = where(p, "username")
        for i in range(2, len(chunk) - 1):
            forms = _pupil_forms(c, squeeze(chunk[:i]))
            rest = chunk[i:]
            for form in forms:
                surname = fold_name(form.person.surname).replace(" ", "")
                if len(rest) >= 3 and surname.startswith(rest) and surname != rest:
                    c.add(
                        form.person,
                        "surname_prefix",
                        f'{form_note(form, chunk[:i])}, surname starts "{rest}" (run together in "{chunk}")',
                        at,
                        BASE["surname_prefix"],
                    )
        if len(chunk) >= 4:  # "jsmith", "tcox": an initial then a surname; "smithj", "coxt": the other way
            for initial, surname, order in (
                (chunk[0], chunk[1:], ""),
                (chunk[-1], chunk[:-1], ", surname first"),
            ):
                c.index.stats.lookups += 1
                for person in c.index.pupils_by_surname_initial.get((squeeze(surname), initial), ()):
                    c.add(
                        person,
                        "initial_surname",
                        f'initial {initial.upper()} + surname exact (in "{chunk}"{order})',
                        at,
                        BASE["initial_surname"],
                    )
    for chunk in [t.text for t in p.handle_tokens if t.end - t.start == 1]:
        # "JessS2016" splits to "jess" + "s" above; "jesss" (forename + initial run together) needs this.
        if len(chunk) >= 4:
            for form in _pupil_forms(c, squeeze(chunk[:-1])):
                if fold_name(form.person.surname)[:1] == chunk[-1] and squeeze(chunk) != form.key:
                    c.add(
                        form.person,
                        "forename_initial",
                        f'{form_note(form, chunk[:-1])}, surname initial {chunk[-1].upper()} (in "{chunk}")',
                        where(p, "username"),
                        BASE["forename_initial"],
                    )
    titled = []
    if p.title and p.display_tokens:
        titled.append((p.title, p.display_tokens[0], where(p, "display name")))
    titled += [(title, written, where(p, "username")) for title, written in p.handle_titles]
    for title, written, at in titled:
        _title_surname(c, title, written.key, at)
    if p.teaching or p.school:
        _staff_forename_initial(c)


def _title_surname(c: Collector, title: str, key: str, at: str) -> None:
    """ "Mrs Ward" / "@MrsWard": the member of staff called Ward. Confident only when one member of staff has
    the surname and no parent does; otherwise a cue in the bio must say which (scoring.py)."""
    staff = c.index.staff_with_surname(key)
    parents = c.index.parents_with_surname(key)
    for person in staff:
        if len(staff) == 1:
            note = f"title {title.capitalize()} + surname exact, the only member of staff called {person.surname}"
            if parents:
                # Pupils know a teacher as "Mrs Ward"; a parent seldom names an account so. Said, not weighed.
                note += f" (a parent is also called {person.surname})"
            method = "title_surname_unique"
        else:
            note = f"title {title.capitalize()} + surname exact ({len(staff)} members of staff share it)"
            method = "title_surname"
        c.add(person, method, note, at, BASE[method])


def _staff_forename_initial(c: Collector) -> None:
    """ "Sarah R" with the role or the school in the bio: a member of staff, when a cue agrees (scoring.py)."""
    p = c.profile
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        singles = [t for t in tokens if t.end - t.start == 1]
        for a in singles:
            for b in singles:
                if b.start != a.start + 1 or len(b.key) != 1 or len(a.key) < 2:
                    continue
                c.index.stats.lookups += 1
                for form in c.index.staff_by_forename.get(a.key, ()):
                    if fold_name(form.person.surname)[:1] == b.key:
                        c.add(
                            form.person,
                            "forename_initial",
                            f"{form_note(form, a.text)}, surname initial {b.key.upper()}",
                            where(p, source),
                            BASE["forename_initial"],
                        )
