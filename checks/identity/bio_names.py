"""A name written in the bio: the display name and username made up or a channel's ("sparkle_unicorn", "TV H"),
the bio saying who writes ("Jessica Smith 🌸 Y5", "Anne Ward, Year 5 teacher at Oakfield", "Софія Шевченко | Year 6",
"1v4n0v f4m1ly").

The bio is read word by word as the name fields are (reading.py, disguise.py, profile.py): letters of another
script through their transliteration and as the register spells them, digits standing for letters, decoration.
Two readings come from it:
- a register person's forename (or preferred name, or a nickname of it) followed by their surname, as two words of
  the bio, read as the owner's name; weaker than a name in the display name (BIO_NAME_ONLY less), so alone it is a
  possible match and an age, school or role cue makes it sure; the name fields giving part of that name back (the
  forename in the username, the surname in the display name) say the bio names the owner, and it is as strong as
  a name in the display name;
- the forename as a whole word of the name fields and the surname a word of the bio ("K4l1n4 Plays" / "the
  Tolliver family"): the name split between the fields, read as a display name and username split is.
A name the bio writes as someone else's ("mum of Jessica Smith", "Jessica Smith's nan", "love you Jessica Smith")
says who the account is about, not whose it is, and is not read here; nor is a bio name when the name fields give
a given name that is not that person's (the account is named, and named for someone else).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from urllib.parse import urlsplit

from checks.identity import evidence
from checks.identity.disguise import undisguised
from checks.identity.lexicon import FORENAME, GIVEN, NOT_A_NAME
from checks.identity.name_forms import surname_keys
from checks.identity.nicknames import UK
from checks.identity.pieces import is_diminutive
from checks.identity.profile import Match, Profile, as_the_school_spells
from checks.identity.reading import Word, read_field
from checks.identity.register_index import Form, Person, RegisterIndex
from checks.identity.script_names import RUN_TOGETHER, in_another_script, people_named
from checks.identity.text import name_key, squeeze
from checks.identity.weights import BASE, BIO_NAME_ONLY, SPLIT_NAME
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
        "grandchild",
        "grandchildren",
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
_TOKEN = re.compile(r"\S+")
_POSSESSIVE = re.compile(r"[^\W\d_]['’]s?\W*$", re.IGNORECASE)
# The shortest start of a forename that the name fields may show for it ("Olek" for Oleksandr).
_SHORTEST_START = 3


@dataclass(frozen=True)
class _BioWord:
    key: str  # comparable key
    shown: str  # as written
    possessive: bool  # "Smith's": the name is someone else's, the writer speaks of them
    read_as: str = ""  # how letters of another script or digits were read ("transliterated from Greek")
    # Written in another script: it names whoever's name has its consonants, for the name beside it to settle
    # (script_names.py).
    script: bool = False

    def said(self, where: str, spelling: str = "", beside: str = "") -> str:
        """How the word was read, for the evidence; `spelling`, the register name a word of another script was
        settled as by the name `beside` it (its "forename" or "surname")."""
        if self.script and spelling:
            # The script it was transliterated from; not a reading of the word alone, which the pair replaces.
            script = self.read_as.split(",")[0]
            return (
                f'{where} "{self.shown}" ({script}, its consonants those of {spelling}, as the {beside} beside '
                "it settles)"
            )
        if RUN_TOGETHER in self.read_as:
            return f'{where} "{self.shown}" ({self.read_as})'
        return f'{where} "{self.shown}" ({self.read_as}) read as "{self.key}"' if self.read_as else ""


@functools.lru_cache(maxsize=20_000)
def _plain_token(token: str) -> tuple[str, ...] | None:
    """A token of plain letters (most of a bio), read without the field reader; None for any other (digits,
    another script, camelCase words run together)."""
    letters = token.strip('.,;:!?()[]"|')
    if not (letters.isascii() and letters.isalpha()) or (not letters[1:].islower() and not letters.isupper()):
        return None
    return (squeeze(letters.lower()),)


def bio_words(index: RegisterIndex, bio: str) -> list[_BioWord]:
    """The text's words as the name fields' are read: transliterated, as the school spells them, digits seen
    through, camelCase split ("ZakChaudhryVlogs"); each with its comparable key and whether a possessive closes
    it. "&" and "+" are the word "and"."""
    words: list[_BioWord] = []
    for found in _TOKEN.finditer(bio):
        token = found.group(0)
        if token in _JOINING:
            words.append(_BioWord("and", token, False))
            continue
        possessive = bool(_POSSESSIVE.search(token))
        plain = _plain_token(token)
        if plain is not None:
            words += [_BioWord(key, token, possessive) for key in plain]
            continue
        reading = undisguised(as_the_school_spells(read_field(token), index), index.scan)
        read = [piece for w in reading.words if w.plain for piece in _pieces(w, index)]
        words += [
            _BioWord(
                squeeze(w.plain),
                w.shown,
                possessive and n == len(read) - 1,
                w.read_as,
                in_another_script(w) and "settles" not in w.read_as and RUN_TOGETHER not in w.read_as,
            )
            for n, w in enumerate(read)
        ]
    return words


_JOINING = frozenset({"&", "+", "&amp;"})


def _pieces(word: Word, index: RegisterIndex) -> list[Word]:
    """A word as the names it holds: camelCase split ("ZakChaudhryVlogs"); a word of another script read as a
    forename and surname run together (script_names.py), forename first, the script shown once."""
    if RUN_TOGETHER in word.read_as and len(word.breaks) == 1:
        (edge,) = word.breaks
        first, second = word.plain[:edge], word.plain[edge:]
        if (squeeze(first), squeeze(second)) not in index.full:
            first, second = second, first
        return [
            replace(word, plain=first, breaks=()),
            replace(word, plain=second, shown="", breaks=(), read_as=""),
        ]
    if not word.breaks or word.read_as or len(word.shown) != len(word.plain):
        return [word]
    edges = (0, *word.breaks, len(word.plain))
    return [
        replace(word, plain=word.plain[a:b], shown=word.shown[a:b], breaks=()) for a, b in pairwise(edges)
    ]


def other_fields(profile: Profile) -> list[tuple[str, str]]:
    """The fields besides the name fields where a name may be written: the bio, the location, and the name a
    linked profile's address holds ("youtube.com/@ZakChaudhryVlogs")."""
    linked = _linked_name(profile.url)
    return [
        (where, text)
        for where, text in (("bio", profile.bio), ("location", profile.location), ("website", linked))
        if text
    ]


