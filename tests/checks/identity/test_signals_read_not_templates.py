"""The signals of issue 11, each with a profile that should match and one that should not: usernames read
generally, title + surname among staff, counter-evidence against namesakes, and the evidence that says why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from checks.identity import RegisterIndex, resolve_identities
from tests.builders.audience import audience, x_member, yt_member
from tests.builders.registers import AS_OF, pupil, register_frames, staff
from tests.builders.registers import parent as parent_row

SCHOOL = "Meadowbank Community Primary School"
RECENT = datetime(2025, 1, 1, tzinfo=UTC)
THRESHOLD = 0.85
PUPILS = [
    pupil("P0001", "Thomas", "Cox", born=date(2019, 4, 1), year="3"),
    pupil("P0002", "Bartosz", "Wisniewski", born=date(2019, 2, 1), year="2"),
    pupil("P0003", "Temitope", "Nwosu", born=date(2019, 6, 1), year="2"),
    pupil("P0009", "Ayomide", "Okafor", born=date(2019, 6, 1), year="2"),
    pupil("P0004", "Isabella", "Grant", born=date(2017, 6, 1), year="4"),
    pupil("P0005", "Muhammad", "Rahman", born=date(2016, 6, 1), year="5"),
    pupil("P0006", "Ellie", "Ford", born=date(2016, 9, 9), year="5"),
    pupil("P0007", "Ellie", "Stone", born=date(2018, 9, 9), year="3"),
    pupil("P0008", "Georgia", "Lane", born=date(2017, 1, 9), year="4"),
]
STAFF = [
    staff("S001", "Helen", "Robinson", role="Class Teacher, Year 4"),
    staff("S002", "Claire", "Hall", role="Class Teacher, Year 1"),
    staff("S003", "Joanne", "Hall", role="Teaching Assistant"),
    staff("S004", "Sarah", "Reid", role="Class Teacher, Year 6"),
    staff("S005", "Emma", "Clarke", role="Class Teacher, Year 2"),
]
PARENTS = [parent_row("PA0001", "Dawn", "Ford", of=("P0006",))]
LOCALS = [
    x_member(f"17000000000000000{i:02d}", f"local_{i}", f"Local {i}", bio=None) | {"location": "Leeds"}
    for i in range(6)
]


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    frames = register_frames(PUPILS, STAFF, PARENTS)
    return RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)


def resolve(
    index: RegisterIndex, handle: str, name: str, bio: str | None = None, **kw: Any
) -> dict[str, Any]:
    location = kw.pop("location", None)
    member = x_member("1600000000000000042", handle, name, bio=bio, created=kw.pop("created", RECENT), **kw)
    member["location"] = location
    rows = resolve_identities(audience(member, *LOCALS), index).iter_rows(named=True)
    return next(row for row in rows if row["subject_id"] == "1600000000000000042")


def confident(row: dict[str, Any]) -> tuple[str, str | None] | None:
    return (row["person_kind"], row["person_id"]) if row["confidence"] >= THRESHOLD else None


# --- usernames read generally -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("handle", "name", "expected"),
    [
        ("TCoxY3", "🦖", ("pupil", "P0001")),  # initial + surname + glued year group, emoji-only name
        ("bwisniewski19", "Bartosz", ("pupil", "P0002")),  # initial + surname + two-digit birth year
        (
            "temi_nwosu2019",
            "temi ⚡",
            ("pupil", "P0003"),
        ),  # a short form of the forename + surname + birth year
        ("izzy_grant", "Izzy Grant", ("pupil", "P0004")),  # a common UK diminutive
        ("mohammed_rahman16", "MOHAMMED RAHMAN ⚽⚽", ("pupil", "P0005")),  # transliteration, caps + emoji
    ],
)
def test_username_forms_found(
    index: RegisterIndex, handle: str, name: str, expected: tuple[str, str]
) -> None:
    assert confident(resolve(index, handle, name)) == expected


@pytest.mark.parametrize(
    ("handle", "name"),
    [
        ("TCoxY5", "🦖"),  # the year group contradicts
        ("bwisniewski77", "🦖"),  # a number that is no birth year, year group or age: noise, not enough
        ("temi_nwosu", "temi"),  # a short form alone, nothing to check it against
    ],
)
def test_username_forms_not_confident_without_agreement(index: RegisterIndex, handle: str, name: str) -> None:
    assert confident(resolve(index, handle, name)) is None


def test_forename_with_school_in_bio_found_only_when_one_pupil_fits(index: RegisterIndex) -> None:
    row = resolve(index, "gamer_girl_22", "Georgia", "Year 4 at Meadowbank ⚽")
    assert confident(row) == ("pupil", "P0008")
    # Two pupils called Ellie, neither in Year 1: nobody fits.
    assert confident(resolve(index, "slime_fan_31", "Ellie", "Year 1 at Meadowbank")) is None


# --- staff: title + surname, forename + initial with the role -------------------------------------------
@pytest.mark.parametrize("handle", ["Mrs_Robinson", "MrsRobinson"])
def test_title_surname_handle_unique_among_staff(index: RegisterIndex, handle: str) -> None:
    assert confident(resolve(index, handle, "🌻")) == ("staff_personal", "S001")


def test_title_surname_shared_by_two_staff_is_not_confident(index: RegisterIndex) -> None:
    assert confident(resolve(index, "MrsHall", "🌻")) is None


def test_forename_initial_with_role_in_bio(index: RegisterIndex) -> None:
    row = resolve(index, "sarah_r_teach", "Sarah R", "Year 6 teacher. Coffee first.")
    assert confident(row) == ("staff_personal", "S004")
    assert confident(resolve(index, "sarah_r", "Sarah R", "Coffee first.")) is None


# --- counter-evidence ---------------------------------------------------------------------------------------
def test_staff_namesake_elsewhere_with_another_job_is_ruled_out_and_said_so(index: RegisterIndex) -> None:
    row = resolve(index, "emmaclarke_dds", "Emma Clarke", "Dentist. Husband, two dogs.", location="Glasgow")
    assert row["confidence"] < 0.6
    assert "Clarke" in row["evidence"] and "dentist" in row["evidence"].lower()


def test_staff_with_school_cue_kept_despite_location(index: RegisterIndex) -> None:
    row = resolve(index, "emmaclarke", "Emma Clarke", "Year 2 at Meadowbank", location="Glasgow")
    assert confident(row) == ("staff_personal", "S005")


def test_staff_full_name_at_home_kept(index: RegisterIndex) -> None:
    row = resolve(index, "emma_clarke", "Emma Clarke", "Mum, runner", location="Leeds")
    assert confident(row) == ("staff_personal", "S005")


def _with_declared_account(followers: bool) -> tuple[RegisterIndex, list[dict[str, Any]]]:
    """S005 declares @emma_reads and S006 @cath_reads; the audience holds them or not."""
    declared = [
        *STAFF[:4],
        staff("S005", "Emma", "Clarke", role="Class Teacher, Year 2", personal="x:@emma_reads"),
        staff("S006", "Catherine", "Hughes", role="Class Teacher, Year 3", personal="x:@cath_reads"),
    ]
    frames = register_frames(PUPILS, declared, PARENTS)
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    own = (
        [
            x_member("1600000000000000098", "emma_reads", "Emma 📚"),
            x_member("1600000000000000099", "cath_reads", "Cath 📚"),
        ]
        if followers
        else []
    )
    return index, own


def _namesake(index: RegisterIndex, own: list[dict[str, Any]], name: str, bio: str | None) -> dict[str, Any]:
    member = x_member("1600000000000000042", name.replace(" ", ""), name, bio=bio)
    rows = resolve_identities(audience(member, *own, *LOCALS), index).iter_rows(named=True)
    return next(row for row in rows if row["subject_id"] == "1600000000000000042")


# A full name, and a curated diminutive (Katie for Catherine), each confident without the declared account.
@pytest.mark.parametrize(
    ("name", "declared"), [("Emma Clarke", "@emma_reads"), ("Katie Hughes", "@cath_reads")]
)
def test_a_namesake_of_staff_whose_declared_account_follows_too_is_only_possible(
    name: str, declared: str
) -> None:
    index, own = _with_declared_account(followers=True)
    row = _namesake(index, own, name, "Season ticket holder, Leeds Rhinos")
    assert confident(row) is None
    assert row["person_kind"] == "staff_personal" and row["confidence"] >= 0.6  # still put to a person
    assert f"their declared account {declared} is in the school's audience too" in row["evidence"]
    index, own = _with_declared_account(followers=False)
    assert confident(_namesake(index, own, name, "Season ticket holder, Leeds Rhinos")) is not None


def test_a_second_account_telling_of_the_same_life_as_the_declared_one_is_theirs() -> None:
    # Emma Clarke's declared account bakes and runs; another "Emma Clarke" that bakes is a second account of hers
    # (a finding: every personal account is the policy's), one that shares only her name stays a possible match.
    index, _ = _with_declared_account(followers=False)
    own = [x_member("1600000000000000098", "emma_reads", "Emma Clarke 📚", bio="Baking, parkrun and books")]
    row = _namesake(index, own, "Emma Clarke", "Sourdough baking at weekends")
    assert confident(row) == ("staff_personal", "S005")
    assert (
        'their declared account @emma_reads is in the school\'s audience too and says "baking"'
        in row["evidence"]
    )
    for bio in ("Season ticket holder, Leeds Rhinos", "Emma Clarke official"):
        row = _namesake(index, own, "Emma Clarke", bio)  # her name and "official" say nothing of a life
        assert confident(row) is None and row["confidence"] >= 0.6, bio


def test_a_namesake_of_staff_with_another_job_whose_declared_account_follows_is_ruled_out() -> None:
    # Two things place her elsewhere (a solicitor, and Emma Clarke's own account already follows): someone else.
    index, own = _with_declared_account(followers=True)
    row = _namesake(index, own, "Emma Clarke", "Solicitor. Season ticket holder")
    assert row["person_kind"] == "unknown"
    assert "ruled out Emma Clarke" in row["evidence"] and "follows too" in row["evidence"]
    index, own = _with_declared_account(followers=False)  # the job alone is said, not weighed
    assert confident(_namesake(index, own, "Emma Clarke", "Solicitor. Season ticket holder")) is not None


def test_the_declared_account_not_in_the_audience_says_nothing_against() -> None:
    index, own = _with_declared_account(followers=False)
    assert confident(_namesake(index, own, "Emma Clarke", "Season ticket holder")) == (
        "staff_personal",
        "S005",
    )


def test_a_second_account_that_says_the_school_or_teaching_is_still_theirs() -> None:
    index, own = _with_declared_account(followers=True)
    for bio in ("Year 2 teacher", "Meadowbank staff"):
        assert confident(_namesake(index, own, "Emma Clarke", bio)) == ("staff_personal", "S005")


def test_adult_namesake_of_a_pupil_on_youtube_is_not_a_pupil(index: RegisterIndex) -> None:
    member = yt_member("UCnamesake000000000000001", "Ellie Ford") | {
        "description": "Married, two kids, season ticket holder. Plumbing tips every Friday."
    }
    (row,) = resolve_identities(audience(member), index).iter_rows(named=True)
    assert row["person_kind"] != "pupil"
    assert "ruled out" in row["evidence"]


def test_account_older_than_the_pupil_could_hold_is_ruled_out(index: RegisterIndex) -> None:
    row = resolve(index, "ellie_ford", "Ellie Ford", created=datetime(2012, 5, 1, tzinfo=UTC))
    assert row["person_kind"] != "pupil"
    assert "ruled out" in row["evidence"]


def test_a_child_at_another_school_is_not_our_pupil(index: RegisterIndex) -> None:
    row = resolve(index, "georgia_l_22", "Georgia L", "Year 4 at St Anne's Primary ⚽")
    assert row["person_kind"] != "pupil"
    # The same profile naming this school is the pupil.
    assert confident(resolve(index, "georgia_l_22", "Georgia L", "Year 4 at Meadowbank Primary ⚽")) == (
        "pupil",
        "P0008",
    )


def test_a_staff_surname_a_parent_shares_is_still_the_teacher_and_said_so() -> None:
    frames = register_frames(PUPILS, STAFF, [parent_row("PA0009", "Lisa", "Reid", of=("P0001",))])
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    row = resolve(index, "MrsReid", "🌻")
    assert confident(row) == ("staff_personal", "S004")
    assert "a parent is also called Reid" in row["evidence"]


@pytest.mark.parametrize("handle", ["mrsrobinson", "missrobinson_"])
def test_a_title_run_together_in_lower_case(index: RegisterIndex, handle: str) -> None:
    assert confident(resolve(index, handle, "🌻")) == ("staff_personal", "S001")


def test_a_title_before_a_surname_no_staff_member_has_is_nobody(index: RegisterIndex) -> None:
    assert resolve(index, "mrsjenkins", "🌻")["person_kind"] == "unknown"


@pytest.mark.parametrize(("handle", "name"), [("tcox19", "Tom"), ("tcox2019", "🦖")])
def test_an_initial_and_a_short_surname_run_together(index: RegisterIndex, handle: str, name: str) -> None:
    assert confident(resolve(index, handle, name)) == ("pupil", "P0001")


def test_a_forename_in_the_username_with_a_year_word_in_the_bio(index: RegisterIndex) -> None:
    assert confident(resolve(index, "georgia_xo", "🌸", "Year Four 💜")) == ("pupil", "P0008")
    assert confident(resolve(index, "georgia_xo", "🌸", "Year Two 💜")) is None


def test_the_school_shortened_is_still_this_school(index: RegisterIndex) -> None:
    row = resolve(index, "gl_22", "Georgia L", "Meadowbank Primary ⚽ year 4")
    assert confident(row) == ("pupil", "P0008")


def test_yr_is_read_as_a_year_group_not_reception(index: RegisterIndex) -> None:
    assert confident(resolve(index, "sk8_25", "Georgia", "yr 4 🎨")) == ("pupil", "P0008")


@pytest.mark.parametrize(
    ("name", "expected"), [("Isabella Grnat", ("pupil", "P0004")), ("Isabella Grunt", None)]
)
def test_a_transposed_surname_is_a_typo_another_letter_is_only_possible(
    index: RegisterIndex, name: str, expected: tuple[str, str] | None
) -> None:
    assert confident(resolve(index, "gl_x", name)) == expected


@pytest.mark.parametrize("handle", ["coxt2019", "cox_t_y3"])
def test_a_surname_then_an_initial(index: RegisterIndex, handle: str) -> None:
    assert confident(resolve(index, handle, "🦖")) == ("pupil", "P0001")


def test_forename_in_the_display_name_surname_in_the_username(index: RegisterIndex) -> None:
    row = resolve(index, "grant_fam", "Isabella 🌸")
    assert confident(row) == ("pupil", "P0004")
    assert "surname in the username" in row["evidence"]
    assert resolve(index, "grant_fam", "Harriet 🌸")["person_kind"] == "unknown"


def test_a_year_group_beside_the_forename_is_not_a_second_name(index: RegisterIndex) -> None:
    assert confident(resolve(index, "sk8_9", "Georgia Y4", "Meadowbank ⚽")) == ("pupil", "P0008")


def test_a_commenter_borrows_the_description_of_the_same_channel_subscribing(index: RegisterIndex) -> None:
    subscriber = yt_member("UCgeorgia0000000000000001", "Georgia") | {
        "description": "Year 4 at Meadowbank 🎨"
    }
    commenter = yt_member("UCgeorgia0000000000000001", "Georgia", relation="commenter", handle="@georgia")
    rows = list(resolve_identities(audience(subscriber, commenter), index).iter_rows(named=True))
    assert [(r["relation"], r["person_kind"], r["person_id"]) for r in rows] == [
        ("subscriber", "pupil", "P0008"),
        ("commenter", "pupil", "P0008"),
    ]


@pytest.mark.parametrize(
    ("bio", "pupil"),
    [
        ("Year 4 student at Meadowbank 🎮 Minecraft builder", True),  # a child's titles, with a school age
        ("Making videos since 2024 🎮 yr 4", True),  # since a year the child was old enough
        ("Minecraft builder and game developer", False),  # the same titles with nothing to say school age
        ("Making videos since 2009", False),  # before she was born
        ("lego builder 🧱", True),  # a job word after a toy names a hobby, whoever says it
        ("den builder and tree climber", True),
        ("aspiring chef", True),  # a wish, like "future vet"
        ("Builder. Roofing and extensions", False),  # the job itself
        ("junior doctor", False),  # an adult's job, whatever "junior" says
    ],
)
def test_titles_children_use_count_as_adult_only_without_a_school_age(
    index: RegisterIndex, bio: str, pupil: bool
) -> None:
    row = resolve(index, "georgia_lane", "Georgia Lane", bio)
    assert (row["person_kind"] == "pupil") is pupil


def test_a_football_academy_is_not_another_school(index: RegisterIndex) -> None:
    row = resolve(index, "georgia_lane", "Georgia Lane", "Leeds United Academy ⚽ Meadowbank")
    assert confident(row) == ("pupil", "P0008")


@pytest.mark.parametrize("bio", ["Parent-managed account 🎮", "Mum runs this channel", "managed by a parent"])
def test_an_account_an_adult_says_they_run_is_theirs_the_child_named_for_a_person_to_judge(
    index: RegisterIndex, bio: str
) -> None:
    row = resolve(index, "georgia_lane", "Georgia Lane", bio)
    assert row["person_id"] == "P0008" and confident(row) is None and row["confidence"] >= 0.6
    assert "the account is held by a parent, so it is judged as theirs" in row["evidence"]
    assert resolve(index, "georgia_lane", "Georgia Lane", "Mum of 2, runner")["person_kind"] != "pupil"


def test_a_year_group_glued_on_in_lower_case(index: RegisterIndex) -> None:
    assert confident(resolve(index, "tcoxy3", "🦖")) == ("pupil", "P0001")
    assert confident(resolve(index, "tcoxy5", "🦖")) is None


def test_the_initial_of_the_preferred_name_counts() -> None:
    rows = [pupil("P0001", "Alexander", "Petrov", preferred="Sasha", born=date(2017, 3, 3), year="4")]
    frames = register_frames(rows, STAFF, PARENTS)
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    assert confident(resolve(index, "spetrov17", "🎮")) == ("pupil", "P0001")
    assert confident(resolve(index, "apetrov17", "🎮")) == ("pupil", "P0001")


def test_a_username_initial_rules_out_namesakes_with_another_surname() -> None:
    rows = [
        pupil("P0001", "Elsie", "Wood", born=date(2017, 3, 30), year="5"),
        pupil("P0002", "Elsie", "Hart", born=date(2017, 6, 1), year="4"),
    ]
    frames = register_frames(rows, STAFF, PARENTS)
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    assert confident(resolve(index, "ElsieW2017", "Elsie ✨")) == ("pupil", "P0001")


def test_a_staff_member_with_a_second_job_living_locally_is_kept(index: RegisterIndex) -> None:
    row = resolve(index, "emma_clarke", "Emma Clarke", "Electrician. Tea and books.", location="Leeds")
    assert confident(row) == ("staff_personal", "S005")
    assert "Electrician" in row["evidence"]


def test_a_closing_number_is_not_read_as_an_age(index: RegisterIndex) -> None:
    assert confident(resolve(index, "georgia9", "Georgia")) is None  # aged 9, Year 4, born 2017: noise


def test_a_title_children_use_gives_way_to_the_childs_own_birth_year(index: RegisterIndex) -> None:
    assert confident(resolve(index, "georgia_lane2017", "Georgia", "game developer")) == ("pupil", "P0008")
    assert resolve(index, "georgia_lane1990", "Georgia", "game developer")["person_kind"] != "pupil"


def test_a_number_closing_a_username_cut_to_the_platforms_length_is_not_a_birth_year(
    index: RegisterIndex,
) -> None:
    # X allows 15 letters: "official" cut to "offic" to make room for "2005" says the digits make the handle
    # unique, not that its owner was born in 2005.
    row = resolve(index, "comet_offic2005", "Isabella Grant")
    assert confident(row) == ("pupil", "P0004")
    assert 'username ends "2005" after "offic" cut short' in row["evidence"]
    # The same number after a whole word or name, or on a username with room to spare, is written as it is: an
    # adult's birth year.
    for handle in ("bellagrant_2005", "comet_2005", "comet_offi2005"):
        assert resolve(index, handle, "Isabella Grant")["person_kind"] != "pupil", handle


def test_a_subscriber_is_read_with_the_handle_its_comments_show(index: RegisterIndex) -> None:
    """A subscription shows the channel's title and bio, a comment its @handle: one channel, read as one profile."""
    subscriber = yt_member("UCgeorgia0000000000000002", "🎨🎨") | {"description": "Meadowbank 💙"}
    commenter = yt_member(
        "UCgeorgia0000000000000002", "@georgialane_y4", relation="commenter", handle="@georgialane_y4"
    )
    rows = list(resolve_identities(audience(subscriber, commenter), index).iter_rows(named=True))
    assert [(r["relation"], confident(r)) for r in rows] == [
        ("subscriber", ("pupil", "P0008")),
        ("commenter", ("pupil", "P0008")),
    ]
    assert [(r["handle"], r["display_name"]) for r in rows] == [  # each row still says what it showed
        (None, "🎨🎨"),
        ("@georgialane_y4", "@georgialane_y4"),
    ]
