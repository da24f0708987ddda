"""Score each audience member against the register candidates its names block onto, and keep the best reading."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl
from rapidfuzz import fuzz

from checks.identity.cues import Cue, adult_cues, age_cues, school_cues
from checks.identity.nicknames import UK
from checks.identity.register import (
    KIND_PRECEDENCE,
    Form,
    Person,
    RegisterIndex,
    age_on,
    normalise_handle,
)
from checks.identity.text import TITLES, fold_name, plain_text, split_username, squeeze

RESOLVED_KINDS = ("pupil", "former_pupil", "staff_personal", "staff_official", "parent", "unknown")
IDENTITY_COLUMNS = {
    "as_of": pl.Date,
    "platform": pl.Utf8,
    "account_id": pl.Utf8,
    "relation": pl.Utf8,
    "subject_id": pl.Utf8,
    "handle": pl.Utf8,
    "display_name": pl.Utf8,
    "subject_url": pl.Utf8,
    "person_kind": pl.Utf8,
    "person_id": pl.Utf8,
    "confidence": pl.Float64,
    "evidence": pl.Utf8,
    # The matched pupil's date of birth, so rules can tell a former pupil's age on the run date.
    "date_of_birth": pl.Date,
}
EARLIEST_ACCOUNT_AGE = 5
ADULT_AGE = 18
# How much a name alone says. A full name is strong; a nickname from the curated UK list nearly as strong; the
# package's wider list (US-centred, with pairs such as Amelia/Emily) needs another cue to reach the threshold.
BASE = {
    "forename": 0.90,
    "preferred": 0.90,
    "nickname_uk": 0.86,
    "nickname": 0.80,
    "fuzzy_surname": 0.78,
    "surname_prefix": 0.70,
    "forename_initial": 0.60,
    "title_surname": 0.55,
    "initial_surname": 0.50,
    "forename_only": 0.45,
}
SURNAME_FIRST = 0.02
LONGER_SURNAME = 0.06
SURNAME_START_IN_USERNAME = 0.15
SURNAME_PART = 0.06  # "Zoe Price" for Zoë Hamilton-Price: others called Price are as likely
SPELLING_VARIANT = 0.06
RUN_TOGETHER = 0.02
AGE_CUE = 0.20
MORE_AGE_CUES = 0.05
SCHOOL_CUE_PUPIL = 0.20
SCHOOL_CUE_STAFF = 0.15
TEACHING_CUE_STAFF = 0.10
ROLE_CUE_STAFF = 0.10  # "Year 6 teacher" for the Year 6 class teacher: tells two Mrs Halls apart
ADULT_CUE_PARENT = 0.03
USERNAME_AGREES = 0.03
ONLY_ONE = 0.05
CEILING = 0.97
KEEP = 0.5  # below this a reading is not worth a person's time: the member stays unknown
TIE = 0.05  # readings this close are as likely as each other
MIXED_AMBIGUITY_CAP = 0.7  # a pupil and an adult equally likely: a possible finding, for a person to judge
PARTIAL = frozenset(
    {"surname_prefix", "forename_initial", "initial_surname", "forename_only", "title_surname"}
)
TEACHING = re.compile(
    r"\b(teacher|teaching|teach|headteacher|head teacher|senco|deputy head|ta)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Token:
    key: str
    text: str
    start: int
    end: int


@dataclass
class Profile:
    platform: str
    display: str
    handle: str
    bio: str
    created: datetime | None
    display_tokens: list[Token]
    handle_tokens: list[Token]
    chunks: list[str]
    title: str | None
    age: list[Cue]
    adult: list[Cue]
    school: list[Cue]


@dataclass
class Match:
    person: Person
    method: str  # a key of BASE
    note: str  # which name parts agreed and how
    where: str  # 'display name "Jess Smith"' or 'username @jess_smith'
    base: float
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def resolved_kind(self) -> str:
        return "staff_personal" if self.person.kind == "staff" else self.person.kind


def _tokens(words: list[str]) -> list[Token]:
    tokens = [Token(squeeze(w), w, i, i + 1) for i, w in enumerate(words) if w]
    if len(words) <= 6:  # "Hamilton Price" is one surname; "Mary Jane" one forename
        tokens += [
            Token(squeeze(a + b), f"{a} {b}", i, i + 2) for i, (a, b) in enumerate(itertools.pairwise(words))
        ]
    return tokens


def parse_profile(member: dict[str, Any], index: RegisterIndex) -> Profile:
    display = member.get("display_name") or ""
    handle = member.get("handle") or ""
    bio = member.get("description") or ""
    words = fold_name(display).split()
    title = words[0] if words and words[0] in TITLES else None
    if title:
        words = words[1:]
    split_words, _ = split_username(handle) if handle else ((), ())
    unsplit = fold_name(handle).split()
    handle_words = list(dict.fromkeys([*split_words, *unsplit]))
    chunks = [w for w in handle_words if len(w) >= 5]
    if len(words) == 1 and len(words[0]) >= 5:
        chunks.append(words[0])
    created = member.get("created_at")
    return Profile(
        platform=member["platform"],
        display=display,
        handle=handle,
        bio=bio,
        created=created,
        display_tokens=_tokens(words),
        handle_tokens=_tokens(list(split_words))
        + [Token(squeeze(w), w, 100 + i, 101 + i) for i, w in enumerate(unsplit) if w not in split_words],
        chunks=list(dict.fromkeys(chunks)),
        title=title,
        age=age_cues(handle, bio, display, index.as_of),
        # Read only when a name matched someone (most profiles match nobody): see resolve_member.
        adult=[],
        school=[],
    )


def _form_method(form: Form) -> str:
    if form.how == "nickname":
        return "nickname_uk" if form.source == UK else "nickname"
    return form.how


def _form_note(form: Form, written: str) -> str:
    if form.how == "nickname":
        return f"nickname {written.capitalize()} -> {form.shown} ({form.source})"
    if form.how == "preferred":
        return f"preferred name {form.shown}"
    return "forename exact"


def _where(profile: Profile, source: str) -> str:
    if source == "username":
        return f"username @{profile.handle.lstrip('@')}"
    return f'display name "{profile.display}"'


class _Collector:
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
            method = _form_method(form)
            base = BASE[method] - penalty - (SURNAME_PART if s_how != "surname exact" else 0.0)
            note = f"{_form_note(form, written)}, {s_how}{extra}"
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


def _full_name_matches(c: _Collector) -> None:
    p = c.profile
    forenames, surnames = c.index.forename_keys, c.index.by_surname
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        where = _where(p, source)
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
                        where,
                        (SURNAME_FIRST if first_after else 0.0) + (LONGER_SURNAME if longer else 0.0),
                        (" (surname first)" if first_after else "")
                        + (" (the display name's surname is longer)" if longer else ""),
                        b.text,
                    )
    for chunk in p.chunks:
        where = _where(p, "username" if chunk not in [t.text for t in p.display_tokens] else "display name")
        for i in range(2, len(chunk) - 1):
            first, last = squeeze(chunk[:i]), squeeze(chunk[i:])
            extra = f' (run together in "{chunk}")'
            if first in forenames and last in surnames:
                c.full(first, last, chunk[:i], where, RUN_TOGETHER, extra, chunk[i:])
            if last in forenames and first in surnames:
                c.full(last, first, chunk[i:], where, RUN_TOGETHER + SURNAME_FIRST, extra, chunk[:i])


def _fuzzy_surname_matches(c: _Collector) -> None:
    """One typo in the surname ("Jessica Smiht"): SymSpell deletions find the register surnames one edit away."""
    p = c.profile
    tokens = p.display_tokens
    where = _where(p, "display name")
    for b in tokens:
        if b.end - b.start != 1 or b.key in c.index.by_surname:
            continue
        for near in c.index.near_surnames(b.key):
            similarity = fuzz.ratio(b.key, near)
            for a in tokens:
                if a.end <= b.start or b.end <= a.start:
                    c.index.stats.lookups += 1
                    for form, _ in c.index.full.get((a.key, near), ()):
                        if form.how == "nickname":
                            continue
                        note = (
                            f'{_form_note(form, a.text)}, surname "{b.text}" ~ {form.person.surname} '
                            f"(one letter apart, similarity {similarity:.0f}%)"
                        )
                        c.add(form.person, "fuzzy_surname", note, where, BASE["fuzzy_surname"])


def _pupil_forms(c: _Collector, key: str) -> list[Form]:
    c.index.stats.lookups += 1
    return c.index.pupils_by_forename.get(key, [])


def _partial_matches(c: _Collector) -> None:
    """Weak name evidence, looked at only when the profile also gives an age or school cue to check it against."""
    p = c.profile
    for source, tokens in (("display name", p.display_tokens), ("username", p.handle_tokens)):
        where = _where(p, source)
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
                                f'{_form_note(form, a.text)}, surname starts "{b.text}"',
                                where,
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
                                f"{_form_note(form, a.text)}, surname initial {b.key.upper()}",
                                where,
                                BASE["forename_initial"] - (0.02 if form.how == "nickname" else 0.0),
                            )
                if len(a.key) == 1 and len(b.key) > 1:
                    c.index.stats.lookups += 1
                    for person in c.index.by_surname.get(b.key, ()):
                        if (
                            person.kind in ("pupil", "former_pupil")
                            and fold_name(person.preferred or person.forename)[:1] == a.key
                        ):
                            c.add(
                                person,
                                "initial_surname",
                                f"initial {a.key.upper()} + surname exact",
                                where,
                                BASE["initial_surname"],
                            )
        if source == "display name" and len(singles) == 1 and len(singles[0].key) > 1:
            a = singles[0]
            for form in _pupil_forms(c, a.key):
                c.add(
                    form.person,
                    "forename_only",
                    f"{_form_note(form, a.text)} (forename only)",
                    where,
                    BASE["forename_only"] - (0.02 if form.how == "nickname" else 0.0),
                )
    for chunk in p.chunks:
        where = _where(p, "username")
        for i in range(2, len(chunk) - 1):
            forms = _pupil_forms(c, squeeze(chunk[:i]))
            rest = chunk[i:]
            for form in forms:
                surname = fold_name(form.person.surname).replace(" ", "")
                if len(rest) >= 3 and surname.startswith(rest) and surname != rest:
                    c.add(
                        form.person,
                        "surname_prefix",
                        f'{_form_note(form, chunk[:i])}, surname starts "{rest}" (run together in "{chunk}")',
                        where,
                        BASE["surname_prefix"],
                    )
        if len(chunk) >= 5:  # "jsmith": an initial then a surname
            c.index.stats.lookups += 1
            for person in c.index.by_surname.get(squeeze(chunk[1:]), ()):
                if (
                    person.kind in ("pupil", "former_pupil")
                    and fold_name(person.preferred or person.forename)[:1] == chunk[0]
                ):
                    c.add(
                        person,
                        "initial_surname",
                        f'initial {chunk[0].upper()} + surname exact (in "{chunk}")',
                        where,
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
                        f'{_form_note(form, chunk[:-1])}, surname initial {chunk[-1].upper()} (in "{chunk}")',
                        _where(p, "username"),
                        BASE["forename_initial"],
                    )
    if p.title and p.display_tokens:
        written = p.display_tokens[0]
        c.index.stats.lookups += 1
        for person in c.index.by_surname.get(written.key, ()):
            if person.kind == "staff":
                c.add(
                    person,
                    "title_surname",
                    f"title {p.title.capitalize()} + surname exact",
                    _where(p, "display name"),
                    BASE["title_surname"],
                )


def _pupil_checks(index: RegisterIndex, profile: Profile, m: Match) -> bool:
    """Age and account-age checks for a pupil reading; False when the profile rules the pupil out."""
    person, dob = m.person, m.person.date_of_birth
    minor = person.kind == "pupil" or (dob is not None and age_on(dob, index.as_of) < ADULT_AGE)
    if minor and profile.adult:
        return False
    if dob is not None and age_on(dob, index.as_of) < EARLIEST_ACCOUNT_AGE:
        return False  # under five today: any account, whenever it was opened, was opened by someone else
    if dob is not None and profile.created is not None:
        held_from = age_on(dob, profile.created.date())
        if held_from < EARLIEST_ACCOUNT_AGE:
            return False
        m.reasons.append(f"account created {profile.created.year}, when aged {held_from}")
    agreeing: list[str] = []
    for cue in profile.age:
        if cue.kind == "birth_year" and dob is not None:
            year = int(cue.value)
            if year == dob.year:
                agreeing.append(f'{cue.where} says "{cue.quote}" (born {dob.year})')
            elif minor and year <= index.as_of.year - ADULT_AGE and cue.where != "bio":
                return False
        elif cue.kind == "year_group" and person.kind == "pupil":
            if cue.value == person.year_group:
                agreeing.append(f'{cue.where} says "{cue.quote}" (Year {person.year_group})')
            else:
                return False
        elif cue.kind == "class_of" and person.class_of is not None and int(cue.value) == person.class_of:
            agreeing.append(f'{cue.where} says "{cue.quote}" (leaves primary in {person.class_of})')
        elif cue.kind == "age" and dob is not None:
            stated, actual = int(cue.value), age_on(dob, index.as_of)
            if abs(stated - actual) <= 1:
                agreeing.append(f'{cue.where} says "{cue.quote}" (aged {actual})')
            elif minor and stated >= ADULT_AGE:
                return False
    if m.method in PARTIAL and not agreeing:
        return False  # an initial or a forename alone points at nobody without an age to check
    if agreeing:
        m.score += AGE_CUE + MORE_AGE_CUES * (len(agreeing) - 1)
        m.reasons[:0] = agreeing
    if m.method in ("forename_only", "forename_initial") and profile.handle:
        start = fold_name(person.surname).replace(" ", "")[:3]
        if len(start) == 3 and start in fold_name(profile.handle).replace(" ", ""):
            m.score += SURNAME_START_IN_USERNAME
            m.reasons.append(f'username holds the start of the surname ("{start}")')
    if profile.school:
        m.score += SCHOOL_CUE_PUPIL
        m.reasons.insert(0, f'bio names the school ("{profile.school[0].quote}")')
    return True


def _words(text: str) -> str:
    """Lower-case words and numbers ("Year 6 teacher!" -> "year 6 teacher"), for comparing phrases."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain_text(text).lower()).split())


