"""The registers as lookup tables: declared handles, and names blocked by (forename form, surname) and surname."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from checks.ages import age_on, school_year_start
from checks.identity.cues import school_words
from checks.identity.lexicon import FORENAME, SURNAME, word_roles
from checks.identity.name_forms import deletes, form_specs, spelt, surname_keys
from checks.identity.teaching import Teaching
from checks.identity.text import (
    SHORTEST_SKELETON,
    consonant_keys,
    fold_name,
    name_key,
    skeleton,
    slip_between,
    squeeze,
)
from checks.identity.weights import LOCALITY_MIN_MEMBERS, LOCALITY_SHARE
from checks.registers.values import YEAR_GROUP_INDEX

# When one handle is declared for several people, the most serious reading wins (a staff member who is also a
# parent is still using a personal account, docs/identity.md).
KIND_PRECEDENCE = {"pupil": 0, "former_pupil": 1, "staff_personal": 2, "staff_official": 3, "parent": 4}
# Surnames this long or longer are found again under one slip (pieces.slip_of says which slips are read).
SURNAME_DELETE_MIN = 4
# Entries kept per kind of remembered thing (RegisterIndex.remember): enough for a school's audience whole, and
# for a trust's, a few megabytes at most.
MEMORY_PER_KIND = 10_000
# The kinds made from the register or from single words (a register name's parts, a word's cut, the surnames near a
# written one) recur in every audience, not only where profiles copy each other: a trust-sized audience made ~20k of
# each per 125k profiles, so 10k entries were emptied again and again and their readings made anew. These keep more
# (measured alternating on 80k profiles in one process: 6% less CPU, for ~65 MB more in each process;
# benchmarks/identity_resolution.py prints the peak).
MEMORY_FOR_KIND = {"parts": 40_000, "word": 40_000, "near surnames": 40_000}
# Words of a location that place nobody near or far from a school ("UK", "North West England", "she/her").
GENERIC_PLACES = frozenset(
    {
        "uk",
        "gb",
        "england",
        "scotland",
        "wales",
        "northern",
        "ireland",
        "united",
        "kingdom",
        "great",
        "britain",
        "north",
        "south",
        "east",
        "west",
        "midlands",
        "the",
        "of",
        "and",
        "in",
        "near",
        "around",
        "world",
        "earth",
        "everywhere",
        "somewhere",
        "here",
        "there",
        "home",
        "she",
        "her",
        "he",
        "him",
        "they",
        "them",
        "greater",
    }
)


def normalise_handle(platform: str, handle: str) -> str:
    if platform == "youtube" and handle.startswith("UC"):
        return handle
    return handle.strip().lstrip("@").lower()


def declared_key(platform: str, handle: str | None, subject_id: str) -> tuple[str, str]:
    """The key a register declares an account under: the handle on X and Instagram, the channel id on YouTube, the
    id a Facebook comment shows its author by."""
    if platform in ("x", "instagram"):
        return (platform, normalise_handle(platform, handle or ""))
    return (platform, subject_id)


# Words too short or too common to say anything of a person's life when two of their accounts share them.
_LIFE_WORD_MIN = 4


def life_words(text: str) -> frozenset[str]:
    """The words of a profile's text that may say something of its owner's life ("baking", "stockport"): folded,
    four letters or more, not a generic place."""
    return frozenset(w for w in fold_name(text).split() if len(w) >= _LIFE_WORD_MIN) - GENERIC_PLACES


@dataclass(frozen=True)
class DeclaredAccount:
    """A member of staff's declared account in the audience: as the evidence names it, and the words of its display
    name, bio and location (`life_words`), to compare another account of that name with."""

    shown: str
    words: frozenset[str]


def shown_account(platform: str, handle: str | None, subject_id: str) -> str:
    """An account as the evidence names it: @handle on X and Instagram, the channel id on YouTube, the Facebook id."""
    return f"@{handle}" if platform in ("x", "instagram") and handle else subject_id


@dataclass(frozen=True)
class Person:
    kind: str  # pupil | former_pupil | staff | parent
    person_id: str
    forename: str
    surname: str
    preferred: str | None
    describe: str
    date_of_birth: date | None = None
    year_group: str | None = None
    class_of: int | None = None  # the summer the pupil's year group leaves (or left) primary school
    role: str | None = None
    left_on: date | None = None  # a former pupil's leaving date

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def year_group_now(self, on: date) -> str | None:
        """The year group a former pupil's cohort is in on `on`, at whatever school (None past Year 13)."""
        index = _year_index(self.year_group)
        if self.left_on is None or index is None:
            return self.year_group
        now = index + school_year_start(on) - school_year_start(self.left_on)
        return next((g for g, i in YEAR_GROUP_INDEX.items() if i == now), None)

    def year_groups_here(self, account_opened: date | None) -> set[str]:
        """The year groups the register places this pupil in: a pupil's own; a former pupil's the one they left
        from and, for an account opened before they left, the one they were in then (counted back)."""
        if self.year_group is None:
            return set()
        groups = {self.year_group}
        index = _year_index(self.year_group)
        if self.kind != "former_pupil" or self.left_on is None or account_opened is None or index is None:
            return groups
        back = school_year_start(self.left_on) - school_year_start(account_opened)
        if back > 0:
            groups |= {g for g, i in YEAR_GROUP_INDEX.items() if i == index - back}
        return groups


