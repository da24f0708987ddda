"""Scoring one candidate reading: the name's base score moved by the profile's age, school, adult and role cues.

A check returns False when the profile rules the reading out (an adult cue for a pupil, a contradicting year
group, an account opened before the pupil's fifth birthday, a partial name with nothing to check it against).
"""

from __future__ import annotations

import re

from checks.identity.profile import Match, Profile
from checks.identity.register import RegisterIndex, age_on
from checks.identity.text import fold_name, plain_text
from checks.identity.weights import (
    ADULT_AGE,
    ADULT_CUE_PARENT,
    AGE_CUE,
    CEILING,
    EARLIEST_ACCOUNT_AGE,
    KEEP,
    MORE_AGE_CUES,
    PARTIAL,
    ROLE_CUE_STAFF,
    SCHOOL_CUE_PUPIL,
    SCHOOL_CUE_STAFF,
    SURNAME_START_IN_USERNAME,
    TEACHING_CUE_STAFF,
    USERNAME_AGREES,
)

TEACHING = re.compile(
    r"\b(teacher|teaching|teach|headteacher|head teacher|senco|deputy head|ta)\b", re.IGNORECASE
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


def score_all(
    index: RegisterIndex, profile: Profile, matches: list[Match], username_people: set[tuple[str, str]]
) -> list[Match]:
    """Score every candidate, cap at the ceiling, and keep those worth a person's time, in candidate order."""
    kept: list[Match] = []
    for m in matches:
        index.stats.candidates += 1
        if _score(index, profile, m, username_people):
            m.score = min(CEILING, m.score)
            if m.score >= KEEP:
                kept.append(m)
    return kept
