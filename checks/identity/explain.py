"""How much of a profile's name fields one register person explains, and what is left over.

A careful reader holds a candidate's name against the display name and username and accounts for every word and
letter: this part is her forename (or a preferred name, a nickname, a diminutive of it, her initial), this her
surname (or its start, its initial, a slip of one letter), this "its" or "xx" is decoration, "Rose" between her
forename and surname a second given name, "r" there a middle initial, "y" before a number a year word, "mum" or
"plumbing" another person or an adult's business, and "dragonslayer" something not explained. Nothing is a form
of its own: each word of a field is cut into the pieces that explain the most of it (cut.py, one pass over the
stretches the index knows), the candidate's name parts weighing most, and each piece is then named by where it
stands (`_name_leftovers`). A name part that leaves letters glued to it unexplained ("smith" in "smithers") is
not that name. `Explained` says what was read and what was not; readings.py turns it into a reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as default

from checks.identity.cut import cut_word
from checks.identity.lexicon import (
    AGE_WORD,
    DECORATIVE,
    FORENAME,
    GIVEN,
    HOBBY_WORD,
    JOB_WORD,
    KIN_WORD,
    SURNAME,
    TEACHING_WORD,
    TITLE,
    kind_of_word,
)
from checks.identity.pieces import (
    CUT_SHORT,
    DIMINUTIVE,
    FORENAME_PART,
    FORENAME_TYPO,
    GIVEN_NAME,
    INITIAL,
    LETTER,
    NAME_ROLES,
    OTHER_SURNAME,
    SURNAME_CUT,
    SURNAME_PART,
    SURNAME_TYPO,
    UNEXPLAINED,
    WORD,
    NameParts,
    Piece,
)
from checks.identity.profile import Field
from checks.identity.register_index import RegisterIndex
from checks.identity.text import slip_between, slip_of, squeeze


@dataclass
class Explained:
    """One field held against one person: the pieces of every word, in order, and the best name parts."""

    field: Field
    pieces: list[Piece]
    forename: Piece | None = None
    surname: Piece | None = None
    title: Piece | None = None
    extra: list[Piece] = default(
        default_factory=list
    )  # what is left, named (second given name, decoration...)
    name_letters: int = 0  # letters read as their name
    # A middle initial that, run into the surname, makes another surname ("a" + "li": "ali"): those letters.
    letter_in_doubt: str = ""

    def shown(self, piece: Piece) -> str:
        word = self.field.reading.words[piece.word]
        if len(word.shown) == len(word.plain):
            return word.shown[piece.start : piece.end]
        return piece.text


def holds_a_name_of(field_: Field, parts: NameParts) -> bool:
    """Whether a stretch of the field is one of the person's forename forms or surnames: a field holding none
    says nothing of them, and is not cut for them (most fields of most candidates)."""
    return not (field_.keys.isdisjoint(parts.forms) and field_.keys.isdisjoint(parts.surnames))


def explain(field_: Field, parts: NameParts, index: RegisterIndex) -> Explained:
    """The pieces of every word of `field_` held against one name (`parts`), placed and named."""
    pieces: list[Piece] = []
    if not holds_a_name_of(field_, parts):
        return Explained(field_, pieces)
    glued_numbers = {n.position for n in field_.reading.numbers if n.glued}
    for i, word in enumerate(field_.reading.words):
        for piece in cut_word(
            word, field_.spans[i], word.position + 1 in glued_numbers, parts, field_.spaced, index
        ):
            piece.word = i
            pieces.append(piece)
    _surname_slip(pieces, parts)
    pieces = _glued_surname_slip(field_, pieces, parts)
    pieces = _forename_slip(field_, pieces, parts, index.roles)
    pieces = _initial_before_its_own_letter(pieces, parts)
    pieces = _surname_run_on(field_, pieces, parts)
    ex = _name_leftovers(Explained(field_, pieces), parts, index.roles)
    if _break_glued(ex):
        for piece in pieces:
            piece.said = ""
        ex = _name_leftovers(Explained(field_, pieces), parts, index.roles)
    return ex


def _surname_slip(pieces: list[Piece], parts: NameParts) -> None:
    """A whole word one slip from the surname ("Smiht", "Smoth", "Frod"; "dylan_pirce" in a username, its words
    apart), when the surname is not there."""
    if any(p.role == SURNAME_PART for p in pieces):
        return
    for piece in pieces:
        if piece.role in (UNEXPLAINED, OTHER_SURNAME, GIVEN_NAME):
            whole = all(p.word != piece.word or p is piece for p in pieces)
            if whole and slip_between(piece.text, parts.surname_written):
                piece.role, piece.how = SURNAME_TYPO, parts.surname_key


def _glued_surname_slip(field_: Field, pieces: list[Piece], parts: NameParts) -> list[Piece]:
    """The letters after a forename of theirs that starts a run-together word, to the word's end, their surname
    with two neighbouring letters swapped ("ibrahim|bsahir"), past a letter that may be a middle initial
    ("dami|m|balougn"), or before a forename ending the word ("bsahir|ibrahim"): a slip of the surname, when no
    piece is their surname already. Only a swap, the commonest
    slip in typing: a letter changed run together is as often another surname ("jessicasmyth")."""
    if any(p.role in (SURNAME_PART, SURNAME_TYPO) for p in pieces):
        return pieces
    for n, fore in enumerate(pieces):
        word = field_.reading.words[fore.word].plain
        if fore.role not in (FORENAME_PART, DIMINUTIVE):
            continue
        # Surname first: the word starts with the slip and ends with the forename, or decoration after it.
        after = all(p.role == WORD for p in pieces[n + 1 :] if p.word == fore.word)
        head = word[: fore.start]
        if after and fore.start > 0 and slip_between(head, parts.surname_written) == "swapped":
            slip = Piece(fore.word, 0, fore.start, head, SURNAME_TYPO, how=parts.surname_key)
            return sorted(
                [p for p in pieces if p.word != fore.word or p.start >= fore.start] + [slip],
                key=lambda p: (p.word, p.start),
            )
        # The forename starts the word, or only decoration comes before it ("its|emeka|oakfor").
        decorated = all(p.role == WORD for p in pieces[:n] if p.word == fore.word)
        if not decorated or fore.end >= len(word):
            continue
        for skip in (0, 1):
            tail = word[fore.end + skip :]
            if slip_between(tail, parts.surname_written) != "swapped":
                continue
            rest = [p for p in pieces[n + 1 :] if p.word == fore.word]
            slip = Piece(fore.word, fore.end + skip, len(word), tail, SURNAME_TYPO, how=parts.surname_key)
            middle = [Piece(fore.word, fore.end, fore.end + 1, word[fore.end], LETTER)] if skip else []
            others = [p for p in pieces if p not in rest]
            at = others.index(fore) + 1
            return [*others[:at], *middle, slip, *others[at:]]
    return pieces


def _forename_slip(
    field_: Field, pieces: list[Piece], parts: NameParts, roles: dict[str, int]
) -> list[Piece]:
    """Their forename with one slip ("Evleyn Lockwood", "evleynlockwood", "lockwoodevleyn"), beside their surname
    written exact, when nothing else is a forename of theirs: the word next to the surname, or the letters run
    together before or after it to the word's edge. Not a word that is a name of its own ("Ellen" is not Helen
    misspelt), and only as much slip as the forename's length allows (text.slip_of)."""
    surname = next((p for p in pieces if p.role == SURNAME_PART and p.how == "surname exact"), None)
    if surname is None:
        return pieces
    words = field_.reading.words
    plain = words[surname.word].plain
    stretches = [(surname.word, 0, surname.start), (surname.word, surname.end, len(plain))]
    stretches += [
        (j, 0, len(words[j].plain)) for j in (surname.word - 1, surname.word + 1) if 0 <= j < len(words)
    ]
    for w, start, end in stretches:
        text = words[w].plain[start:end]
        key = squeeze(text)
        if end - start < 4 or roles.get(key, 0) & (GIVEN | FORENAME | SURNAME):
            continue
        inside = [p for p in pieces if p.word == w and start <= p.start and p.end <= end]
        written_out = any(p.role == FORENAME_PART and p.key in parts.givens for p in inside)
        if (
            written_out
            or all(p.role in NAME_ROLES for p in inside)
            or any(p.role == FORENAME_PART and p not in inside for p in pieces)
        ):
            # Their forename is read already ("Bea", "evie", "Evelyn", "evelyn|r|"): no slip to look for.
            continue
        for given in parts.givens:
            if slip_of(key, given):
                slip = Piece(w, start, end, text, FORENAME_TYPO, form=parts.forms[given], key=given)
                return sorted(
                    [p for p in pieces if p not in inside] + [slip], key=lambda p: (p.word, p.start)
                )
    return pieces


