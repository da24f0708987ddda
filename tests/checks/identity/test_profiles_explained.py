"""A profile explained, not matched to templates: the forms of issue 24, each with a look-alike that must not
match, and the evidence saying what was read and what was not. Names are made up here, never drawn from data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from checks.identity import RegisterIndex, resolve_identities
from tests.builders.audience import audience, yt_member
from tests.builders.identity import THRESHOLD, confident, index_of
from tests.builders.identity import resolve_x as resolve
from tests.builders.registers import AS_OF, pupil, register_frames, staff
from tests.builders.registers import parent as parent_row

SCHOOL = "Meadowbank Community Primary School"
PUPILS = [
    pupil("P0001", "Evelyn", "Lockwood", born=date(2016, 3, 30), year="5"),
    pupil("P0002", "Beatrice", "Harris", born=date(2017, 2, 1), year="4"),
    pupil("P0003", "Ivan", "Petrov", born=date(2018, 5, 1), year="3"),
    pupil("P0004", "Kacper", "Nowak", status="left", born=date(2013, 1, 1), year="6", left=date(2024, 7, 20)),
    pupil("P0005", "Oliver", "Bennett", born=date(2017, 6, 1), year="4"),
    pupil("P0006", "Rose", "Lockwood", born=date(2019, 6, 1), year="2"),
    pupil("P0007", "Ann", "Bennett", born=date(2016, 6, 1), year="5"),
]
STAFF = [staff("S001", "Anne", "Ward", role="Class Teacher, Year 3")]
PARENTS = [parent_row("PA0001", "Sarah", "Lockwood", of=("P0001", "P0006"))]


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return index_of(PUPILS, STAFF, PARENTS, SCHOOL)


# --- an extra given name --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Evelyn Rose Lockwood", "Evelyn Rose Lockwood 🌸", "Evelyn R. Lockwood"])
def test_a_second_given_name_between_forename_and_surname(index: RegisterIndex, name: str) -> None:
    row = resolve(index, "sparkles_22", name)
    assert confident(row) == ("pupil", "P0001")
    said = "a middle initial" if "R." in name else "a second given name"
    assert said in row["evidence"]


def test_a_given_name_before_the_forename_is_another_person(index: RegisterIndex) -> None:
    # Read as her younger sister Rose, "Evelyn" comes first: the account is Evelyn's, not Rose's.
    row = resolve(index, "x", "Evelyn Rose Lockwood")
    assert row["person_id"] == "P0001"


@pytest.mark.parametrize("handle", ["evelynrlockwood", "EvelynRLockwood"])
def test_a_middle_initial_run_together_in_the_username(index: RegisterIndex, handle: str) -> None:
    row = resolve(index, handle, "🌸")
    assert confident(row) == ("pupil", "P0001")
    assert '"r" (a middle initial)' in row["evidence"].lower()


def test_a_second_given_name_run_together_in_the_username(index: RegisterIndex) -> None:
    row = resolve(index, "evelynroselockwood_y5_x", "🌸")
    assert confident(row) == ("pupil", "P0001")
    assert '"rose" (a second given name)' in row["evidence"]


def test_a_given_name_run_together_before_the_surname_alone_is_only_possible(index: RegisterIndex) -> None:
    # "Rose" may be a second given name or the start of a longer surname ("Roselockwood"): a person judges.
    row = resolve(index, "evelynroselockwood", "🌸")
    assert row["person_id"] == "P0001" and 0.6 <= row["confidence"] < THRESHOLD
    assert '"rose" may as well start a longer surname' in row["evidence"]


def test_a_display_name_that_writes_out_a_longer_surname_contradicts_a_glued_second_name(
    index: RegisterIndex,
) -> None:
    row = resolve(index, "evelynroselockwood", "Evelyn Roselockwood")
    assert confident(row) is None
    assert 'the display name gives another surname ("Roselockwood")' in row["evidence"]


def test_a_longer_surname_the_registers_know_is_not_a_second_given_name_and_a_surname() -> None:
    # Ward and Rosward are both surnames of the registers: "annerosward" is some Anne Rosward, not Anne Ward
    # with a second given name "Ros".
    frames = register_frames(
        PUPILS, STAFF, [*PARENTS, parent_row("PA0002", "Sarah", "Rosward", of=("P0005",))]
    )
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    assert resolve(index, "annerosward", "🌸")["person_kind"] == "unknown"
    assert resolve(index, "annemaeward", "🌸")["person_id"] == "S001"


def test_a_middle_initial_the_surname_starts_with_is_not_the_surname_stretched(index: RegisterIndex) -> None:
    row = resolve(index, "evelynllockwood", "🌸")
    assert confident(row) == ("pupil", "P0001")
    assert '"l" (a middle initial)' in row["evidence"] and "spelt differently" not in row["evidence"]


def test_a_letter_run_into_the_forename_that_makes_another_name_is_not_a_middle_initial(
    index: RegisterIndex,
) -> None:
    row = resolve(index, "annabennett", "🌸")  # Anna (the package's nickname of Ann), not Ann A.
    assert "middle initial" not in row["evidence"] and confident(row) is None


# --- decoration around a name ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "handle",
    [
        "its_evelynlockwood",
        "the_real_evelynlockwood",
        "evelynlockwoodx",
        "xx_evelynlockwood_xx",
        "itsevelynlockwood",
    ],
)
def test_words_and_letters_around_a_full_name(index: RegisterIndex, handle: str) -> None:
    row = resolve(index, handle, "🦋")
    assert confident(row) == ("pupil", "P0001")
    assert "decoration" in row["evidence"]


@pytest.mark.parametrize(
    "handle", ["its_elockwood16", "elockwood16x", "xx_elockwood_y5_xx", "the_real_elockwood_y5"]
)
def test_words_and_letters_around_an_initial_and_surname_with_an_age(
    index: RegisterIndex, handle: str
) -> None:
    assert confident(resolve(index, handle, "💜")) == ("pupil", "P0001")


def test_an_initial_and_surname_alone_stay_unread_without_a_cue(index: RegisterIndex) -> None:
    assert resolve(index, "xx_elockwood_xx", "💜")["person_kind"] == "unknown"


# --- diminutives ----------------------------------------------------------------------------------------
def test_a_diminutive_no_list_holds_made_the_english_way(index: RegisterIndex) -> None:
    row = resolve(index, "bea_h", "Beattie Harris")
    assert confident(row) == ("pupil", "P0002")
    assert "diminutive of Beatrice" in row["evidence"]


def test_a_name_of_its_own_is_not_taken_for_a_diminutive(index: RegisterIndex) -> None:
    # "Olive" is a name of its own, not Oliver made smaller.
    assert resolve(index, "x", "Olive Bennett")["person_kind"] == "unknown"


# --- staff and former pupils ----------------------------------------------------------------------------
@pytest.mark.parametrize("title", ["Mrs Ward", "Mrs Ward's Class", "MrsWardTeaches"])
def test_a_teachers_title_and_surname_as_a_youtube_channel(index: RegisterIndex, title: str) -> None:
    (row,) = resolve_identities(audience(yt_member("UCmrsward00000000000000A", title)), index).iter_rows(
        named=True
    )
    assert confident(row) == ("staff_personal", "S001")


@pytest.mark.parametrize("title", ["Mrs ap Gwyn Teaches", "Mrs ap Gwyn", "Mrs ap Gwyn's Class"])
def test_a_title_before_a_surname_of_several_words(title: str) -> None:
    frames = register_frames(
        PUPILS, [*STAFF, staff("S002", "Cerys", "ap Gwyn", role="Teaching Assistant")], PARENTS
    )
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    (row,) = resolve_identities(audience(yt_member("UCapgwyn000000000000000A", title)), index).iter_rows(
        named=True
    )
    assert confident(row) == ("staff_personal", "S002")


@pytest.mark.parametrize("handle", ["mrswarda", "MrsWardA", "mrswardx"])
def test_a_letter_after_a_title_and_surname_leaves_the_title_reading(
    index: RegisterIndex, handle: str
) -> None:
    # "a" is Anne Ward's initial, "x" decoration: either way the account is known as "Mrs Ward".
    assert confident(resolve(index, handle, "☕📚", "Tea first.")) == ("staff_personal", "S001")


def test_a_former_pupil_by_forename_initial_and_the_school_they_left(index: RegisterIndex) -> None:
    row = resolve(index, "kacpern", "Kacper N", "Meadowbank alumni ⚽")
    assert confident(row) == ("former_pupil", "P0004")
    assert 'bio says "alumni": they have left' in row["evidence"]


# --- any Unicode: read, or said to be unread ---------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "Еvеlуn Lосkwооd",  # Cyrillic look-alike letters among Latin ones: read by shape
        "ᴇᴠᴇʟʏɴ ʟᴏᴄᴋᴡᴏᴏᴅ",  # small capitals
        "🅴🆅🅴🅻🆈🅽 🅻🅾🅲🅺🆆🅾🅾🅳",  # squared letters
        "E\u200bvelyn Lockwood",  # a zero-width space inside
        "Éve\u0301lyn Lockwood",  # combining accents
    ],
)
def test_letters_however_dressed_are_read(index: RegisterIndex, name: str) -> None:
    assert confident(resolve(index, "x", name)) == ("pupil", "P0001")


def test_a_name_written_in_cyrillic_is_transliterated_and_said_so(index: RegisterIndex) -> None:
    row = resolve(index, "x", "Иван Петров")
    assert confident(row) == ("pupil", "P0003")
    assert 'read as "ivan"' in row["evidence"]


def test_letters_of_another_script_are_transliterated_and_said_not_dropped(index: RegisterIndex) -> None:
    row = resolve(index, "x", "Evelyn Lockwood 李华")
    assert row["person_id"] == "P0001"
    assert '"李华" (transliterated from Han) read as "lihua"' in row["evidence"]


# --- what the rest says: another person ----------------------------------------------------------------
@pytest.mark.parametrize(("handle", "name"), [("evelynlockwood_mum", "Sarah 💕"), ("evelynsmum", "Sarah L")])
def test_a_parent_writing_as_their_childs_mum_is_not_the_child(
    index: RegisterIndex, handle: str, name: str
) -> None:
    assert resolve(index, handle, name)["person_kind"] != "pupil"


def test_another_forename_shown_beside_an_initial_and_surname(index: RegisterIndex) -> None:
    assert resolve(index, "its_mlockwood16", "Mark Lockwood")["person_kind"] == "unknown"


def test_a_word_nothing_explains_is_said(index: RegisterIndex) -> None:
    row = resolve(index, "evelyn_lockwood_dragonslayer", "🐉")
    assert row["person_id"] == "P0001"
    assert '"dragon" (a hobby)' in row["evidence"] and '"slayer", not explained' in row["evidence"]


# --- a slip of the surname run together with the forename -----------------------------------------------
@pytest.mark.parametrize("handle", ["evelynlokcwood", "evelynlokcwood16", "EVELYNRLOKCWOOD_y5"])
def test_two_letters_of_the_surname_swapped_in_a_run_together_username(
    index: RegisterIndex, handle: str
) -> None:
    row = resolve(index, handle, "🌸")
    assert confident(row) == ("pupil", "P0001")
    assert "two neighbouring letters swapped" in row["evidence"]


def test_one_letter_of_the_surname_changed_in_a_run_together_username_names_nobody(
    index: RegisterIndex,
) -> None:
    # Run together, a changed letter is as often another surname (Smyth, Smith): only a swap is read as a slip.
    assert resolve(index, "evelynlockwaod", "🌸")["person_kind"] == "unknown"


# --- what would settle a doubtful reading ----------------------------------------------------------------
def test_a_possible_match_says_what_would_settle_it(index: RegisterIndex) -> None:
    row = resolve(index, "x", "Evelyn Lockwaod")  # one letter wrong (not two swapped): only possible
    assert 0.6 <= row["confidence"] < THRESHOLD
    assert 'to settle it: whether "Lockwaod" is Lockwood misspelt' in row["evidence"]


def test_two_people_the_profile_fits_equally_say_which_would_settle_it() -> None:
    frames = register_frames(
        [pupil("P1", "Oliver", "Brown", year="3"), pupil("P2", "Oliver", "Brown", year="5")], STAFF, PARENTS
    )
    index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)
    assert "to settle it: which of them it is" in resolve(index, "x", "Oliver Brown")["evidence"]


def test_a_name_in_another_script_that_is_nobodys_says_how_it_was_read(index: RegisterIndex) -> None:
    row = resolve(index, "x", "محمد علي")
    assert row["person_kind"] == "unknown"
    assert 'display name "محمد" (transliterated from Arabic) read as "mhmd"' in row["evidence"]


# --- held-out compositions read wrong, by what made them wrong (issue 24's make eval) ------------------------
def _index_of(pupils: list[dict[str, Any]], staff_rows: list[dict[str, Any]] = STAFF) -> RegisterIndex:
    frames = register_frames(pupils, staff_rows, PARENTS)
    return RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=SCHOOL)


def test_a_surname_initial_that_repeats_the_forenames_last_letter_is_an_initial() -> None:
    index = _index_of(
        [
            pupil("P1", "Amara", "Adeyemi", born=date(2018, 1, 1), year="4"),
            pupil("P2", "Amara", "Okafor", born=date(2018, 3, 1), year="4"),
        ]
    )
    assert confident(resolve(index, "amara_a18x", "amara a. 🔥")) == ("pupil", "P1")


def test_a_name_in_alternating_case_is_one_word_each() -> None:
    index = _index_of([pupil("P1", "Archie", "Moore", born=date(2018, 1, 1), year="3")])
    row = resolve(index, "archie_m", "aRcHiE MoRoE 🎮", "yr 3 💜")
    assert confident(row) == ("pupil", "P1")
    assert "two neighbouring letters swapped" in row["evidence"]


def test_the_school_in_a_hashtag_and_a_nickname_with_an_initial_run_together() -> None:
    index = _index_of([pupil("P1", "Emily", "Taylor", born=date(2017, 1, 1), year="4")])
    row = resolve(index, "itsemmyt", "Emmy 🦋", "#TeamMeadowbank 🎒")
    assert confident(row) == ("pupil", "P1")
    assert 'bio names the school ("meadowbank")' in row["evidence"]


def test_a_title_whose_last_letter_starts_the_surname() -> None:
    index = _index_of(PUPILS, [staff("S1", "Shanthi", "Sivapalan", role="Class Teacher, Year 1")])
    assert confident(resolve(index, "misssivapalan", "🌻", "Tea first.")) == ("staff_personal", "S1")


@pytest.mark.parametrize("handle", ["mohamedsaleh18", "its_MOTSALEH18"])
def test_a_forename_too_short_to_anchor_glued_before_the_surname(handle: str) -> None:
    index = _index_of([pupil("P1", "Mohammed", "Saleh", preferred="Mo", born=date(2018, 5, 1), year="4")])
    assert confident(resolve(index, handle, "🌸")) == ("pupil", "P1")


def test_a_comment_showing_its_handle_as_the_name_is_not_a_display_name_against_it(
    index: RegisterIndex,
) -> None:
    member = yt_member("UCcommenter00000000000001", "@its_evelyntlockwood16", relation="commenter")
    member["handle"] = "@its_evelyntlockwood16"
    (row,) = resolve_identities(audience(member), index).iter_rows(named=True)
    assert confident(row) == ("pupil", "P0001")
    assert "another surname" not in row["evidence"]
