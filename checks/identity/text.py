"""Names as a person reads them: folded case, accents, decorative letters, emoji, punctuation and usernames."""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii
from rapidfuzz.distance import DamerauLevenshtein

# Apostrophes join a name ("O'Brien" is one word); every other mark between letters separates words.
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_CHUNKS = re.compile(r"[a-z]+|\d+")
TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "sir", "prof", "rev"})


_NOT_A_LETTER = re.compile(r"[^A-Za-z]")


@functools.lru_cache(maxsize=8192)
def sound_of(text: str) -> str:
    """Letters of any script by sound (anyascii), letters only: "Иван" -> "Ivan", "Łukasz" -> "Lukasz",
    "أحمد" -> "hmd" (a script that leaves vowels unwritten gives the consonants)."""
    return _NOT_A_LETTER.sub("", anyascii(text))


_UNWRITTEN_VOWELS = re.compile(r"(?<=.)[wy]|[aeiou'`]")
# Two consonants may name one register name ("rv": Ravi); only a skeleton one register name has is read.
SHORTEST_SKELETON = 2


_SILENT_ENDING_FROM = 3


@functools.lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """A name's consonants as a script that leaves vowels unwritten or implied gives them ("mohammed", and
    "mhmd" from Arabic, are both "mhmd"): vowels, and "w"/"y" past the first letter (written for long vowels),
    dropped, repeats squeezed, a closing "h" (a silent ending: "Fatima", "ftmh") dropped."""
    consonants = squeeze(_UNWRITTEN_VOWELS.sub("", key))
    return (
        consonants[:-1] if len(consonants) > _SILENT_ENDING_FROM and consonants.endswith("h") else consonants
    )


