"""Scoring one candidate reading: the name's base score moved by the profile's age, school, adult and role cues.

A check returns False when the profile rules the reading out (an adult cue for a pupil, a contradicting year
group, an account opened before the pupil's fifth birthday, a partial name with nothing to check it against).
"""

from __future__ import annotations

import functools
import re
from datetime import date

from checks.ages import ADULT_AGE, age_on, is_minor
from checks.identity.cues import Cue
from checks.identity.lexicon import DECORATIVE, GIVEN, NOT_A_NAME, word_roles
from checks.identity.profile import Match, Profile
from checks.identity.register_index import GENERIC_PLACES, DeclaredAccount, Person, RegisterIndex, life_words
from checks.identity.text import fold_name, name_key, plain_text, squeeze
from checks.identity.weights import (
    ACCOUNTED_FOR_STAFF,
    ADULT_CUE_PARENT,
    AGE_CUE,
    BIRTH_YEAR_NOT_THEIRS,
    CEILING,
    CUT_WORD_MIN,
    EARLIEST_ACCOUNT_AGE,
    ELSEWHERE_STAFF,
    FORMER_CUE,
    KEEP,
    MORE_AGE_CUES,
    PARTIAL,
    ROLE_CUE_STAFF,
    RUN_BY_OTHER_CAP,
    SCHOOL_CUE_PUPIL,
    SCHOOL_CUE_STAFF,
    SURNAME_START_IN_USERNAME,
    TEACHING_CUE_STAFF,
    USERNAME_AGREES,
    USERNAME_LIMIT,
)

TEACHING = re.compile(
    r"\b(teacher|teaching|teach|headteacher|head teacher|senco|deputy head|ta)\b", re.IGNORECASE
)


def teaches(bio: str) -> bool:
    return bool(TEACHING.search(bio))


def _rule_out(m: Match, why: str) -> bool:
    """A namesake the profile places elsewhere: dropped, with the reason kept for the evidence."""
    m.against.append(why)
    m.ruled_out = m.method not in PARTIAL  # a partial reading ruled out is noise, not a namesake worth naming
    return False


def _says_adult(cue: Cue, profile: Profile, dob: date | None) -> bool:
    """Whether an adult cue holds against a child: a title children also use ("builder", "student") does not when
    the profile gives a school age (a year group, "class of", the child's own birth year) or names the school;
    "since 2019" does not when the child was five or more by then."""
    if cue.value == "hobby_job":
        school_age = any(
            c.kind in ("year_group", "class_of")
            or (c.kind == "birth_year" and dob is not None and int(c.value) == dob.year)
            for c in profile.age
        )
        return not (profile.school or school_age)
    if cue.value == "employer" and profile.former and "alumn" in cue.quote.lower():
        return False  # "Meadowbank alumni": a former pupil saying they left, not an adult's university
    if cue.value.startswith("since:"):
        return dob is None or int(cue.value.removeprefix("since:")) < dob.year + EARLIEST_ACCOUNT_AGE
    return True