@dataclass(frozen=True)
class Form:
    """One way a person's forename may be written, and why it counts."""

    person: Person
    key: str  # the comparable key (checks.identity.text.name_key)
    how: str  # forename | preferred | nickname
    shown: str  # the register's name this form stands for, e.g. "Jessica" for the nickname "jess"
    source: str = ""  # for a nickname: which list says so


@dataclass
class Stats:
    """Work done by the resolver, for the benchmark: lookups in the blocking tables and candidates scored."""

    lookups: int = 0
    candidates: int = 0
    by_block: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _handles(value: Any) -> list[tuple[str, str]]:
    out = []
    for entry in value or []:
        platform, handle = entry["platform"], entry["handle"]
        if platform in ("x", "youtube", "facebook", "instagram") and handle:
            out.append((platform, normalise_handle(platform, handle)))
    return out


def _year_index(year_group: str | None) -> int | None:
    """Years from Reception (nursery N1, N2 count as -2, -1); None for a year group the register lacks."""
    if year_group in (None, ""):
        return None
    return YEAR_GROUP_INDEX.get(str(year_group))


@dataclass(frozen=True, eq=False)
class IndexRecipe:
    """What a RegisterIndex is built from: enough for another process to build the same index."""

    pupils: pl.DataFrame
    staff: pl.DataFrame
    parents: pl.DataFrame
    as_of: date
    school_name: str
    official_handles: tuple[str, ...]

    def build(self) -> RegisterIndex:
        return RegisterIndex(
            self.pupils,
            self.staff,
            self.parents,
            self.as_of,
            school_name=self.school_name,
            official_handles=self.official_handles,
        )