def _initial_before_its_own_letter(pieces: list[Piece], parts: NameParts) -> list[Piece]:
    """A surname whose first letter is written twice, where the surname itself does not double it, reads as
    the surname stretched; but a letter is stretched at a name's end ("Jessss"), rarely at its start. Glued
    after a forename ("taddie|mmccarthy") the first of the two letters is a middle initial; at the word's
    start, or after decoration ("hhuang2018", "its|sstewart"), it is their forename's initial when it is one."""
    out: list[Piece] = []
    for piece in pieces:
        before = out[-1] if out else None
        text = piece.text
        # The surname as spelt may hold the letter twice itself ("Lloyd-Jones"): then nothing is doubled.
        doubled = len(text) > 2 and text[0] == text[1] and text[:3] not in parts.surname_written
        glued = before is not None and before.word == piece.word and before.end == piece.start
        after_forename = glued and before is not None and before.role in (FORENAME_PART, DIMINUTIVE)
        leads = (not glued or (before is not None and before.role == WORD)) and text[0] in parts.initials
        if piece.role == SURNAME_PART and doubled and (after_forename or leads):
            role = LETTER if after_forename else INITIAL
            out.append(Piece(piece.word, piece.start, piece.start + 1, text[0], role, key=text[0]))
            piece.start, piece.text = piece.start + 1, text[1:]
        out.append(piece)
    return out