def _staff_checks(profile: Profile, m: Match) -> bool:
    teaching = bool(TEACHING.search(profile.bio))
    if m.method == "title_surname" and not (profile.school or teaching):
        return False  # "Mrs Ward" alone could be anyone called Ward
    if profile.school:
        m.score += SCHOOL_CUE_STAFF
        m.reasons.append(f'bio names the school ("{profile.school[0].quote}")')
    if teaching:
        m.score += TEACHING_CUE_STAFF
        m.reasons.append("bio says they teach")
    folded_bio = f" {_words(profile.bio)} "
    for phrase in (_words(part) for part in (m.person.role or "").split(",")):
        phrase = phrase.removeprefix("class ")
        if phrase and phrase not in ("teacher", "teaching assistant") and f" {phrase} " in folded_bio:
            m.score += ROLE_CUE_STAFF
            m.reasons.append(f'bio gives their role ("{phrase}")')
            break
    return True


def _score(index: RegisterIndex, profile: Profile, m: Match, username_people: set[tuple[str, str]]) -> bool:
    m.score = m.base
    kind = m.person.kind
    if kind in ("pupil", "former_pupil"):
        if not _pupil_checks(index, profile, m):
            return False
    elif kind == "staff":
        if not _staff_checks(profile, m):
            return False
    elif kind == "parent" and profile.adult:
        m.score += ADULT_CUE_PARENT
        m.reasons.append(f'bio says "{profile.adult[0].quote}"')
    if m.where.startswith("display") and (kind, m.person.person_id) in username_people:
        m.score += USERNAME_AGREES
        m.reasons.insert(0, f"username @{profile.handle.lstrip('@')} agrees")
    return True


