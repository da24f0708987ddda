"""Whose account it is: the person's own, an account about them run by someone else (a parent, a grandparent, a
club), an organisation's, or one shared by several people the school knows.

A name read as a pupil says who the account is about; the rest of the profile (display name, username, bio,
location, website) says whose it is. A reader weighs both:
- words saying someone else runs it ("run by my mum", "parent-managed", "Dad posts for ...", "on behalf of"): the
  account is judged as that person's (a parent the parents register lists for the pupil is named), and the pupil
  named in it is a possible finding at most, for a person to judge whether the child uses it;
- words an organisation writes ("Ltd", "bookings", "est. 2009", "we offer", "U9s", "FC", a website of its own):
  the account is the organisation's, and a pupil's name in it is at most a possible finding;
- two pupils the registers know named together ("Jess & Tom Smith", "jessandtomsmith"): a shared account, a
  finding for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from checks.identity import evidence
from checks.identity.decision import Resolution
from checks.identity.profile import Match, Profile
from checks.identity.register_index import Person, RegisterIndex
from checks.identity.text import fold_name, name_key, plain_text
from checks.identity.weights import ANOTHER_NAME_FIRST, CEILING, LONGER_SURNAME, RUN_BY_OTHER_CAP, TIE

PUPIL_KINDS = ("pupil", "former_pupil")
_PARENT_WORDS = frozenset(
    [
        "mum",
        "mom",
        "mummy",
        "mam",
        "mother",
        "dad",
        "daddy",
        "father",
        "parent",
        "parents",
        "guardian",
        "carer",
        "stepmum",
        "stepdad",
    ]
)
_FAMILY_WORDS = frozenset(
    [
        "nan",
        "nana",
        "nanny",
        "gran",
        "granny",
        "grandma",
        "grandmother",
        "grandad",
        "granddad",
        "grandpa",
        "grandfather",
        "grandparent",
        "grandparents",
        "auntie",
        "aunty",
        "aunt",
        "uncle",
        "family",
        "sister",
        "brother",
    ]
)
KIN_WORDS = _PARENT_WORDS | _FAMILY_WORDS
_WHO = "|".join(sorted(KIN_WORDS | {"coach", "club", "team", "manager"}, key=len, reverse=True))
_RUN = r"(?:run|managed|monitored|supervised|controlled|operated|handled|looked\s+after|posted|updated)"
# "account run by my mum", "managed by Dad", "run by Orla's dad", "page looked after by the club"; who runs it is
# the first kin or organisation word among the few after "by" ("run by Fernhollow Gymnastics Club"), else the
# first word.
_RUN_BY = re.compile(
    rf"\b{_RUN}\s+by\s+(?:(?:my|his|her|their|our|the|a|his/her)\s+|[^\W\d_]+['’]s\s+)?"
    rf"(?:(?:[^\W\d_]+\s+){{0,3}}?(?P<named>{_WHO})s?\b|(?P<who>[a-z]+))",
    re.I,
)
# "parent-run", "mum managed", "Dad runs this account", "Nan posts for"
_WHO_RUNS = re.compile(
    rf"\b(?P<who>{_WHO})s?(?:[\s-]+{_RUN}\b|\s+(?:runs|manages|monitors|posts\s+for|looks\s+after)\b)", re.I
)
_BEHALF = re.compile(rf"\bon\s+behalf\s+of\b|\b(?P<who>{_WHO})['’]?s\s+account\b", re.I)
# What an organisation writes about itself. In a name: its legal or team form; in a bio or on a website: trade.
_ORGANISATION_NAME = re.compile(
    r"\b(?:ltd|limited|llp|plc|inc|& ?co|and co|& ?sons|fc|afc|u\s?\d{1,2}s?|under\s?\d{1,2}s|club|academy|"
    r"team|official\s+page)\b",
    re.I,
)
_ORGANISATION_BIO = re.compile(
    r"\b(?:ltd|limited|llp|plc|bookings?|enquiries|orders|opening\s+hours|(?:est|established)\.?\s+(?:in\s+)?"
    r"(?:19|20)\d\d|family[\s-]run|we\s+(?:are|offer|provide|sell|make|specialise|specialize|cover|deliver)|"
    r"our\s+(?:team|shop|salon|services|products|business|company|club|players)|contact\s+us|"
    r"dm\s+(?:for|us)|call\s+us|visit\s+us|free\s+quotes?)\b",
    re.I,
)
# Where people link their own profiles: a website elsewhere is a site of its own (a business's, most often).
_PROFILE_HOSTS = re.compile(
    r"(?:^|\.)(?:instagram|tiktok|youtube|youtu|facebook|fb|twitter|x|linktr|twitch|snapchat|threads|"
    r"pinterest|spotify|soundcloud|roblox|discord|bsky|linkedin|github|wa)\.[a-z.]+$"
)


_POSSESSIVE = re.compile(r"['’]s\b", re.I)
_TRADING_HOST = re.compile(r"\.(?:co\.uk|ltd\.uk|com|biz|shop|store|business)$")


@dataclass(frozen=True)
class Holder:
    """Who the profile says holds the account, other than the person it names, and where it says so."""

    who: str  # parent | family | organisation | someone else
    quote: str
    where: str  # the field: display name, username, bio, location, website

    @property
    def said(self) -> str:
        return f'{self.where} says "{self.quote}"'


def fields_of(profile: Profile) -> list[tuple[str, str]]:
    """Every text field of the profile a reader looks at, by the name the evidence gives it."""
    fields = [
        ("display name", profile.display),
        ("username", profile.handle),
        ("bio", profile.bio),
        ("location", profile.location),
        ("website", profile.url),
    ]
    return [(where, plain_text(text)) for where, text in fields if text]


def holder(profile: Profile) -> Holder | None:
    """The first field saying someone else holds the account: a person who runs it, or an organisation."""
    for where, text in fields_of(profile):
        spaced = text.replace("_", " ")
        for pattern in (_RUN_BY, _WHO_RUNS, _BEHALF):
            found = pattern.search(spaced)
            if found:
                groups = found.groupdict()
                who = (groups.get("named") or groups.get("who") or "").lower()
                return Holder(_kind_of(who), found.group(0).strip(), where)
        organisation = (
            _ORGANISATION_NAME if where in ("display name", "username") else _ORGANISATION_BIO
        ).search(spaced)
        if organisation and where != "location":
            return Holder("organisation", organisation.group(0).strip(), where)
        if where == "website" and _a_site_of_its_own(text) and not profile.school:
            return Holder("organisation", text, where)
    return None


def _kind_of(who: str) -> str:
    if who in _PARENT_WORDS:
        return "parent"
    if who in _FAMILY_WORDS:
        return "family"
    if who in ("club", "team", "coach", "manager", "school", "academy", "company", "business"):
        return "organisation"
    return "someone else"


def _a_site_of_its_own(url: str) -> bool:
    """A trading website of its own ("jessicasmithdesigns.co.uk"), not a profile elsewhere nor a school's site."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return bool(_TRADING_HOST.search(host)) and not _PROFILE_HOSTS.search(host.removeprefix("www."))


