"""What a profile says about its owner's age and school: birth years, year groups, "class of", adult cues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checks.identity.text import fold_name, plain_text, spaced_username

# Kinship words an adult uses of themself ("mum of 2", "proud dad", "grandad"). After "my", "our" or "love"
# they are a child talking about someone else ("love my nan"), so they are not counted then.
_KIN = (
    r"mum|mom|mummy|mama|mother|dad|daddy|father|grandad|granddad|grandpa|grandma|grandmother|grandfather"
    r"|nan|nana|nanna|nanny|granny|grandparent|grandparents|stepmum|stepdad|wife|husband|parent"
)
_KIN_WORD = re.compile(rf"\b({_KIN})s?\b", re.IGNORECASE)
_NOT_SELF = re.compile(r"\b(my|our|me|love|luv|miss|with|for|to|and|by)\s+(?:\w+\s+)?$", re.IGNORECASE)
# "Parent-managed account", "Mum runs this channel": a child's account an adult looks after, not an adult's own.
_MANAGES = re.compile(
    r"^s?\s*(?:[-‐/]\s*)?(?:managed|supervised|monitored|controlled|approved|run|runs|manages|helps|checks)\b",
    re.IGNORECASE,
)
_SELF_KIN = re.compile(rf"\b({_KIN})\s+(of|to)\b|#?\b({_KIN})life\b|\bproud\s+({_KIN})\b", re.IGNORECASE)
# Jobs and workplaces: a primary-age child does not describe themself by a job. "future vet" does not count.
_JOBS = (
    r"teacher|headteacher|head teacher|deputy head|teaching assistant|senco|governor|nurse|midwife|paramedic"
    r"|doctor|gp|surgeon|dentist|pharmacist|engineer|electrician|plumber|joiner|mechanic|accountant"
    r"|solicitor|lawyer|barrister|civil servant|police officer|firefighter|consultant"
    r"|hairdresser|barber|architect|journalist|councillor|vicar|lecturer|researcher|retired|barista"
    r"|business owner|self[- ]employed|freelance|freelancer|nhs|hgv"
    # Everyday UK jobs a reader knows as jobs at once (issue 24: a staff namesake who is a "Social worker in
    # Spain" was read as another job only by a person): who works with care, money, homes and offices.
    r"|(?:social|care|support|youth|key|office|shop|factory|charity|health|community) worker|carer"
    r"|(?:mortgage|financial|careers|sales|legal|tax) (?:adviser|advisor)|bookkeeper|estate agent|letting agent"
    r"|travel agent|physio|physiotherapist|therapist|surveyor|receptionist|administrator|analyst|technician"
    r"|radiographer|optician|labourer|scaffolder|plasterer|bricklayer|roofer|dental nurse|veterinary nurse"
)
# Titles a child also gives themself on a channel ("Minecraft builder", "game developer", "CEO of my channel",
# "Year 5 student"): an adult cue only when nothing in the profile says school age.
_HOBBY_JOBS = (
    r"builder|developer|designer|owner|director|manager|founder|ceo|chef|driver|photographer|student|apprentice"
    r"|entrepreneur"
)
# A job word after a construction toy or a game names a hobby, whoever says it ("Lego builder", "Minecraft
# architect", "den builder"); "aspiring"/"budding" are wishes, like "future". Not "junior" (a junior doctor is an
# adult), "toy" or "cake" (toy designers and cake makers are adults at work).
_HOBBY_QUALIFIER = re.compile(
    r"\b(lego|duplo|minecraft|roblox|fortnite|den|sandcastle|slime|mud pie|mini|little|aspiring|budding)\s+$",
    re.IGNORECASE,
)
_JOB = re.compile(rf"\b({_JOBS})s?\b", re.IGNORECASE)
_HOBBY_JOB = re.compile(rf"\b({_HOBBY_JOBS})s?\b", re.IGNORECASE)
# "since 2009", "est. 2012": an adult only if the year is before the child could have done anything (scoring.py).
_SINCE = re.compile(r"\b(?:since|est\.?|established)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_NOT_JOB = re.compile(
    r"\b(future|wannabe|want to be|wanna be|gonna be|going to be|dream(?:s)? of being)\s+(?:an?\s+)?$",
    re.IGNORECASE,
)
_EMPLOYER = re.compile(
    r"\b(works?|working|employed|volunteer(?:s|ing)?)\s+(at|for|in)\b|\b(views|opinions)\s+(are\s+)?my\s+own\b"
    r"|\b(uni|university)\s+of\b|\b(sixth form|alumni|alumnus|graduate)\b",
    re.IGNORECASE,
)
# An adult's life said in passing: a spouse, children of one's own, a mortgage, a season ticket, a degree.
_ADULT_LIFE = re.compile(
    r"\b(married|wife|husband|hubby|fianc[ée]e?|my (?:kids|children|son|daughter|grandkids|grandchildren)"
    r"|(?:two|three|four|\d) (?:kids|children|grandkids|grandchildren)|grandkids|grandchildren|mortgage"
    r"|season ticket(?: holder)?|pints?|real ale|wine o'?clock|phd|msc|bsc|mba|retired|pensioner"
    r"|years? (?:in the (?:trade|job|industry)|of experience|married)|small business|plumbing|roofing|landlord)\b",
    re.IGNORECASE,
)
_YEAR_GROUP = re.compile(
    r"(?:^|[^a-z0-9])(?:year|yrs|yr|y)\s*[-_ ]?\s*(\d{1,2}|r)(?![0-9a-z])|\b(reception)\b", re.IGNORECASE
)
_NUMBER_WORDS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
_YEAR_WORD = re.compile(rf"\b(?:year|yr)\s+({'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)
_MAY_HOLD_AGE = re.compile(
    rf"\d|recep|\by(?:r|ear)?\s*[-_ ]?r\b|\b(?:year|yr)\s+(?:{'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE
)
_CLASS_OF = re.compile(r"\bclass\s+of\s+'?(\d{4}|\d{2})\b", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# Short numbers in a username ("bwisniewski19", "TCox3", "jsmith16x"): a two-digit birth year, a year group, an
# age or noise; which one is decided per candidate (scoring.py), never used to rule one out.
_SHORT_NUMBER = re.compile(r"(?<![0-9])(\d{1,2})(?![0-9])")
_AGE = re.compile(
    r"\b(\d{1,2})\s*(?:yo|y/o|yrs? old|years old)\b|\bage[d]?\s+(\d{1,2})\b|^(\d{1,2})\s*[.|,]", re.IGNORECASE
)


# A pupil who has left says so: "former pupil", "ex-student", "alumni", "went to", "used to go".
_FORMER = re.compile(
    r"\b(?:former|ex[- ]?|old) (?:pupil|student|girl|boy)s?\b|\balumn(?:i|us|a|ae)\b|\bused to (?:go|be)\b"
    r"|\bwent to\b|\bleft in (?:19|20)\d\d\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cue:
    """One thing the profile says, quoted as written so a person can find it."""

    kind: str  # birth_year | year_group | class_of | age | number | adult | school
    value: str
    quote: str
    where: str  # "username" | "bio" | "display name"


def adult_cues(bio: str | None) -> list[Cue]:
    """Words an adult uses of themself: 'mum of 2', 'Dad, runner', 'grandad', 'teacher at', a job, an employer."""
    if not bio:
        return []
    text = plain_text(bio)
    cues: list[Cue] = []
    for match in _SELF_KIN.finditer(text):
        cues.append(Cue("adult", "parent", match.group(0), "bio"))
    for match in _KIN_WORD.finditer(text):
        if _NOT_SELF.search(text[: match.start()]) or _MANAGES.search(text[match.end() :]):
            continue
        if not any(c.quote.lower().find(match.group(0).lower()) >= 0 for c in cues):
            cues.append(Cue("adult", "kin", match.group(0), "bio"))
    for match in _JOB.finditer(text):
        if not _not_a_job(text[: match.start()]):
            cues.append(Cue("adult", "job", match.group(0), "bio"))
    for match in _HOBBY_JOB.finditer(text):
        if not _not_a_job(text[: match.start()]):
            cues.append(Cue("adult", "hobby_job", match.group(0), "bio"))
    for match in _SINCE.finditer(text):
        cues.append(Cue("adult", f"since:{match.group(1)}", match.group(0), "bio"))
    for match in _EMPLOYER.finditer(text):
        cues.append(Cue("adult", "employer", match.group(0), "bio"))
    for match in _ADULT_LIFE.finditer(text):
        if not any(match.group(0).lower() in c.quote.lower() for c in cues):
            cues.append(Cue("adult", "life", match.group(0), "bio"))
    return cues


def former_cues(bio: str | None) -> list[Cue]:
    """The bio says its owner has left a school ("former pupil", "alumni", "went to")."""
    if not bio:
        return []
    return [Cue("former", "left", m.group(0), "bio") for m in _FORMER.finditer(plain_text(bio))]


def _not_a_job(before: str) -> bool:
    """A job word that is a wish ("future vet") or a hobby ("Lego builder"), judged by the words before it."""
    return bool(_NOT_JOB.search(before) or _HOBBY_QUALIFIER.search(before))


def year_group_value(raw: str) -> str:
    raw = raw.lower()
    return "R" if raw in ("r", "reception") else str(int(raw))


def age_cues(
    handle: str | None,
    bio: str | None,
    display: str | None,
    as_of: date,
    more: tuple[tuple[str, str], ...] = (),
) -> list[Cue]:
    """Birth years, year groups and "class of" years in the username, display name, bio or `more` fields
    (location, website: read as the bio is, as said of now)."""
    cues: list[Cue] = []
    for where, raw in (("username", handle), ("display name", display), ("bio", bio), *more):
        if not raw:
            continue
        text = plain_text(raw)
        if not _MAY_HOLD_AGE.search(text):
            continue  # every age cue has a digit or says "reception": most profiles are skipped here
        for match in _CLASS_OF.finditer(text):
            year = int(match.group(1))
            cues.append(Cue("class_of", str(year + 2000 if year < 100 else year), match.group(0), where))
        for match in _YEAR_WORD.finditer(text):
            number = _NUMBER_WORDS.index(match.group(1).lower()) + 1
            cues.append(Cue("year_group", str(number), match.group(0), where))
        for match in _YEAR_GROUP.finditer(text.replace("_", " ") if where == "username" else text):
            value = match.group(1) or match.group(2)
            if value.lower() in ("r", "reception") or 1 <= int(value) <= 13:
                cues.append(Cue("year_group", year_group_value(value), match.group(0).strip(" _-.,"), where))
        if where == "username":
            cues += _glued_username_cues(raw, cues, as_of)
        class_spans = [m.span() for m in _CLASS_OF.finditer(text)]
        for match in _FOUR_DIGITS.finditer(text):
            if any(a <= match.start() < b for a, b in class_spans):
                continue
            year = int(match.group(1))
            if 1940 <= year <= as_of.year - 3:
                cues.append(Cue("birth_year", str(year), match.group(1), where))
        if where == "bio":
            for match in _AGE.finditer(text):
                value = next(g for g in match.groups() if g)
                cues.append(Cue("age", value, match.group(0).strip(" .|,"), where))
    return cues


def _glued_username_cues(handle: str, found: list[Cue], as_of: date) -> list[Cue]:
    """Year groups glued to a name ("TCoxY3") and a closing number ("bwisniewski19"), read on the username
    spaced as a person reads it."""
    spaced = spaced_username(handle)
    cues = []
    seen = {c.value for c in found if c.kind == "year_group"}
    year_group_ends = []
    for match in _YEAR_GROUP.finditer(spaced):
        value = match.group(1) or match.group(2)
        year_group_ends.append(match.end())
        if (value.lower() in ("r", "reception") or 1 <= int(value) <= 13) and year_group_value(
            value
        ) not in seen:
            quote = match.group(0).strip(" _-.,").replace(" ", "")
            cues.append(Cue("year_group", year_group_value(value), quote, "username"))
    # Numbers of one or two digits anywhere in it ("bwisniewski19", "jsmith16x", "xx_16_jsmith"), the last two
    # at most: read per candidate (scoring.py), never used to rule one out.
    numbers = [m for m in _SHORT_NUMBER.finditer(spaced) if m.end() not in year_group_ends]
    for match in numbers[-2:]:
        if _may_be_school_age(int(match.group(1)), as_of):
            cues.append(Cue("number", match.group(1), match.group(1), "username"))
    return cues


def _may_be_school_age(number: int, as_of: date) -> bool:
    """A year group (1-13) or the last two digits of a school-age child's birth year; anything else is noise."""
    born = {(as_of.year - age) % 100 for age in range(3, 19)}
    return 1 <= number <= 13 or number in born