def _pupil_checks(index: RegisterIndex, profile: Profile, m: Match) -> bool:
    """Age and account-age checks for a pupil reading; False when the profile rules the pupil out."""
    person, dob = m.person, m.person.date_of_birth
    minor = person.kind == "pupil" or is_minor(dob, index.as_of)
    firm = [c for c in profile.adult if _says_adult(c, profile, dob)]
    firm += [Cue("adult", "name", word, "name") for word in m.adult_words]
    if minor and firm:
        said = ", ".join(f'"{c.quote}"' for c in firm[:3])
        aged = f" (aged {age_on(dob, index.as_of)})" if dob else ""
        where = "bio says" if firm[0].where == "bio" else "the name says"
        return _rule_out(m, f"{where} {said}: an adult's life, not a child's{aged}")
    if person.kind == "pupil" and profile.other_school and not profile.school:
        return _rule_out(m, f'bio names another school ("{profile.other_school[0].quote}")')
    opened_for_them = ""
    if dob is not None and age_on(dob, index.as_of) < EARLIEST_ACCOUNT_AGE:
        # Under five today: any account, whenever it was opened, was opened by someone else (whose.py still
        # names the child when a shared account names them beside a brother or sister).
        if not profile.school:
            m.under_five = True
            return False
        opened_for_them = f"{person.forename} is under {EARLIEST_ACCOUNT_AGE}"
    if dob is not None and profile.created is not None:
        held_from = age_on(dob, profile.created.date())
        when_opened = f"account created {profile.created.year}, when {person.forename} was " + (
            f"aged {held_from}" if held_from >= 0 else "not yet born"
        )
        if held_from < 0 or (held_from < EARLIEST_ACCOUNT_AGE and not profile.school):
            # Someone else's: older than the child, or opened for a young child by someone else, perhaps an
            # older brother or sister sharing it (whose.py).
            m.under_five = True
            return _rule_out(m, when_opened)
        if held_from < EARLIEST_ACCOUNT_AGE:
            opened_for_them = when_opened
        else:
            m.reasons.append(f"account created {profile.created.year}, when aged {held_from}")
    if opened_for_them:
        # Opened by someone else, yet it names this school beside the child's name: an account held for the child
        # (by a parent, say) is theirs in all the policy asks, so it is not dropped; like an account that says
        # another holds it (whose.py), at most a possible finding for a person to judge.
        m.at_most = RUN_BY_OTHER_CAP
        m.against.append(f"{opened_for_them}: opened by someone else")
        m.settle = f"whether {person.full_name} uses it (for a person to judge)"
    agreeing: list[str] = []
    for cue in profile.age:
        if cue.kind == "birth_year" and dob is not None:
            year = int(cue.value)
            if year == dob.year:
                agreeing.append(f'{cue.where} says "{cue.quote}" (born {dob.year})')
            elif cut := _cut_to_fit(profile, cue, person):
                m.reasons.append(
                    f'username ends "{cue.quote}" after "{cut}" cut short to fit its {len(profile.handle.lstrip("@"))}'
                    " letters: a number making the handle its own, not read as a birth year"
                )
            elif minor and year <= index.as_of.year - ADULT_AGE and cue.where in ("username", "display name"):
                return _rule_out(
                    m, f'{cue.where} says "{cue.quote}", an adult\'s birth year (born {dob.year})'
                )
            elif cue.where == "username":
                m.score -= BIRTH_YEAR_NOT_THEIRS
                m.against.append(f'the username says "{cue.quote}", not their birth year ({dob.year})')
        elif cue.kind == "year_group":
            opened = profile.created.date() if profile.created is not None else None
            # A username is chosen when the account is made; a bio speaks of now ("Year 5 at ..."), so for a
            # former pupil only a bio that says they have left dates its year group to their time here.
            dated = person.kind == "pupil" or cue.where == "username" or bool(profile.former)
            if dated and cue.value in person.year_groups_here(opened):
                agreeing.append(f'{cue.where} says "{cue.quote}" ({_in_year(person, cue.value)})')
            elif person.kind == "pupil":
                return False
            elif not dated and cue.value != person.year_group_now(index.as_of):
                return _rule_out(
                    m, f'{cue.where} says "{cue.quote}", now; they left from Year {person.year_group}'
                )
        elif cue.kind == "class_of" and person.class_of is not None and int(cue.value) == person.class_of:
            agreeing.append(f'{cue.where} says "{cue.quote}" (leaves primary in {person.class_of})')
        elif cue.kind == "number":
            reading = _number_reading(int(cue.value), person, dob, index)
            if reading:
                agreeing.append(f'{cue.where} ends "{cue.quote}" ({reading})')
        elif cue.kind == "age" and dob is not None:
            stated, actual = int(cue.value), age_on(dob, index.as_of)
            if abs(stated - actual) <= 1:
                agreeing.append(f'{cue.where} says "{cue.quote}" (aged {actual})')
            elif minor and stated >= ADULT_AGE:
                return _rule_out(m, f'bio says "{cue.quote}" (aged {actual})')
    if m.method in PARTIAL and not agreeing and not profile.school:
        return False  # an initial or a forename alone points at nobody without an age or the school to check
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
        m.reasons.insert(0, f'{profile.school[0].where} names the school ("{profile.school[0].quote}")')
    if profile.former:
        said = f'bio says "{profile.former[0].quote}"'
        if person.kind == "former_pupil":
            m.score += FORMER_CUE
            m.reasons.append(f"{said}: they have left")
        else:
            m.score -= FORMER_CUE
            m.against.append(f"{said}, yet a current pupil")
    return True