def whose(
    index: RegisterIndex,
    profile: Profile,
    kept: list[Match],
    decided: Resolution,
    too_young: list[Match] | None = None,
) -> list[Resolution]:
    """The decision read against whose account the profile says it is: one resolution, or one per pupil of a
    shared account (`too_young`: readings of pupils under five, named only as the younger of a shared account)."""
    kind, person, confidence, said = decided
    if person is None or kind not in PUPIL_KINDS:
        return [decided]
    held = holder(profile)
    if held is not None:
        return _held_by_another(index, profile, decided, held)
    best = max(
        (m for m in kept if m.person.person_id == person.person_id), key=lambda m: m.score, default=None
    )
    siblings = _siblings_named_before(index, best) if best is not None else []
    siblings = [
        p for p in siblings if best is not None and any(named_together(profile, o) for o in best.other_names)
    ]
    if siblings:
        confidence = min(CEILING, confidence + ANOTHER_NAME_FIRST)
    sharing = [
        (m.person, _shared_score(m, person, confidence), evidence.describe(m))
        for m in _sharing(index, [*kept, *(too_young or [])], person)
        if any(
            named_together(profile, other) for other in [*m.other_names, *(best.other_names if best else [])]
        )
    ]
    named = {p.person_id for p, _, _ in sharing}
    sharing += [
        (m.person, m.score, evidence.describe(m))
        for m in _named_apart([*kept, *(too_young or [])], best)
        if m.person.person_id not in named and named_together(profile, m.person.forename)
    ]
    if sharing and best is not None and best.where.startswith(_OTHER_FIELDS):
        said = evidence.describe(best)  # not "as likely" another: both are named
    sharing += [
        (p, confidence, f"{best.where} also names {p.full_name} ({p.describe})") for p in siblings if best
    ]
    if not sharing:
        return [decided]
    # Each one's reading was lowered for a surname beside theirs ("Mikołaj Kamiński & Zofia Kamińska"): it is the
    # other's, read as such, so no longer against either.
    readings = {m.person.person_id: m for m in [*kept, *(too_young or [])]}
    everyone = [person, *(p for p, _, _ in sharing)]
    confidence = min(CEILING, confidence + _surname_of_another(best, person, everyone))
    names = ", ".join(f"{p.full_name} ({p.describe})" for p, _, _ in sharing)
    out: list[Resolution] = [(kind, person, confidence, f"{said}; a shared account: it also names {names}")]
    also = f"a shared account: it also names {person.full_name} ({person.describe})"
    for other, score, described in sharing:
        score = min(confidence, score + _surname_of_another(readings.get(other.person_id), other, everyone))
        out.append((other.kind, other, score, f"{described}; {also}"))
    return out