# Letters another script's transliteration writes for one sound a Latin spelling writes otherwise ("bh" for "v" in
# Bengali, "q" for "k" in Arabic and Urdu, "sh" as "s" in Devanagari, a nasal mark before "g" or "k" as "m":
# "ਸਿੰਘ" reads "simgh" for Singh): each read as one consonant.
# Letters read two ways, each kept: "th" as "t" or "s" (Arabic "ث" is said "s" in Urdu: "حارث", Haris); Pinyin "zh"
# as Cantonese "ch" ("張": Zhang or Cheung), or "z" and a closing "ہ" ("حمزہ": Hamza); a "hu" before a vowel
# starting a name as Cantonese "w" ("黃": Huang or Wong), or as written ("Humaira").
_EITHER = (
    (re.compile("th"), ("t", "s")),
    (re.compile("zh"), ("zh", "ch")),
    (re.compile(r"^hu(?=[aeiou])"), ("hu", "w")),
)
_ONE_SOUND = (
    ("mg", "ng"),
    ("mk", "nk"),
    ("sh", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("bh", "v"),
    ("dh", "d"),
    ("jh", "j"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("v", "w"),
)
_VOWELS = re.compile(r"[aeiou]")
_SOFT = re.compile(r"[wy]")


@functools.lru_cache(maxsize=200_000)
def consonant_keys(key: str) -> frozenset[str]:
    """The consonants a name is written with in any script, as a transliteration and a Latin spelling both give
    them: the vowels, and "w"/"y" (written for long vowels), left out; sounds written two ways read as one
    (`_ONE_SOUND`); a closing "h" (a silent ending: Urdu "ہ", Arabic "ة") left out; repeats squeezed. Letters
    read two ways give a key each (`_EITHER`), and a "y" or "w" starting the name is kept in one key and not the
    other ("Yusuf" is "ysf", "ایان" for Ayaan "yn" or "n"). "انایہ" ("nyh") and Anaya share "n"; "Γεωργίου"
    ("georgioy") and Georgiou share "grg"."""
    letters = _NOT_A_LETTER.sub("", key.lower())
    for written, sound in _ONE_SOUND:
        letters = letters.replace(written, sound)
    spellings = {letters}
    for pattern, readings in _EITHER:
        spellings = {pattern.sub(reading, spelling) for spelling in spellings for reading in readings}
    out = set()
    for spelling in spellings:
        rest = _VOWELS.sub("", spelling[1:])
        for start in {spelling[:1], "" if _SOFT.fullmatch(spelling[:1]) else spelling[:1]}:
            consonants = squeeze(_VOWELS.sub("", start) + _SOFT.sub("", rest))
            consonants = consonants[:-1] if len(consonants) > 1 and consonants.endswith("h") else consonants
            if consonants:
                out.add(consonants)
    return frozenset(out)


@functools.lru_cache(maxsize=8192)
def _plain_character(c: str) -> str:
    category = unicodedata.category(c)
    if category in ("Mn", "Me"):
        return ""
    if category.startswith("L"):
        return sound_of(c) or c
    return c


@functools.lru_cache(maxsize=200_000)
def plain_text(text: str) -> str:
    """Letters of any script as plain Latin letters, case kept, everything else as written: NFKC, then each letter
    through anyascii (accents, "ł", "ß", decorative letters; Cyrillic, Greek, Arabic... by sound), combining
    marks dropped."""
    compatible = unicodedata.normalize("NFKC", text)
    if compatible.isascii():
        return compatible
    return "".join(_plain_character(c) for c in compatible)


def fold_name(text: str | None) -> str:
    return _fold_name(text) if text else ""


@functools.lru_cache(maxsize=500_000)
def _fold_name(text: str) -> str:
    """Folded words: 'Zoë  O'Brien' -> 'zoe obrien', 'Jess.Smith' -> 'jess smith', '𝓙𝓮𝓼𝓼 🌸' -> 'jess'."""
    letters = _APOSTROPHES.sub("", plain_text(text).casefold())
    return " ".join(re.sub(r"\d+", " ", _NOT_WORD.sub(" ", letters)).split())


@functools.lru_cache(maxsize=500_000)
def squeeze(word: str) -> str:
    """Repeated letters collapsed ('jessss' -> 'jes', 'smithhh' -> 'smith'): the key names are compared on."""
    return _REPEATS.sub(r"\1", word)


@functools.lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """One comparable key for a name or name part: folded, joined, squeezed ('Hamilton-Price' -> 'hamiltonprice')."""
    return squeeze(fold_name(text).replace(" ", ""))


@functools.lru_cache(maxsize=200_000)
def split_username(handle: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A username or display name cut into lower-case letter chunks and digit groups, on `_ . -`, digits,
    camelCase and spaces: 'JessS2016' -> (('jess', 's'), ('2016',)); 'xX_jess_smith_Xx' -> words and no digits."""
    spaced = _CAMEL.sub(" ", plain_text(handle.lstrip("@")))
    folded = _APOSTROPHES.sub("", spaced.casefold())
    words: list[str] = []
    digits: list[str] = []
    for part in _NOT_WORD.split(folded):
        for chunk in _CHUNKS.findall(part):
            (digits if chunk.isdigit() else words).append(chunk)
    return tuple(words), tuple(digits)


_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


@functools.lru_cache(maxsize=200_000)
def spaced_username(handle: str) -> str:
    """A username with its parts spaced as a person reads them ('TCoxY3' -> 'T Cox Y 3', 'bwisniewski19' ->
    'bwisniewski 19'), so cues glued to a name ("Y3" after "Cox") are found like written-out ones."""
    spaced = _CAMEL.sub(" ", plain_text(handle.lstrip("@")))
    return " ".join(_LETTER_DIGIT.sub(" ", spaced).replace("_", " ").replace(".", " ").split())


_STRETCHED = re.compile(r"(.)\1{2,}")


def _runs(word: str, keep: int) -> str:
    return _STRETCHED.sub(r"\1" * keep, word)


@functools.lru_cache(maxsize=200_000)
def spelt_as(written: str, register: str) -> bool:
    """The same spelling, allowing letters stretched for effect ("Jessss", "Smithhh") and words run together."""
    plain = fold_name(written).replace(" ", "")
    targets = {fold_name(register).replace(" ", ""), *fold_name(register).split()}
    return bool({plain, _runs(plain, 1), _runs(plain, 2)} & targets)


def transposed(written: str, register: str) -> bool:
    """The same letters with one neighbouring pair swapped ("hadman" / "hamdan")."""
    if len(written) != len(register) or written == register:
        return False
    apart = [i for i, (x, y) in enumerate(zip(written, register, strict=True)) if x != y]
    return (
        len(apart) == 2
        and apart[1] == apart[0] + 1
        and written[apart[0]] == register[apart[1]]
        and written[apart[1]] == register[apart[0]]
    )


# The shortest surname a slip is read in: a swap of two neighbouring letters from four letters ("Frod" for Ford),
# any one slip (a letter changed, missing or added) from five ("Smiht", "Smoth"); shorter, one letter makes
# another name as often as a slip does.
SHORTEST_SWAPPED = 4
SHORTEST_SLIPPED = 5


def slip_of(written: str, register: str) -> str | None:
    """Whether `written` may be `register` (keys) typed with one slip, as a reader allows for its length:
    "swapped" (two neighbouring letters), "slipped" (one letter changed, missing or added) or None. In a
    surname of four letters only a swap past the first letter is read: a changed letter there is as often
    another surname ("Ward", "Wood"), and a slip seldom touches the first letter."""
    if written == register or not written or not register:
        return None
    if transposed(written, register):
        short = len(register) < SHORTEST_SLIPPED
        if len(register) >= SHORTEST_SWAPPED and not (short and written[0] != register[0]):
            return "swapped"
        return None
    if len(written) >= SHORTEST_SLIPPED and DamerauLevenshtein.distance(written, register) == 1:
        return "slipped"
    return None


def slip_between(written: str, register: str) -> str | None:
    """`slip_of` on the letters as written and as the register spells them ("btut" for Butt: a swap the squeezed
    keys hide), else on both squeezed ("smitth" for Smith)."""
    return slip_of(written, register) or slip_of(squeeze(written), squeeze(register))