def _cut_to_fit(profile: Profile, cue: Cue, person: Person) -> str | None:
    """The word cut short before a username's closing number when the username is as long as the platform allows
    ("ninja_offic2005" on X: "official" cut to make room for the digits), else None. Cut to fit, the name was
    taken: the digits were added to make the handle unique (by the owner or as the platform suggests), and say no
    more of the owner's age than any other number would. A number after a whole word or name ("oliversmith1985")
    was written as it is, and is read as a birth year."""
    handle = profile.handle.lstrip("@")
    limit = USERNAME_LIMIT.get(profile.platform)
    if cue.where != "username" or limit is None or len(handle) != limit or not handle.endswith(cue.quote):
        return None
    letters = re.findall(r"[a-z]+", fold_name(handle[: -len(cue.quote)]).replace(" ", "_"))
    if not letters:
        return None
    run = letters[-1]
    words = _lexicon_words() | {
        name_key(part) for part in (person.forename, person.surname, person.preferred or "") if part
    }
    for start in range(len(run) - CUT_WORD_MIN + 1):
        tail = squeeze(run[start:])
        if tail in words:
            return None  # a whole word closes it: the number was written after it as it is
        if any(word.startswith(tail) for word in words):
            return run[start:]
    return None


@functools.cache
def _lexicon_words() -> frozenset[str]:
    """The lexicon's words (decoration, hobbies, jobs...: not given names), as keys, long enough to be cut."""
    return frozenset(w for w, roles in word_roles().items() if roles & NOT_A_NAME and len(w) >= CUT_WORD_MIN)


def _in_year(person: Person, year_group: str) -> str:
    if person.kind == "pupil":
        return f"Year {year_group}"
    if year_group == person.year_group:
        return f"left from Year {year_group}"
    return f"in Year {year_group} when the account was opened"


def _number_reading(number: int, person: Person, dob: date | None, index: RegisterIndex) -> str | None:
    """What a username's closing number says of this candidate: a two-digit birth year or the year group when it
    fits one of them, else nothing (noise, as most such numbers are)."""
    if dob is not None and number == dob.year % 100 and number >= 10:
        return f"born {dob.year}"
    if person.kind == "pupil" and person.year_group == str(number):
        return f"Year {person.year_group}"
    return None  # not read as an age: ages 4-11 are the commonest noise digits


def _words(text: str) -> str:
    """Lower-case words and numbers ("Year 6 teacher!" -> "year 6 teacher"), for comparing phrases."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain_text(text).lower()).split())


# Jobs that are a school's own: a member of staff may give any of them without being someone else.
_SCHOOL_JOBS = frozenset(
    {"teacher", "headteacher", "head teacher", "deputy head", "teaching assistant", "senco", "governor"}
)


def _other_job(profile: Profile, m: Match) -> str | None:
    """A job in the bio that is not this member of staff's ("Dentist", for a Year 2 teacher), or None."""
    role = f" {_words(m.person.role or '')} "
    for cue in profile.adult:
        job = cue.quote.lower()
        if cue.value in ("job", "hobby_job") and job not in _SCHOOL_JOBS and f" {_words(job)} " not in role:
            return cue.quote
    return None


def place_words(location: str) -> set[str]:
    return set(_words(location).split())


def _elsewhere(index: RegisterIndex, profile: Profile) -> bool:
    """The location names somewhere the school's own audience does not (see `RegisterIndex.locality`)."""
    if not index.locality or not profile.location:
        return False
    words = place_words(profile.location) - GENERIC_PLACES
    return bool(words) and not (words & index.locality)


def _shared_with_declared(profile: Profile, person: Person, declared: DeclaredAccount) -> list[str]:
    """The words of their life (not their name) this account's display name, bio or location shares with the
    member of staff's declared account: a second account of one person tells of the same life ("baking" in both),
    a namesake's of another."""
    names = {fold_name(part) for part in (person.forename, person.surname, person.preferred or "") if part}
    words = life_words(" ".join((profile.display, profile.bio, profile.location))) & declared.words
    roles = word_roles()
    # A name (theirs, a nickname, anyone's) or decoration ("official") is how an account is named, not a life.
    return sorted(
        w
        for w in words - {w for name in names for w in name.split()}
        if not roles.get(squeeze(w), 0) & (GIVEN | DECORATIVE)
    )


