"""Name parts read wherever they stand and however slipped: a middle initial after the forename when the surname
comes first, a second given name between a made diminutive and the surname, a slip of a short surname, a
forename cut short to a name of its own. Each with the look-alike or the missing cue that keeps it unflagged.
Names are made up here, never drawn from data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from checks.identity import RegisterIndex
from checks.identity.text import slip_of
from tests.builders.identity import THRESHOLD, confident, index_of, resolve_x
from tests.builders.registers import parent as parent_row
from tests.builders.registers import pupil, staff

SCHOOL = "Brookfield Primary School"
PUPILS = [
    pupil("P0001", "Marigold", "Ashcombe", born=date(2016, 3, 30), year="5"),
    pupil("P0002", "Beatrice", "Quarles", born=date(2017, 2, 1), year="4"),
    pupil("P0003", "Nell", "Ford", born=date(2019, 6, 1), year="2"),
    pupil("P0004", "Samira", "Hale", born=date(2016, 6, 1), year="5"),
    pupil("P0005", "Tomasz", "Brent", born=date(2016, 7, 1), year="5"),
    pupil("P0006", "Zoë", "Pryce-Evans", born=date(2018, 3, 1), year="3"),
    pupil("P0007", "Idris", "Mott", born=date(2016, 9, 1), year="5"),
    pupil("P0008", "Chidi", "Eboagu", born=date(2015, 9, 1), year="6"),
    pupil("P0009", "Casimir", "Lawford", born=date(2017, 9, 1), year="4"),
    pupil("P0010", "Abdirahman", "Farah", born=date(2018, 9, 1), year="3", preferred="Abdi"),
    pupil("P0011", "Amelia", "Quenby", born=date(2016, 9, 1), year="5"),
]
STAFF = [
    staff("S001", "Anne", "Ward", role="Class Teacher, Year 3"),
    staff("S002", "Leyla", "Sahin", role="Class Teacher, Year 4"),
]
PARENTS = [
    parent_row("PA0001", "Sarah", "Ashcombe", of=("P0001",)),
    # Farah is a forename here too, and Abdi a surname.
    parent_row("PA0002", "Mahad", "Abdi", of=("P0008",)),
    parent_row("PA0003", "Farah", "Osei", of=("P0007",)),
]


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(PUPILS, STAFF, PARENTS, SCHOOL)


def resolve(index: RegisterIndex, handle: str, name: str, bio: str | None = None) -> dict[str, Any]:
    return resolve_x(index, handle, name, bio, user_id="1600000000000000077")


# --- order: the middle initial follows the forename when the surname comes first ------------------------
@pytest.mark.parametrize(
    ("handle", "name"),
    [
        ("ashcombemarigoldr", "🌸"),
        ("ashcombemarigoldr16", "🌸"),
        ("AshcombeMarigoldR", "Ashcombe Marigold R."),
    ],
)
def test_a_middle_initial_after_the_forename_written_second(
    index: RegisterIndex, handle: str, name: str
) -> None:
    row = resolve(index, handle, name)
    assert confident(row) == ("pupil", "P0001")
    assert "(a middle initial)" in row["evidence"] and "surname first" in row["evidence"]


@pytest.mark.parametrize("handle", ["beatyrosequarles", "QUARLESBEATYROSEX16"])
def test_a_made_diminutive_and_a_second_given_name_run_together(index: RegisterIndex, handle: str) -> None:
    row = resolve(index, handle, "🌸", "Year 4")
    assert confident(row) == ("pupil", "P0002")
    assert '"Beaty" is a diminutive of Beatrice' in row["evidence"]


# --- a slip of a short surname ----------------------------------------------------------------------------
def test_how_much_slip_a_surname_carries_grows_with_its_length() -> None:
    assert slip_of("frod", "ford") == "swapped"  # four letters: two neighbouring letters swapped
    assert slip_of("rfod", "ford") is None  # ... but not the first letter
    assert slip_of("fird", "ford") is None  # ... and no letter changed: another surname as often
    assert slip_of("smoth", "smith") == "slipped"  # five letters: any one slip
    assert slip_of("wod", "owd") is None  # three letters: nothing


@pytest.mark.parametrize(
    ("handle", "name", "bio"), [("nell_frod", "Nell Frod", None), ("nellfrod", "🌸", "Y2")]
)
def test_two_letters_swapped_in_a_four_letter_surname(
    index: RegisterIndex, handle: str, name: str, bio: str | None
) -> None:
    row = resolve(index, handle, name, bio)
    assert confident(row) == ("pupil", "P0003")
    assert "two neighbouring letters swapped" in row["evidence"]


@pytest.mark.parametrize(("handle", "name"), [("idrismtot", "🌸"), ("x_9", "Idris Mtot")])
def test_a_swap_the_squeezed_spelling_hides_is_read_as_spelt(
    index: RegisterIndex, handle: str, name: str
) -> None:
    # "Mott" squeezes to "mot": the swap "mtot" is seen on the letters as spelt.
    assert confident(resolve(index, handle, name)) == ("pupil", "P0007")


def test_a_swapped_surname_after_decoration_and_the_forename(index: RegisterIndex) -> None:
    assert confident(resolve(index, "itschidieobagu_y6", "🌸")) == ("pupil", "P0008")


def test_a_letter_changed_in_a_four_letter_surname_is_another_family(index: RegisterIndex) -> None:
    assert confident(resolve(index, "nell_fird", "Nell Fird")) is None


# --- a forename cut short to a name of its own --------------------------------------------------------------
@pytest.mark.parametrize(
    ("handle", "name", "bio", "expected"),
    [("sam_hale", "Sam Hale", "Year 5", "P0004"), ("tombrent", "🌸", "Y5 ⚽", "P0005")],
)
def test_a_forename_cut_short_to_a_name_of_its_own_with_a_cue(
    index: RegisterIndex, handle: str, name: str, bio: str, expected: str
) -> None:
    row = resolve(index, handle, name, bio)
    assert confident(row) == ("pupil", expected)
    assert "cut short (or a name of its own)" in row["evidence"]


@pytest.mark.parametrize("bio", [None, "plumber in Leeds", "Dad of 2 🏉"])
def test_a_name_of_its_own_without_a_cue_is_nobody_worth_flagging(
    index: RegisterIndex, bio: str | None
) -> None:
    # "Sam Hale" is as likely a Sam of his own: an adult namesake is never flagged, not even for review.
    row = resolve(index, "sam_hale", "Sam Hale", bio)
    assert row["person_kind"] == "unknown"


# --- a slip of the forename, the surname exact --------------------------------------------------------------
@pytest.mark.parametrize(
    ("handle", "name"),
    [("beatrcie_quarles", "🌸"), ("quarlesbeatrcie", "🌸"), ("bq_x", "Beatrcie Quarles")],
)
def test_two_letters_swapped_in_the_forename(index: RegisterIndex, handle: str, name: str) -> None:
    row = resolve(index, handle, name)
    assert confident(row) == ("pupil", "P0002")
    assert 'forename "' in row["evidence"] and "two neighbouring letters swapped" in row["evidence"]


def test_a_letter_changed_in_the_forename_is_possible_until_a_cue_agrees(index: RegisterIndex) -> None:
    # "Samara" is Samira with a letter changed, or a name of her own: for a person to judge, unless a cue agrees.
    row = resolve(index, "samara_hale", "Samara Hale")
    assert row["person_id"] == "P0004" and 0.6 <= row["confidence"] < THRESHOLD
    assert 'whether "Samara" is Samira misspelt' in row["evidence"]
    row = resolve(index, "samara_hale", "Samara Hale", "Year 5 ⚽")
    assert confident(row) == ("pupil", "P0004")
    assert "one letter apart" in row["evidence"]


def test_a_slip_in_both_names_is_a_guess_on_a_guess(index: RegisterIndex) -> None:
    assert resolve(index, "bq_x", "Beatrcie Qaurles")["person_kind"] == "unknown"


# --- initials anywhere: an initial and a middle initial beside the surname ----------------------------------
@pytest.mark.parametrize(
    ("handle", "name"),
    [("x_1", "M.K. Ashcombe"), ("mkashcombe", "🌸"), ("ashcombemk", "🌸"), ("x_2", "Ashcombe M K")],
)
def test_an_initial_and_a_middle_initial_with_the_surname(
    index: RegisterIndex, handle: str, name: str
) -> None:
    row = resolve(index, handle, name, "Year 5 🌸")
    assert confident(row) == ("pupil", "P0001")
    assert "initial M + surname exact" in row["evidence"] and "(a middle initial)" in row["evidence"]


def test_initials_without_a_cue_point_at_nobody(index: RegisterIndex) -> None:
    assert resolve(index, "mkashcombe", "🌸")["person_kind"] == "unknown"


# --- where one part ends and the next begins ------------------------------------------------------------------
def test_a_surname_of_two_parts_run_on_and_cut_short_is_no_other_initial(index: RegisterIndex) -> None:
    # @zoepprycee: "pryce" then the "e" of Evans, not Pryce and another initial against the display name.
    row = resolve(index, "zoepprycee", "Zoe Pryce-Evans")
    assert confident(row) == ("pupil", "P0006")
    assert "another initial" not in row["evidence"]


@pytest.mark.parametrize("handle", ["mssahin", "mssahinx"])
def test_a_title_ending_in_the_letter_the_surname_starts_with(index: RegisterIndex, handle: str) -> None:
    assert confident(resolve(index, handle, "☕📚")) == ("staff_personal", "S002")


def test_a_word_that_starts_their_surname_is_theirs_not_an_adults(index: RegisterIndex) -> None:
    # "law" beside Casimir is Lawford cut short, not a job.
    row = resolve(index, "casimir_law_53", "Casimir Lawford")
    assert confident(row) == ("pupil", "P0009")


def test_surname_first_in_doubt_when_the_usual_order_names_someone_else(index: RegisterIndex) -> None:
    # "farahabdi": Abdi Farah surname first, or a Farah Abdi the usual way round: for a person to judge.
    row = resolve(index, "farahabdi", "🌸")
    assert row["person_id"] == "P0010" and 0.6 <= row["confidence"] < THRESHOLD
    assert confident(resolve(index, "abdifarah", "🌸")) == ("pupil", "P0010")


def test_a_uk_nickname_with_a_swapped_surname_needs_a_cue(index: RegisterIndex) -> None:
    row = resolve(index, "miaqeunby", "Mia Qeunby")
    assert row["person_id"] == "P0011" and 0.6 <= row["confidence"] < THRESHOLD
    assert confident(resolve(index, "miaqeunby", "Mia Qeunby", "Year 5")) == ("pupil", "P0011")


@pytest.mark.parametrize(
    ("handle", "name"), [("wren_y5", "H. Wren"), ("hwren_y5", "🌼"), ("wren_y5", "ʜ. ᴡʀᴇɴ")]
)
def test_a_surname_initial_written_before_the_forename_tells_two_of_that_forename_apart(
    handle: str, name: str
) -> None:
    # Two Wrens in Year 5: "H." before the forename, written surname first, is Wren Hollis's initial, and another
    # initial than Wren Tasker's.
    index = index_of(
        [
            pupil("P0601", "Wren", "Tasker", born=date(2016, 5, 1), year="5"),
            pupil("P0602", "Wren", "Hollis", born=date(2016, 8, 1), year="5"),
        ],
        [],
        [],
        SCHOOL,
    )
    row = resolve_x(index, handle, name, None)
    assert confident(row) == ("pupil", "P0602")
    assert "surname initial H" in row["evidence"]
