"""A candidate's reading: what one register person explains of a profile's name fields, and how strongly.

From what explain.py found in each field, a reading names the method (a key of weights.BASE: the forename and
surname, a nickname, a diminutive, a forename cut short, an initial, a title...), its base score and the note
naming the parts that agreed; the strongest of the display name's, the username's, and a name split between
them (the forename in one, the surname in the other). Then what the rest of the fields says weighs in
(remainder.py): another forename where theirs would be, another given name before theirs, a longer surname, words
nothing explains, an adult's word ("mum", "plumbing"); and the letters not read are said.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from checks.identity.candidates import Candidates
from checks.identity.evidence import form_note
from checks.identity.explain import Explained, explain
from checks.identity.lexicon import FORENAME, GIVEN, SURNAME
from checks.identity.nicknames import UK, a_name_of_its_own, nickname_table
from checks.identity.pieces import (
    CUT_SHORT,
    DIMINUTIVE,
    FORENAME_PART,
    FORENAME_TYPO,
    INITIAL,
    SURNAME_CUT,
    SURNAME_PART,
    SURNAME_TYPO,
    NameParts,
    Piece,
    name_of,
    name_parts,
)
from checks.identity.profile import DISPLAY, USERNAME, Match, Profile
from checks.identity.register_index import Form, Person, RegisterIndex
from checks.identity.remainder import weigh_the_rest
from checks.identity.text import fold_name, spelt_as, squeeze, transposed
from checks.identity.weights import (
    BASE,
    NICKNAME_AND_SLIP,
    NICKNAME_PARTIAL,
    ORDER_IN_DOUBT,
    PARTIAL,
    RUN_TOGETHER,
    SPELLING_VARIANT,
    SPLIT_NAME,
    SURNAME_FIRST,
)
from checks.identity.weights import SURNAME_PART as SURNAME_PART_WEIGHT


def form_method(form: Form) -> str:
    if form.how == "nickname":
        return "nickname_uk" if form.source == UK else "nickname"
    return form.how


def _a_name_of_its_own(method: str, written: str, form: Form) -> bool:
    """A nickname only the package pairs with their forename, written as a name in its own right ("Lisa" for
    Alice): as likely that name (weights.py, nickname_also_a_name)."""
    key = squeeze(fold_name(written).replace(" ", ""))
    return method == "nickname" and a_name_of_its_own(key, form.shown)


def _variant(written: str, register: str) -> bool:
    return not spelt_as(written, register)


def _full_reading(ex: Explained, index: RegisterIndex) -> tuple[str, float, str] | None:
    """(method, base, note) when the field gives a forename form (or its diminutive, or its start) and the
    surname (or a slip of it)."""
    fore, sur = ex.forename, ex.surname
    if fore is None or sur is None or fore.form is None:
        return None
    form = fore.form
    written = ex.shown(fore)
    if sur.role == SURNAME_TYPO:
        # A slip of the surname with a nickname is a guess on a guess, unless the nickname is the name they go
        # by from the UK list and the slip a swap, rare between surnames ("Mia Mzaur" for Amelia Mazur): two
        # readings, a possible match. A letter changed with a nickname is another family ("Alfie Jonas").
        register = fold_name(form.person.surname).replace(" ", "")
        uk_nickname = form.how == "nickname" and form.source == UK and transposed(sur.text, register)
        if fore.role != FORENAME_PART or (form.how == "nickname" and not uk_nickname):
            return None
        method = "transposed_surname" if transposed(sur.text, register) else "fuzzy_surname"
        how = "two neighbouring letters swapped" if method == "transposed_surname" else "one letter apart"
        similarity = fuzz.ratio(squeeze(sur.text), sur.how)
        note = (
            f'{form_note(form, written)}, surname "{ex.shown(sur)}" ~ {form.person.surname} '
            f"({how}, similarity {similarity:.0f}%)"
        )
        return method, BASE[method] - (NICKNAME_AND_SLIP if uk_nickname else 0.0), note
    if sur.role != SURNAME_PART:
        return None
    if fore.role == FORENAME_TYPO:
        if sur.how != "surname exact":
            return None  # a slip and part of a surname: a guess on a guess
        swapped = transposed(squeeze(fore.text), fore.key)
        method = "transposed_forename" if swapped else "fuzzy_forename"
        how = "two neighbouring letters swapped" if swapped else "one letter apart"
        note = f'forename "{written}" ~ {form.shown} ({how}), {sur.how}'
        if (sur.word, sur.start) < (fore.word, fore.start):
            note += " (surname first)"
        return method, BASE[method], note
    if fore.role == DIMINUTIVE:
        # A word the lists know as a name or someone's nickname ("Frannie", "Amy") may be that name instead.
        known = squeeze(fold_name(written).replace(" ", "")) in nickname_table()
        method = "diminutive_also_a_name" if known else "diminutive"
        note = f'"{written.capitalize()}" is a diminutive of {form.shown}'
        if known:
            note += " (or a name of its own)"
    elif fore.role == CUT_SHORT:
        if sur.how != "surname exact":
            return None
        method, note = "short_form", f'"{written.capitalize()}" is {form.shown} cut short'
        if index.roles.get(squeeze(fore.text), 0) & (FORENAME | GIVEN):
            method, note = "short_form_also_a_name", f"{note} (or a name of its own)"
    else:
        method, note = form_method(form), form_note(form, written)
        if _a_name_of_its_own(method, written, form):
            method, note = "nickname_also_a_name", f"{note} (or a name of its own)"
    base = BASE[method] - (SURNAME_PART_WEIGHT if sur.how != "surname exact" else 0.0)
    note = f"{note}, {sur.how}"
    words = ex.field.reading.words
    if fore.word == sur.word:
        word = words[fore.word]
        edge = max(fore.start, sur.start)
        if edge not in word.breaks:
            # Run together, a name is as clear as written apart when every letter of its word is explained.
            loose = any(p.word == fore.word and p.said == "not explained" for p in ex.extra)
            base -= RUN_TOGETHER if loose else 0.0
            note += f' (run together in "{word.plain}")'
    if (sur.word, sur.start) < (fore.word, fore.start):
        base -= SURNAME_FIRST
        note += " (surname first)"
        if _order_in_doubt(ex, index):
            # "osmanabdi" read as Abdi Osman: written the usual way round it is an Osman Abdi.
            base -= ORDER_IN_DOUBT
            note += f', or "{ex.shown(sur)}" a forename and "{written}" a surname the usual way round'
    if (
        fore.role == FORENAME_PART and form.how != "nickname" and _variant(fore.text, form.shown)
    ) or _variant(sur.text, form.person.surname if sur.how == "surname exact" else sur.text):
        base -= SPELLING_VARIANT
        note += " (spelt differently)"
    return method, base, note


def _order_in_doubt(ex: Explained, index: RegisterIndex) -> bool:
    """A name read surname first whose first word is as much a given name, and whose second as much a surname:
    in the usual order it names someone else."""
    assert ex.surname is not None and ex.forename is not None
    first = index.roles.get(squeeze(ex.surname.text), 0)
    second = index.roles.get(squeeze(ex.forename.text), 0)
    return bool(first & (GIVEN | FORENAME) and second & SURNAME)


def _partial_reading(ex: Explained, index: RegisterIndex) -> tuple[str, float, str] | None:
    fore, sur = ex.forename, ex.surname
    titled = sur is not None and sur.role == SURNAME_PART and ex.title is not None
    if titled and (fore is None or fore.role == INITIAL):
        # "Mrs Ward", "mrschenx": a title before the surname says how the account is known; a letter beside it
        # (an initial of theirs, or decoration) adds nothing to it.
        return _title_reading(ex, index)
    if sur is not None and sur.role == SURNAME_PART and fore is not None and fore.role == INITIAL:
        surname_first = (sur.word, sur.start) < (fore.word, fore.start)
        glued = _run_together(ex, fore, sur)
        if glued:
            order = f' (in "{ex.field.reading.words[sur.word].plain}"{", surname first" if surname_first else ""})'
        else:
            order = " (surname first)" if surname_first else ""
        return "initial_surname", BASE["initial_surname"], f"initial {fore.text.upper()} + {sur.how}{order}"
    if fore is not None and fore.form is not None and fore.role == FORENAME_PART and sur is not None:
        form = fore.form
        if sur.role == INITIAL:
            base = BASE["forename_initial"] - _nickname_doubt(form)
            glued = (
                f' (in "{ex.field.reading.words[sur.word].plain}")' if _run_together(ex, fore, sur) else ""
            )
            note = f"{form_note(form, ex.shown(fore))}, surname initial {sur.text.upper()}{glued}"
            return "forename_initial", base, note
        if sur.role == SURNAME_CUT:
            note = f'{form_note(form, ex.shown(fore))}, surname starts "{sur.text}"{_run_together(ex, fore, sur)}'
            return "surname_prefix", BASE["surname_prefix"], note
    return None


def _run_together(ex: Explained, a: Piece, b: Piece) -> str:
    word = ex.field.reading.words[a.word]
    if a.word != b.word or max(a.start, b.start) in word.breaks:
        return ""
    return f' (run together in "{word.plain}")'


def _nickname_doubt(form: Form) -> float:
    """A nickname only the US-centred package pairs (Emily/Amelia) in a partial name is an inference on an
    inference; one the UK list holds (Ben, Mia, Freddie) is the name the child goes by."""
    return NICKNAME_PARTIAL if form.how == "nickname" and form.source != UK else 0.0


def _title_reading(ex: Explained, index: RegisterIndex) -> tuple[str, float, str] | None:
    """ "Mrs Ward" / "@MrsWard": the member of staff called Ward. Confident only when one member of staff has
    the surname; otherwise a cue in the bio must say which (scoring.py)."""
    assert ex.title is not None and ex.surname is not None
    title = ex.shown(ex.title).capitalize()
    key = ex.surname.key or squeeze(ex.surname.text)
    staff = index.staff_with_surname(key)
    surname = staff[0].surname if staff else key
    if not staff:
        return None
    if len(staff) == 1:
        note = f"title {title} + surname exact, the only member of staff called {surname}"
        if index.parents_with_surname(key):
            # Pupils know a teacher as "Mrs Ward"; a parent seldom names an account so. Said, not weighed.
            note += f" (a parent is also called {surname})"
        return "title_surname_unique", BASE["title_surname_unique"], note
    return (
        "title_surname",
        BASE["title_surname"],
        f"title {title} + surname exact ({len(staff)} members of staff share it)",
    )


def _may_stand_alone(ex: Explained, profile: Profile) -> bool:
    """A forename alone names someone only as the display name's name ("Lily", "Lily Y4"), or as the username's
    when the display name shows no word ("🌸" / @lily_x): elsewhere it is part of something else."""
    if ex.field.source == DISPLAY:
        return True
    display = profile.field(DISPLAY)
    return display is None or not display.reading.words


def _reading(
    ex: Explained, index: RegisterIndex, person: Person, profile: Profile
) -> tuple[str, float, str] | None:
    found = _full_reading(ex, index) or _partial_reading(ex, index)
    if found and found[0].startswith("title") and person.kind != "staff":
        return None
    if found is None and ex.forename is not None and ex.forename.role == FORENAME_PART and ex.surname is None:
        if not _may_stand_alone(ex, profile):
            return None
        form = ex.forename.form
        assert form is not None
        base = BASE["forename_only"] - _nickname_doubt(form)
        return "forename_only", base, f"{form_note(form, ex.shown(ex.forename))} (forename only)"
    return found


def read_candidate(
    index: RegisterIndex,
    profile: Profile,
    person: Person,
    cued: bool,
    parts: NameParts,
    explained: dict[str, Explained],
) -> Match | None:
    """The best reading of the profile as `person`, given its name fields `explained` against their name
    (`parts`): from one field, or the forename in the display name and the surname in the username; then what
    the rest of the fields says for or against it."""
    readings = []
    for source in (DISPLAY, USERNAME):
        ex = explained.get(source)
        found = _reading(ex, index, person, profile) if ex is not None else None
        if found and ex is not None:
            readings.append((found, ex.field.where, source, ex.name_letters))
    split = _split_reading(explained, profile)
    if split:
        readings.append(split)
    if not readings:
        return None
    # The strongest reading (of two as strong, the display name's: what the account shows first).
    (method, base, note), at, source, _ = max(readings, key=lambda r: r[0][1])
    if method == "forename_only" and person.kind != "pupil" and person.kind != "former_pupil":
        return None
    if person.kind == "parent" and method in PARTIAL:
        return None
    match = Match(person, method, note, at, base)
    match.settle = _doubt(
        method, person, explained.get(source) if source != "split" else explained.get(DISPLAY)
    )
    match.explained = sum(ex.name_letters for ex in explained.values())
    # Another field agrees when it names them as well: on its own, or by weak details a cue can check.
    # A YouTube comment shows the "@handle" as its display name: the same text twice is one reading, not two.
    handle_shown = profile.display.startswith("@")
    match.agreeing_fields = [
        s
        for (meth, _, _), _, s, _ in readings
        if s != source and (cued or meth not in PARTIAL) and not handle_shown
    ]
    if not weigh_the_rest(match, explained, source, parts):
        return None
    match.settle = match.settle or _who_would_know(person)
    return match


def _doubt(method: str, person: Person, ex: Explained | None) -> str:
    """What would settle a reading whose name is not certain, from the part that makes it uncertain."""
    fore = ex.forename if ex is not None else None
    sur = ex.surname if ex is not None else None
    written = ex.shown(fore) if ex is not None and fore is not None else ""
    if method in (
        "nickname",
        "nickname_also_a_name",
        "short_form",
        "short_form_also_a_name",
        "diminutive",
        "diminutive_also_a_name",
    ):
        return f'whether {person.forename} goes by "{written}"'
    if method in ("fuzzy_surname", "transposed_surname") and ex is not None and sur is not None:
        return f'whether "{ex.shown(sur)}" is {person.surname} misspelt'
    if method in ("fuzzy_forename", "transposed_forename"):
        return f'whether "{written}" is {person.forename} misspelt'
    if method in PARTIAL and person.kind in ("pupil", "former_pupil"):
        year = f"the Year {person.year_group} class teacher" if person.kind == "pupil" else "the school"
        return f"{year} knows whether {person.full_name} has this account"
    if method == "title_surname":
        return f"which member of staff called {person.surname} this is (the bio gives no role)"
    return ""


def _who_would_know(person: Person) -> str:
    """Whatever else leaves a reading in doubt (a spelling, part of a surname, something the rest of the profile
    says): the person who would know. A possible finding always says what would settle it."""
    if person.kind == "pupil":
        return f"the Year {person.year_group} class teacher knows whether {person.full_name} has this account"
    if person.kind == "former_pupil":
        return f"the school knows whether {person.full_name} has this account"
    if person.kind == "staff":
        return f"ask {person.full_name} whether this account is theirs"
    return ""


def _split_reading(
    explained: dict[str, Explained], profile: Profile
) -> tuple[tuple[str, float, str], str, str, int] | None:
    """The forename in the display name and the surname in the username, the display name giving at most the
    surname's initial ("Ben" / @BWilson79, "Łukasz K" / @Krawczyk56, "Siobhán" / @SiobhnMurphy)."""
    shown, handle = explained.get(DISPLAY), explained.get(USERNAME)
    if shown is None or handle is None:
        return None
    if shown.surname is not None and shown.surname.role != INITIAL:
        return None
    fore, sur = shown.forename, handle.surname
    if (
        fore is None
        or fore.role != FORENAME_PART
        or fore.form is None
        or sur is None
        or sur.role != SURNAME_PART
    ):
        return None
    if sur.how != "surname exact":
        return None
    method, written = form_method(fore.form), shown.shown(fore)
    note = (
        f"{form_note(fore.form, written)}, {sur.how} (forename in the display name, surname in the username)"
    )
    if _a_name_of_its_own(method, written, fore.form):
        method, note = "nickname_also_a_name", f"{note}; the nickname is a name of its own"
    at = f'display name "{profile.display}" with username @{profile.handle.lstrip("@")}'
    return (method, BASE[method] - SPLIT_NAME, note), at, "split", shown.name_letters + handle.name_letters


def readings(index: RegisterIndex, profile: Profile, cued: bool) -> list[Match]:
    """Every candidate the profile's names point at, read; in the order they were found."""
    found = Candidates(index, profile)
    found.find(cued)
    out = []
    by_name: dict[tuple[str, str | None, str], tuple[NameParts, dict[str, Explained]]] = {}
    for person in found.people.values():
        name = name_of(person)
        if name not in by_name:
            parts = name_parts(index, person)
            by_name[name] = parts, {f.source: explain(f, parts, index) for f in profile.fields}
        match = read_candidate(index, profile, person, cued, *by_name[name])
        if match is not None:
            out.append(match)
    return out
