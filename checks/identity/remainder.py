"""What the rest of a profile's name fields says about a reading: a given name where theirs should be, another
before theirs, a longer surname, an adult's or a family's word, words nothing explains, letters not read.

A reading (checks/identity/readings.py) explains part of the fields as one register person's name; what it leaves
is weighed here, so that a profile is scored by how much of it the person explains and what the remainder suggests.
"""

from __future__ import annotations

from checks.identity.explain import Explained, adult_words
from checks.identity.lexicon import FORENAME, GIVEN, NOT_A_NAME, TEACHING_WORD
from checks.identity.pieces import FORENAME_PART, NameParts, Piece, is_diminutive
from checks.identity.profile import DISPLAY, USERNAME, Match
from checks.identity.text import squeeze
from checks.identity.weights import (
    ANOTHER_NAME_FIRST,
    CONTRADICTED_FORENAME,
    GLUED_SECOND_NAME,
    LONGER_SURNAME,
    PARTIAL,
    UNEXPLAINED_WORD,
    UNEXPLAINED_WORDS_MOST,
)

# Pieces the reading already says (the title of "Mrs Ward", a year word beside its number) or that say nothing.
_NOT_SAID = frozenset({"an age or year word", "their name again", "a letter", "not explained", "a title"})


def weigh_the_rest(m: Match, explained: dict[str, Explained], source: str, parts: NameParts) -> bool:
    """What the rest of the name fields says: a given name where theirs should be, another before theirs, a
    longer surname, an adult's or a family's word, words nothing explains. False: the reading does not stand."""
    unexplained: list[str] = []
    also: list[str] = []
    for ex in explained.values():
        # The field the reading is from (for a name split between the fields, the display name) is explained
        # in full; the other only says what stands against it.
        ours = ex.field.source == source or (source == "split" and ex.field.source == DISPLAY)
        for piece in ex.extra:
            quote = ex.shown(piece)
            # A name shows its forename in the display name; a username's letters are often cut or mangled.
            contradicts = piece.said == "another surname initial" or (
                piece.said == "another forename"
                and ex.field.source == DISPLAY
                and not (ex.forename and ex.forename.role == FORENAME_PART)
            )
            if contradicts:
                if m.method in PARTIAL:
                    return False
                m.base -= CONTRADICTED_FORENAME
                what = "initial" if piece.said == "another surname initial" else "forename"
                m.against.append(f'the {ex.field.source} gives another {what} ("{quote}")')
            elif piece.said == "another given name before theirs" and ours:
                m.base -= ANOTHER_NAME_FIRST
                m.other_names.append(quote)
                m.against.append(
                    f'the {ex.field.source} gives "{quote}" before their forename: another person\'s name'
                )
            elif piece.said in ("a longer surname", "another surname") and ours and ex.field.spaced:
                m.base -= LONGER_SURNAME
                m.other_surnames.append(quote)
                m.against.append(f'the {ex.field.source}\'s surname is longer ("{quote}")')
            elif piece.said == "not explained" and len(piece.text) >= 2 and ours:
                unexplained.append(quote)
            elif (piece.said in ("a second given name", "a middle initial") and ours) or (
                piece.said not in _NOT_SAID and ours
            ):
                also.append(f'"{quote}" ({piece.said})')
                if piece.said == "a second given name" and _glued_to_surname(ex, piece):
                    m.base -= GLUED_SECOND_NAME
                    m.against.append(f'"{quote}" may as well start a longer surname')
                    m.settle = m.settle or (
                        f'whether "{quote}" is a second given name of {m.person.full_name} or starts another '
                        "surname (a year group, the school or a sibling in the profile would say)"
                    )
        if ex.letter_in_doubt and ours:
            m.base -= GLUED_SECOND_NAME
            m.against.append(f'"{ex.letter_in_doubt}" may as well be another surname')
            m.settle = m.settle or (
                f'whether "{ex.letter_in_doubt}" is a middle initial and {m.person.surname}, or another surname '
                "(a year group, the school or a sibling in the profile would say)"
            )
        m.adult_words += adult_words(ex)
        if any(p.roles & TEACHING_WORD for p in ex.extra) and ex.title is not None:
            m.named_teaching = True
        for unread in ex.field.reading.unread:
            m.reasons.append(f'{ex.field.source} holds "{unread}", letters not read')
        for word in ex.field.reading.words:
            if word.read_as and ours:
                m.reasons.append(f'{ex.field.source} "{word.shown}" ({word.read_as}) read as "{word.plain}"')
    shown = explained.get(DISPLAY)
    if shown is not None and _display_writes_a_longer_forename(shown, explained.get(USERNAME)):
        return False
    other = _another_given_name_shown(shown, parts) if shown is not None else None
    if other is not None and source != DISPLAY:
        if m.method in PARTIAL:
            return False
        m.base -= CONTRADICTED_FORENAME
        m.against.append(f'the display name gives another forename ("{other}")')
    handle = explained.get(USERNAME)
    shows_the_handle = (
        handle is not None and shown is not None and shown.field.reading.shown == handle.field.reading.shown
    )
    longer = (
        _longer_surname_shown(shown, parts)
        if shown is not None and source != DISPLAY and not shows_the_handle
        else None
    )
    if longer is not None:
        # "Lakshmi Nadarajah" over @lakshminadaraja: the display name writes out the surname the username
        # holds, and it is not theirs.
        if m.method in PARTIAL:
            return False
        m.base -= CONTRADICTED_FORENAME
        m.against.append(f'the display name gives another surname ("{longer}")')
    if unexplained:
        m.base -= min(UNEXPLAINED_WORDS_MOST, UNEXPLAINED_WORD * len(unexplained))
        m.against.append(
            "the name also holds " + ", ".join(f'"{u}"' for u in unexplained) + ", not explained"
        )
    if also:
        m.reasons.append("also in the name: " + ", ".join(dict.fromkeys(also)))
    return True