def _staff_checks(index: RegisterIndex, profile: Profile, m: Match) -> bool:
    teaching = profile.teaching or m.named_teaching
    if m.method == "title_surname" and not (profile.school or teaching):
        return False  # "Mrs Ward" alone could be anyone called Ward
    role_said = _role_in_bio(profile, m)
    if m.method in PARTIAL - {"title_surname", "title_surname_unique"} and not (
        profile.school or teaching or role_said
    ):
        return (
            False  # "Sarah R", "S Reid" are a member of staff only when the bio says where or what they teach
        )
    cued = bool(profile.school or teaching)
    job = None if cued else _other_job(profile, m)
    elsewhere = not cued and _elsewhere(index, profile)
    declared = index.staff_accounts_present.get((profile.platform, m.person.person_id))
    own_account = declared.shown if declared else None
    shared = _shared_with_declared(profile, m.person, declared) if declared else []
    accounted_for = own_account if own_account and not (cued or role_said or shared) else None
    role = m.person.role or "a school role"
    # Two things that each place a namesake elsewhere (another job, another town, their own account already
    # following) are another person of that name; one alone leaves a possible match for a person.
    against = [
        said
        for said, holds in (
            (f'bio says "{job}", not {role}', job),
            (f'lives in "{profile.location}"', elsewhere),
            (f"their declared account {own_account} follows too", accounted_for),
        )
        if holds
    ]
    if len(against) >= 2:
        return _rule_out(m, "; ".join(against))
    if elsewhere:
        m.score -= ELSEWHERE_STAFF
        m.against.append(f'location "{profile.location}" is not where the school\'s audience is')
        m.settle = f'ask {m.person.full_name} whether they live in "{profile.location}"'
    elif job:  # staff have second jobs and partners' jobs in their bios: said, not weighed
        m.against.append(f'bio says "{job}" (not {role}), lives locally or unsaid')
        m.other_job = job
    if accounted_for:
        m.score -= ACCOUNTED_FOR_STAFF
        m.against.append(
            f"their declared account {own_account} is in the school's audience too, and this one has only the name"
        )
        m.settle = f"ask {m.person.full_name} whether this account is also theirs"
    elif shared:
        said = ", ".join(f'"{word}"' for word in shared[:3])
        m.reasons.append(
            f"their declared account {own_account} is in the school's audience too and says {said} as this one"
            " does: a second account of theirs"
        )
    if profile.school:
        m.score += SCHOOL_CUE_STAFF
        m.reasons.append(f'{profile.school[0].where} names the school ("{profile.school[0].quote}")')
    if teaching:
        m.score += TEACHING_CUE_STAFF
        m.reasons.append("bio says they teach" if profile.teaching else "the name says they teach")
    if role_said:
        m.score += ROLE_CUE_STAFF
        m.reasons.append(f'bio gives their role ("{role_said}")')
    return True


def _role_in_bio(profile: Profile, m: Match) -> str | None:
    folded_bio = f" {_words(profile.bio)} "
    for phrase in (_words(part) for part in (m.person.role or "").split(",")):
        phrase = phrase.removeprefix("class ")
        if phrase and phrase not in ("teacher", "teaching assistant") and f" {phrase} " in folded_bio:
            return phrase
    return None


def _score(index: RegisterIndex, profile: Profile, m: Match) -> bool:
    m.score = m.base
    kind = m.person.kind
    if kind in ("pupil", "former_pupil"):
        if not _pupil_checks(index, profile, m):
            return False
    elif kind == "staff":
        if not _staff_checks(index, profile, m):
            return False
    elif kind == "parent" and (profile.adult or m.adult_words):
        m.score += ADULT_CUE_PARENT
        said = (
            f'bio says "{profile.adult[0].quote}"' if profile.adult else f'the name says "{m.adult_words[0]}"'
        )
        m.reasons.append(said)
    if m.where.startswith('display name "') and "username" in m.agreeing_fields:
        m.score += USERNAME_AGREES
        m.reasons.insert(0, f"username @{profile.handle.lstrip('@')} agrees")
    return True


def score_all(index: RegisterIndex, profile: Profile, matches: list[Match]) -> list[Match]:
    """Score every candidate, cap at the ceiling, and keep those worth a person's time, in candidate order."""
    kept: list[Match] = []
    for m in matches:
        index.stats.candidates += 1
        if _score(index, profile, m):
            m.score = min(CEILING, m.at_most, m.score)
            if m.score >= KEEP:
                kept.append(m)
    return kept
