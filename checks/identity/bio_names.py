"""A name written only in the bio: the display name and username made up ("sparkle_unicorn"), the bio saying who
writes ("Jessica Smith 🌸 Y5", "Anne Ward, Year 5 teacher at Oakfield").

A register person's forename (or preferred name, or a nickname of it) followed by their surname, as two words of
the bio, is read as the owner's name when the name fields give no name of their own; it is weaker than a name in
the display name (BIO_NAME_ONLY less), so alone it is a possible match and an age, school or role cue makes it
sure. A name the bio writes as someone else's ("mum of Jessica Smith", "Jessica Smith's nan", "love you Jessica
Smith") says who the account is about, not whose it is, and is not read here.
"""

from __future__ import annotations

import re

from checks.identity import evidence
from checks.identity.lexicon import FORENAME, GIVEN
from checks.identity.nicknames import UK
from checks.identity.profile import Match, Profile
from checks.identity.register_index import RegisterIndex
from checks.identity.text import name_key, plain_text
from checks.identity.weights import BASE, BIO_NAME_ONLY
from checks.identity.whose import KIN_WORDS

# Words before a name that make it someone the writer speaks of or to, not the writer: kin (whose.py) and these.
_ABOUT = KIN_WORDS | frozenset(
    [
        "of",
        "to",
        "my",
        "our",
        "for",
        "with",
        "and",
        "love",
        "luv",
        "miss",
        "proud",
        "son",
        "daughter",
        "grandson",
        "granddaughter",
        "bestie",
        "friend",
        "congrats",
        "congratulations",
        "happy",
        "birthday",
        "rip",
    ]
)
_BEFORE = 3
_POSSESSIVE = re.compile(r"^['’]s\b|^s?['’]")


def bio_readings(index: RegisterIndex, profile: Profile) -> list[Match]:
    """Readings of the register people the bio names as its writer, when the name fields name nobody."""
    if not profile.bio or _name_fields_give_a_name(profile):
        return []
    text = plain_text(profile.bio)
    words = [(m.group(0), m.end()) for m in re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text)]
    keys = [name_key(word) for word, _ in words]
    found: dict[str, Match] = {}
    for i in range(len(words) - 1):
        forms = index.full.get((keys[i], keys[i + 1]), [])
        if not forms or set(keys[max(0, i - _BEFORE) : i]) & _ABOUT:
            continue
        if _POSSESSIVE.match(text[words[i + 1][1] :]):
            continue  # "Jessica Smith's nan"
        quote = f"{words[i][0]} {words[i + 1][0]}"
        for form, _ in forms:
            method = {"forename": "forename", "preferred": "preferred"}.get(form.how, "nickname_uk")
            if form.how == "nickname" and form.source != UK:
                method = "nickname"
            note = evidence.form_note(form, words[i][0]) + ", surname exact"
            base = BASE[method] - BIO_NAME_ONLY
            found.setdefault(form.person.person_id, Match(form.person, method, note, f'bio "{quote}"', base))
    return [found[k] for k in sorted(found)]


def _name_fields_give_a_name(profile: Profile) -> bool:
    """A word of the display name or username that is a given name: the account is named, not made up."""
    return any(
        s == 0 and e == len(word.plain) and roles & (FORENAME | GIVEN)
        for f in profile.fields
        for word, spans in zip(f.reading.words, f.spans, strict=True)
        for s, e, _, roles in spans
    )