GENERIC_SCHOOL_WORDS = frozenset(
    {
        "school",
        "primary",
        "community",
        "church",
        "of",
        "england",
        "ce",
        "c",
        "e",
        "catholic",
        "rc",
        "academy",
        "junior",
        "infant",
        "infants",
        "and",
        "the",
        "j",
        "i",
        "st",
        "saint",
        "c of e",
        "cp",
    }
)


def school_words(school_name: str) -> tuple[set[str], set[str]]:
    """Folded phrases that name the school ('meadowbank primary', 'meadowbank') and its initials ('MPS')."""
    words = fold_name(school_name).split()
    stem = [w for w in words if w not in GENERIC_SCHOOL_WORDS]
    phrases: set[str] = set()
    if words:
        phrases.add(" ".join(words))
    if stem and len("".join(stem)) >= 5:
        phrases.add(" ".join(stem))
    if stem and words and words[-1] == "school":
        phrases.add(" ".join(words[:-1]))
    # "Cherry Tree" for Cherry Tree Vale Primary Academy: the first words of a longer name, as people shorten it.
    for end in range(2, len(stem)):
        if len("".join(stem[:end])) >= 8:
            phrases.add(" ".join(stem[:end]))
    initials: set[str] = set()
    stem_initials = "".join(w[0] for w in stem).upper()
    if stem_initials:
        for suffix in (
            "PS",
            "CPS",
            "CP",
            "CE",
            "CEPS",
            "RC",
            "RCPS",
            "PA",
            "JI",
            "JIS",
            "JS",
            "IS",
            "A",
            "P",
        ):
            if len(stem_initials + suffix) >= 3:
                initials.add(stem_initials + suffix)
    full_initials = "".join(w[0] for w in words).upper()
    if len(full_initials) >= 3:
        initials.add(full_initials)
    return phrases, initials