def _linked_name(url: str) -> str:
    path = urlsplit(url if "//" in url else f"//{url}").path if url else ""
    last = next((part for part in reversed(path.split("/")) if part), "")
    return last.removeprefix("@") if last.startswith("@") or "." not in last else ""


def bio_readings(index: RegisterIndex, profile: Profile) -> list[Match]:
    """Readings of the register people the bio, location or linked profile names as the writer."""
    found: dict[str, Match] = {}
    fields = [(where, bio_words(index, text)) for where, text in other_fields(profile)]
    for where, words in fields:
        for start, end, fore, sur in _names_written(words):
            quote = " ".join(w.shown for w in words[start:end] if w.shown)
            for form, spelling in _forms_named(index, fore, sur):
                if not _name_fields_allow(index, profile, form.person):
                    continue
                method = _method(form)
                note = evidence.form_note(form, fore.shown) + ", surname exact"
                agreeing = _name_fields_give_back(index, profile, form.person)
                base = BASE[method] - (0.0 if agreeing else BIO_NAME_ONLY)
                match = Match(form.person, method, note, f'{where} "{quote}"', base)
                if agreeing:
                    match.reasons.append(f"the name fields give back {agreeing}")
                match.reasons += [
                    w.said(where, name, beside)
                    for w, name, beside in zip((fore, sur), spelling, ("surname", "forename"), strict=True)
                    if w.said(where)
                ]
                found.setdefault(form.person.person_id, match)
    if not found:
        for where, words in fields:
            for person_id, match in _surname_elsewhere(index, profile, where, words).items():
                found.setdefault(person_id, match)
    return [found[k] for k in sorted(found)]


def _forms_named(index: RegisterIndex, fore: _BioWord, sur: _BioWord) -> list[tuple[Form, tuple[str, str]]]:
    """The register names two words of the bio write as forename and surname: as written, or, for a word of
    another script, by the consonants the one person they both fit has (script_names.py)."""
    if fore.script or sur.script:
        named = people_named(fore.key, fore.script, sur.key, sur.script, index).values()
        return [(form, (forename, surname)) for form, forename, surname, _ in named]
    return [(form, (fore.key, sur.key)) for form, _ in index.full.get((fore.key, sur.key), [])]