def _surname_run_on(field_: Field, pieces: list[Piece], parts: NameParts) -> list[Piece]:
    """The first part of a surname of several run on to the word's end into the next, cut short ("zoe|lloydj"
    for Lloyd-Jones, past a letter stretching it: "l|loyd"): the surname cut short, not a part and a stray
    letter."""
    for n, piece in enumerate(pieces):
        if piece.role != SURNAME_PART or piece.how == "surname exact":
            continue
        word = field_.reading.words[piece.word].plain
        start = piece.start
        before = pieces[n - 1] if n else None
        if before and before.word == piece.word and before.end == start == before.start + 1:
            start -= word[start - 1] == word[start]  # a letter stretching it
        written = squeeze(word[start:])
        if (
            piece.end == len(word)
            or len(written) <= len(piece.key)
            or not parts.surname_key.startswith(written)
        ):
            continue
        whole = written == parts.surname_key
        run_on = Piece(
            piece.word,
            start,
            len(word),
            word[start:],
            SURNAME_PART if whole else SURNAME_CUT,
            how="surname exact" if whole else "",
            key=written,
        )
        kept = [p for p in pieces if p.word != piece.word or p.end <= start]
        return sorted([*kept, run_on], key=lambda p: (p.word, p.start))
    return pieces


def _break_glued(ex: Explained) -> bool:
    """A name part with letters glued to it that nothing explains is not that name ("smith" in "smithers",
    "smiths"): it becomes unexplained too, as does a surname with a given name glued on that is not where a
    second given name stands ("greenwood" after nothing of theirs). True when one was broken."""
    words = ex.field.reading.words
    pieces = ex.pieces
    broken = False
    for i, piece in enumerate(pieces):
        if piece.role not in NAME_ROLES or piece.role == INITIAL:
            continue
        breaks = words[piece.word].breaks
        for neighbour in (pieces[i - 1] if i else None, pieces[i + 1] if i + 1 < len(pieces) else None):
            if neighbour is None or neighbour.word != piece.word:
                continue
            edge = piece.start if neighbour.end <= piece.start else piece.end
            if edge in breaks:
                continue  # a camelCase word boundary: written as two words
            longer = piece.role == SURNAME_PART and (
                neighbour.role == OTHER_SURNAME
                or (neighbour.role == GIVEN_NAME and not _second_given_name(pieces, i, neighbour))
            )
            if neighbour.said in ("not explained", "a letter") or neighbour.role == UNEXPLAINED or longer:
                piece.role, piece.form = UNEXPLAINED, None
                broken = True
                break
    return broken


