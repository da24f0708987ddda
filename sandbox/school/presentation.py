"""How a person presents their name online: a small grammar of transformations, composed at random.

A presentation draws one option for each slot of the grammar, for a display name and a username of the same
name: which given-name form (the forename, a listed diminutive, one made the English way, its initial, the
forename cut short), an extra given name (in full, or its initial glued in), which surname form, the order,
the separator, the case, words and letters around the name, digits (a birth year, a year group, noise), emoji,
decorative Unicode and a spelling slip. The options are split in two sets:

- **tuned**: the forms the project has read while developing the resolver (the issue's own examples among
  them: a middle name, a middle initial run together, `its…`/`the_real…`/`…x`/`xx_…_xx` around the name with an
  emoji-only display name, a diminutive no list holds, title + surname);
- **held out**: forms nobody looked at while tuning (`HELD_OUT`), measured apart by `socialaudit evaluate`.

A held-out composition is a tuned one with at least one slot drawn from the held-out options, so its
difference from what was tuned on is known and small. `Presentation.names` lists the options drawn, for the
labels (`case`), so a miss can be read by the transformations that made it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox.school.model import ascii_name, fold

# slot -> (tuned options, held-out options)
GRAMMAR: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "given": (("forename", "listed diminutive", "made diminutive", "initial"), ("cut short",)),
    "extra": (("none", "middle name", "middle initial"), ("middle name run together",)),
    "surname": (("surname", "initial", "none"), ("slip", "cut short")),
    "order": (("forename first",), ("surname first",)),
    "separator": (("none", "underscore"), ("camel case",)),
    "case": (("as written", "lower", "upper"), ("alternating",)),
    "affix": (("none", "its", "the real", "x after", "xx around"), ("im", "official", "hobby after")),
    "digits": (("none", "birth year", "two-digit year", "year group"), ("digits inside", "noise")),
    "display": (
        ("name", "name and emoji", "emoji only", "forename and emoji", "script letters"),
        ("small capitals", "full width", "look-alike letters", "emoji inside"),
    ),
    "bio": (("none", "year group", "school"), ("class of", "age", "school tag")),
}
HELD_OUT = frozenset(option for _, held in GRAMMAR.values() for option in held)
# Letters another alphabet draws the same way (Cyrillic): a name disguised, read by shape.
_LOOK_ALIKES = str.maketrans("aeopcxyAEOPCXYHKMT", "аеорсхуАЕОРСХУНКМТ")
_SMALL_CAPITALS = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ")
EMOJI = ("🌸", "⚽", "🦖", "🎮", "✨", "💜", "🦋", "🐱", "🌈", "🔥")
HOBBIES = ("gaming", "plays", "football", "art", "dance")
MIDDLE_NAMES = ("Rose", "Grace", "Mae", "Louise", "James", "John", "Thomas", "Marie", "Jane", "Lee", "Ann")


@dataclass
class Name:
    """The parts a presentation is made of."""

    given: str  # the register's forename (or preferred name)
    surname: str
    listed: tuple[str, ...] = ()  # diminutives the lists hold for the forename
    born: int = 0
    year_group: str = ""


@dataclass
class Presentation:
    display: str
    username: str
    options: dict[str, str] = field(default_factory=dict)  # slot -> the option drawn
    given_shown: str = ""  # the given-name form written (the forename, a diminutive, its start)

    @property
    def names(self) -> list[str]:
        return [self.options[slot] for slot in GRAMMAR]

    @property
    def held_out(self) -> bool:
        return any(option in HELD_OUT for option in self.names)

    @property
    def partial(self) -> bool:
        """Only part of the name is shown (an initial, a name cut short, no surname): the profile needs a cue."""
        return self.options["given"] in ("initial", "cut short") or self.options["surname"] in (
            "initial",
            "cut short",
            "none",
        )


def draw(
    rng: random.Random, held_out: bool, allowed: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """One option per slot: tuned options, and for a held-out composition one or two slots held out (among those
    `allowed` leaves a held-out option). `allowed` narrows a slot's options (a name no list shortens has no
    listed diminutive)."""
    allowed = allowed or {}
    open_slots = sorted(
        s for s, (_, held) in GRAMMAR.items() if s not in allowed or set(held) & set(allowed[s])
    )
    held_slots = (
        set(rng.sample(open_slots, min(len(open_slots), rng.choice((1, 1, 2))))) if held_out else set()
    )
    options: dict[str, str] = {}
    for slot, (tuned, held) in GRAMMAR.items():
        pool = held if slot in held_slots else tuned
        if slot in allowed:
            pool = tuple(o for o in pool if o in allowed[slot]) or tuple(
                o for o in tuned if o in allowed[slot]
            )
        options[slot] = rng.choice(pool)
    return options


def made_diminutive(given: str) -> str:
    """The English way: the forename up to its first consonant after a vowel, that consonant doubled (not "r",
    "v", "w", "x"), and -ie or -y: Evelyn -> Evie, Oliver -> Ollie, Frederick -> Freddy, Charlotte -> Charlie."""
    plain = ascii_name(given)
    vowels = "aeiouAEIOU"
    first_vowel = next((i for i, c in enumerate(plain) if c in vowels), 0)
    end = next((i for i in range(first_vowel + 1, len(plain)) if plain[i] not in vowels), None)
    if end is None:
        return ""  # no consonant after the first vowel ("Chloe", "Zoe"): no diminutive is made this way
    stem = plain[: end + 1]
    if stem[-1].lower() not in "rvwx":
        stem += stem[-1].lower()
    return stem + ("ie" if len(plain) % 2 else "y")


def _slip(surname: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped ("Sutlciffe")."""
    plain = ascii_name(surname)
    spots = [i for i in range(1, len(plain) - 2) if plain[i] != plain[i + 1] and plain[i].isalpha()]
    if not spots:
        return plain
    i = rng.choice(spots)
    return plain[:i] + plain[i + 1] + plain[i] + plain[i + 2 :]