def _names_written(words: list[_BioWord]) -> list[tuple[int, int, _BioWord, _BioWord]]:
    """(start, end, forename word, surname word) of each name the words may write as the writer's: two words in a
    row not spoken of ("mum of", "Smith's"), and a forename before another joined to it, the surname written once
    for both ("Nell & Kit Ashby": Nell Ashby too)."""
    keys = [w.key for w in words]
    out = []
    for i in range(len(words) - 1):
        about = set(keys[max(0, i - _BEFORE) : i]) & _ABOUT
        joined = i >= 2 and keys[i - 1] == "and" and not set(keys[max(0, i - 2 - _BEFORE) : i - 2]) & _ABOUT
        if (about and not joined) or words[i + 1].possessive:
            continue
        out.append((i, i + 2, words[i], words[i + 1]))
        if joined:
            out.append((i - 2, i + 2, words[i - 2], words[i + 1]))
    return out


def _method(form: Form) -> str:
    if form.how == "nickname":
        return "nickname_uk" if form.source == UK else "nickname"
    return {"forename": "forename", "preferred": "preferred"}.get(form.how, "nickname_uk")


def _surname_elsewhere(
    index: RegisterIndex, profile: Profile, where: str, words: list[_BioWord]
) -> dict[str, Match]:
    """The forename a whole word of the name fields, the surname a word of the bio, location or linked profile
    ("the Tolliver family", "Tolliver house")."""
    keys = [w.key for w in words]
    found: dict[str, Match] = {}
    elsewhere = {
        key: n
        for n, key in enumerate(keys)
        if _written_as_a_name(words[n], index)
        and not set(keys[max(0, n - _BEFORE) : n]) & _ABOUT
        and not words[n].possessive
    }
    for field in profile.fields:
        for word in field.reading.words:
            forename = squeeze(word.plain)
            for surname, n in elsewhere.items():
                for form, _ in index.full.get((forename, surname), []):
                    if form.how == "nickname" and form.source != UK:
                        continue  # a guess on a guess
                    method = _method(form)
                    note = (
                        f"{evidence.form_note(form, word.shown)} in the {field.source}, surname exact in the "
                        f'{where} ("{words[n].shown}")'
                    )
                    match = Match(form.person, method, note, field.where, BASE[method] - SPLIT_NAME)
                    match.reasons += [w.said(where) for w in (words[n],) if w.said(where)]
                    found.setdefault(form.person.person_id, match)
    return found


def _written_as_a_name(word: _BioWord, index: RegisterIndex) -> bool:
    """A surname alone in the bio counts when written as a name: a capital ("Green", not "green"), or letters
    dressed up (digits, another script); never a word the lexicon holds ("King", "Family")."""
    dressed = not (word.shown.isascii() and word.shown.strip('.,;:!?()[]"|').isalpha())
    return (word.shown[:1].isupper() or dressed) and not index.roles.get(word.key, 0) & NOT_A_NAME


def _name_fields_allow(index: RegisterIndex, profile: Profile, person: Person) -> bool:
    """No whole word of the name fields is a given name that is not this person's: a named account names its
    owner, and a bio naming another then names someone else. Their surname, or a part of a surname of several
    ("The Lawrence-Wood Kids"), is no other name ("The Ryan Kids")."""
    forms = {form.key for form in index.forms_of(person)} | {key for key, _ in surname_keys(person.surname)}
    for f in profile.fields:
        for word, spans in zip(f.reading.words, f.spans, strict=True):
            key = squeeze(word.plain)
            given = any(
                s == 0 and e == len(word.plain) and roles & (FORENAME | GIVEN) and not roles & NOT_A_NAME
                for s, e, _, roles in spans
            )
            if given and not _a_form_of(key, forms):
                return False
    return True


def _a_form_of(key: str, forms: set[str]) -> bool:
    return key in forms or any(
        (len(key) >= _SHORTEST_START and form.startswith(key)) or is_diminutive(key, form) for form in forms
    )


def _name_fields_give_back(index: RegisterIndex, profile: Profile, person: Person) -> str:
    """Where the name fields show this person's forename (or its start) or surname, said; "" when they do not."""
    forms = {form.key for form in index.forms_of(person) if len(form.key) >= _SHORTEST_START}
    surname = name_key(person.surname)
    for f in profile.fields:
        for word, spans in zip(f.reading.words, f.spans, strict=True):
            for _, _, key, _ in spans:
                if key == surname or key in forms:
                    return f'"{key}" in the {f.source} ("{word.shown}")'
    return ""
