"""Cutting one word of a name field into the pieces that explain the most of it (explain.py uses it).

A word is cut once for nobody (its stretches that are words of the lexicon or someone's name, RegisterIndex
scans them) and the cut is shared by every candidate; a candidate's own name parts are then named theirs. Only
when the cut leaves letters that may be part of their name (an initial, a diminutive, a name cut short) is the
word cut again for them, their name parts weighing most: a dynamic programme over the word's letters.
"""

from __future__ import annotations

import functools

from checks.identity.lexicon import AGE_WORD, FORENAME, GIVEN, SURNAME
from checks.identity.nicknames import DIMINUTIVE_ENDINGS, PACKAGE, merged_diminutive_stem
from checks.identity.pieces import (
    CUT_SHORT,
    DIMINUTIVE,
    FORENAME_PART,
    GIVEN_NAME,
    INITIAL,
    LETTER,
    OTHER_SURNAME,
    SURNAME_CUT,
    SURNAME_PART,
    UNEXPLAINED,
    WORD,
    NameParts,
    Piece,
    is_diminutive,
)
from checks.identity.profile import Span
from checks.identity.reading import Word
from checks.identity.register_index import Form, RegisterIndex
from checks.identity.text import squeeze

# Weights of the cut, per letter and per piece: the candidate's own name parts weigh most (a whole name more
# than its pieces), then words that explain themselves, then a stray letter; unexplained letters weigh nothing.
_NAME_LETTER = 1.5
_PARTIAL_LETTER = 1.25
_PIECE = 0.6
_INITIAL = 0.9
_LEXICON_COST = 0.1
_STRAY_LETTER = 0.25
_STRETCHED = 0.5
_DOUBT = 0.25
_ACROSS_A_BREAK = 2.0


def _partials(
    word: str, start: int, parts: NameParts, display: bool, known: dict[str, int]
) -> list[tuple[int, str, float, str]]:
    """The candidate's partial name parts starting at `start`: (end, role, weight, the given name's key). A
    forename cut short may be a name of its own ("Sam" of Samira): readings.py weighs it as either."""
    found: list[tuple[int, str, float, str]] = []
    letter = word[start]
    if letter in parts.initials or letter in parts.surname_initials:
        found.append((start + 1, INITIAL, _INITIAL, ""))
    if display and start > 0:
        return found
    written = letter
    for end in range(start + 2, len(word) + 1):
        if word[end - 1] != written[-1]:
            written += word[end - 1]
        in_surname = written in parts.surname_starts
        givens = parts.given_starts.get(written, ())
        for ending in DIMINUTIVE_ENDINGS:  # "evie": the stem "ev" and an ending
            if written.endswith(ending) and len(written) - len(ending) >= 2:
                for given in parts.given_starts.get(written[: -len(ending)], ()):
                    if is_diminutive(written, given):
                        found.append(
                            (end, DIMINUTIVE, (end - start) * _PARTIAL_LETTER - _PIECE + 0.25, given)
                        )
        # "ayyy": squeezed, the ending is gone (only where a letter stands three times running is it possible)
        merged = (
            merged_diminutive_stem(word[start:end])
            if end - start >= 4 and word[end - 2] == word[end - 3]
            else ""
        )
        for given in parts.given_starts.get(merged, ()) if merged else ():
            found.append((end, DIMINUTIVE, (end - start) * _PARTIAL_LETTER - _PIECE + 0.25, given))
        length = end - start
        if in_surname and length >= 3:
            found.append((end, SURNAME_CUT, length * _PARTIAL_LETTER - _PIECE, ""))
        if givens and length >= 3:
            for given in givens:
                if written != given:
                    found.append((end, CUT_SHORT, length * _PARTIAL_LETTER - _PIECE, given))
        if not in_surname and not givens and not _may_grow(written, parts):
            break
    return found


def _a_word_before_a_weak_nickname(form: Form, roles: int) -> bool:
    """A word of the lexicon ("class", "maths") that only the `nicknames` package pairs with their forename
    (Class with Nicholas) is that word: "Mr Jackson Class" is a teacher's class channel, not a Nicholas."""
    return form.how == "nickname" and form.source == PACKAGE and bool(roles & ~(FORENAME | SURNAME | GIVEN))


def _may_grow(written: str, parts: NameParts) -> bool:
    """Whether more letters could still make a diminutive: "evi" may become "evie"."""
    return any(written[:-k] in parts.given_starts for k in (1, 2) if len(written) - k >= 2)


# Letters that decorate even glued to a name ("jsmithx", "xjessx"); other one-letter words ("i", "n") only
# stand alone.
_GLUED_LETTERS = frozenset({"x"})
STRETCH = "stretch"


