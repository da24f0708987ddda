"""The ways a register name may be written: a surname's keys (whole, and each part of a double-barrelled one), a
forename's forms (itself, its first word, its nicknames), and a key's one-letter deletions (SymSpell blocking)."""

from __future__ import annotations

import functools

from checks.identity.nicknames import UK, nicknames_of
from checks.identity.text import fold_name, name_key, squeeze

# Short words inside surnames that are not a surname on their own ("ap Rhys", "Nic Aodha", "Ó Briain").
SURNAME_PARTICLES = frozenset(
    {
        "ap",
        "ab",
        "o",
        "mac",
        "mc",
        "nic",
        "ni",
        "de",
        "da",
        "di",
        "van",
        "von",
        "le",
        "la",
        "el",
        "al",
        "bin",
        "bint",
        "ben",
    }
)


@functools.lru_cache(maxsize=100_000)
def surname_keys(surname: str) -> list[tuple[str, str]]:
    """The whole surname, and each part of a double-barrelled or several-word surname ("Hamilton-Price")."""
    keys = [(name_key(surname), "surname exact")]
    parts = fold_name(surname).split()
    if len(parts) > 1:
        keys += [
            (name_key(p), "part of the surname") for p in parts if len(p) >= 3 and p not in SURNAME_PARTICLES
        ]
    return list(dict.fromkeys(keys))


def spelt(surname: str, key: str) -> str:
    """The letters of the surname, or of its part with this key, as spelt (not squeezed)."""
    folded = fold_name(surname)
    return next((w for w in (folded.replace(" ", ""), *folded.split()) if squeeze(w) == key), key)


def deletes(key: str) -> set[str]:
    """The key with one letter removed, every way: two keys one edit apart share one of these (SymSpell)."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))} | {key}


@functools.lru_cache(maxsize=100_000)
def form_specs(forename: str, preferred: str | None) -> tuple[tuple[str, str, str, str], ...]:
    """(key, how, shown, source) for each way a forename and preferred name may be written: the names
    themselves, the first word of a two-word name, and their nicknames (the UK list preferred as source)."""
    forms: dict[str, tuple[str, str, str, str]] = {}
    firsts = [(forename, "forename")]
    if preferred:
        firsts.insert(0, (preferred, "preferred"))
    for name, how in firsts:
        key = name_key(name)
        if key:
            forms.setdefault(key, (key, how, name, ""))
        words = fold_name(name).split()
        if len(words) > 1:  # "Mary Jane" also goes by "Mary"
            forms.setdefault(name_key(words[0]), (name_key(words[0]), how, name, ""))
    for name, _ in firsts:
        for nick, source in nicknames_of(name).items():
            current = forms.get(nick)
            if current is None or (current[1] == "nickname" and source == UK and current[3] != UK):
                forms[nick] = (nick, "nickname", name, source)
    return tuple(forms.values())
