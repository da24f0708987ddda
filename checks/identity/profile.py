"""What an audience member's profile says (its name tokens and cues), and a reading of it as a register person."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checks.identity.cues import Cue, age_cues
from checks.identity.register_index import Person, RegisterIndex
from checks.identity.text import TITLES, fold_name, split_username, squeeze

_GLUED_YEAR = re.compile(r"^([a-z]+?)(?:year|yr|y)\d{1,2}$")


def _split_digits(handle: str) -> list[str]:
    return list(split_username(handle)[1][-1:]) if handle else []


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
    # "Mrs_Robinson", "MrsTaylor", "misstaylor": a title opening the username, and the word after it (a surname,
    # if anything); run together it may be read more than one way ("mrsmith": Mr Smith or Mrs Mith)
    handle_titles: list[tuple[str, Token]]
    location: str
    age: list[Cue]
    adult: list[Cue]
    school: list[Cue]
    teaching: bool = False
    other_school: list[Cue] = field(default_factory=list)


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
    chunks = [w for w in handle_words if len(w) >= 4]
    # "tcoxy3", "jsmithyr5": a year group glued on in lower case; the name is the chunk without it.
    glued = _GLUED_YEAR.search(fold_name(handle).replace(" ", "") + "".join(_split_digits(handle)))
    if glued and len(glued.group(1)) >= 4:
        chunks.append(glued.group(1))
    if len(words) == 1 and len(words[0]) >= 5:
        chunks.append(words[0])
    handle_titles = []
    if len(split_words) >= 2 and split_words[0] in TITLES and len(split_words[1]) >= 2:
        handle_titles.append((split_words[0], Token(squeeze(split_words[1]), split_words[1], 1, 2)))
    elif split_words:
        first = split_words[0]
        for prefix in sorted(TITLES):
            rest = first[len(prefix) :]
            if first.startswith(prefix) and len(rest) >= 3:
                handle_titles.append((prefix, Token(squeeze(rest), rest, 0, 1)))
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
        handle_titles=handle_titles,
        location=member.get("location") or "",
        age=age_cues(handle, bio, display, index.as_of),
        # Read only when a name matched someone (most profiles match nobody): see resolve_member.
        adult=[],
        school=[],
    )
