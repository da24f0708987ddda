"""A former pupil read as a careful person reads one: the year groups the register places them in (the one they
left from, the one they were in when the account was opened), their cohort's "class of" whatever year they left,
and a two-letter surname run together with the forename, a middle initial between. Each with the look-alike that
keeps it unflagged. Names are made up here, never drawn from data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from checks.identity import RegisterIndex
from tests.builders.audience import audience, x_member
from tests.builders.identity import confident, index_of
from tests.builders.registers import parent as parent_row
from tests.builders.registers import pupil, staff

SCHOOL = "Larkmoor Primary School"
PUPILS = [
    # Left from Year 5 in October 2025; in Year 3 in the school year 2023-24.
    pupil(
        "P0001",
        "Tamsinne",
        "Orrowby",
        born=date(2016, 1, 18),
        year="5",
        status="left",
        left=date(2025, 10, 10),
    ),
    pupil("P0002", "Quilla", "Xu", born=date(2014, 5, 2), year="6", status="left", left=date(2025, 7, 18)),
    # Left from Year 3 in July 2024: their year group leaves primary in the summer of 2027.
    pupil(
        "P0003", "Evander", "Pellow", born=date(2015, 10, 1), year="3", status="left", left=date(2024, 7, 19)
    ),
    pupil(
        "P0004", "Quilla", "Brannagh", born=date(2016, 3, 3), year="4", status="left", left=date(2025, 7, 18)
    ),
    pupil("P0005", "Ferelith", "Xu", born=date(2017, 4, 4), year="4"),
    # Two Oriannas: one in Year 5 now, one who left from Year 5 this September.
    pupil("P0006", "Orianna", "Delacourt", born=date(2017, 1, 9), year="5"),
    pupil(
        "P0007", "Orianna", "Peverell", born=date(2017, 2, 9), year="5", status="left", left=date(2026, 9, 24)
    ),
    # Left from Year 6 in July 2026: in Year 7 now, wherever they are.
    pupil(
        "P0008", "Caspian", "Strood", born=date(2015, 3, 1), year="6", status="left", left=date(2026, 7, 18)
    ),
]
STAFF = [staff("S001", "Anne", "Ward", role="Class Teacher, Year 3")]
PARENTS = [parent_row("PA0001", "Ola", "Xu", of=("P0005",))]


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(PUPILS, STAFF, PARENTS, SCHOOL)


def resolve(index: RegisterIndex, handle: str, name: str, bio: str | None, opened: date) -> dict[str, Any]:
    created = datetime(opened.year, opened.month, opened.day, tzinfo=UTC)
    member = x_member("1600000000000000091", handle, name, bio=bio, created=created)
    from checks.identity import resolve_identities

    (row,) = resolve_identities(audience(member), index).iter_rows(named=True)
    return row


# --- year groups: the one they left from, the one they were in when the account was opened -------------------
@pytest.mark.parametrize(
    ("handle", "opened", "said"),
    [
        ("tamsinne_y5", date(2025, 11, 1), "left from Year 5"),
        ("tamsinne_y3", date(2024, 1, 20), "in Year 3 when the account was opened"),
    ],
)
def test_a_forename_and_a_year_group_the_register_gives_them(
    index: RegisterIndex, handle: str, opened: date, said: str
) -> None:
    row = resolve(index, handle, "Tamsinne 🦋", None, opened)
    assert confident(row) == ("former_pupil", "P0001")
    assert said in row["evidence"]


@pytest.mark.parametrize(
    ("handle", "opened"),
    [
        ("tamsinne_y3", date(2025, 11, 1)),  # opened after she left: Year 3 was never hers while it existed
        ("tamsinne_y6", date(2025, 11, 1)),  # a year she was never in here
    ],
)
def test_a_year_group_the_register_does_not_give_them_says_nothing(
    index: RegisterIndex, handle: str, opened: date
) -> None:
    assert confident(resolve(index, handle, "Tamsinne 🦋", None, opened)) is None


def test_a_year_group_agreeing_with_the_surname_given_confirms_a_shortened_forename(
    index: RegisterIndex,
) -> None:
    row = resolve(index, "tam_orrowby_y5", "Tam Orrowby", None, date(2025, 11, 1))
    assert confident(row) == ("former_pupil", "P0001")
    assert "left from Year 5" in row["evidence"]


def test_a_former_pupils_cohort_is_their_class_of_whatever_year_they_left(index: RegisterIndex) -> None:
    row = resolve(index, "evander_p", "Evander P", "class of 2027 🎓", date(2024, 3, 1))
    assert confident(row) == ("former_pupil", "P0003")
    assert "leaves primary in 2027" in row["evidence"]
    assert confident(resolve(index, "evander_p", "Evander P", "class of 2026 🎓", date(2024, 3, 1))) is None


# --- a two-letter surname run together ------------------------------------------------------------------------
@pytest.mark.parametrize("handle", ["quillaxu", "xuquilla", "quillamxu", "its_quillaxu_x", "QuillaJXu"])
def test_a_two_letter_surname_run_together_with_the_forename(index: RegisterIndex, handle: str) -> None:
    row = resolve(index, handle, "🦋", None, date(2025, 1, 1))
    assert confident(row) == ("former_pupil", "P0002")


def test_a_two_letter_surname_inside_another_word_is_not_theirs(index: RegisterIndex) -> None:
    # "xu" inside a word ("quillaxuber"): nothing bounds it, so it names nobody.
    assert confident(resolve(index, "quillaxuber", "🦋", None, date(2025, 1, 1))) is None


def test_an_adult_with_the_name_run_together_is_not_flagged(index: RegisterIndex) -> None:
    row = resolve(index, "quillaxu", "Quilla", "Mum of 2, nurse, Leeds", date(2019, 1, 1))
    assert confident(row) is None or row["person_kind"] not in ("pupil", "former_pupil")


# --- a swapped surname in a username: a word of its own, or before the forename ------------------------------
@pytest.mark.parametrize("handle", ["evander_plelow", "PLELOWEVANDER_y3", "evander_plelow15_x"])
def test_a_surname_with_two_letters_swapped_in_a_username(index: RegisterIndex, handle: str) -> None:
    row = resolve(index, handle, "🦖", None, date(2024, 3, 1))
    assert confident(row) == ("former_pupil", "P0003")
    assert "two neighbouring letters swapped" in row["evidence"]


def test_a_swapped_surname_with_an_adults_life_is_not_flagged(index: RegisterIndex) -> None:
    row = resolve(index, "evander_plelow", "🦖", "Married, two kids. Plumber.", date(2012, 3, 1))
    assert confident(row) is None or row["person_kind"] not in ("pupil", "former_pupil")


# --- a bio speaks of now: its year group is not a former pupil's time here -------------------------------------
def test_a_bio_giving_a_year_at_the_school_now_is_the_current_pupils(index: RegisterIndex) -> None:
    row = resolve(index, "bookworm_30", "Orianna", "Year 5 at Larkmoor Primary 💜", date(2024, 5, 1))
    assert confident(row) == ("pupil", "P0006")


def test_a_child_in_that_year_at_another_school_is_not_a_former_pupil_who_left_from_it(
    index: RegisterIndex,
) -> None:
    row = resolve(index, "itscaspian_s15", "caspian s.", "Year 6 at Brookfield Juniors ⚽", date(2026, 2, 1))
    assert confident(row) is None