# What any word may be cut into, whoever the candidate: per position, (end, gain, role, roles, key) for the
# stretches that are words of the lexicon or someone's name, and (end, gain, key) for those that may be the
# candidate's own name part. Made once per word (RegisterIndex.remember) and shared by every candidate.
_Options = tuple[tuple[tuple[tuple[int, float, str, int, str], ...], tuple[tuple[int, float, str], ...]], ...]


def _options(
    word: str, spans: tuple[Span, ...], breaks: tuple[int, ...], aligned: bool, before_a_number: bool
) -> _Options:
    length = len(word)
    edges = {0, length, *breaks}
    other: list[list[tuple[int, float, str, int, str]]] = [[] for _ in range(length)]
    names: list[list[tuple[int, float, str]]] = [[] for _ in range(length)]
    # Where a word of the lexicon ends: a doubled letter there may be its last and a name's first ("ms|sahin").
    lexicon_ends = {end for _, end, _, roles in spans if roles & ~(FORENAME | SURNAME | GIVEN)}
    for start, end, key, roles in spans:
        whole = start in edges and end in edges
        if aligned and not whole:
            continue
        stretched = start > 0 and word[start] == word[start - 1] and start not in edges
        # Across a camelCase break that splits a repeated letter ("IsabellaA", "JessS", "HHolt"), or taking the
        # last letter of a word before it ("m|ssahin" for "ms|sahin"): two words.
        crosses = any(start < b < end and word[b] == word[b - 1] for b in breaks) or (
            end - start > 2 and word[start] == word[start + 1] and start + 1 in lexicon_ends
        )
        doubt = (_DOUBT if stretched else 0.0) + (_ACROSS_A_BREAK if crosses else 0.0)
        if roles & (FORENAME | SURNAME):
            names[start].append((end, (end - start) * _NAME_LETTER - _PIECE - doubt, key))
        closing_year_word = before_a_number and end == length and roles & AGE_WORD
        if end - start == 1 and key not in _GLUED_LETTERS and not whole and not closing_year_word:
            continue
        lexical = roles & ~(FORENAME | SURNAME | GIVEN)
        if roles & (GIVEN | FORENAME) and (end - start >= 3 or whole):
            other[start].append((end, end - start - _PIECE - doubt, GIVEN_NAME, roles, key))
        elif roles & SURNAME and not lexical and (end - start >= 3 or whole):
            other[start].append((end, end - start - _PIECE - doubt, OTHER_SURNAME, roles, key))
        if lexical:
            other[start].append((end, end - start - _PIECE - _LEXICON_COST - doubt, WORD, roles, key))
    return tuple((tuple(o), tuple(n)) for o, n in zip(other, names, strict=True))


def _cut(
    word: str,
    options: _Options,
    breaks: tuple[int, ...],
    parts: NameParts,
    aligned: bool,
    known: dict[str, int],
) -> list[tuple[int, int, str, int, str]]:
    """The pieces that explain the most of one word, the candidate's own name parts weighing most. `aligned`: the
    word stands in a display name written in words, where a piece is the whole word or a camelCase word."""
    length = len(word)
    edges = {0, length, *breaks}
    forms, surnames, firsts = parts.forms, parts.surnames, parts.first_letters
    weights = [0.0] + [-1.0] * length
    came_from: list[tuple[int, str, int, str] | None] = [None] * (length + 1)  # (start, role, roles, key)

    def offer(i: int, end: int, gain: float, role: str, roles: int, key: str) -> None:
        if weights[i] + gain > weights[end]:
            weights[end] = weights[i] + gain
            came_from[end] = (i, role, roles, key)

    for i in range(length):
        if weights[i] < 0 or (aligned and i not in edges):
            continue

        # A letter that repeats the one before ("Jessss") most likely stretches the piece before it; a piece
        # may still start there ("scarletttay": "tay" after "scarlett"), a little less likely.
        stretched = i > 0 and word[i] == word[i - 1] and i not in edges
        if aligned:
            stop = min(e for e in edges if e > i)
            offer(i, stop, 0.0, UNEXPLAINED, 0, "")
            if stop == i + 1:
                offer(i, stop, _STRAY_LETTER, LETTER, 0, "")  # "Kacper W": a letter standing alone
        elif stretched:
            offer(i, i + 1, _STRETCHED, STRETCH, 0, "")
        else:
            offer(i, i + 1, 0.0, UNEXPLAINED, 0, "")
            offer(i, i + 1, _STRAY_LETTER, LETTER, 0, "")
        lexical, names = options[i]
        for end, gain, key in names:
            if key in surnames:
                offer(i, end, gain, SURNAME_PART, 0, key)
            if key in forms and not _a_word_before_a_weak_nickname(forms[key], known.get(key, 0)):
                offer(i, end, gain, FORENAME_PART, 0, key)
        for end, gain, role, roles, key in lexical:
            offer(i, end, gain, role, roles, key)
        if word[i] in firsts:
            doubt = _DOUBT if stretched else 0.0
            for end, role, gain, given in _partials(word, i, parts, aligned, known):
                if not aligned or end in edges:
                    offer(i, end, gain - doubt, role, 0, given)
    cut: list[tuple[int, int, str, int, str]] = []
    end = length
    while end > 0:
        step = came_from[end]
        assert step is not None
        cut.append((step[0], end, step[1], step[2], step[3]))
        end = step[0]
    cut.reverse()
    return cut