def _surname_of_another(m: Match | None, person: Person, everyone: list[Person]) -> float:
    """What a reading of `person` lost for a surname written beside theirs that is another's of the account."""
    theirs = {name_key(p.surname) for p in everyone if p.person_id != person.person_id}
    return LONGER_SURNAME if m is not None and any(name_key(q) in theirs for q in m.other_surnames) else 0.0


# Two people named as two ("Jess & Tom", "jess_and_tom", "the Smith twins"); without it "Evelyn Rose Lockwood" is
# one person with a second given name, even when a sister is called Rose.
_TOGETHER = re.compile(
    r"&|\+|/|\band\b|\bn\b|\b(?:twins|siblings|kids|brothers|sisters|bros|sis|fam|family)\b", re.IGNORECASE
)


def named_together(profile: Profile, first: str) -> bool:
    """The profile writes two people: a joining word or sign, a word for several people, or the given name
    `first` run into "and" ("jessandtom")."""
    spaced = [
        plain_text(text).replace("_", " ").replace(".", " ") for text in (profile.display, profile.handle)
    ]
    if any(_TOGETHER.search(text) for text in (*spaced, profile.bio)):
        return True
    glued = fold_name(profile.handle).replace(" ", "") + " " + fold_name(profile.display).replace(" ", "")
    return any(f"{name_key(first)}{joint}" in glued for joint in ("and", "n"))


_OTHER_FIELDS = ('bio "', 'location "', 'website "')


def _named_apart(kept: list[Match], best: Match | None) -> list[Match]:
    """Other pupils the bio names in full, each in words of their own ("Nell Ashby & Kit Ashby")."""
    if best is None or not best.where.startswith(_OTHER_FIELDS):
        return []
    return [
        m
        for m in kept
        if m.person.person_id != best.person.person_id
        and m.resolved_kind in PUPIL_KINDS
        and (not m.ruled_out or m.under_five)
        and m.where.startswith(_OTHER_FIELDS)
        and m.where != best.where
    ]


def _siblings_named_before(index: RegisterIndex, best: Match) -> list[Person]:
    """Pupils of the same surname whose forename is the given name written before this pupil's ("jess" in
    "jessandtomsmith"): not another person's name against the reading, but a sibling sharing the account."""
    surname = name_key(best.person.surname)
    found: dict[str, Person] = {}
    for other in best.other_names:
        for form, _ in index.full.get((name_key(other), surname), []):
            if form.person.kind in PUPIL_KINDS and form.person.person_id != best.person.person_id:
                found.setdefault(form.person.person_id, form.person)
    return [found[k] for k in sorted(found)]


