"""Identity resolution: names folded like a person reads them, declared handles, exact names, and the guards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from checks.identity import AUDIENCE_COLUMNS, IDENTITY_COLUMNS, RegisterIndex, fold_name, resolve_identities
from checks.registers.loading import load_registers
from tests.builders.audience import audience, x_member, yt_member
from tests.builders.registers import AS_OF, pupil, register_index, staff
from tests.builders.registers import parent as parent_row
from tests.checks.registers.test_loading import write_registers

JESS_CHANNEL = "UCjessSmithChannel00000A"
BILLY_CHANNEL = "UCbillyPriceChannel0000B"
PUPILS = [
    pupil("P0001", "Jessica", "Smith", preferred="Jess", known=f"x:@Jess_Smith;youtube:{JESS_CHANNEL}"),
    pupil("P0002", "William", "Price", preferred="Billy", year="6", known="youtube:@BillyPlays"),
    pupil("P0003", "Amira", "Khan", status="left", year="6"),
    pupil("P0004", "Oliver", "Brown", year="3"),
    pupil("P0005", "Oliver", "Brown", year="5"),
    pupil("P0006", "Zoë", "O'Brien", year="2"),
]
STAFF = [
    staff("S001", "Helen", "Ward", role="Headteacher", personal="x:helenward", official="x:@TinyLaneHead"),
    staff("S002", "Tom", "Baker", preferred="Tommy"),
]
PARENTS = [parent_row("PA0001", "Karen", "Smith", of=("P0001",), known="x:karen_smith")]


@pytest.fixture(scope="module")
def index() -> RegisterIndex:
    return register_index(PUPILS, STAFF, PARENTS)


def resolve_one(index: RegisterIndex, member: dict[str, Any]) -> dict[str, Any]:
    (row,) = resolve_identities(audience(member), index).iter_rows(named=True)
    return row


# --- fold_name -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "folded"),
    [
        ("Jess SMITH", "jess smith"),
        ("Zoë", "zoe"),
        ("ZOË Ó BRÍAIN", "zoe o briain"),
        ("Zoe\u0308", "zoe"),  # the same accent written as a combining character
        ("𝐉𝐞𝐬𝐬 𝐒𝐦𝐢𝐭𝐡", "jess smith"),  # mathematical bold
        ("𝓙𝓮𝓼𝓼 𝓢𝓶𝓲𝓽𝓱", "jess smith"),  # mathematical script
        ("Ｊｅｓｓ　Ｓｍｉｔｈ", "jess smith"),  # full-width letters and space
        ("Jess 🌸✨ Smith 💕", "jess smith"),
        ("Jess Smith!!!", "jess smith"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),  # typographic apostrophe
        ("Zoë  O'Brien", "zoe obrien"),
        ("  Jess \t Smith  ", "jess smith"),
        ("jess_smith_2016", "jess smith"),
        ("", ""),
        (None, ""),
        ("🌸💕", ""),
    ],
)
def test_fold_name(shown: str | None, folded: str) -> None:
    assert fold_name(shown) == folded


def test_fold_name_makes_a_register_name_and_a_decorated_display_name_equal() -> None:
    assert fold_name("Zoë O'Brien") == fold_name("𝐙𝐨𝐞 𝐎’𝐁𝐫𝐢𝐞𝐧 🌈")


# --- declared handles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", ["x:@Jess_Smith", "x:jess_smith", "x:JESS_SMITH", "x:@jess_smith"])
@pytest.mark.parametrize("followed_as", ["Jess_Smith", "jess_smith", "JESS_SMITH"])
def test_a_declared_x_handle_is_certain_whatever_its_case_or_at_sign(declared: str, followed_as: str) -> None:
    index = register_index([pupil("P0001", "Jessica", "Smith", known=declared)])
    row = resolve_one(index, x_member("1600000000000000001", followed_as, "✨ sparkles ✨"))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", "P0001", 1.0)
    assert "pupils.csv" in row["evidence"] and "P0001" in row["evidence"]
    assert f"@{followed_as}" in row["evidence"]


def test_a_declared_youtube_channel_id_matches_the_subscriber(index: RegisterIndex) -> None:
    row = resolve_one(index, yt_member(JESS_CHANNEL, "gaming channel"))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", "P0001", 1.0)
    assert JESS_CHANNEL in row["evidence"] and "pupils.csv known_handles" in row["evidence"]


def test_a_declared_youtube_channel_id_matches_a_commenter(index: RegisterIndex) -> None:
    row = resolve_one(index, yt_member(JESS_CHANNEL, "@jessplays", relation="commenter", handle="@jessplays"))
    assert (row["person_kind"], row["person_id"]) == ("pupil", "P0001")


def test_youtube_at_handles_in_a_register_match_nothing(index: RegisterIndex) -> None:
    # P0002 declares youtube:@BillyPlays: the platforms report channel ids, so the @handle can't be matched.
    members = audience(
        yt_member(BILLY_CHANNEL, "BillyPlays"),
        yt_member(BILLY_CHANNEL, "@BillyPlays", relation="commenter", handle="@BillyPlays"),
        yt_member("UCbillyplays00000000000C", "@billyplays", relation="commenter", handle="@billyplays"),
        x_member("1600000000000000009", "BillyPlays", "BillyPlays"),
    )
    resolved = resolve_identities(members, index)
    assert resolved["person_kind"].to_list() == ["unknown"] * 4


def test_a_declared_handle_beats_a_name_that_points_elsewhere(index: RegisterIndex) -> None:
    row = resolve_one(index, x_member("1600000000000000001", "jess_smith", "Karen Smith", bio="mum of two"))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", "P0001", 1.0)


# --- names -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown", ["Jessica Smith", "JESSICA SMITH", "𝐉𝐞𝐬𝐬𝐢𝐜𝐚 𝐒𝐦𝐢𝐭𝐡 🌸", "Ｊｅｓｓｉｃａ Ｓｍｉｔｈ"]
)
def test_an_exact_name_is_a_pupil_at_0_9(index: RegisterIndex, shown: str) -> None:
    row = resolve_one(index, x_member("1600000000000000002", "sparkly_unicorn", shown))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", "P0001", 0.9)
    assert shown in row["evidence"] and "P0001" in row["evidence"]


@pytest.mark.parametrize(("shown", "pupil_id"), [("Billy Price", "P0002"), ("Jess Smith", "P0001")])
def test_preferred_name_and_surname_match(index: RegisterIndex, shown: str, pupil_id: str) -> None:
    row = resolve_one(index, x_member("1600000000000000003", "someone_else", shown))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", pupil_id, 0.9)


def test_accents_and_apostrophes_in_the_register_still_match(index: RegisterIndex) -> None:
    row = resolve_one(index, x_member("1600000000000000004", "zo_ob", "Zoe OBrien"))
    assert (row["person_kind"], row["person_id"]) == ("pupil", "P0006")


def test_a_youtube_subscriber_title_is_matched_as_a_name(index: RegisterIndex) -> None:
    row = resolve_one(index, yt_member("UCsomeoneElse000000000000", "Billy Price"))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("pupil", "P0002", 0.9)


@pytest.mark.parametrize(
    "bio", ["Proud mum of two 💕", "Dad, runner, Spurs fan", "Teacher at Tiny Lane", "Retired nurse"]
)
def test_an_adult_cue_in_the_bio_means_not_the_pupil(index: RegisterIndex, bio: str) -> None:
    row = resolve_one(index, x_member("1600000000000000005", "jsmith", "Jessica Smith", bio=bio))
    assert row["person_kind"] == "unknown"
    assert row["person_id"] is None


def test_a_surname_shared_with_a_pupil_is_not_enough_to_call_an_adult_a_pupil(index: RegisterIndex) -> None:
    row = resolve_one(index, x_member("1600000000000000006", "ksmith", "Karen Smith", bio="mum of two"))
    # The name is the parent's (0.9); her "mum of" agrees with a parent (+0.03).
    assert (row["person_kind"], row["person_id"], row["confidence"]) == ("parent", "PA0001", 0.93)
    assert 'bio says "mum of"' in row["evidence"]


@pytest.mark.parametrize(
    ("created", "kind"),
    [
        (datetime(2019, 6, 1, tzinfo=UTC), "unknown"),  # she was three
        (datetime(2021, 2, 28, 23, 0, tzinfo=UTC), "unknown"),  # the day before her fifth birthday
        (datetime(2021, 3, 1, 8, 0, tzinfo=UTC), "pupil"),  # five today
        (None, "pupil"),  # unknown account age is no evidence either way
    ],
)
def test_an_account_older_than_the_pupil_could_hold_is_not_theirs(
    index: RegisterIndex, created: datetime | None, kind: str
) -> None:
    # P0001 was born 2016-03-01.
    row = resolve_one(index, x_member("1600000000000000007", "j_s", "Jessica Smith", created=created))
    assert row["person_kind"] == kind


def test_two_pupils_with_the_same_name_are_ambiguous(index: RegisterIndex) -> None:
    # Either way a pupil follows: the finding stands (0.9), and the evidence names both for a person to check.
    row = resolve_one(index, x_member("1600000000000000008", "ollie", "Oliver Brown"))
    assert row["person_kind"] == "pupil"
    assert row["person_id"] in ("P0004", "P0005")
    assert row["confidence"] == 0.9
    assert "P0004" in row["evidence"] and "P0005" in row["evidence"]
    assert "does not say which" in row["evidence"]


# --- who else follows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "kind", "person_id", "confidence", "source"),
    [
        (
            x_member("1700000000000000001", "TinyLaneHead", "Mrs Ward"),
            "staff_official",
            "S001",
            1.0,
            "official_handles",
        ),
        (
            x_member("1700000000000000002", "HelenWard", "H"),
            "staff_personal",
            "S001",
            1.0,
            "personal_handles",
        ),
        (
            x_member("1700000000000000003", "tommy_b", "Tommy Baker"),
            "staff_personal",
            "S002",
            0.9,
            "staff S002",
        ),
        (x_member("1700000000000000004", "Karen_Smith", "K"), "parent", "PA0001", 1.0, "parents.csv"),
        (
            x_member("1700000000000000005", "amira_k", "Amira Khan"),
            "former_pupil",
            "P0003",
            0.9,
            "former pupil P0003",
        ),
    ],
)
def test_staff_parents_and_former_pupils(
    index: RegisterIndex, member: dict[str, Any], kind: str, person_id: str, confidence: float, source: str
) -> None:
    row = resolve_one(index, member)
    assert (row["person_kind"], row["person_id"], row["confidence"]) == (kind, person_id, confidence)
    assert source in row["evidence"]


def test_an_unknown_follower_is_unknown_with_no_confidence(index: RegisterIndex) -> None:
    row = resolve_one(index, x_member("1700000000000000009", "local_bakery", "Tiny Lane Bakery"))
    assert row["person_kind"] == "unknown"
    assert row["person_id"] is None
    assert row["confidence"] == 0.0
    assert row["evidence"]


def test_one_row_per_member_carrying_the_subject_through(index: RegisterIndex) -> None:
    members = audience(
        x_member("1600000000000000001", "jess_smith", "J", relation="following"),
        x_member("1700000000000000009", "local_bakery", "Tiny Lane Bakery"),
        yt_member(JESS_CHANNEL, "gaming channel"),
    )
    resolved = resolve_identities(members, index)
    assert dict(resolved.schema) == IDENTITY_COLUMNS
    assert resolved.select("platform", "relation", "subject_id", "subject_url", "as_of").rows() == (
        members.select("platform", "relation", "subject_id", "subject_url", "as_of").rows()
    )
    assert resolved["person_kind"].to_list() == ["pupil", "unknown", "pupil"]


def test_an_empty_audience_resolves_to_an_empty_frame(index: RegisterIndex) -> None:
    resolved = resolve_identities(audience(), index)
    assert resolved.is_empty() and dict(resolved.schema) == IDENTITY_COLUMNS


def test_registers_as_loaded_from_csv_resolve_the_same_way(tmp_path: Path) -> None:
    """The loader normalises handles; the index must agree with what it produces."""
    registers = load_registers(write_registers(tmp_path / "registers"))
    index = RegisterIndex(registers.pupils, registers.staff, registers.parents, AS_OF)
    members = audience(
        x_member("1600000000000000001", "JESS_SMITH", "x"),
        x_member("1600000000000000002", "carletonhead", "x"),
        x_member("1600000000000000003", "HelenWard", "x"),
        x_member("1600000000000000004", "Karen_Smith", "x"),
        yt_member("UCAbCdEfGhIjKlMnOpQrStUv", "x"),
        yt_member("UCamirak0000000000000000", "@amirak", relation="commenter", handle="@AmiraK"),
    )
    resolved = resolve_identities(members, index)
    assert resolved.select("person_kind", "person_id").rows() == [
        ("pupil", "P0001"),
        ("staff_official", "S001"),
        ("staff_personal", "S001"),
        ("parent", "PA0001"),
        ("pupil", "P0001"),
        ("unknown", None),
    ]
    assert resolved.filter(pl.col("person_kind") != "unknown")["confidence"].to_list() == [1.0] * 5


@pytest.mark.parametrize(
    ("staff_rows", "parents", "kind", "person_id"),
    [
        # A staff member who is also a parent: their personal account is still a staff personal account.
        (
            [staff("S003", "Karen", "Smith", personal="x:karen_s")],
            [parent_row("PA0001", "Karen", "Smith", known="x:@Karen_S")],
            "staff_personal",
            "S003",
        ),
        (
            [staff("S003", "Karen", "Smith", official="x:karen_s")],
            [parent_row("PA0001", "Karen", "Smith", known="x:karen_s")],
            "staff_official",
            "S003",
        ),
        ([], [parent_row("PA0001", "Karen", "Smith", known="x:jess_smith")], "pupil", "P0001"),
    ],
)
def test_a_handle_declared_twice_takes_the_most_serious_reading(
    staff_rows: list[dict[str, Any]], parents: list[dict[str, Any]], kind: str, person_id: str
) -> None:
    index = register_index([PUPILS[0]], staff_rows, parents)
    handle = "jess_smith" if kind == "pupil" else "karen_s"
    row = resolve_one(index, x_member("1800000000000000001", handle, "K"))
    assert (row["person_kind"], row["person_id"], row["confidence"]) == (kind, person_id, 1.0)


def test_the_audience_mart_is_what_resolution_declares_it_reads(con: duckdb.DuckDBPyConnection) -> None:
    """marts.fct_audience, as the checks pass reads it, has the columns and types of AUDIENCE_COLUMNS (the time zone
    of created_at is UTC under whichever name the database gives it)."""
    mart = con.execute("SELECT * FROM marts.fct_audience LIMIT 0").pl().schema
    declared = AUDIENCE_COLUMNS
    assert list(mart) == list(declared)
    for name, dtype in declared.items():
        if isinstance(dtype, pl.Datetime):
            found = mart[name]
            assert isinstance(found, pl.Datetime) and found.time_unit == dtype.time_unit
            assert found.time_zone in ("UTC", "Etc/UTC")
        else:
            assert mart[name] == dtype, name