def _pieces(word: str, cut: list[tuple[int, int, str, int, str]], parts: NameParts) -> list[Piece]:
    """A cut as pieces, stretched letters joined to the piece they stretch."""
    pieces: list[Piece] = []
    initials = _two_initials(cut)
    for n, (start, end, role, roles, key) in enumerate(cut):
        # Stray letters in a row ("slayer" after "dragon") are a word nothing explains, not letters.
        neighbours = [cut[m][2] for m in (n - 1, n + 1) if 0 <= m < len(cut)]
        stray = any(r in (LETTER, INITIAL, UNEXPLAINED) for r in neighbours) and n not in initials
        if role in (LETTER, INITIAL) and stray:
            role = UNEXPLAINED
        if (
            pieces
            and pieces[-1].end == start
            and (role == STRETCH or (role == UNEXPLAINED and pieces[-1].role == UNEXPLAINED))
        ):
            pieces[-1].end = end
            pieces[-1].text = word[pieces[-1].start : end]
            continue
        piece = Piece(
            -1, start, end, word[start:end], UNEXPLAINED if role == STRETCH else role, roles, key=key
        )
        if role in (FORENAME_PART, DIMINUTIVE, CUT_SHORT):
            piece.form = parts.forms[key]
        elif role == SURNAME_PART:
            piece.how = parts.surnames[key]
        pieces.append(piece)
    return pieces


def _two_initials(cut: list[tuple[int, int, str, int, str]]) -> set[int]:
    """Two letters between the word's edge and their surname, one of them an initial of theirs: an initial and
    a middle initial ("er|lockwood", "lockwood|er"), not stray letters."""
    single = [end - start == 1 and role in (LETTER, INITIAL) for start, end, role, _, _ in cut]
    for first, surname in ((0, 2), (len(cut) - 2, len(cut) - 3)):
        pair = (first, first + 1)
        if (
            0 <= surname < len(cut)
            and first >= 0
            and all(single[m] for m in pair)
            and cut[surname][2] == SURNAME_PART
            and INITIAL in (cut[first][2], cut[first + 1][2])
        ):
            return set(pair)
    return set()


# Nobody's name: the cut of a word that any candidate starts from (`_relabelled`).
_NO_ONE = NameParts({}, {}, (), frozenset(), frozenset(), "", "", frozenset(), {}, frozenset())


def _relabelled(
    word: str, generic: list[tuple[int, int, str, int, str]], parts: NameParts
) -> list[tuple[int, int, str, int, str]] | None:
    """The cut of a word made for nobody, with the candidate's names in it named theirs; None when it leaves
    letters that may be part of their name (an initial, a diminutive, a name cut short): then the word is cut
    for them alone."""
    out = []
    # Letters left, or a two-letter word of the lexicon that may as well be a letter of their name and an
    # initial ("its|emm|yt" for Emmy T.), beside a name of theirs: a cut of their own may explain them.
    loose = {
        n
        for n, (start, end, role, _, _) in enumerate(generic)
        if role in (LETTER, UNEXPLAINED, STRETCH) or (role == WORD and end - start == 2)
    }
    if loose and any(key in parts.forms or key in parts.surnames for _, _, _, _, key in generic):
        return None
    if any(_holds_their_name_at_an_end(word[start:end], role, parts) for start, end, role, _, _ in generic):
        return None
    for start, end, role, _, _ in generic:
        if role == GIVEN_NAME and _a_name_that_may_be_their_diminutive(word[start:end], parts):
            return None
    for n, (start, end, role, roles, key) in enumerate(generic):
        whole = start == 0 and end == len(word)
        if whole and role == WORD and len(word) >= 3 and squeeze(word) in parts.surname_starts:
            return None  # a word of the lexicon that starts their surname ("kacper_law" of Lawrence): theirs?
        if key and key in parts.surnames:
            out.append((start, end, SURNAME_PART, roles, key))
        elif key and key in parts.forms and not _a_word_before_a_weak_nickname(parts.forms[key], roles):
            out.append((start, end, FORENAME_PART, roles, key))
        elif word[start] in parts.first_letters and not (
            start == 0 and end == len(word) and role == WORD and end > 1
        ):
            # An initial stands alone ("I. Wood") or beside a name of theirs ("jsmith"), not inside another word
            # ("t" + "eddie" may be their "teddie", "t" of "temi" their name cut short).
            beside = {generic[m][4] for m in (n - 1, n + 1) if 0 <= m < len(generic)}
            theirs = any(k and (k in parts.forms or k in parts.surnames) for k in beside)
            alone = (start == 0 and end == len(word)) or theirs
            initial = word[start] in parts.initials | parts.surname_initials
            if end - start == 1 and role in (LETTER, WORD) and alone and initial:
                out.append((start, end, INITIAL, roles, key))
                continue
            cut_short = role == GIVEN_NAME and key in parts.given_starts and key not in parts.givens
            if (
                role in (GIVEN_NAME, OTHER_SURNAME, WORD)
                and start == 0
                and end == len(word)
                and not cut_short
            ):
                # A name of someone else's, as a whole word; one that starts their own given name ("Sam" of
                # Samira) is cut for them.
                out.append((start, end, role, roles, key))
                continue
            return None
        else:
            out.append((start, end, role, roles, key))
    return out


