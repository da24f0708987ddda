"""Who a profile's names may point at (blocking), and each candidate's reading from what it explains.

No profile is compared with the whole register. The stretches of each word the index knows (profile.py) are the
anchors: a forename form with a surname (in one field, run together or apart, or the forename in the display name
and the surname in the username) is looked up in `RegisterIndex.full`; a surname with a letter beside it in
`by_surname_initial`; with letters beside it that start a register forename ("temi", "evie"), through
`forenames_by_start`; with a title before it, among the staff of that surname; a whole display-name word one slip
from a register surname, through the SymSpell deletions. Readings from a forename alone, or with an initial or
the start of a surname, are looked for only when the profile gives an age or school cue to check them against.
Each candidate is then read from what it explains of the name fields (readings.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.ages import age_on
from checks.identity.lexicon import DECORATIVE, FORENAME, GIVEN, NOT_A_NAME, SURNAME, TITLE
from checks.identity.name_forms import SURNAME_PARTICLES
from checks.identity.nicknames import DIMINUTIVE_ENDINGS, merged_diminutive_stem
from checks.identity.profile import DISPLAY, USERNAME, Field, Profile
from checks.identity.register_index import SURNAME_DELETE_MIN, Person, RegisterIndex
from checks.identity.text import fold_name, name_key, slip_between, slip_of, squeeze

# A stretch of a word that is a name, as an anchor: (field, word index, start, end, key).
Anchor = tuple[Field, int, int, int, str]
_SHORTEST_INSIDE = 3  # a name found inside a run-together word has at least this many letters


def _anchors(field: Field, role: int) -> Iterator[Anchor]:
    """Stretches with `role` that may stand as a name: a whole word or a camelCase word, three letters or more
    inside a run-together one, or two at one end of it."""
    for i, spans in enumerate(field.spans):
        word = field.reading.words[i]
        edges = {0, len(word.plain), *word.breaks}
        plain = word.plain
        for start, end, key, roles in spans:
            if not roles & role:
                continue
            stretched = start > 0 and plain[start] == plain[start - 1] and start not in edges
            # Too short, or starting on a stretched letter (the same stretch starts one earlier); but a surname
            # may start on its first letter written twice ("hhuang" is H. Huang).
            if len(key) < 2 or (stretched and not (role & SURNAME and _doubled_once(plain, start, edges))):
                continue
            # A short name ("Li", "Wu") inside a run-together word counts where it starts or ends the word
            # ("jiayili", "wumei"): what stands beside it must then explain the rest (the pairs below).
            if end - start >= _SHORTEST_INSIDE or start in edges or end in edges:
                if field.spaced and not (start in edges and end in edges):
                    continue
                yield field, i, start, end, key


def _doubled_once(plain: str, start: int, edges: set[int]) -> bool:
    """The letter before `start` is the same letter written once more, standing at the word's start or after
    an edge ("hhuang", "its|ddavies"): it may be an initial; a longer run ("hhhuang") is a stretch."""
    return start - 1 in edges or plain[start - 2] != plain[start]


def _beside(anchor: Anchor) -> Iterator[tuple[str, bool, bool]]:
    """The letters written right before and after a stretch, in its word or the neighbouring words, each with
    whether they come before it and whether they are glued to it."""
    field, i, start, end, _ = anchor
    words = field.reading.words
    plain = words[i].plain
    if start > 0:
        yield plain[:start], True, True
    if end < len(plain):
        yield plain[end:], False, True
    for step in (-1, 1):
        j = i + step
        # Past a middle initial or a second given name ("Elly M. Reid", "Frannie Mae Santos") to the forename.
        if 0 <= j < len(words) and 0 <= j + step < len(words) and _may_stand_between(field, j):
            yield words[j + step].plain, step < 0, False
        if 0 <= j < len(words) and abs(words[j].position - words[i].position) == 1:
            yield words[j].plain, j < i, False
            bare = _undecorated(field, j, far_side_first=j < i)
            if bare != words[j].plain:
                yield bare, j < i, False  # "its_d_bexley" written "itsd_bexley": the initial past "its"


def _undecorated(field: Field, i: int, far_side_first: bool) -> str:
    """Word `i` without a word of the lexicon at its end away from the name beside it ("itsd" before "bexley"
    -> "d"): the letters that stand next to the name."""
    plain = field.reading.words[i].plain
    ends = [
        (s, e)
        for s, e, _, r in field.spans[i]
        if r & NOT_A_NAME and ((s == 0 and e < len(plain)) if far_side_first else (e == len(plain) and s > 0))
    ]
    if not ends:
        return plain
    s, e = max(ends, key=lambda span: span[1] - span[0])
    return plain[e:] if far_side_first else plain[:s]


def _decorated_to(field: Field, i: int, pos: int, edge: int) -> bool:
    """Nothing but a word break or decoration stands between `pos` and `edge` (the word's start or end) in word
    `i`: "its" before a forename, "x" after it ("itslily", "LILYx")."""
    word = field.reading.words[i]
    if pos == edge or pos in word.breaks:
        return True
    low, high = sorted((pos, edge))
    return any(s == low and e == high and r & DECORATIVE for s, e, _, r in field.spans[i])


def _may_stand_between(field: Field, i: int) -> bool:
    """A word that may stand between forename and surname: one letter, or a given name (whole)."""
    word = field.reading.words[i].plain
    return len(word) == 1 or any(s == 0 and e == len(word) and r & GIVEN for s, e, _, r in field.spans[i])


def _edge_before(anchor: Anchor, pos: int) -> bool:
    """Nothing unexplained ends right before `pos` in the anchor's word: the word starts there, or a
    camelCase word, or a word of the lexicon ends there ("its" in "itsjsmith")."""
    field, i = anchor[0], anchor[1]
    word = field.reading.words[i]
    return pos == 0 or pos in word.breaks or any(e == pos and r & NOT_A_NAME for _, e, _, r in field.spans[i])


def _edge_after(anchor: Anchor, pos: int) -> bool:
    field, i = anchor[0], anchor[1]
    word = field.reading.words[i]
    return (
        pos == len(word.plain)
        or pos in word.breaks
        or any(s == pos and r & NOT_A_NAME for s, _, _, r in field.spans[i])
    )


def _title_before(b: Anchor) -> bool:
    """A title right before the surname: the word before it ("Mrs Ward", past the particles of a surname of
    several words: "Mrs ap Rhys", "Ms Nic Aodha") or glued to it ("mrsward")."""
    field, i, start = b[0], b[1], b[2]
    words = field.reading.words
    if start > 0:
        # The surname may start inside a run of its first letter ("miss" + "sivapalan": "misssivapalan").
        plain, last = words[i].plain, start
        while last + 1 < len(plain) and plain[last + 1] == plain[start]:
            last += 1
        return any(start <= e <= last and r & TITLE for _, e, _, r in field.spans[i])
    j = i - 1
    while j > 0 and words[j].plain in SURNAME_PARTICLES:
        j -= 1
    if j < 0:
        return False
    before = words[j].plain
    return any(s == 0 and e == len(before) and r & TITLE for s, e, _, r in field.spans[j])


def _glued_pair(a: Anchor, b: Anchor, letter_after: bool = False) -> bool:
    """Two stretches of one run-together word that may be a name: `a` then `b`, bounded on the outside, with
    nothing between them or a letter (a middle initial) or a word the index knows ("jessicarosesmith").
    `letter_after`: `b` is the forename of a name written surname first, where a middle initial follows it
    ("smithjessicar")."""
    bounded_after = _edge_after(b, b[3]) or (letter_after and _edge_after(b, b[3] + 1))
    if a[1] != b[1] or a[3] > b[2] or not _edge_before(a, a[2]) or not bounded_after:
        return False
    gap = b[2] - a[3]
    return gap <= 1 or any(s == a[3] and e == b[2] for s, e, _, _ in a[0].spans[a[1]])


class Candidates:
    """The register people a profile's names point at, each found once."""

    def __init__(self, index: RegisterIndex, profile: Profile) -> None:
        self.index = index
        self.profile = profile
        self.people: dict[tuple[str, str], Person] = {}

    def add(self, people: Iterator[Person] | list[Person]) -> None:
        for person in people:
            self.people.setdefault((person.kind, person.person_id), person)

    def full(self, first: str, last: str) -> None:
        self.index.stats.lookups += 1
        people = self.people
        for form, _ in self.index.full.get((first, last), ()):
            people.setdefault((form.person.kind, form.person.person_id), form.person)

    def find(self, cued: bool) -> None:
        """Every anchor's lookups; `cued`: the profile gives an age, school or teaching cue or a title, so the
        weaker readings (a forename alone, with an initial, with the start of a surname) are worth looking for."""
        fields = self.profile.fields
        forenames = {f.source: list(_anchors(f, FORENAME)) for f in fields}
        surnames = {f.source: list(_anchors(f, SURNAME)) for f in fields}
        for f in fields:
            for a in forenames[f.source]:
                for b in surnames[f.source]:
                    if a[1] != b[1] or _glued_pair(a, b) or _glued_pair(b, a, letter_after=True):
                        self.full(a[4], b[4])
            for b in surnames[f.source]:
                self._beside_surname(b, cued)
            if cued:
                for a in forenames[f.source]:
                    self._beside_forename(a)
        # "Jess 🌸" followed as @smith_2016, "Ben" as @BWilson79: the name split between the two fields.
        for a in forenames.get(DISPLAY, ()):
            for b in surnames.get(USERNAME, ()):
                if a[4] != b[4]:
                    self.full(a[4], b[4])
        if not self.people:
            for source in (DISPLAY, USERNAME):
                self._surname_slips(source, forenames.get(source, []))
        self._glued_surname_slips(forenames.get(USERNAME, []))

    def _beside_surname(self, b: Anchor, cued: bool) -> None:
        key = b[4]
        if _title_before(b):
            self.add(self.index.staff_with_surname(key))
        for letters, before, glued in _beside(b):
            # An initial beside a surname ("J Smith", "jsmith", "itsjsmith") says too little without a cue.
            # The letter next to the surname, or past a middle initial the one beyond it ("erlockwood",
            # "lockwooder").
            for gap in (1, 2) if glued else (1,):
                bounded = not glued or (_edge_before(b, b[2] - gap) if before else _edge_after(b, b[3] + gap))
                if cued and (glued or len(letters) == 1) and bounded and len(letters) >= gap:
                    self.index.stats.lookups += 1
                    initial = letters[-gap] if before else letters[0]  # surname first: initial, middle
                    self.add(self.index.by_surname_initial.get((key, initial), []))
            # A known name beside it is looked up whole (`full`), unless it ends like a diminutive: "Olly" may be
            # Olivia's as well as Oliver's.
            plain = squeeze(letters)
            if before and glued:
                # A forename too short to anchor inside a word ("mo", "al"), glued before the surname, past a
                # letter that may be a middle initial ("motiqbalrashid").
                for first in {plain, plain[:-1]}:
                    if len(first) >= 2 and self.index.roles.get(first, 0) & FORENAME:
                        self.full(first, key)
            self._forename_slips(key, plain)
            # A name of its own may be theirs cut short ("Sam" of Samira): worth a look when a cue can check it.
            known = self.index.roles.get(plain, 0) & (FORENAME | GIVEN | SURNAME)
            diminutive_like = plain.endswith(DIMINUTIVE_ENDINGS)
            if len(letters) >= 2 and (not known or diminutive_like or cued):
                for stem in _stems(letters, before):
                    self.index.stats.lookups += 1
                    for given in sorted(self.index.forenames_by_start.get(stem, ())):
                        self.full(given, key)

    def _forename_slips(self, surname: str, letters: str) -> None:
        """The people of this surname whose forename the letters beside it are with one slip ("evleyn")."""
        if len(letters) < SURNAME_DELETE_MIN or self.index.roles.get(letters, 0) & (FORENAME | GIVEN):
            return
        self.index.stats.lookups += 1
        # The same letters beside the same surname recur across an audience ("gareth" beside "jones"): compared
        # once.
        for people in self.index.remember(
            ("forename slips", surname, letters), lambda: _forename_slips(self.index, surname, letters)
        ):
            self.add(people)

    def _beside_forename(self, a: Anchor) -> None:
        key = a[4]
        for letters, _, _ in _beside(a):
            if len(letters) == 1 or len(letters) >= 3:  # an initial ("Jess S"), or the surname's start
                self.index.stats.lookups += 1
                for person in self.index.by_forename_initial.get((key, letters[0]), ()):
                    if len(letters) == 1 or fold_name(person.surname).replace(" ", "").startswith(
                        letters[:3]
                    ):
                        self.add([person])
        field, i, start, end, _ = a
        word = field.reading.words[i]
        if not (_decorated_to(field, i, start, 0) and _decorated_to(field, i, end, len(word.plain))):
            return  # a forename alone is a word of its own ("Lily", "lily_x", "LILYx"), not letters inside one
        display = self.profile.field(DISPLAY)
        if field.source == USERNAME and display is not None and display.reading.words:
            return  # the display name shows words: a forename alone is read there, not in the username
        self.index.stats.lookups += 1
        for form in self.index.pupils_by_forename.get(key, ()):  # worth a candidate only when a cue may agree
            if self.profile.school or _an_age_cue_fits(form.person, self.profile, self.index):
                self.add([form.person])

    def _surname_slips(self, source: str, forenames: list[Anchor]) -> None:
        """A whole word of the field one slip from a register surname, beside a forename of that field."""
        field = self.profile.field(source)
        if field is None or not forenames:
            return
        for word in field.reading.words:
            if squeeze(word.plain) in self.index.by_surname:
                continue
            for near in sorted(self.index.near_surnames(word.plain)):
                for a in forenames:
                    self.full(a[4], near)

    def _glued_surname_slips(self, forenames: list[Anchor]) -> None:
        """A forename starting a run-together username and the rest of the word a surname with two neighbouring
        letters swapped ("ibrahimbsahir19"), past a middle initial ("damimbalougn"), or ending it with the swapped
        surname before it ("bsahiribrahim"); not when the rest is a surname already."""
        for a in forenames:
            field, i, start, end, key = a
            plain = field.reading.words[i].plain
            tails = []
            if _edge_before(a, start) and end < len(plain):
                tails += [plain[end:], plain[end + 1 :]]
            if _edge_after(a, end) and start > 0:
                tails.append(
                    plain[:start]
                )  # surname first ("copoeroliver"): the word's start to the forename
            for tail in tails:
                if len(tail) < SURNAME_DELETE_MIN or self.index.roles.get(squeeze(tail), 0) & SURNAME:
                    continue
                self.index.stats.lookups += 1
                for near in sorted(self.index.near_surnames(tail)):
                    if slip_between(tail, self.index.surname_written.get(near, near)) == "swapped":
                        self.full(key, near)


def _forename_slips(index: RegisterIndex, surname: str, letters: str) -> list[list[Person]]:
    """The people of `surname` whose forename is `letters` with one slip, by forename, in the order compared."""
    # One slip changes the length by one letter at most: only forenames of about that length are compared,
    # each distinct forename once (a common surname is carried by hundreds of people).
    by_forename = index.remember(("forenames of", surname), lambda: _forenames_of(index, surname))
    return [
        people
        for size in (len(letters) - 1, len(letters), len(letters) + 1)
        for given, people in by_forename.get(size, {}).items()
        if slip_of(letters, given)
    ]


def _forenames_of(index: RegisterIndex, surname: str) -> dict[int, dict[str, list[Person]]]:
    """The people of a surname by the length and key of their forename and preferred name."""
    found: dict[int, dict[str, list[Person]]] = {}
    for person in index.by_surname.get(surname, ()):
        for key in {name_key(n) for n in (person.forename, person.preferred) if n}:
            found.setdefault(len(key), {}).setdefault(key, []).append(person)
    return found


def _stems(letters: str, before: bool) -> list[str]:
    """What letters beside a surname may be the start of a forename from: "temi" (Temitope cut short), "beat" of
    "beattie" (a diminutive of Beatrice). Run together, the forename ends where the surname starts (before it) or
    starts where it ends (after it), a middle initial or a second given name on its far side: its three to six
    letters next to the surname are tried, with and without a last letter that may be a middle initial ("ellym"
    of "itsellymreid", "beatr" of "harrisbeatr"), and, before the surname, its first three to six letters
    ("beaty" of "beatyroseharris"). Squeezed, as the index's keys are ("beattie" -> "beatie")."""
    squeezed = squeeze(letters)
    ends = (squeezed, squeezed[:-1])
    chunks = {squeezed, *(end[:size] for end in ends for size in range(3, 7) if len(end) >= size)}
    if before:
        chunks |= {end[-size:] for end in ends for size in range(3, 7) if len(end) >= size}
    stems = [merged] if (merged := merged_diminutive_stem(letters)) else []  # "ayyy" of Ayesha: "ay"
    for chunk in sorted(chunks):
        if len(chunk) >= 3:
            stems.append(chunk[:6])
        for ending in DIMINUTIVE_ENDINGS:
            if chunk.endswith(ending) and len(chunk) - len(ending) >= 2:
                stems.append(chunk[: -len(ending)][:6])
    return list(dict.fromkeys(stems))


def _an_age_cue_fits(person: Person, p: Profile, index: RegisterIndex) -> bool:
    """A cheap pre-check of scoring's age checks: does any age cue agree with this pupil?"""
    dob = person.date_of_birth
    years = person.year_groups_here(p.created.date() if p.created is not None else None)
    for cue in p.age:
        dated = person.kind == "pupil" or cue.where == "username" or bool(p.former)
        if cue.kind == "year_group" and dated and cue.value in years:
            return True
        if dob is None:
            continue
        if cue.kind == "birth_year" and int(cue.value) == dob.year:
            return True
        if cue.kind == "number" and (int(cue.value) == dob.year % 100 or cue.value == person.year_group):
            return True
        if cue.kind == "class_of" and person.class_of is not None and int(cue.value) == person.class_of:
            return True
        if cue.kind == "age" and abs(int(cue.value) - age_on(dob, index.as_of)) <= 1:
            return True
    return False
