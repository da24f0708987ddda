"""Nicknames and diminutives: the `nicknames` package (Apache-2.0) plus the project's UK supplement."""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

from checks.identity.text import name_key

UK_SUPPLEMENT = Path(__file__).with_name("uk_nicknames.csv")
UK = "UK list"
PACKAGE = "nicknames package"


def _uk_pairs() -> list[tuple[str, str]]:
    pairs = []
    lines = [
        line for line in UK_SUPPLEMENT.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    for name, forms in csv.reader(lines):
        pairs += [(name, form) for form in forms.split("|") if form]
    return pairs


def _package_pairs() -> list[tuple[str, str]]:
    from nicknames import name_triplets

    return [(t.name1, t.name2) for t in name_triplets() if t.relationship == "has_nickname"]


@functools.cache
def nickname_table() -> dict[str, dict[str, str]]:
    """name key -> {other name key: source}, in both directions (a register "Alfie" also answers to "Alfred").
    A pair in the UK supplement is reported as the UK list even when the package has it too."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for source, pairs in ((PACKAGE, _package_pairs()), (UK, _uk_pairs())):
        for full, short in pairs:
            a, b = name_key(full), name_key(short)
            if a and b and a != b:
                table[a][b] = source
                table[b][a] = source
    return dict(table)


def nicknames_of(name: str) -> dict[str, str]:
    return nickname_table().get(name_key(name), {})