def _holds_their_name_at_an_end(text: str, role: str, parts: NameParts) -> bool:
    """Someone else's name or a word that is one of theirs and one letter more ("ali": "a" and "Li", for Jiayi Li
    in "jiayiali"): the letter may be a middle initial ("jiayi|a|li"), so the word is cut for them. A longer
    remainder ("ros|ward") is another name, read as the word it is."""
    if role not in (GIVEN_NAME, OTHER_SURNAME, WORD) or len(text) < 3:
        return False
    key = squeeze(text)
    if key in parts.forms or key in parts.surnames:
        return False
    # A name of theirs of two letters or more, one letter shorter than the word, at its end or its start.
    return len(key) >= 3 and any(
        name in parts.surnames or name in parts.forms for name in (key[1:], key[:-1])
    )


def _a_name_that_may_be_their_diminutive(text: str, parts: NameParts) -> bool:
    """A given name the lists hold that is also a diminutive made from their forename ("Olly" of Olivia as well
    as Oliver's): cut for them, so the reading weighs it as either (readings.py: a possible match until a cue
    agrees), rather than as another person's name."""
    key = squeeze(text)
    return key not in parts.forms and any(is_diminutive(key, g) for g in parts.givens)


def _whole_name(
    word: str, spans: tuple[Span, ...], breaks: tuple[int, ...], parts: NameParts
) -> Piece | None:
    """The word, when it is one of their names as it stands ("Jessica", "SMITH", "Jesssss"): nothing to cut."""
    if breaks:
        return None
    for start, end, key, roles in spans:
        if start == 0 and end == len(word):
            if key in parts.forms and not _a_word_before_a_weak_nickname(parts.forms[key], roles):
                return Piece(-1, 0, end, word, FORENAME_PART, form=parts.forms[key], key=key)
            if key in parts.surnames:
                return Piece(-1, 0, end, word, SURNAME_PART, how=parts.surnames[key], key=key)
    return None


def _for_anyone(
    word: str,
    spans: tuple[Span, ...],
    breaks: tuple[int, ...],
    aligned: bool,
    before: bool,
    known: dict[str, int],
) -> tuple[_Options, list[tuple[int, int, str, int, str]]]:
    """What a word may be cut into, and its cut for nobody: made once per word, shared by every candidate."""
    options = _options(word, spans, breaks, aligned, before)
    return options, _cut(word, options, breaks, _NO_ONE, aligned, known)


def cut_word(
    word: Word,
    spans: tuple[Span, ...],
    before_a_number: bool,
    parts: NameParts,
    aligned: bool,
    index: RegisterIndex,
) -> list[Piece]:
    """The pieces of one word held against one name. `before_a_number`: a number is glued after it ("tcoxy3"), so
    a closing "y" or "yr" is a year word; `aligned`: the word stands in a display name written in words."""
    whole = _whole_name(word.plain, spans, word.breaks, parts)
    if whole is not None:
        return [whole]
    options, generic = index.remember(
        ("word", word.plain, word.breaks, aligned, before_a_number),
        functools.partial(_for_anyone, word.plain, spans, word.breaks, aligned, before_a_number, index.roles),
    )
    cut = _relabelled(word.plain, generic, parts)
    if cut is None:
        cut = _cut(word.plain, options, word.breaks, parts, aligned, index.roles)
    return _pieces(word.plain, cut, parts)
