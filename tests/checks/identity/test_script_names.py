"""A name in another script read by the consonants it shares with the register's Latin spelling, settled by the
name beside it or by the other half of a word run together; each mechanism once, on names made up here."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks.identity import RegisterIndex, resolve_identities
from checks.identity.text import consonant_keys
from tests.builders.audience import audience, x_member
from tests.builders.identity import confident, index_of
from tests.builders.registers import parent, pupil

SCHOOL = "Ashgrove Primary School"
PUPILS = [
    pupil("P0201", "Zainab", "Qureshi", born=date(2016, 4, 2), year="5"),
    pupil("P0202", "Zeinab", "Holt", born=date(2017, 4, 2), year="4"),  # Zainab's consonants, another surname
    pupil("P0203", "Gurpreet", "Gill", born=date(2017, 5, 9), year="4"),
    pupil("P0204", "Xiaoyu", "Lin", born=date(2016, 9, 1), year="5"),
    pupil("P0205", "Olympia", "Nikolaou", born=date(2018, 1, 20), year="3"),
    pupil("P0206", "Olivia", "Nicol", born=date(2018, 3, 20), year="3"),
    pupil("P0207", "Tanvir", "Ahmed", born=date(2016, 2, 11), year="5"),
    pupil("P0208", "Mikołaj", "Nowicki", born=date(2017, 2, 11), year="4"),
    pupil("P0209", "Zuzanna", "Nowicka", born=date(2019, 2, 11), year="2"),
    pupil("P0210", "Noah", "Pryce", born=date(2018, 2, 11), year="3"),
    pupil("P0211", "Anaya", "Bell", born=date(2016, 6, 11), year="5"),
    pupil("P0212", "Yuxuan", "Wong", born=date(2016, 6, 11), year="5"),  # the Cantonese spelling of 黃
]
PARENTS = [parent("PA0201", "Tanveer", "Ahmed", of=("P0207",))]  # the pupil's consonants too
RECENT = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(PUPILS, [], PARENTS, SCHOOL)


def rows(index: RegisterIndex, handle: str, name: str, bio: str = "") -> list[dict]:
    member = x_member("1700000000000000009", handle, name, bio=bio, created=RECENT)
    return list(resolve_identities(audience(member), index).iter_rows(named=True))


@pytest.mark.parametrize(
    ("written", "register"),
    [
        ("nyh", "anaya"),  # Urdu: vowels unwritten, a closing "ہ"
        ("hrth", "haris"),  # Arabic "ث" said "s"
        ("tanbhir", "tanvir"),  # Bengali "ভ" for "v"
        ("simgh", "singh"),  # Gurmukhi: a nasal mark before "g"
        ("georgioy", "georgiou"),  # Greek: another romanisation
        ("huang", "wong"),  # Han: Pinyin and the Cantonese spelling of one surname
        ("zhang", "cheung"),
        ("hmzh", "hamza"),  # but a "z" before a closing "ہ" is no Pinyin "zh"
    ],
)
def test_a_transliteration_and_the_latin_spelling_share_their_consonants(written: str, register: str) -> None:
    assert consonant_keys(written) & consonant_keys(register)


def test_the_surname_beside_a_forename_in_another_script_settles_whose_consonants_it_has(
    index: RegisterIndex,
) -> None:
    # "zynb" is Zainab's consonants and Zeinab's: Qureshi beside it says which.
    (row,) = rows(index, "star_x", "زینب قریشی")
    assert confident(row) == ("pupil", "P0201")
    assert "its consonants those of zainab, as the surname beside it settles" in row["evidence"]


@pytest.mark.parametrize(
    ("name", "bio"),
    [
        ("زینب", ""),
        ("انایہ", "Y3"),  # Anaya's consonants and Noah's ("nyh"): never read as the one the cue fits
    ],
)
def test_a_forename_alone_whose_consonants_several_names_share_is_nobody(
    index: RegisterIndex, name: str, bio: str
) -> None:
    for row in rows(index, "star_x", name, bio):
        assert row["person_id"] is None


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("@ਗੁਰਪ੍ਰੀਤਗਿੱਲ", "P0203"), ("林小雨", "P0204")],  # forename first; surname first, as Chinese writes it
)
def test_a_name_run_together_in_a_script_without_capitals_is_cut_where_one_persons_names_meet(
    index: RegisterIndex, shown: str, expected: str
) -> None:
    (row,) = rows(index, shown.lstrip("@"), shown)
    assert confident(row) == ("pupil", expected)
    assert "run together, as only one person the school knows is called so" in row["evidence"]


@pytest.mark.parametrize(
    ("bio", "expected"),
    [
        ("林小雨 | Year 5 📚", "P0204"),  # Han read through the same reading as the name fields
        ("Ολυμπία Νικολάου | Y3", "P0205"),  # "Nikolaoy": Nikolaou, not Nicol
        ("黃雨萱 | Y5", "P0212"),  # "HuangYuXuan": Yuxuan Wong
    ],
)
def test_a_bio_in_another_script_is_read_as_the_name_fields_are(
    index: RegisterIndex, bio: str, expected: str
) -> None:
    (row,) = rows(index, "moon_x", "🌙", bio)
    assert confident(row) == ("pupil", expected)


def test_two_people_with_the_same_consonants_and_surname_leave_it_unsettled(index: RegisterIndex) -> None:
    # "tanbhir" is Tanvir's consonants and his father Tanveer's: neither is read as written, so neither is chosen.
    for row in rows(index, "star_x", "তানভীর আহমেদ"):
        assert confident(row) is None


def test_a_shared_account_is_not_lowered_for_each_others_surname(index: RegisterIndex) -> None:
    # Polish surnames change with the child: Nowicki beside Nowicka is the sister's, not a longer surname of his.
    found = rows(index, "mikolajandzuzanna", "Mikołaj Nowicki & Zuzanna Nowicka")
    assert len(found) == 2 and {confident(r) for r in found} == {("pupil", "P0208"), ("pupil", "P0209")}
