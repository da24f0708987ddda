"""What the content rules read: every text the school published, split into words they can match and quote."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from checks.identity.text import plain_text
from checks.rule_support.posts import short_label

# The `field` values of marts.fct_published_text, in reading order: X posts, then YouTube videos; `image_text` is
# a line of text read in one of their images (checks/images/).
PUBLISHED_TEXT_FIELDS = ("text", "hashtag", "alt_text", "title", "description", "tag", "image_text")
PUBLISHED_TEXT_SQL = """
SELECT platform, account_id, subject_kind, subject_id, subject_url, label_text, carries_media, field, value,
    media_key, word_confidences
FROM marts.fct_published_text ORDER BY platform, account_id, subject_id, field_order, value_position
"""
# Text read in an image below this confidence (the least certain word the finding rests on) is a `low` finding:
# the engine may have misread it, so a person looks at the image. Chosen where the words the engine read right
# came at 0.84-0.97 and its misreads at 0.27-0.6; a word's doubt between a capital I, a lower-case l and a 1 is not
# counted (checks/images/as_printed.py). `make bench` measures the image rules' precision and recall
# (docs/results/bench.md).
SURE_READING = 0.7


class ImageText(str):
    """A line of text read in an image: the words as read, which image (`media_key`) and the engine's confidence in
    each whitespace-separated word (`confidences`). Everywhere else it is the plain string it reads as."""

    media_key: str
    confidences: tuple[float, ...]

    def __new__(cls, text: str, media_key: str, confidences: Sequence[float]) -> ImageText:
        line = super().__new__(cls, text)
        line.media_key = media_key
        line.confidences = tuple(float(c) for c in confidences)
        return line

    def confidence_of(self, start: int, end: int) -> float:
        """The engine's confidence in the least certain word overlapping `self[start:end]`."""
        spans = [m.span() for m in re.finditer(r"\S+", self)]
        if len(spans) != len(self.confidences):  # redacted since it was read: the line's own confidence
            return min(self.confidences, default=0.0)
        inside = [c for (a, b), c in zip(spans, self.confidences, strict=True) if a < end and start < b]
        return min(inside or self.confidences or (0.0,))

    def where(self, start: int = 0, end: int | None = None) -> str:
        """How evidence names the reading: `read in image x:3_... (confidence 0.93)`."""
        confidence = self.confidence_of(start, len(self) if end is None else end)
        return f"read in image {self.media_key} (confidence {confidence:.2f})"


# A word: letters and digits, with inner apostrophes (O'Brien, Nia's); hyphens and other marks separate words.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    folded: str  # accents, case and apostrophes folded away: "O'Brien's" -> "obrien"
    start: int
    end: int
    capitalised: bool


@dataclass
class Published:
    """One post or video and every text field it carries."""

    platform: str
    account_id: str
    subject_kind: str  # post | video
    subject_id: str
    subject_url: str | None
    label_text: str | None
    carries_media: bool
    # (field, value): text | hashtag | alt_text | title | description | tag | image_text (an `ImageText`)
    fields: list[tuple[str, str]]

    @property
    def label(self) -> str:
        """The post's first words or the video's title (docs/contracts/outputs.md), on one line and short."""
        return short_label(self.label_text, f"{self.subject_kind} {self.subject_id}")


def published_items(
    con: duckdb.DuckDBPyConnection, reads: Collection[str], *, read_once: dict[str, Any] | None = None
) -> list[Published]:
    """Every X post ever fetched and every video of the channel's latest fetch, with those of its text fields that
    are in `reads` (a rule's `Rule.reads_text`), in order. `read_once` (a checks pass's `RuleContext.read_once`)
    keeps the rows for the next rule of the same pass."""
    unknown = set(reads) - set(PUBLISHED_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"no published text field {', '.join(sorted(unknown))}")
    memo = read_once if read_once is not None else {}
    if "published_text" not in memo:
        memo["published_text"] = con.execute(PUBLISHED_TEXT_SQL).fetchall()
    items: dict[tuple[str, str, str], Published] = {}
    for row in memo["published_text"]:
        platform, account_id, kind, subject_id, url, label, media, field, value, media_key, confidences = row
        key = (platform, account_id, subject_id)
        if key not in items:
            items[key] = Published(platform, account_id, kind, subject_id, url, label, bool(media), [])
        if value and field in reads:
            if field == "image_text":
                value = ImageText(value, media_key, confidences or ())
            items[key].fields.append((field, value))
    return list(items.values())