def _case(text: str, how: str) -> str:
    if how == "lower":
        return text.lower()
    if how == "upper":
        return text.upper()
    if how == "alternating":
        return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))
    return text


def compose(name: Name, options: dict[str, str], rng: random.Random) -> Presentation:
    """The display name and username `options` make of `name`."""
    given, surname = name.given, name.surname
    form = options["given"]
    if form == "listed diminutive" and name.listed:
        first = rng.choice(name.listed)
    elif form == "made diminutive":
        first = made_diminutive(given) or given
    elif form == "cut short":
        first = ascii_name(given)[: rng.choice((3, 4))]
    else:
        first = given
    last = _slip(surname, rng) if options["surname"] == "slip" else surname
    if options["surname"] == "cut short":
        last = ascii_name(surname).replace("-", "")[: max(3, len(surname) // 2 + 1)]
    middle = rng.choice(MIDDLE_NAMES)
    shown_first = first[0].upper() + "." if form == "initial" else first
    shown_last = last[0].upper() + "." if options["surname"] == "initial" else last
    parts = [shown_first]
    if options["extra"] in ("middle name", "middle name run together"):
        parts.append(middle)
    elif options["extra"] == "middle initial":
        parts.append(middle[0] + ".")
    if options["surname"] != "none":
        parts.append(shown_last)
    if options["order"] == "surname first" and len(parts) > 1:
        parts = [parts[-1], *parts[:-1]]
    display = _display(parts, first, options, rng)
    username = _username(name, first, last, middle, options, rng)
    return Presentation(display, username, dict(options), first)


def _display(parts: list[str], first: str, options: dict[str, str], rng: random.Random) -> str:
    emoji = rng.choice(EMOJI)
    how = options["display"]
    text = " ".join(parts)
    if how == "emoji only":
        return emoji * rng.choice((1, 2))
    if how == "forename and emoji":
        return f"{first if not first.endswith('.') else parts[0]} {emoji}"
    if how == "name and emoji":
        return f"{_case(text, options['case'])} {emoji}"
    if how == "emoji inside":
        return f" {emoji} ".join(parts)
    if how == "script letters":
        return "".join(
            chr(0x1D4D0 + ord(c) - 65)
            if "A" <= c <= "Z"
            else chr(0x1D4EA + ord(c) - 97)
            if "a" <= c <= "z"
            else c
            for c in ascii_name(text)
        )
    if how == "small capitals":
        return ascii_name(text).lower().translate(_SMALL_CAPITALS)
    if how == "full width":
        return "".join(
            chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in ascii_name(text)
        )
    if how == "look-alike letters":
        return ascii_name(text).translate(_LOOK_ALIKES)
    return _case(text, options["case"])


def _username(
    name: Name, first: str, last: str, middle: str, options: dict[str, str], rng: random.Random
) -> str:
    form = options["given"]
    a = fold(first)[:1] if form == "initial" else fold(first)
    b = fold(last)[:1] if options["surname"] == "initial" else fold(last)
    words = [a]
    if options["extra"] == "middle initial":
        words.append(fold(middle)[:1])
    elif options["extra"] == "middle name run together":
        words.append(fold(middle))
    if options["surname"] != "none":
        words.append(b)
    if options["order"] == "surname first" and len(words) > 1:
        words = [words[-1], *words[:-1]]
    separator = options["separator"]
    if separator == "camel case":
        core = "".join(w[:1].upper() + w[1:] for w in words)
    else:
        joined_extra = options["extra"] in ("middle initial", "middle name run together")
        glue = "_" if separator == "underscore" and not joined_extra else ""
        core = glue.join(words)
    if options["case"] == "upper" and separator != "camel case":
        core = core.upper()
    digits = {
        "birth year": str(name.born),
        "two-digit year": f"{name.born % 100:02d}",
        "year group": f"y{name.year_group}",
        "noise": str(rng.randint(100, 999)),
        "digits inside": str(name.born % 100),
    }.get(options["digits"], "")
    affix = options["affix"]
    if options["digits"] == "digits inside":
        core = f"{core}{digits}_x"
    elif digits:
        core = f"{core}{'' if digits[0].isdigit() else '_'}{digits}"
    return {
        "its": f"its{core}" if rng.random() < 0.5 else f"its_{core}",
        "the real": f"the_real_{core}",
        "x after": f"{core}x" if rng.random() < 0.5 else f"{core}_x",
        "xx around": f"xx_{core}_xx",
        "im": f"im_{core}",
        "official": f"{core}_official",
        "hobby after": f"{core}_{rng.choice(HOBBIES)}",
    }.get(affix, core)