def _second_given_name(pieces: list[Piece], at: int, given: Piece) -> bool:
    """A given name glued before the surname (`pieces[at]`) stands where a second given name does when a
    forename form of theirs is glued right before it ("emyrmaeaprhys", "euanthomasmacdonald"); anywhere else
    it lengthens the surname. (A longer surname the registers know, "rosward" of "annerosward", is cut whole.)"""
    if at < 2 or pieces[at - 1] is not given:
        return False
    fore = pieces[at - 2]
    glued_before = fore.word == given.word and fore.end == given.start
    return glued_before and fore.role in (FORENAME_PART, DIMINUTIVE)


# How well a piece gives their forename, their surname (the lowest the best).
_FORENAME_RANK = {FORENAME_PART: 0, DIMINUTIVE: 1, CUT_SHORT: 2, FORENAME_TYPO: 3}
_SURNAME_RANK = {SURNAME_PART: 0, SURNAME_TYPO: 1, SURNAME_CUT: 2}


def _name_leftovers(ex: Explained, parts: NameParts, roles: dict[str, int]) -> Explained:
    """Choose the best forename and surname parts, then say what every other piece is, by where it stands."""
    pieces = ex.pieces
    if len(pieces) == 2 and pieces[0].role == FORENAME_PART and pieces[1].role == SURNAME_PART:
        # "Jessica Smith", "jessicasmith": the whole field is their name, nothing left to say
        ex.forename, ex.surname = pieces
        ex.name_letters = sum(p.end - p.start for p in pieces)
        return ex
    forename_rank, surname_rank = _FORENAME_RANK, _SURNAME_RANK
    fores = [p for p in ex.pieces if p.role in forename_rank]
    surs = [p for p in ex.pieces if p.role in surname_rank]
    # "Matei Matei": a name that is both their forename and their surname, written twice: first the forename.
    if not fores and len(surs) > 1 and surs[0].role == SURNAME_PART and surs[0].key in parts.forms:
        first = surs.pop(0)
        first.role, first.how, first.form = FORENAME_PART, "", parts.forms[first.key]
        fores.append(first)
    elif not surs and len(fores) > 1 and fores[-1].role == FORENAME_PART and fores[-1].key in parts.surnames:
        last = fores.pop()
        last.role, last.how, last.form = SURNAME_PART, parts.surnames[last.key], None
        surs.append(last)
    for a, b in zip(ex.pieces, ex.pieces[1:], strict=False):
        # "Li Na": a forename of two words written apart; each a name's worth of letters, not a letter ("jwill_y5"
        # is no "Willy": the "y" is a year's).
        apart = a.word != b.word  # two words of the field, each whole
        if not apart or FORENAME_PART not in (a.role, b.role) or a.role == SURNAME_PART:
            continue
        joined = squeeze(a.text + b.text)
        adds = joined not in (squeeze(a.text), squeeze(b.text))  # "Chiamaka A.": the letter is no part of it
        if adds and min(len(a.text), len(b.text)) >= 2 and joined in parts.forms:
            fores = [p for p in fores if p is not a and p is not b]
            a.role, a.form, a.key, a.text = FORENAME_PART, parts.forms[joined], joined, a.text + b.text
            b.role, b.form, b.said = FORENAME_PART, a.form, "their name again"
            fores.append(a)
    for a, b in zip(ex.pieces, ex.pieces[1:], strict=False):
        # "Olawale-Obi", "Al-Saadi": the parts of a surname written apart are the surname exact; not an initial
        # that squeezing merges into the surname it starts ("j_jackson": J. Jackson).
        if a.word == b.word or SURNAME_PART not in (a.role, b.role):
            continue
        joined = squeeze(a.text + b.text)
        if joined == parts.surname_key and joined not in (squeeze(a.text), squeeze(b.text)):
            for piece in (a, b):
                if piece in surs:
                    surs.remove(piece)
            a.role, a.how, a.text, a.form, a.key = SURNAME_PART, "surname exact", a.text + b.text, None, ""
            b.role = SURNAME_PART
            surs.append(a)
            fores = [p for p in fores if p is not a and p is not b]
    ex.surname = min(surs, key=lambda p: (surname_rank[p.role], p.how != "surname exact"), default=None)
    ex.forename = min(
        (p for p in fores if p is not ex.surname),
        key=lambda p: (forename_rank[p.role], p.form is not None and p.form.how == "nickname"),
        default=None,
    )
    order = {id(p): n for n, p in enumerate(ex.pieces)}
    at = order.get(id(ex.forename)) if ex.forename else None
    st = order.get(id(ex.surname)) if ex.surname else None
    for n, piece in enumerate(ex.pieces):
        if piece is ex.forename or piece is ex.surname:
            continue
        between = at is not None and st is not None and min(at, st) < n < max(at, st)
        # Where a second given name or a middle initial stands whatever the order: between forename and
        # surname, or right after the forename when the surname comes first ("Smith Jessica R.", "smithjessicar").
        in_middle = between or (at is not None and st is not None and st < at and n == at + 1)
        middle = (
            at is not None
            and st is not None
            and in_middle
            and (abs(at - st) == 2 or not between)
            and _may_be_a_middle_initial(ex, piece, roles)
        )
        if piece.role == INITIAL:
            initial = piece.text
            if middle:
                piece.said = "a middle initial"
            elif ex.forename is None and st is not None and initial in parts.initials and _next_to(ex, n, st):
                ex.forename, at = piece, n
                piece.said = "forename initial"
                continue
            elif (
                ex.surname is None
                and at is not None
                and initial in parts.surname_initials
                and _beside(ex, n, at)
            ):
                ex.surname, st = piece, n
                piece.said = "surname initial"
                continue
            else:
                piece.role = LETTER
        if piece.role in NAME_ROLES - {INITIAL}:
            piece.said = "their name again"
        elif piece.role == GIVEN_NAME:
            piece.said = _given_name_said(piece, n, at, st, in_middle, ex)
        elif piece.role == OTHER_SURNAME:
            near = st is not None and abs(n - st) == 1
            piece.said = "a longer surname" if near else "another surname"
        elif piece.role == WORD:
            piece.said = kind_of_word(piece.roles)
            before = st is not None and (
                n == st - 1 or (n == st - 2 and ex.pieces[st - 1].end - ex.pieces[st - 1].start == 1)
            )
            if piece.roles & TITLE and ex.title is None and before:
                ex.title = piece  # "Mrs Ward", "mrsward", "Mrs J Ward": a title right before the surname
        elif piece.role == LETTER:
            if middle:
                piece.said = "a middle initial"
            elif between and ex.field.reading.words[piece.word].plain != piece.text:
                piece.said = "not explained"  # letters run into the name ("shahidulbegum"): not initials
            elif st is None and at is not None and _beside(ex, n, at) and ex.pieces[at].role != INITIAL:
                piece.said = "another surname initial"  # "ElsieW", "W. Elsie" are no Elsie Hart
            else:
                piece.said = "a letter"
        elif piece.role == UNEXPLAINED:
            # A word of its own between forename and surname of a display name is where a second given name
            # stands, known to the lists or not ("Teddie Grace Hill").
            whole = (
                ex.field.spaced
                and piece.start == 0
                and piece.end == len(ex.field.reading.words[piece.word].plain)
            )
            piece.said = "a second given name" if in_middle and whole else "not explained"
        if piece.said:
            ex.extra.append(piece)
    ex.name_letters = sum(p.end - p.start for p in ex.pieces if p.role in NAME_ROLES)
    return ex