def _describe(m: Match) -> str:
    head = f"{m.where} ~ {m.person.full_name} ({m.person.describe}): {m.note}"
    return "; ".join([head, *m.reasons])


def resolve_member(index: RegisterIndex, member: dict[str, Any]) -> tuple[str, Person | None, float, str]:
    """(resolved kind, register person or None, confidence, evidence) for one audience member."""
    platform = member["platform"]
    declared_key = (
        (platform, normalise_handle(platform, member["handle"] or ""))
        if platform == "x"
        else (platform, member["subject_id"])
    )
    index.stats.lookups += 1
    if declared_key in index.by_handle:
        person, kind, source = index.by_handle[declared_key]
        shown = f"@{member['handle']}" if platform == "x" else member["subject_id"]
        evidence = f"{platform} account {shown} is declared in {source} for {person.describe}"
        if kind == "parent":
            staff = index.staff_by_name.get(
                (
                    squeeze(fold_name(person.forename).replace(" ", "")),
                    squeeze(fold_name(person.surname).replace(" ", "")),
                )
            )
            if staff is not None:
                # One person in both registers: a personal account is still a staff account (DESIGN.md §5.6).
                return (
                    "staff_personal",
                    staff,
                    0.9,
                    f"{evidence}; the same name ({person.full_name}) as {staff.describe}: one person in both "
                    "registers, so a staff member's personal account",
                )
        return kind, person, 1.0, evidence
    profile = parse_profile(member, index)
    collector = _Collector(index, profile)
    _full_name_matches(collector)
    if not collector.matches:
        _fuzzy_surname_matches(collector)
    if profile.age or profile.title:  # partial names count only with an age cue (or, for staff, a title)
        _partial_matches(collector)
    if collector.matches and profile.bio:
        profile.adult = adult_cues(profile.bio)
        profile.school = school_cues(
            profile.bio, index.school_phrases, index.school_initials, index.official_handles
        )
    username_people = collector.in_username
    kept: list[Match] = []
    for m in collector.matches.values():
        index.stats.candidates += 1
        if _score(index, profile, m, username_people):
            m.score = min(CEILING, m.score)
            if m.score >= KEEP:
                kept.append(m)
    strongest = max(kept, key=lambda m: m.base, default=None)
    if (
        strongest is not None
        and strongest.method in PARTIAL
        and all(m.base < strongest.base for m in kept if m is not strongest)
    ):
        # Weaker readings (a forename alone) may fit others; these details together fit one register entry.
        strongest.score = min(CEILING, strongest.score + ONLY_ONE)
        strongest.reasons.append("the only register entry these details fit")
    if not kept:
        return "unknown", None, 0.0, "no register entry matched"
    kept.sort(key=lambda m: (-m.score, KIND_PRECEDENCE[m.resolved_kind], m.person.person_id))
    best = kept[0]
    rivals = [m for m in kept[1:] if m.score >= best.score - TIE]
    evidence = _describe(best)
    if not rivals:
        return best.resolved_kind, best.person, best.score, evidence
    kinds = {best.resolved_kind, *(m.resolved_kind for m in rivals)}
    others = "; ".join(m.person.describe for m in rivals)
    if len(kinds) == 1:
        return (
            best.resolved_kind,
            best.person,
            best.score,
            f"{evidence}; as likely {others}: every reading is a {best.resolved_kind.replace('_', ' ')}, "
            "the profile does not say which",
        )
    if kinds == {"staff_personal", "parent"}:
        staff_match = next(m for m in [best, *rivals] if m.resolved_kind == "staff_personal")
        also = "; ".join(m.person.describe for m in [best, *rivals] if m is not staff_match)
        return (
            "staff_personal",
            staff_match.person,
            max(staff_match.score, best.score),
            f"{_describe(staff_match)}; the same name is also {also}: "
            "a staff member who is also a parent is still using a personal account",
        )
    serious = min([best, *rivals], key=lambda m: KIND_PRECEDENCE[m.resolved_kind])
    everyone = "; ".join(m.person.describe for m in [best, *rivals] if m is not serious)
    return (
        serious.resolved_kind,
        serious.person,
        min(serious.score, MIXED_AMBIGUITY_CAP),
        f"{_describe(serious)}; but as likely {everyone}: the profile cannot tell them apart",
    )


def resolve_identities(audience: pl.DataFrame, index: RegisterIndex) -> pl.DataFrame:
    """One row per audience member: the best register reading (or unknown) with confidence and evidence."""
    rows = []
    for member in audience.iter_rows(named=True):
        kind, person, confidence, evidence = resolve_member(index, member)
        rows.append(
            {
                "as_of": member["as_of"],
                "platform": member["platform"],
                "account_id": member["account_id"],
                "relation": member["relation"],
                "subject_id": member["subject_id"],
                "handle": member["handle"],
                "display_name": member["display_name"],
                "subject_url": member["subject_url"],
                "person_kind": kind,
                "person_id": person.person_id if person else None,
                "confidence": round(confidence, 3),
                "evidence": evidence,
                "date_of_birth": person.date_of_birth if person else None,
            }
        )
    return pl.DataFrame(rows, schema=IDENTITY_COLUMNS)