class RegisterIndex:
    """Everyone in the registers, blocked for lookups: declared handles, (forename form, surname) pairs,
    surnames (for initial + surname), forenames of pupils (for forename + year-group cues)."""

    def __init__(
        self,
        pupils: pl.DataFrame,
        staff: pl.DataFrame,
        parents: pl.DataFrame,
        as_of: date,
        school_name: str = "",
        official_handles: tuple[str, ...] = (),
    ) -> None:
        self.as_of = as_of
        self.recipe = IndexRecipe(pupils, staff, parents, as_of, school_name, tuple(official_handles))
        self.stats = Stats()
        self.school_phrases, self.school_initials = (
            school_words(school_name) if school_name else (set(), set())
        )
        self.official_handles = {normalise_handle("x", h) for h in official_handles}
        # Place words common among the audience's locations: the school's area (set by `learn_locality`).
        self.locality: set[str] = set()
        # (platform, staff id) -> a declared personal account of theirs the audience holds, as shown (set by
        # `learn_staff_accounts_present`).
        self.staff_accounts_present: dict[tuple[str, str], DeclaredAccount] = {}
        self.by_handle: dict[tuple[str, str], tuple[Person, str, str]] = {}
        self.full: dict[tuple[str, str], list[tuple[Form, str]]] = defaultdict(list)
        self.by_surname: dict[str, list[Person]] = defaultdict(list)
        self.pupils_by_forename: dict[str, list[Form]] = defaultdict(list)
        self.staff_by_forename: dict[str, list[Form]] = defaultdict(list)
        # (surname key, initial of the forename or preferred name) -> pupils and staff, for "jsmith", "TCoxY3",
        # "smith_j"
        self.by_surname_initial: dict[tuple[str, str], list[Person]] = defaultdict(list)
        # (forename-form key, surname initial) -> pupils and staff, for "Jess S", "jessS2016", "harry_robin_y4"
        self.by_forename_initial: dict[tuple[str, str], list[Person]] = defaultdict(list)
        # Forename keys of pupils and staff by every beginning of two letters or more: "ayo" -> {"ayomide", ...}
        self.forenames_by_start: dict[str, set[str]] = defaultdict(set)
        self.surname_deletes: dict[str, set[str]] = defaultdict(set)
        self.surname_written: dict[str, str] = {}  # surname key -> its letters as spelt ("but" -> "butt")
        self.staff_by_name: dict[tuple[str, str], Person] = {}
        self.forename_keys: set[str] = set()
        # pupil id -> the parents the parents register lists for them (a family the school knows)
        self.parents_of: dict[str, list[Person]] = defaultdict(list)
        # who teaches which year groups and classes, for "Mrs Ward's class" (teaching.py)
        self.teaching = Teaching()
        ay = school_year_start(as_of)
        for row in pupils.iter_rows(named=True):
            kind = "pupil" if row["status"] == "current" else "former_pupil"
            year, dob = row["year_group"], row["date_of_birth"]
            index = _year_index(year)
            left = row["leaving_date"]
            if kind == "pupil":
                class_of = ay + 1 + (6 - index) if index is not None else None
                age = f", aged {age_on(dob, as_of)}" if dob else ""
                describe = f"pupil {row['pupil_id']}, Year {year}{age}"
            else:
                # The summer their year group leaves primary, wherever they are now: a cohort is fixed by age.
                class_of = school_year_start(left) + 1 + (6 - index) if left and index is not None else None
                age = f", now {age_on(dob, as_of)}" if dob else ""
                describe = f"former pupil {row['pupil_id']}, left {left} from Year {year}{age}"
            person = Person(
                kind,
                row["pupil_id"],
                row["forename"] or "",
                row["surname"] or "",
                row["preferred_name"],
                describe,
                dob,
                year,
                class_of,
                left_on=left if kind == "former_pupil" else None,
            )
            for key in _handles(row["known_handles"]):
                self._declare(key, person, kind, "pupils.csv known_handles")
            self._add_names(person, pupil=True)
        for row in staff.iter_rows(named=True):
            role = f", {row['role']}" if row.get("role") else ""
            person = Person(
                "staff",
                row["staff_id"],
                row["forename"] or "",
                row["surname"] or "",
                row["preferred_name"],
                f"staff {row['staff_id']}{role}",
                role=row.get("role"),
            )
            for key in _handles(row["official_handles"]):
                self._declare(key, person, "staff_official", "staff.csv official_handles")
            for key in _handles(row["personal_handles"]):
                self._declare(key, person, "staff_personal", "staff.csv personal_handles")
            self._add_names(person)
            self.staff_by_name.setdefault((name_key(person.forename), name_key(person.surname)), person)
            self.teaching.learn(person.surname, row)
        for row in parents.iter_rows(named=True):
            pupils_of = ", ".join(row["pupil_ids"] or [])
            person = Person(
                "parent",
                row["parent_id"],
                row["forename"] or "",
                row["surname"] or "",
                None,
                f"parent {row['parent_id']} of {pupils_of}" if pupils_of else f"parent {row['parent_id']}",
            )
            for key in _handles(row["known_handles"]):
                self._declare(key, person, "parent", "parents.csv known_handles")
            for pupil_id in row["pupil_ids"] or []:
                self.parents_of[pupil_id].append(person)
            self._add_names(person)
        # What each word a profile may hold could be (names of the registers, given names, decoration...), and
        # every beginning of those words, so a run-together username is read in one pass (profile.py).
        self.roles: dict[str, int] = dict(word_roles())
        for word in self.forename_keys:
            self.roles[word] = self.roles.get(word, 0) | FORENAME
        for word in self.by_surname:
            if word:
                self.roles[word] = self.roles.get(word, 0) | SURNAME
        self.beginnings: frozenset[str] = frozenset(
            key[:end] for key in self.roles for end in range(1, len(key) + 1)
        )
        self.longest_word = max((len(key) for key in self.roles), default=0)
        # Register names by their consonants, for a name written in a script that leaves vowels out (text.skeleton).
        self.by_skeleton: dict[str, set[str]] = defaultdict(set)
        for word in (*self.forename_keys, *self.by_surname):
            if len(skeleton(word)) >= SHORTEST_SKELETON:
                self.by_skeleton[skeleton(word)].add(word)
        # Register names (forenames as written, not their nicknames, and surnames) by the consonants another
        # script writes them with (text.consonant_keys), for a name beside it to settle which (script_names.py).
        self.by_consonants: dict[str, set[str]] = defaultdict(set)
        for (fkey, skey), forms in self.full.items():
            for name in (fkey,) if any(form.how != "nickname" for form, _ in forms) else ():
                for consonants in consonant_keys(name):
                    self.by_consonants[consonants].add(name)
            for consonants in consonant_keys(skey):
                self.by_consonants[consonants].add(skey)
        self._memo: dict[Any, dict[Any, Any]] = {}
        # Words repeat across an audience (names from one community, "its", "official"): each is read once.
        self.scan = functools.lru_cache(maxsize=MEMORY_PER_KIND)(self._scan)

    def _declare(self, key: tuple[str, str], person: Person, kind: str, source: str) -> None:
        held = self.by_handle.get(key)
        if held is None or KIND_PRECEDENCE[kind] < KIND_PRECEDENCE[held[1]]:
            self.by_handle[key] = (person, kind, source)

    def forms_of(self, person: Person) -> list[Form]:
        return [Form(person, *spec) for spec in form_specs(person.forename, person.preferred)]

    def _add_names(self, person: Person, pupil: bool = False) -> None:
        if not person.surname:
            return
        forms = self.forms_of(person)
        for skey, s_how in surname_keys(person.surname):
            if not skey:
                continue
            if skey not in self.by_surname:
                written = self.surname_written.setdefault(skey, spelt(person.surname, skey))
                for spelling in {skey, written}:
                    for variant in deletes(spelling) if len(spelling) >= SURNAME_DELETE_MIN else ():
                        self.surname_deletes[variant].add(skey)
            self.by_surname[skey].append(person)
            for form in forms:
                self.full[(form.key, skey)].append((form, s_how))
                self.forename_keys.add(form.key)
        if pupil:
            for form in forms:
                self.pupils_by_forename[form.key].append(form)
        elif person.kind == "staff":
            for form in forms:
                self.staff_by_forename[form.key].append(form)
        if pupil or person.kind == "staff":
            surname_initial = fold_name(person.surname)[:1]
            for form in forms:
                self.by_forename_initial[(form.key, surname_initial)].append(person)
            initials = {fold_name(n)[:1] for n in (person.forename, person.preferred) if n}
            for skey, _ in surname_keys(person.surname):
                for initial in initials:
                    self.by_surname_initial[(skey, initial)].append(person)
            for form in forms:
                if form.how != "nickname" and len(form.key) >= 3:
                    for end in range(2, len(form.key)):
                        self.forenames_by_start[form.key[:end]].add(form.key)

    def remember(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What `make` gives for `key` (its first item says what kind of thing it is), made once: a name's
        parts, a word's cut, a field held against a name recur across an audience. Each kind keeps at most
        MEMORY_FOR_KIND's or MEMORY_PER_KIND entries, emptied when full (memory stays bounded, whatever the
        audience)."""
        memo = self._memo.setdefault(key[0], {})
        found = memo.get(key)
        if found is None:
            if len(memo) >= MEMORY_FOR_KIND.get(key[0], MEMORY_PER_KIND):
                memo.clear()
            found = memo[key] = make()
        return found

    def _scan(self, word: str) -> tuple[tuple[int, int, str, int], ...]:
        """Every stretch of `word` (plain lower-case letters) that is a word the index knows, as (start, end,
        key, roles); letters stretched for effect ("jessss") stay one key. A stretch is followed only while it
        is the beginning of some known word, so most positions stop after a letter or two."""
        spans = []
        roles, beginnings = self.roles, self.beginnings
        length = len(word)
        for start in range(length):
            key = ""
            for end in range(start, length):
                letter = word[end]
                if not key or key[-1] != letter:
                    key += letter
                    if key not in beginnings:
                        break
                found = roles.get(key)
                if found:
                    spans.append((start, end + 1, key, found))
        return tuple(spans)

    def staff_with_surname(self, key: str) -> list[Person]:
        self.stats.lookups += 1
        return list({p.person_id: p for p in self.by_surname.get(key, ()) if p.kind == "staff"}.values())

    def parents_with_surname(self, key: str) -> list[Person]:
        return [p for p in self.by_surname.get(key, ()) if p.kind == "parent"]

    def learn_locality(self, locations: list[str], words_of: Callable[[str], set[str]]) -> None:
        """The school's area as its audience gives it: place words in at least LOCALITY_SHARE of the located
        members' locations. Too few located members and no area is known (no location then counts against)."""
        located = [words_of(loc) - GENERIC_PLACES for loc in locations if loc]
        located = [words for words in located if words]
        if len(located) < LOCALITY_MIN_MEMBERS:
            self.locality = set()
            return
        counts: Counter[str] = Counter(word for words in located for word in words)
        floor = max(2, LOCALITY_SHARE * len(located))
        self.locality = {word for word, n in counts.items() if n >= floor}

    def learn_staff_accounts_present(self, members: Iterable[tuple[str, str | None, str, str]]) -> None:
        """Which members of staff have a declared personal account among the audience's (platform, handle,
        subject id, what its display name, bio and location say), per platform: another account there with only
        their name and nothing of its life is then less likely theirs. A handle declared on the parents' register
        counts for the member of staff of that name, as it reads."""
        present: dict[tuple[str, str], DeclaredAccount] = {}
        for platform, handle, subject_id, says in members:
            held = self.by_handle.get(declared_key(platform, handle, subject_id))
            if held is None:
                continue
            person, kind, _ = held
            if kind == "parent":
                also_staff = self.staff_of_the_same_name(person)
                person, kind = (also_staff, "staff_personal") if also_staff else (person, kind)
            if kind == "staff_personal":
                shown = shown_account(platform, handle, subject_id)
                present.setdefault((platform, person.person_id), DeclaredAccount(shown, life_words(says)))
        self.staff_accounts_present = present

    def staff_of_the_same_name(self, parent: Person) -> Person | None:
        """The member of staff a parent is when both registers give the same name: one person (docs/identity.md)."""
        return self.staff_by_name.get((name_key(parent.forename), name_key(parent.surname)))

    def near_surnames(self, written: str) -> set[str]:
        """Register surname keys one slip from the letters `written` (not their own key), through the deletion
        table, as spelt and squeezed. Made once per letters: a username's tail recurs across an audience."""
        return self.remember(("near surnames", written), lambda: self._near_surnames(written))

    def _near_surnames(self, written: str) -> set[str]:
        found: set[str] = set()
        for form in {written, squeeze(written)}:
            for variant in deletes(form) if len(form) >= SURNAME_DELETE_MIN else ():
                found |= self.surname_deletes.get(variant, set())
        return {near for near in found if slip_between(written, self.surname_written.get(near, near))}
