"""pupil-named: a post or video names a pupil by forename (or preferred name, or a common diminutive) and surname.

Policy: cornist-park.txt Code of Conduct for Social Networking, carleton-green.txt §4.1(vi). What counts: a current
pupil's, or a former pupil's under 18, forename, preferred name or a common diminutive of either (the nicknames
package, checks/identity/uk_nicknames.csv, or the name's start the English way: "Olly" of Oliver), next to the
surname in either order ("Billy Price", "Price, William"), hashtags split at capitals (#WellDoneAmeliaKhan); in text
read in images (a certificate, a name card) also when the engine split a word ("Zofia N owak") or read a capital I as
l or 1 ("llinca Lazar"). Not a forename alone, a name after a title (Mrs, Mr, ...), or one belonging only to staff or
parents. One exception per post or video: high with a photo or a video (a name read in an image always is), medium
otherwise; low when the name also belongs to another register person, or was read in an image with low confidence (a
person judges).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from nicknames import NickNamer

from checks.findings import Finding, RuleContext
from checks.identity.nicknames import written_diminutives
from checks.rule_support.posts import post_finding
from checks.rule_support.published_text import (
    HASHTAG,
    PUBLISHED_TEXT_FIELDS,
    SURE_READING,
    ImageText,
    Published,
    Word,
    fold,
    hashtag_parts,
    name_words,
    printed_shape,
    published_items,
    words,
)
from checks.rule_support.rule import Rule

_TITLES = ("mr", "mrs", "miss", "ms", "mx", "dr", "sir", "dame", "prof", "professor", "rev", "revd", "cllr")
# Folded, and as they look in print (a name read in an image after "MISS" is still after a title).
TITLES = frozenset(_TITLES) | {printed_shape(case(t)) for t in _TITLES for case in (str.title, str.upper)}
# Inside one name: spaces or a hyphen; between forename and surname written surname first, also a comma.
_INSIDE_NAME = re.compile(r"\s+|-")
_BETWEEN_PARTS = re.compile(r"\s*,?\s+|-")
MIN_UNCASED_TAG_MATCH = 8  # a lower-case hashtag has no word breaks: short names would match by accident
CONFIDENCE = {"forename": 0.95, "preferred name": 0.95, "diminutive": 0.85}
AMBIGUOUS_CONFIDENCE = 0.6

READS_TEXT = frozenset(PUBLISHED_TEXT_FIELDS)
PEOPLE_SQL = """
SELECT person_kind, person_id, forename, preferred_name, surname, status, date_of_birth
FROM marts.dim_register_people ORDER BY person_kind, person_id
"""


@dataclass(frozen=True)
class NameOwner:
    person_kind: str  # pupil | former_pupil | staff | parent
    person_id: str
    form: str  # forename | preferred name | diminutive
    given: str  # the register's forename or preferred name the form comes from


@dataclass(frozen=True)
class Mention:
    field: str
    quote: str
    owners: tuple[NameOwner, ...]
    # Read in an image: which image and how sure the engine was of the words quoted (None: typed text).
    read: str | None = None
    read_confidence: float | None = None
    # Found only reading a capital I, a lower-case l and a 1 alike (the engine cannot tell them apart in print).
    as_printed: bool = False

    @property
    def misread_possible(self) -> bool:
        return self.read_confidence is not None and self.read_confidence < SURE_READING


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@cache
def diminutives(given: str) -> frozenset[str]:
    """Common short forms of a folded given name: the nicknames package's, the project's UK list
    (checks/identity/uk_nicknames.csv, the one list identity resolution reads too), and those made from the
    name's start the English way ("olly" of Oliver, "beattie" of Beatrice). Kept: a school's registers repeat
    the same few hundred given names."""
    forms = {fold(n) for n in _nicknamer().nicknames_of(given)} | written_diminutives(given)
    return frozenset(f for f in forms if len(f) >= 2 and f != given)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class NameIndex:
    """Every way the registers' people may be written as given name + surname, by folded words and as one string;
    `printed`: the same names as they look in print, for text read in images (`printed_shape`)."""

    def __init__(self, *, printed: bool = True) -> None:
        self.by_words: dict[tuple[str, ...], list[NameOwner]] = defaultdict(list)
        self.by_string: dict[str, list[NameOwner]] = defaultdict(list)
        self.longest = 0
        self.printed = NameIndex(printed=False) if printed else self

    def add(self, owner: NameOwner, given: tuple[str, ...], surname: tuple[str, ...]) -> None:
        for key in (given + surname, surname + given):
            if owner not in self.by_words[key]:
                self.by_words[key].append(owner)
                self.by_string["".join(key)].append(owner)
            self.longest = max(self.longest, len(key))


INDEX_READ_ONCE = "pupil-named: names index"  # the key of the one index a checks pass builds (`read_once`)


def build_index(ctx: RuleContext) -> NameIndex:
    """The registers' names, built once per checks pass (pupil-named and pupil-named-in-comment both read it): the
    registers do not change while the rules run."""
    memo = ctx.read_once
    if INDEX_READ_ONCE not in memo:
        memo[INDEX_READ_ONCE] = _build_index(ctx)
    index: NameIndex = memo[INDEX_READ_ONCE]
    return index


def _build_index(ctx: RuleContext) -> NameIndex:
    index = NameIndex()
    for kind, person_id, forename, preferred, surname, status, born in ctx.con.execute(PEOPLE_SQL).fetchall():
        if kind == "pupil" and status != "current":
            if born is None or _age(born, ctx.as_of) >= 18:
                continue  # naming an adult former pupil is not naming a child
            kind = "former_pupil"
        surname_words = name_words(surname)
        if not surname_words:
            continue
        surname_printed = _printed_shapes(surname)
        givens = [("forename", forename), ("preferred name", preferred)]
        for form, given in givens:
            given_words = name_words(given)
            if not given_words:
                continue
            owner = NameOwner(kind, person_id, form, given)
            index.add(owner, given_words, surname_words)
            _add_printed(index.printed, owner, _printed_shapes(given), surname_printed)
            if len(given_words) == 1:
                for short in sorted(diminutives(given_words[0])):
                    owner = NameOwner(kind, person_id, "diminutive", given)
                    index.add(owner, (short,), surname_words)
                    _add_printed(index.printed, owner, _printed_shapes(short.capitalize()), surname_printed)
    return index


@cache
def _printed_shapes(name: str) -> tuple[tuple[str, ...], ...]:
    """A register name as it looks printed as the register writes it, in title case and in capitals (the same
    names recur across a school's registers: each is shaped once)."""
    return tuple(name_words(case(name), as_printed=True) for case in (str, str.title, str.upper))


def _add_printed(
    printed: NameIndex,
    owner: NameOwner,
    given_shapes: tuple[tuple[str, ...], ...],
    surname_shapes: tuple[tuple[str, ...], ...],
) -> None:
    """The name as it looks printed in each case `_printed_shapes` makes: given name and surname alike."""
    for given_shape, surname_shape in zip(given_shapes, surname_shapes, strict=True):
        if given_shape and surname_shape:
            printed.add(owner, given_shape, surname_shape)


def _prose_mentions(
    field: str, text: str, index: NameIndex, tokens: list[Word] | None = None
) -> list[Mention]:
    found = []
    tokens = words(text) if tokens is None else tokens
    # Names are written capitalised; a text written all in lower case gives no such clue.
    cased = any(c.isupper() for c in text)
    for start in range(len(tokens)):
        for length in range(min(index.longest, len(tokens) - start), 1, -1):
            run = tokens[start : start + length]
            owners = index.by_words.get(tuple(w.folded for w in run))
            if not owners or (cased and not all(w.capitalised for w in run)):
                continue
            if not _joined_as_a_name(text, run) or _after_a_title(tokens, start):
                continue
            found.append(Mention(field, text[run[0].start : run[-1].end], tuple(owners)))
            break
    return found


def _joined_as_a_name(text: str, run: list[Word]) -> bool:
    return all(
        _BETWEEN_PARTS.fullmatch(text[a.end : b.start]) or _INSIDE_NAME.fullmatch(text[a.end : b.start])
        for a, b in itertools.pairwise(run)
    )


def _after_a_title(tokens: list[Word], start: int) -> bool:
    return start > 0 and tokens[start - 1].folded in TITLES


def _hashtag_mentions(field: str, tag: str, index: NameIndex) -> list[Mention]:
    folded, boundaries = hashtag_parts(tag)
    cased = any(c.isupper() for c in tag) and any(c.islower() for c in tag)
    found = []
    ordered = sorted(boundaries)
    for i, begin in enumerate(ordered):
        for end in ordered[i + 1 :]:
            owners = index.by_string.get(folded[begin:end])
            if owners and (cased or end - begin >= MIN_UNCASED_TAG_MATCH):
                found.append(Mention(field, "#" + tag, tuple(owners)))
    return found


def _read_mentions(line: ImageText, index: NameIndex) -> list[Mention]:
    """Names in a line read in an image: as in prose, and also across a word the engine split ("Zofia N owak",
    "Mensah- Boateng"); read as written, then as the letters look in print, where the engine cannot tell a capital
    I from a lower-case l or a 1 ("llinca Lazar" is Ilinca Lazar)."""
    found = _read_as(line, index, words(line))
    for mention in _read_as(line, index.printed, words(line, as_printed=True)):
        if not any(m.quote == mention.quote for m in found):
            found.append(replace(mention, as_printed=True))
    return found


def _read_as(line: ImageText, index: NameIndex, tokens: list[Word]) -> list[Mention]:
    """Names in `tokens` of a line read in an image: as in prose, and across a word the engine split: consecutive
    words joined, starting and ending on words, long enough not to be chance."""
    found = [
        Mention(m.field, m.quote, m.owners, line.media_key, line.confidence_of(*_span(line, m.quote)))
        for m in _prose_mentions("image_text", line, index, tokens)
    ]
    cased = any(c.isupper() for c in line)
    for start in range(len(tokens)):
        if _after_a_title(tokens, start) or (cased and not tokens[start].capitalised):
            continue
        joined = ""
        for end in range(start, len(tokens)):
            joined += tokens[end].folded
            owners = index.by_string.get(joined)
            if end > start and owners and len(joined) >= MIN_UNCASED_TAG_MATCH:
                first, last = tokens[start].start, tokens[end].end
                quote = line[first:last]
                if not any(m.quote == quote for m in found):
                    found.append(
                        Mention(
                            "image_text",
                            quote,
                            tuple(owners),
                            line.media_key,
                            line.confidence_of(first, last),
                        )
                    )
    return found


def _span(text: str, quote: str) -> tuple[int, int]:
    start = max(0, text.find(quote))
    return start, start + len(quote)


def mentions(item: Published, index: NameIndex) -> list[Mention]:
    found: list[Mention] = []
    for field, value in item.fields:
        if isinstance(value, ImageText):
            found.extend(_read_mentions(value, index))
            continue
        if field == "hashtag":
            found.extend(_hashtag_mentions("hashtag", value, index))
            continue
        found.extend(_prose_mentions(field, value, index))
        for match in HASHTAG.finditer(value):
            found.extend(_hashtag_mentions("hashtag", match.group(1), index))
        if field == "tag":
            found.extend(_hashtag_mentions("tag", value, index))
    return found


def _best_owners(owners: tuple[NameOwner, ...]) -> tuple[list[NameOwner], bool]:
    """The pupils a mention names, and whether someone else in the registers shares the name.

    A form written exactly (forename, preferred name) beats a diminutive of someone else's name."""
    exact = [o for o in owners if o.form != "diminutive"]
    tier = exact or list(owners)
    children = [o for o in tier if o.person_kind in ("pupil", "former_pupil")]
    ambiguous = len({o.person_id for o in tier}) > 1
    return children, ambiguous


def find(ctx: RuleContext) -> list[Finding]:
    index = build_index(ctx)
    findings = []
    for item in published_items(ctx.con, READS_TEXT, read_once=ctx.read_once):
        named: list[tuple[Mention, NameOwner, bool]] = []
        seen: set[tuple[str, str, str, str | None]] = set()
        for mention in mentions(item, index):
            children, ambiguous = _best_owners(mention.owners)
            for child in children:
                key = (mention.field, mention.quote.casefold(), child.person_id, mention.read)
                if key not in seen:
                    seen.add(key)
                    named.append((mention, child, ambiguous))
        if not named:
            continue
        sure = [n for n in named if not n[2] and not n[0].misread_possible]
        mention, child, ambiguous = (sure or [n for n in named if not n[2]] or named)[0]
        if ambiguous:
            severity, confidence = "low", AMBIGUOUS_CONFIDENCE
        elif mention.misread_possible:
            severity, confidence = "low", CONFIDENCE[child.form] * (mention.read_confidence or 0.0)
        else:
            severity = "high" if item.carries_media else "medium"
            confidence = CONFIDENCE[child.form] * (mention.read_confidence or 1.0)
        what = (
            "a video"
            if item.subject_kind == "video"
            else ("a post with media" if item.carries_media else "a post")
        )
        details = "; ".join(_detail(m, c, amb) for m, c, amb in named)
        findings.append(
            post_finding(
                ctx,
                item,
                rule="pupil-named",
                severity=severity,
                person_kind=child.person_kind,
                person_id=child.person_id,
                confidence=confidence,
                evidence=f"{what} names a child: {details}",
                basis=tuple(f"{m.field}:{m.quote.casefold()}:{c.person_id}" for m, c, _ in named),
            )
        )
    return findings


def _detail(mention: Mention, child: NameOwner, ambiguous: bool) -> str:
    where = mention.field
    if mention.read is not None:
        where = f"text read in image {mention.read} (confidence {mention.read_confidence:.2f})"
    notes = [f"{child.form}{' of ' + child.given if child.form == 'diminutive' else ''} + surname"]
    if ambiguous:
        notes.append("the name is shared with someone else in the registers")
    if mention.as_printed:
        notes.append("read with a capital I, a lower-case l and a 1 alike, as print shows them")
    if mention.misread_possible:
        notes.append("the engine may have misread it: look at the image")
    return f'{where} "{mention.quote}" names {child.person_kind.replace("_", " ")} {child.person_id} ({"; ".join(notes)})'


RULE = Rule(
    id="pupil-named",
    title="Pupils named in posts and videos",
    general_basis="NSPCC guidance on sharing images of children online (no child's full name with their image); UK "
    "GDPR Art. 5(1)(c) (no more personal data than needed); KCSIE (online safety)",
    example_clauses=(
        "cornist-park.txt Code of Conduct for Social Networking (disclosure of information that could compromise)",
        "carleton-green.txt §4.1(vi) (comments about named individuals)",
    ),
    what_counts="a pupil's forename, preferred name or common diminutive with the surname, either order, in post "
    "text, alt text, hashtags, video titles, descriptions or tags, or in text read in their images; worse when the "
    "post carries media",
    find=find,
    aged_out=None,
    options=(),
    remediations=("make-video-private", "delete-post", "delete-page-post", "delete-ig-media"),
    reads_images="text",
    reads_text=READS_TEXT,
)