def fold(text: str) -> str:
    """Accents, case, apostrophes and decorative Unicode folded away, keeping only letters and digits."""
    # plain_text: the identity resolver's own folding (anyascii), so names in posts and in profiles fold alike
    # ("Lukasz Wojcik" is Łukasz Wójcik).
    return "".join(c for c in plain_text(text).casefold() if c.isalnum())


# In print a capital I, a lower-case l and the digit 1 are one upright stroke (Pillow's own font and the sans-serif
# faces certificates and name cards use): reading text off an image, the engine writes whichever it guesses.
_ONE_STROKE = str.maketrans({"I": "l", "1": "l"})
_ONE_STROKE_LETTERS = frozenset("Il1")


def printed_shape(text: str) -> str:
    """Text folded as it looks in print, a capital I, a lower-case l and a 1 alike: "Ilinca" and "llinca" are both
    "llinca". For text read in an image, where the engine cannot tell those strokes apart."""
    return fold(text.translate(_ONE_STROKE))


def words(text: str, *, as_printed: bool = False) -> list[Word]:
    """The words of `text`, folded (`fold`), or with `as_printed` as they look in print (`printed_shape`): then a
    word that starts with the upright stroke may be capitalised (the engine's "lfeoma" is Ifeoma as printed)."""
    out = []
    for match in _WORD.finditer(text):
        raw = _POSSESSIVE.sub("", match.group())
        folded = printed_shape(raw) if as_printed else fold(raw)
        if folded:
            capitalised = raw[:1].isupper() or (as_printed and raw[:1] in _ONE_STROKE_LETTERS)
            out.append(Word(folded, match.start(), match.start() + len(raw), capitalised))
    return out


def name_words(name: str | None, *, as_printed: bool = False) -> tuple[str, ...]:
    """A register name as folded words: "Smith-Jones" -> ("smith", "jones"), "O'Brien" -> ("obrien",); with
    `as_printed`, as it looks in print: "Ilinca" -> ("llinca",)."""
    return tuple(w.folded for w in words(name or "", as_printed=as_printed))


def hashtag_parts(tag: str) -> tuple[str, set[int]]:
    """A hashtag folded to one string, and the offsets where its camel-case words start and end.

    `WellDoneAmeliaKhan` -> ("welldoneameliakhan", {0, 4, 8, 14, 18}). A tag written all in one case carries
    no word boundaries, so every offset counts as one."""
    folded_chars: list[str] = []
    boundaries: set[int] = {0}
    previous = ""
    cased = any(c.isupper() for c in tag) and any(c.islower() for c in tag)
    for i, char in enumerate(tag):
        piece = fold(char)
        if not piece:
            boundaries.add(len("".join(folded_chars)))
            previous = ""
            continue
        position = len("".join(folded_chars))
        following = tag[i + 1] if i + 1 < len(tag) else ""
        if (
            not cased
            or (char.isupper() and previous.islower())
            or (char.isupper() and previous.isupper() and following.islower())
            or (char.isdigit() != previous.isdigit() and previous != "")
        ):
            boundaries.add(position)
        folded_chars.append(piece)
        previous = char
    folded = "".join(folded_chars)
    boundaries.add(len(folded))
    return folded, boundaries


HASHTAG = re.compile(r"#([^\W_][\w’']*)")


def mask_phone(digits: str) -> str:
    """Enough of a number to find it in the post, not enough to ring it: 07700 9****23."""
    if len(digits) < 7:
        return "*" * len(digits)
    shown = f"{digits[:6]}{'*' * (len(digits) - 8)}{digits[-2:]}"
    return f"{shown[:5]} {shown[5:]}"


def mask_email(address: str) -> str:
    """The first letter of the mailbox and the domain: j***@gmail.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
