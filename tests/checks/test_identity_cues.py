"""The cue readers and the nickname lists behind identity resolution."""

from __future__ import annotations

from datetime import date

import pytest

from checks.identity.cues import adult_cues, age_cues, school_cues, school_words
from checks.identity.nicknames import PACKAGE, UK, UK_SUPPLEMENT, nicknames_of

AS_OF = date(2026, 11, 16)


@pytest.mark.parametrize(
    "bio",
    [
        "Proud mum of 2 💕",
        "Dad, runner, Spurs fan",
        "Husband, dad of 3",
        "Grandad to 5",
        "Teacher at Tiny Lane",
        "Retired nurse",
        "Works at Tesco",
        "Views my own",
        "#mumlife",
        "Wife & mum",
    ],
)
def test_adult_cues(bio: str) -> None:
    assert adult_cues(bio)


@pytest.mark.parametrize(
    "bio",
    ["love my nan 💕", "me and my dad ⚽", "i love football", "future vet 🐶", "miss my grandad", "", None],
)
def test_not_adult_cues(bio: str | None) -> None:
    assert adult_cues(bio) == []


@pytest.mark.parametrize(
    ("handle", "bio", "expected"),
    [
        ("jess_y5", None, [("year_group", "5")]),
        ("x", "Year 6 ⚽", [("year_group", "6")]),
        ("x", "yr R", [("year_group", "R")]),
        ("x", "reception class!", [("year_group", "R")]),
        ("jessicasmith2016", None, [("birth_year", "2016")]),
        ("x", "class of 2031 💜", [("class_of", "2031")]),
        ("x", "class of '31", [("class_of", "2031")]),
        ("x", "10 yrs old", [("age", "10")]),
        ("player99", "love 2 dance", []),  # no year group, no school-age birth year: noise
        ("player17", None, [("number", "17")]),  # read per candidate: born 2017 or noise
        ("yasmin", "loves yoga", []),
    ],
)
def test_age_cues(handle: str, bio: str | None, expected: list[tuple[str, str]]) -> None:
    assert [(c.kind, c.value) for c in age_cues(handle, bio, None, AS_OF)] == expected


def test_school_words_and_cues() -> None:
    phrases, initials = school_words("Meadowbank Community Primary School")
    assert "meadowbank" in phrases and {"MCPS", "MPS"} <= initials
    assert [c.value for c in school_cues("year 5 ⚽ MCPS", phrases, initials, set())] == ["MCPS"]
    assert [c.value for c in school_cues("Year 5 at Meadowbank Primary", phrases, initials, set())] == [
        "meadowbank"
    ]
    assert school_cues("mcps is cool", phrases, initials, set()) == []  # initials count written as capitals
    assert [c.value for c in school_cues("go #mcps", phrases, initials, set())] == ["MCPS"]
    assert school_cues("Year 5 at Brookfield Primary", phrases, initials, set()) == []


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Alfred", "alfie"),
        ("Eleanor", "elie"),
        ("Frederick", "fredie"),
        ("Jessica", "jes"),
        ("Mohammed", "mo"),
        ("Aleksandra", "ola"),
    ],
)
def test_the_uk_list_covers_the_uk_forms(full: str, short: str) -> None:
    assert nicknames_of(full).get(short) == UK
    assert full.lower()[:3] in "".join(nicknames_of(short.capitalize()))  # and the other way round


def test_the_package_adds_forms_the_uk_list_lacks_and_both_state_their_source() -> None:
    assert nicknames_of("Amelia").get("emily") == PACKAGE
    assert nicknames_of("Jessica").get("smith") is None
    header = UK_SUPPLEMENT.read_text(encoding="utf-8").splitlines()[:5]
    assert any("Provenance" in line for line in header) and any("Apache-2.0" in line for line in header)