_HASHTAG = re.compile(r"#(\w+)")
_CAMEL_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z])|_")


def school_cues(
    bio: str | None, phrases: set[str], initials: set[str], handles: set[str], where: str = "bio"
) -> list[Cue]:
    """The school named in the bio (or another field, `where`) by name, initials (as capitals or a #/@ tag) or
    official handle."""
    if not bio:
        return []
    text = plain_text(bio)
    # A hashtag's camelCase words are words ("#TeamOakwood", "#OakwoodPrimary").
    spelt_out = _HASHTAG.sub(lambda m: " " + _CAMEL_WORDS.sub(" ", m.group(1)) + " ", text)
    folded = f" {fold_name(spelt_out)} "
    cues = [Cue("school", phrase, phrase, where) for phrase in sorted(phrases) if f" {phrase} " in folded]
    for token in re.findall(r"[#@]?[A-Za-z][A-Za-z0-9_]{1,}", text):
        bare = token.lstrip("#@")
        if bare in initials or (token[0] in "#@" and bare.upper() in initials):
            cues.append(Cue("school", bare.upper(), token, where))
        elif token.startswith("@") and bare.lower() in handles:
            cues.append(Cue("school", bare, token, where))
    return cues


# "at Oakwood Primary", "St Anne's Juniors": a school named in the bio (our own is read by `school_cues`).
_A_SCHOOL = re.compile(
    r"\b((?:St\.? )?(?:[A-Z][A-Za-z']+ ){1,3}(?:Primary|Academy|Juniors|Infants|Junior School|Infant School|School))\b"
)


_PRIMARY_WORDS = frozenset({"primary", "junior", "juniors", "infant", "infants"})


def other_school_cues(bio: str | None, phrases: set[str]) -> list[Cue]:
    """Schools named in the bio that are not this school: a child at another school is not our pupil. An
    "Academy" or "School" counts only beside a year group ("Year 5 at Oakwood Academy"): alone it is as often a
    football academy, a dance school or a swimming club."""
    if not bio:
        return []
    with_year = bool(_YEAR_GROUP.search(plain_text(bio)) or _YEAR_WORD.search(plain_text(bio)))
    ours = {word for phrase in phrases for word in phrase.split()} - GENERIC_SCHOOL_WORDS
    cues = []
    for match in _A_SCHOOL.finditer(plain_text(bio)):
        words = set(fold_name(match.group(1)).split())
        named = words - GENERIC_SCHOOL_WORDS
        is_school = bool(words & _PRIMARY_WORDS) or with_year
        # A school sharing a word of this one's name ("Cherry Tree Primary") may be this school, shortened.
        if is_school and named and not (named & ours):
            cues.append(Cue("other_school", match.group(1), match.group(1), "bio"))
    return cues
