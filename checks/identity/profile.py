"""What an audience member's profile says: its name fields read word by word, its cues, and a reading of it
as a register person (`Match`)."""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from confusable_homoglyphs import categories
from rapidfuzz import fuzz

from checks.identity.cues import Cue, age_cues
from checks.identity.disguise import DIGITS_READ_AS_LETTERS, NAME_ROLES, undisguised
from checks.identity.reading import FieldReading, read_field
from checks.identity.register_index import Person, RegisterIndex
from checks.identity.script_names import settled_together, the_one_name
from checks.identity.text import skeleton

# Two romanisations of one name differ in a vowel or two ("sofiya" / "sofiia", "papadopoylou" / "papadopoulou"):
# a transliteration at least this alike (rapidfuzz ratio, out of 100) to the one register name with its consonants.
ROMANISED_ALIKE = 75

# (start, end, key, roles): letters [start, end) of a word are `key`, a word the index knows (lexicon.py bits).
Span = tuple[int, int, str, int]
DISPLAY = "display name"
USERNAME = "username"


@dataclass(frozen=True)
class Field:
    """One name field (display name or username) read, with what every stretch of each word may be."""

    source: str  # DISPLAY | USERNAME
    text: str  # as written
    reading: FieldReading
    spans: tuple[tuple[Span, ...], ...]  # per word: every stretch of it the index knows
    where: str  # how the evidence names the field: 'display name "Jess Smith"', 'username @jess_smith'
    # A display name written as words ("Jess Smith", "Shahidul", "JessSmith"): a name there is a whole word (or
    # a camelCase word), never letters inside one. Only a display name run together in lower case
    # ("jessicasmith") is read like a username.
    spaced: bool
    keys: frozenset[str]  # every stretch's key, all words together: whether a name is in the field at all
    roles: int  # every stretch's roles together (lexicon.py bits): whether a title is in the field at all


@dataclass
class Profile:
    platform: str
    display: str
    handle: str
    bio: str
    created: datetime | None
    fields: tuple[Field, ...]
    location: str
    age: list[Cue]
    adult: list[Cue]
    school: list[Cue]
    teaching: bool = False
    other_school: list[Cue] = field(default_factory=list)
    former: list[Cue] = field(default_factory=list)  # "former pupil", "alumni": says they have left
    url: str = ""  # the website the profile links (X: its expansion, as the person wrote it)

    @property
    def about(self) -> tuple[tuple[str, str], ...]:
        """The fields besides the name fields that say things about the owner, by the evidence's name for them."""
        return _about(self.location, self.url)

    def field(self, source: str) -> Field | None:
        return next((f for f in self.fields if f.source == source), None)


@dataclass
class Match:
    person: Person
    method: str  # a key of weights.BASE
    note: str  # which name parts agreed and how
    where: str  # 'display name "Jess Smith"' or 'username @jess_smith'
    base: float
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    # What the profile says against this reading ("bio says dentist"), shown when it is ruled out or lowered.
    against: list[str] = field(default_factory=list)
    ruled_out: bool = False
    # Letters of the name fields this reading explains as the person's name, and what the rest suggests.
    explained: int = 0
    adult_words: list[str] = field(default_factory=list)  # "mum", "plumbing" in the name: an adult's account
    agreeing_fields: list[str] = field(default_factory=list)  # other fields that also read as this person
    named_teaching: bool = False  # a title with teaching in the name ("MrsWardTeaches")
    # A job in the bio that is not this member of staff's role ("Bookkeeper" for a teaching assistant).
    other_job: str = ""
    # Given names written before theirs ("Jess" in "Jess & Tom Smith"): another person, perhaps one the school
    # knows sharing the account (whose.py).
    other_names: list[str] = field(default_factory=list)
    # Surnames written beside theirs, weighed against the reading ("Kamińska" beside Kamiński): perhaps another
    # person's sharing the account (whose.py).
    other_surnames: list[str] = field(default_factory=list)
    # What a person could check to settle a doubtful reading ("whether Jessica goes by \"Jessa\""); the last
    # doubt found is the one said (see evidence.settle).
    settle: str = ""
    # A pupil under five today, or when the account was opened: never its holder, yet one of the children a shared
    # account names.
    under_five: bool = False
    # The most this reading can score whatever agrees with it (an account opened for a young child by someone
    # else: a possible finding at most).
    at_most: float = 1.0

    @property
    def resolved_kind(self) -> str:
        return "staff_personal" if self.person.kind == "staff" else self.person.kind


def where(source: str, display: str, handle: str) -> str:
    if source == USERNAME:
        return f"username @{handle.lstrip('@')}"
    return f'display name "{display}"'


def _names_a_person(word: str, index: RegisterIndex) -> bool:
    return any(s == 0 and e == len(word) and roles & NAME_ROLES for s, e, _, roles in index.scan(word))


