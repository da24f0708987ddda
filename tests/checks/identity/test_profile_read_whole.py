"""A profile read whole, with everything the school knows: each mechanism shown once, on names made up here.

- every field is evidence, and the evidence says which field said what (bio, location, website);
- what the registers know is used: a teacher's class is a year group, a family's parents are named;
- text as people write it: other scripts transliterated, digits read as the letters they look like;
- one account may be several people, and an account about someone is not theirs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from checks.identity import RegisterIndex, resolve_identities
from tests.builders.audience import audience, x_member
from tests.builders.identity import THRESHOLD, confident, index_of
from tests.builders.identity import resolve_x as resolve
from tests.builders.registers import parent, pupil, staff

SCHOOL = "Fernhollow Primary School"
PUPILS = [
    pupil("P0101", "Orla", "Quenby", born=date(2016, 4, 2), year="5"),
    pupil("P0102", "Tobias", "Quenby", born=date(2018, 5, 9), year="3"),
    pupil("P0103", "Ravi", "Dhanraj", born=date(2016, 9, 1), year="5"),
    pupil("P0104", "Yusuf", "Haddad", born=date(2017, 1, 20), year="4"),
    pupil("P0105", "Nadia", "Volkova", born=date(2016, 2, 11), year="5"),
    pupil("P0106", "Lila", "Marsh", born=date(2018, 2, 11), year="3"),
    pupil("P0107", "Lila", "Brack", born=date(2016, 7, 11), year="5"),
]
STAFF = [
    {**staff("S0101", "Helen", "Pardoe", role="Class teacher"), "year_groups": ["5"], "classes": ["Rowan"]},
    staff("S0102", "Owen", "Trewin", role="Class Teacher, Year 3"),
]
PARENTS = [parent("PA0101", "Carys", "Quenby", of=("P0101", "P0102"))]
RECENT = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(PUPILS, STAFF, PARENTS, SCHOOL)


def rows(index: RegisterIndex, handle: str, name: str, **fields: Any) -> list[dict[str, Any]]:
    member = x_member("1700000000000000001", handle, name, created=RECENT, **fields)
    return list(resolve_identities(audience(member), index).iter_rows(named=True))


# --- every field read, and named in the evidence ---------------------------------------------------------
def test_the_website_and_location_are_read_for_cues_each_named_as_where_it_was_said(
    index: RegisterIndex,
) -> None:
    (row,) = rows(index, "orlaquenby", "Orla Quenby", url="https://fernhollow.example.org/year-5")
    assert confident(row) == ("pupil", "P0101")
    assert 'website says "/year-5" (Year 5)' in row["evidence"]


def test_a_name_only_in_the_bio_is_the_writer_when_the_name_fields_are_made_up(index: RegisterIndex) -> None:
    row = resolve(index, "moonbeam_x", "🌙 moonbeam 🌙", "Orla Quenby ✨ Y5")
    assert confident(row) == ("pupil", "P0101")
    assert row["evidence"].startswith('bio "Orla Quenby" ~ Orla Quenby')
    # The same name written as someone the writer speaks of says who the account is about, not whose it is.
    assert resolve(index, "moonbeam_x", "🌙 moonbeam 🌙", "Proud auntie of Orla Quenby")["person_id"] is None


# --- what the school knows -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bio", "expected"),
    [
        ("Mrs Pardoe's class 🌈", "P0107"),  # the staff register's year_groups: Year 5
        ("in Rowan class", "P0107"),  # the class the staff register names
        ("Mr Trewin's class", "P0106"),  # a year group written in the teacher's role
    ],
)
def test_a_child_named_by_forename_beside_their_teacher_is_read_in_that_year(
    index: RegisterIndex, bio: str, expected: str
) -> None:
    row = resolve(index, "lila_xo", "Lila 🌸", bio)
    assert confident(row) == ("pupil", expected)


def test_a_teacher_nobody_knows_says_nothing(index: RegisterIndex) -> None:
    assert confident(resolve(index, "lila_xo", "Lila 🌸", "Mrs Abernethy's class")) is None


# --- text as people write it -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected", "said"),
    [
        ("Надя Волкова", "P0105", "transliterated from Cyrillic"),
        ("НадяВолкова", "P0105", "transliterated from Cyrillic"),  # run together, a capital starting each
        ("रवि धनराज", "P0103", "transliterated from Devanagari"),
        ("يوسف حداد", "P0104", "its consonants those of"),  # Arabic leaves the vowels unwritten
    ],
)
def test_a_name_in_its_own_script_is_read_against_the_registers_latin_spelling(
    index: RegisterIndex, name: str, expected: str, said: str
) -> None:
    row = resolve(index, "x_x", name)
    assert row["person_id"] == expected
    assert said in row["evidence"]


@pytest.mark.parametrize(
    ("bio", "expected", "said"),
    [
        # Nadiia or Nadiya, two romanisations of one Cyrillic name: the register's Nadia.
        ("Надія Волкова | Y5", "P0105", "its consonants those of nadia"),
        ("يوسف حداد | Y4", "P0104", "transliterated from Arabic"),
        ("R4v1 Dh4nr4j 🎮 Y5", "P0103", "digits read as the letters they look like"),
    ],
)
def test_a_bio_is_read_as_the_name_fields_are(
    index: RegisterIndex, bio: str, expected: str, said: str
) -> None:
    row = resolve(index, "moonbeam_x", "🌙", bio)
    assert confident(row) == ("pupil", expected)
    assert said in row["evidence"]


def test_consonants_several_register_names_share_are_settled_by_the_surname_beside_them() -> None:
    yosef = pupil("P0109", "Yosef", "Marlow", born=date(2016, 3, 3), year="5")  # Yusuf's consonants too
    both = index_of([*PUPILS, yosef], STAFF, PARENTS, SCHOOL)
    for name, bio in (("🌙", "يوسف حداد | Y4"), ("يوسف حداد", "Y4")):  # in the bio, and as the display name
        row = resolve(both, "moonbeam_x", name, bio)
        assert confident(row) == ("pupil", "P0104")
        assert "its consonants those of yusuf, as the surname beside it settles" in row["evidence"]


def test_a_channel_named_with_a_word_and_an_initial_is_read_by_the_name_in_its_bio(
    index: RegisterIndex,
) -> None:
    # The username's "orla" is her own name's start: it says the bio names the writer, not someone else.
    row = resolve(index, "orla_vlogs88", "Vlogs O", "Orla Quenby Vlogs 🎮 yr5")
    assert confident(row) == ("pupil", "P0101")
    # A name field giving another given name says the account is someone else's: the bio names who it is about.
    assert resolve(index, "ravi_tv", "Ravi TV", "Orla Quenby ✨")["person_id"] != "P0101"


def test_the_forename_in_the_name_and_the_surname_in_the_bio_read_together(index: RegisterIndex) -> None:
    # "p14y5" is "plays": its digits are letters, not Year 4 against Tobias's Year 3.
    row = resolve(index, "t0b145_p14y5", "T0b145 p14y5", "Qu3nby f4m1ly 🎮")
    assert confident(row) == ("pupil", "P0102")
    assert 'surname exact in the bio ("Qu3nby")' in row["evidence"]
    (housed,) = rows(index, "t0b145_p14y5", "T0b145 p14y5", location="Qu3nby h0u53")
    assert confident(housed) == ("pupil", "P0102") and "surname exact in the location" in housed["evidence"]
    # A surname is read alone in the bio only as a name is written: "green" in a sentence is not Ms Green.
    assert resolve(index, "tobias_x", "Tobias", "i like quenby hills")["person_id"] is None


@pytest.mark.parametrize("name", ["0RL4 QU3NBY", "Orla Qu3nby YT", "OrlaQuenbyGaming"])
def test_digits_for_letters_and_channel_words_around_a_name(index: RegisterIndex, name: str) -> None:
    assert resolve(index, "x_x", name, "Y5")["person_id"] == "P0101"


# --- one account, several people; an account about someone is not theirs ----------------------------------
@pytest.mark.parametrize(
    ("handle", "name"), [("qfam", "Orla & Tobias Quenby"), ("orlaandtobiasquenby", "🌸")]
)
def test_two_pupils_named_together_are_a_shared_account_each_a_finding(
    index: RegisterIndex, handle: str, name: str
) -> None:
    found = rows(index, handle, name)
    assert sorted((r["person_id"], r["confidence"] >= THRESHOLD) for r in found) == [
        ("P0101", True),
        ("P0102", True),
    ]
    assert all("a shared account" in r["evidence"] for r in found)


@pytest.mark.parametrize(
    ("name", "bio"),
    [
        ("The Besties VLOGS", "Orla Quenby & Ravi Dhanraj 🎮"),
        ("The Quenby Kids", "Orla & Tobias Quenby 🎮 we play"),  # the surname written once, for both
    ],
)
def test_two_pupils_the_bio_names_together_are_each_a_finding(
    index: RegisterIndex, name: str, bio: str
) -> None:
    found = rows(index, "orlaandravi", name, bio=bio)
    named = {"P0101", "P0103" if "Ravi" in bio else "P0102"}
    assert {r["person_id"] for r in found if confident(r)} == named and len(found) == 2
    assert all("a shared account" in r["evidence"] for r in found)


def test_a_child_under_five_is_named_on_a_shared_account_with_a_brother_or_sister() -> None:
    young = pupil("P0108", "Wren", "Quenby", born=date(2022, 6, 1), year="R")
    shared = index_of([*PUPILS, young], STAFF, PARENTS, SCHOOL)
    found = rows(shared, "orlaandwren", "Orla & Wren Quenby")
    assert [confident(r) for r in sorted(found, key=lambda r: str(r["person_id"]))] == [
        ("pupil", "P0101"),
        ("pupil", "P0108"),
    ]
    # On an account of their own they are nobody's finding: someone else opened it.
    assert [confident(r) for r in rows(shared, "wren_q", "Wren Quenby")] == [None]


def test_siblings_the_bio_names_are_each_a_finding_the_younger_too_young_to_have_opened_it() -> None:
    # A surname of two parts in the display name is theirs, not another given name; Ivy was three when it opened.
    kids = [
        pupil("P0111", "Maya", "Ashby-Lane", born=date(2018, 3, 1), year="3"),
        pupil("P0112", "Ivy", "Ashby-Lane", born=date(2021, 9, 1), year="R"),
    ]
    shared = index_of([*PUPILS, *kids], STAFF, PARENTS, SCHOOL)
    found = rows(
        shared, "mayaandivy", "The Ashby-Lane Kids", bio="Maya & Ivy Ashby-Lane 🎮 we play every weekend"
    )
    assert len(found) == 2 and {confident(r) for r in found} == {("pupil", "P0111"), ("pupil", "P0112")}


def test_a_second_given_name_is_not_a_second_person(index: RegisterIndex) -> None:
    # "Orla Tobias Quenby" with no joining word is one child with a second given name, not a shared account.
    assert [r["person_id"] for r in rows(index, "x_x", "Orla Tobias Quenby")] == ["P0101"]


@pytest.mark.parametrize(
    ("name", "bio", "said"),
    [
        ("Orla Quenby", "Orla's gymnastics journey 🤸 run by Mum", 'bio says "run by Mum"'),
        ("Orla Quenby", "Parent-managed account. Y5", 'bio says "Parent-managed"'),
    ],
)
def test_an_account_a_parent_runs_is_the_registered_parents_the_child_for_a_person_to_judge(
    index: RegisterIndex, name: str, bio: str, said: str
) -> None:
    held, child = rows(index, "orla_quenby", name, bio=bio)
    # Judged as the parent's the parents register lists for the child, saying why.
    assert (held["person_kind"], held["person_id"]) == ("parent", "PA0101")
    assert said in held["evidence"] and "an account about Orla Quenby" in held["evidence"]
    # The child it is about is a possible finding at most: a person judges whether they use it.
    assert child["person_id"] == "P0101" and THRESHOLD > child["confidence"] >= 0.6
    assert "for a person to judge" in child["evidence"]


@pytest.mark.parametrize(
    ("name", "bio"),
    [
        ("Orla Quenby", "proud mum of Orla ❤️"),
        ("Orla Quenby", "run by Orla's dad"),
        ("Orla Quenby's mum", ""),
        ("Orla Quenby", "Orla's dad 👨‍👧"),
    ],
)
def test_an_account_named_for_a_child_that_a_parent_writes_is_the_registered_parents(
    index: RegisterIndex, name: str, bio: str
) -> None:
    (row,) = rows(index, "orla_quenby", name, bio=bio)
    assert (row["person_kind"], row["person_id"]) == ("parent", "PA0101")
    assert "held by a parent, read as Carys Quenby's" in row["evidence"]


def test_a_parent_the_register_does_not_list_leaves_the_account_nobodys(index: RegisterIndex) -> None:
    # Ravi Dhanraj's parents are not in the parents register: no parent is made up, and the child is no finding.
    (row,) = rows(index, "ravi_d", "Ravi Dhanraj", bio="proud mum of Ravi ❤️")
    assert row["person_kind"] == "unknown"


def test_an_account_a_club_runs_is_the_clubs_the_child_for_a_person_to_judge(index: RegisterIndex) -> None:
    (row,) = rows(index, "orla_quenby", "Orla Quenby", bio="run by Fernhollow Gymnastics Club")
    assert row["person_id"] == "P0101" and THRESHOLD > row["confidence"] >= 0.6
    assert "the account is held by an organisation" in row["evidence"]


@pytest.mark.parametrize(
    ("name", "bio", "url"),
    [
        ("Orla Quenby", "Bespoke cakes to order. DM for bookings", None),  # a business sharing her name
        ("Orla Quenby", "", "https://orlaquenbydesigns.co.uk"),  # a trading website of its own
        ("Quenby U10s", "", None),  # a team
        ("Orla Quenby", "Grandad of Orla Quenby ❤️", None),  # a grandparent naming a grandchild
    ],
)
def test_a_business_a_team_or_a_grandparent_is_never_a_confident_pupil(
    index: RegisterIndex, name: str, bio: str, url: str | None
) -> None:
    for row in rows(index, "x_x", name, bio=bio, url=url):
        assert confident(row) is None


def test_a_teacher_of_a_mixed_class_places_the_child_in_no_single_year() -> None:
    mixed = index_of(PUPILS, [staff("S0201", "Gwen", "Allard", role="Class Teacher, Y3/4")], PARENTS, SCHOOL)
    # Lila Marsh (Year 3) is not ruled out by a Year 4 reading of "Y3/4", nor is either Lila picked by it.
    assert confident(resolve(mixed, "lila_xo", "Lila 🌸", "Mrs Allard's class")) is None