def _held_by_another(
    index: RegisterIndex, profile: Profile, decided: Resolution, held: Holder
) -> list[Resolution]:
    """The account judged as its holder's: the pupil a possible finding at most, and, when the parents register
    lists the pupil's parent the profile points at, the account read as that parent's too."""
    kind, person, confidence, said = decided
    assert person is not None
    whom = {"parent": "a parent", "family": "a relative", "organisation": "an organisation"}.get(
        held.who, "someone else"
    )
    parent = _registered_parent(index, profile, person) if held.who == "parent" else None
    if parent is not None:
        whom = f"a parent, read as {parent.full_name}'s ({parent.describe})"
    capped = min(confidence, RUN_BY_OTHER_CAP)
    pupil: Resolution = (
        kind,
        person,
        capped,
        f"{said}; but {held.said}: the account is held by {whom}, so it is judged as theirs; to settle it: "
        f"whether {person.full_name} uses it (for a person to judge)",
    )
    if parent is None:
        return [pupil]
    about = f"an account about {person.full_name} ({person.describe})"
    return [("parent", parent, capped, f"{held.said}: {about}, held by {whom}"), pupil]


def held_by_a_parent(index: RegisterIndex, profile: Profile, ruled_out: list[Match]) -> Resolution | None:
    """An account named for a pupil that says a parent writes it ("proud mum of Orla", "Orla Quenby's mum"): the
    one pupil its name fields read, ruled out as its holder by a parent's words, judged as the parent the parents
    register lists for them (of several, the one the profile names); None when the register says no parent."""
    pupils = {m.person.person_id: m for m in ruled_out if m.resolved_kind in PUPIL_KINDS}
    if len(pupils) != 1:
        return None
    (m,) = pupils.values()
    # A parent's words about the child: in the bio beside the child's name ("proud mum of Orla"; "Proud mum of
    # two" is a namesake's own life), or in the name fields with it ("Orla Quenby's mum").
    bio_words = set(fold_name(_POSSESSIVE.sub(" ", profile.bio)).split())
    names_the_child = {form.key for form in index.forms_of(m.person)} & bio_words
    said = next(
        (
            f'bio says "{c.quote}"'
            for c in profile.adult
            if names_the_child and set(fold_name(c.quote).split()) & _PARENT_WORDS
        ),
        None,
    ) or next((f'the name says "{w}"' for w in m.adult_words if fold_name(w) in _PARENT_WORDS), None)
    parent = _registered_parent(index, profile, m.person) if said else None
    if parent is None:
        return None
    pupil = m.person
    return (
        "parent",
        parent,
        min(m.base, RUN_BY_OTHER_CAP),
        f"{m.where} ~ {pupil.full_name} ({pupil.describe}): {m.note}; but {said}: an account about them held by "
        f"a parent, read as {parent.full_name}'s ({parent.describe}), so it is judged as theirs",
    )


def _registered_parent(index: RegisterIndex, profile: Profile, pupil: Person) -> Person | None:
    """The pupil's parent the profile points at: the one the parents register lists, or of several the one whose
    forename the profile shows."""
    parents = index.parents_of.get(pupil.person_id, [])
    if len(parents) == 1:
        return parents[0]
    words = set(" ".join(fold_name(text) for _, text in fields_of(profile)).split())
    named = [p for p in parents if name_key(p.forename) in words]
    return named[0] if len(named) == 1 else None


def _sharing(index: RegisterIndex, kept: list[Match], person: Person) -> list[Match]:
    """Other pupils named beside the first by their own forename, one of the two written before the other
    ("Jess & Tom Smith", "jessandtomsmith"): the people of a shared account."""
    forms = {form.key for form in index.forms_of(person)}
    first = [m for m in kept if m.person.person_id == person.person_id]
    before_theirs = {name_key(other) for m in first for other in m.other_names}
    seen = {person.person_id}
    sharing = []
    for m in kept:
        if (
            m.person.person_id in seen
            or m.resolved_kind not in PUPIL_KINDS
            or (m.ruled_out and not m.under_five)
        ):
            continue
        theirs = {form.key for form in index.forms_of(m.person)}
        if any(name_key(other) in forms for other in m.other_names) or before_theirs & theirs:
            seen.add(m.person.person_id)
            sharing.append(m)
    return sharing


def _shared_score(m: Match, person: Person, confidence: float) -> float:
    """A second pupil of a shared account: the name written before theirs is no longer against them, and a
    sibling (the same surname) written with the surname once is read with it."""
    score = m.score + (ANOTHER_NAME_FIRST if m.other_names else 0.0)
    if name_key(m.person.surname) == name_key(person.surname):
        score = max(score, confidence - TIE)
    return min(confidence, score)