def _display_writes_a_longer_forename(shown: Explained, handle: Explained | None) -> bool:
    """The username read as their forename and a second given name glued on ("nic|ola|brown", "al|ina|popa")
    where the display name writes those letters as one word ("Nicola", "Alina"): the display name says where
    the name ends, and it is another forename, not theirs."""
    if handle is None or handle.forename is None or shown.forename is not None:
        return False
    fore = handle.forename
    after = [
        p
        for p in handle.extra
        if p.word == fore.word and p.start == fore.end and p.said != "a middle initial"
    ]
    if not after:
        return False
    written = squeeze(fore.text + after[0].text)
    return any(squeeze(word.plain) == written for word in shown.field.reading.words)


def _longer_surname_shown(ex: Explained, parts: NameParts) -> str | None:
    """A whole display-name word that holds their surname inside a longer one ("Nadarajah" for Raja), where
    nothing of the display name is their surname."""
    if ex.surname is not None or not parts.surname_key:
        return None
    for word in ex.field.reading.words:
        key = squeeze(word.plain)
        if key != parts.surname_key and parts.surname_key in key and len(key) > len(parts.surname_key) + 1:
            return word.shown
    return None


def _glued_to_surname(ex: Explained, piece: Piece) -> bool:
    sur = ex.surname
    return sur is not None and sur.word == piece.word and piece.end == sur.start


def _another_given_name_shown(ex: Explained, parts: NameParts) -> str | None:
    """A display name that holds none of the person's names but shows a given name ("Gareth" with @GVaughan17,
    read as a Gruffydd Vaughan): the account says whose it is, and it is someone else's."""
    if ex.pieces:
        return None  # it holds a name of theirs: explain() has placed its other words
    field = ex.field
    for i, word in enumerate(field.reading.words):
        for start, end, key, roles in field.spans[i]:
            whole = start == 0 and end == len(word.plain)
            named = whole and len(key) >= 3 and roles & (GIVEN | FORENAME) and not roles & NOT_A_NAME
            if named and key not in parts.forms and not any(is_diminutive(key, g) for g in parts.givens):
                return word.shown
    return None