def as_the_school_spells(reading: FieldReading, index: RegisterIndex) -> FieldReading:
    """Words written in another script read as the register spells a name, where the transliteration alone spells
    none: first by the consonants they share with the name of the one person a word beside them (or the other half
    of a word run together) settles (script_names.py); else word by word, by shape when every letter looks like a
    Latin one ("Јеѕѕ"); by the consonants of the one register name that has them when the script leaves vowels
    unwritten ("محمد", Mohammed); and, for an alphabet that writes its vowels (Cyrillic, Greek), by the one
    register name with those consonants that also sounds alike, since one alphabet has several romanisations
    ("Софія": Sofiya or Sofiia)."""
    words = []
    dressed = _dressed_scripts(reading)
    for word in settled_together(reading.words, index):
        if word.read_as and not _names_a_person(word.plain, index) and "settles" not in word.read_as:
            names = (
                index.by_skeleton.get(skeleton(word.plain), set())
                if word.skeleton or not word.shape
                else set()
            )
            if word.shape and (_names_a_person(word.shape, index) or _script(word.shown) in dressed):
                word = replace(word, plain=word.shape, read_as="written in look-alike letters")
            elif word.skeleton and (name := the_one_name(word.plain, index)):
                word = replace(word, plain=name, read_as=f"{word.read_as}, its consonants those of {name}")
            elif not word.skeleton:
                alike = [n for n in names if fuzz.ratio(word.plain, n) >= ROMANISED_ALIKE]
                if len(alike) == 1:
                    (name,) = alike
                    word = replace(
                        word, plain=name, read_as=f"{word.read_as}, another romanisation of {name}"
                    )
        words.append(word)
    return replace(reading, words=tuple(words)) if tuple(words) != reading.words else reading


def _script(text: str) -> str:
    return str(categories.alias(text[0]) or "") if text else ""


def _dressed_scripts(reading: FieldReading) -> set[str]:
    """The scripts whose letters a field mixes into Latin words as look-alikes ("Аlаsdаir": Cyrillic "А", "а"):
    the writer uses them to dress Latin letters, so a word of that script alone in the field whose every letter
    looks like a Latin one ("С." beside it) is dressed the same way, not a word of that language."""
    return {
        _script(c)
        for word in reading.words
        if not word.read_as and not word.shown.isascii()
        for c in word.shown
        if c.isalpha() and not c.isascii() and _script(c) not in ("LATIN", "COMMON", "")
    }


def _field(source: str, text: str, index: RegisterIndex) -> Field:
    """The field as read. A display name is read once per text: display names repeat across an audience (a
    trust's 250k hold ~30k texts; usernames are each account's own), and a field's reading depends on its text
    and the index alone."""
    if source == DISPLAY:
        return index.remember((source, text), lambda: _read(source, text, index))
    return _read(source, text, index)


def _read(source: str, text: str, index: RegisterIndex) -> Field:
    reading = undisguised(as_the_school_spells(read_field(text), index), index.scan)
    spans = tuple(index.scan(word.plain) for word in reading.words)
    words = reading.words
    spaced = source == DISPLAY and (
        len(words) > 1 or any(w.breaks or w.shown != w.shown.lower() for w in words)
    )
    # A display name's evidence quotes the display name, a username's the username: the field's own text.
    keys = frozenset(span[2] for word_spans in spans for span in word_spans)
    roles = functools.reduce(operator.or_, (span[3] for word_spans in spans for span in word_spans), 0)
    return Field(source, text, reading, spans, where(source, text, text), spaced, keys, roles)


def parse_profile(member: dict[str, Any], index: RegisterIndex) -> Profile:
    display = member.get("display_name") or ""
    handle = member.get("handle") or ""
    bio = member.get("description") or ""
    url = member.get("profile_url") or ""
    fields = [_field(DISPLAY, display, index)]
    if handle:
        fields.append(_field(USERNAME, handle, index))
    return Profile(
        platform=member["platform"],
        display=display,
        handle=handle,
        bio=bio,
        created=member.get("created_at"),
        fields=tuple(fields),
        location=member.get("location") or "",
        # Digits read as letters ("p14y5", "f4m1ly") are letters, not an age or a year group.
        age=age_cues(
            _as_read(handle, fields[-1].reading) if handle else handle,
            _bio_as_read(bio, index),
            _as_read(display, fields[0].reading),
            index.as_of,
            _about(member.get("location"), url),
        ),
        # Read only when a name matched someone (most profiles match nobody): see resolve_member.
        adult=[],
        school=[],
        url=url,
    )


def _as_read(text: str, reading: FieldReading) -> str:
    """The text with each word whose digits were read as letters written in those letters."""
    for word in reading.words:
        if word.read_as == DIGITS_READ_AS_LETTERS:
            text = text.replace(word.shown, word.plain, 1)
    return text


_LETTERS_AND_DIGITS = re.compile(r"\S*(?:[^\W\d_]\d|\d[^\W\d_])\S*")


def _bio_as_read(bio: str, index: RegisterIndex) -> str:
    """The bio with each token of letters and digits whose digits stand for letters written in those letters."""
    return _LETTERS_AND_DIGITS.sub(
        lambda token: _as_read(token.group(0), undisguised(read_field(token.group(0)), index.scan)), bio
    )


def _about(location: str | None, url: str) -> tuple[tuple[str, str], ...]:
    return tuple((where, text) for where, text in (("location", location or ""), ("website", url)) if text)