def _beside(ex: Explained, n: int, at: int) -> bool:
    """Piece `n` stands where a surname initial stands beside the forename (piece `at`): right after it ("Jess S",
    "jesss"), or, written surname first, right before it at the start of its word ("S. Jess", "sjess")."""
    return n == at + 1 or (n == at - 1 and ex.pieces[n].start == 0)


def _next_to(ex: Explained, n: int, st: int) -> bool:
    """Piece `n` stands next to the surname (piece `st`), or past one letter that may be a middle initial
    ("E R Lockwood", "erlockwood") when it comes first."""
    if abs(n - st) == 1:
        return True
    pieces = ex.pieces
    return (
        n == st - 2
        and pieces[n + 1].end - pieces[n + 1].start == 1
        and pieces[n + 1].role in (INITIAL, LETTER)
    )


def _may_be_a_middle_initial(ex: Explained, piece: Piece, roles: dict[str, int]) -> bool:
    """One letter between forename and surname: a middle initial ("evelynrlockwood"), unless run into the
    forename it makes another given name ("ewansinclair" is Ewan, not Ewa N.; "annabennett" Anna, not Ann A.).
    Run into the surname it may make another surname ("jiayiali": Jiayi A. Li, or Jiayi Ali): still a middle
    initial, but in doubt (`Explained.letter_in_doubt`), weighed in readings.py, for a cue to settle."""
    fore, sur = ex.forename, ex.surname
    assert fore is not None and sur is not None
    for a, b, role in ((fore, piece, GIVEN | FORENAME), (piece, sur, SURNAME)):
        joined = squeeze(a.text + b.text)
        if joined in (squeeze(a.text), squeeze(b.text)):
            continue  # the letter doubles the one beside it ("taddiemmccarthy"): it makes no other name
        if a.word == b.word and a.end == b.start and roles.get(joined, 0) & role:
            if role == SURNAME and fore.word == piece.word and fore.end == piece.start:
                ex.letter_in_doubt = a.text + b.text
                continue
            return False
    return True


def _given_name_said(
    piece: Piece, n: int, at: int | None, st: int | None, between: bool, ex: Explained
) -> str:
    """A given name that is not the candidate's: a second given name between forename and surname; before the
    forename, or in the forename's place when the field gives no forename of theirs, another person's."""
    if piece.roles & (DECORATIVE | HOBBY_WORD | AGE_WORD | TEACHING_WORD) and not between:
        piece.role = WORD
        return kind_of_word(piece.roles)
    if between:
        return "a second given name"
    if at is not None and n < at:
        return "another given name before theirs"
    if at is None and st is not None and n < st:
        return "another forename"
    if at is not None and st is None and n == at + 1:
        return "a second given name"
    if at is None and st is not None and n > st and ex.field.source == "display name":
        return "another forename"  # "Smith, James"
    return "another given name"


ADULT_NAME_WORDS = KIN_WORD | JOB_WORD


def adult_words(ex: Explained) -> list[str]:
    """Words of the field that say an adult's account: "mum", "dad", "fam", "plumbing", "photography"."""
    return [ex.shown(p) for p in ex.extra if p.role == WORD and p.roles & ADULT_NAME_WORDS]
