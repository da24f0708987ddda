"""Tests for the strict register loader: a valid set loads typed, and every malformed register is refused."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from checks.registers import HANDLE_LIST, RegisterError, Registers, load_registers

PUPILS = [
    "pupil_id,forename,surname,preferred_name,date_of_birth,year_group,status,leaving_date,photo_consent,known_handles",
    "P0001,Jessica,Smith,Jess,2016-03-01,5,current,,granted,x:@Jess_Smith;youtube:UCAbCdEfGhIjKlMnOpQrStUv",
    "P0002,William,Price,Billy,2015-10-12,6,current,,refused,",
    "P0003,Amira,Khan,,2011-05-20,6,left,2022-07-22,withdrawn,youtube:@AmiraK",
]
STAFF = [
    "staff_id,forename,surname,preferred_name,role,personal_handles,official_handles",
    "S001,Helen,Ward,,Headteacher,x:helenward,x:@CarletonHead",
    "S002,Tom,Baker,Tommy,Teacher,,",
]
PARENTS = [
    "parent_id,forename,surname,pupil_ids,known_handles",
    "PA0001,Karen,Smith,P0001,x:karen_smith",
    "PA0002,,Price,P0002;P0003,",
]
APPROVED_MEDIA = [
    "approval_id,file,platform,post_id,approved_by,approved_on,pupils_pictured",
    "A001,sports_day.jpg,x,,Headteacher,2025-06-20,P0001;P0002",
    "A002,,youtube,dQw4w9WgXcQ,Headteacher,2025-07-01,",
    "A003,sports_day.jpg,website,,Headteacher,2025-06-20,",
]
IMAGE_BYTES = b"\xff\xd8\xff\xe0 not really a jpeg"


def write_registers(
    directory: Path,
    *,
    pupils: list[str] = PUPILS,
    staff: list[str] = STAFF,
    parents: list[str] = PARENTS,
    approved_media: list[str] = APPROVED_MEDIA,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "approved_media").mkdir(exist_ok=True)
    (directory / "approved_media" / "sports_day.jpg").write_bytes(IMAGE_BYTES)
    for name, lines in (
        ("pupils.csv", pupils),
        ("staff.csv", staff),
        ("parents.csv", parents),
        ("approved_media.csv", approved_media),
    ):
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def replaced(lines: list[str], index: int, line: str) -> list[str]:
    return [*lines[:index], line, *lines[index + 1 :]]


def refused(directory: Path) -> RegisterError:
    with pytest.raises(RegisterError) as caught:
        load_registers(directory)
    return caught.value


@pytest.fixture
def registers_dir(tmp_path: Path) -> Path:
    return write_registers(tmp_path / "registers")


def test_valid_registers_load_typed(registers_dir: Path) -> None:
    registers = load_registers(registers_dir)

    assert isinstance(registers, Registers)
    assert registers.pupils.schema["date_of_birth"] == pl.Date
    assert registers.pupils.schema["leaving_date"] == pl.Date
    assert registers.pupils.schema["year_group"] == pl.String
    assert registers.pupils.schema["known_handles"] == HANDLE_LIST
    assert registers.staff.schema["personal_handles"] == HANDLE_LIST
    assert registers.parents.schema["pupil_ids"] == pl.List(pl.String)
    assert registers.approved_media.schema["approved_on"] == pl.Date
    assert registers.approved_media.schema["pupils_pictured"] == pl.List(pl.String)
    assert registers.pupils.height == 3
    assert registers.staff.height == 2
    assert registers.parents.height == 2
    assert registers.approved_media.height == 3

    jess = registers.pupils.row(0, named=True)
    assert jess["date_of_birth"] == date(2016, 3, 1)
    assert jess["leaving_date"] is None
    assert jess["known_handles"] == [
        {"platform": "x", "handle": "jess_smith"},
        {"platform": "youtube", "handle": "UCAbCdEfGhIjKlMnOpQrStUv"},
    ]
    amira = registers.pupils.row(2, named=True)
    assert amira["status"] == "left"
    assert amira["leaving_date"] == date(2022, 7, 22)
    assert amira["preferred_name"] is None
    assert amira["known_handles"] == [{"platform": "youtube", "handle": "@amirak"}]
    assert registers.pupils.row(1, named=True)["known_handles"] == []

    assert registers.staff.row(0, named=True)["official_handles"] == [
        {"platform": "x", "handle": "carletonhead"}
    ]
    assert registers.parents.row(1, named=True)["pupil_ids"] == ["P0002", "P0003"]
    assert registers.parents.row(1, named=True)["forename"] is None
    media = registers.approved_media
    assert media["platform"].to_list() == ["x", "youtube", "website"]
    assert media.row(1, named=True)["file"] is None
    assert media.row(1, named=True)["post_id"] == "dQw4w9WgXcQ"


def test_files_records_sha256_of_every_file_read(registers_dir: Path) -> None:
    registers = load_registers(registers_dir)

    expected_csv = hashlib.sha256((registers_dir / "pupils.csv").read_bytes()).hexdigest()
    assert registers.files["pupils.csv"] == expected_csv
    assert set(registers.files) == {
        "pupils.csv",
        "staff.csv",
        "parents.csv",
        "approved_media.csv",
        "approved_media/sports_day.jpg",
    }
    assert registers.files["approved_media/sports_day.jpg"] == hashlib.sha256(IMAGE_BYTES).hexdigest()


def test_extra_columns_and_reordered_columns_are_accepted(tmp_path: Path) -> None:
    staff = [
        "official_handles,staff_id,notes,forename,surname,preferred_name,role,personal_handles",
        "x:CarletonHead,S001,ignore me,Helen,Ward,,Headteacher,",
    ]
    registers = load_registers(write_registers(tmp_path, staff=staff))

    assert registers.staff.columns == [
        "staff_id",
        "forename",
        "surname",
        "preferred_name",
        "role",
        "personal_handles",
        "official_handles",
    ]
    assert registers.staff.row(0, named=True)["official_handles"] == [
        {"platform": "x", "handle": "carletonhead"}
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    text = "\n".join(PUPILS) + "\n"
    (directory / "pupils.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    registers = load_registers(directory)

    assert registers.pupils.columns[0] == "pupil_id"
    assert registers.pupils["pupil_id"].to_list() == ["P0001", "P0002", "P0003"]


def test_non_ascii_names_and_crlf_line_endings_load(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    lines = replaced(PUPILS, 2, "P0002,Zoë,Ó Briain,,2015-10-12,6,current,,granted,")
    (directory / "pupils.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))

    registers = load_registers(directory)

    assert registers.pupils.row(1, named=True)["forename"] == "Zoë"
    assert registers.pupils.row(1, named=True)["surname"] == "Ó Briain"


def test_error_str_names_file_line_and_column(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 2, "P0002,William,Price,,2015-13-01,6,current,,refused,")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 3, "date_of_birth")
    assert str(error) == "pupils.csv line 3 column date_of_birth: '2015-13-01' is not a date (YYYY-MM-DD)"


@pytest.mark.parametrize("bad_date", ["2015-02-30", "12/10/2015", "2015-1-5", "2015-10-12T00:00"])
def test_unreal_or_misformatted_date_is_refused(tmp_path: Path, bad_date: str) -> None:
    pupils = replaced(PUPILS, 3, f"P0003,Amira,Khan,,2011-05-20,6,left,{bad_date},withdrawn,")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 4, "leaving_date")
    assert error.message == f"{bad_date!r} is not a date (YYYY-MM-DD)"


def test_approved_on_must_be_a_date(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,,youtube,dQw4w9WgXcQ,Headteacher,1 July 2025,")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 3, "approved_on")


def test_unknown_status_is_refused(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2016-03-01,5,active,,granted,")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 2, "status")
    assert error.message == "'active' is not one of current, left"


def test_unknown_photo_consent_and_year_group_are_refused(tmp_path: Path) -> None:
    consent = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2016-03-01,5,current,,yes,")
    error = refused(write_registers(tmp_path / "consent", pupils=consent))
    assert (error.line, error.column) == (2, "photo_consent")
    assert error.message == "'yes' is not one of granted, refused, withdrawn"

    year = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2016-03-01,Y5,current,,granted,")
    error = refused(write_registers(tmp_path / "year", pupils=year))
    assert (error.line, error.column) == (2, "year_group")
    assert error.message.startswith("'Y5' is not one of R, 1, 2,")


def test_enum_values_are_case_insensitive_and_normalised(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2019-03-01,r,Current,,GRANTED,")

    row = load_registers(write_registers(tmp_path, pupils=pupils)).pupils.row(0, named=True)

    assert (row["year_group"], row["status"], row["photo_consent"]) == ("R", "current", "granted")


def test_leaving_date_is_required_when_status_is_left(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 3, "P0003,Amira,Khan,,2011-05-20,6,left,,withdrawn,")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 4, "leaving_date")
    assert error.message == "is empty; a date (YYYY-MM-DD) is required when status is left"


def test_empty_required_cell_is_refused(tmp_path: Path) -> None:
    staff = replaced(STAFF, 2, "S002,Tom,,Tommy,Teacher,,")

    error = refused(write_registers(tmp_path, staff=staff))

    assert (error.file, error.line, error.column) == ("staff.csv", 3, "surname")
    assert error.message == "is empty; a value is required"


def test_duplicate_id_is_refused_on_its_second_line(tmp_path: Path) -> None:
    pupils = [*PUPILS, "P0002,Will,Price,,2015-10-12,6,current,,refused,"]

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 5, "pupil_id")
    assert error.message == "duplicate id 'P0002' (first on line 3)"


def test_missing_header_column_is_refused(tmp_path: Path) -> None:
    parents = ["parent_id,forename,pupil_ids,known_handles", "PA0001,Karen,P0001,"]

    error = refused(write_registers(tmp_path, parents=parents))

    assert (error.file, error.line, error.column) == ("parents.csv", 1, "surname")
    assert error.message.startswith(
        "is missing from the header; expected columns parent_id, forename, surname"
    )


def test_duplicated_header_column_is_refused(tmp_path: Path) -> None:
    parents = [
        "parent_id,forename,surname,surname,pupil_ids,known_handles",
        "PA0001,Karen,Smith,Smith,P0001,",
    ]

    error = refused(write_registers(tmp_path, parents=parents))

    assert (error.file, error.line, error.column) == ("parents.csv", 1, "surname")
    assert error.message == "appears twice in the header"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "staff.csv").write_bytes(b"")

    error = refused(directory)

    assert (error.file, error.line) == ("staff.csv", 1)
    assert error.message.startswith("has no header row")


@pytest.mark.parametrize(
    ("row", "cells"),
    [("S002,Tom,Baker,Tommy,Teacher,", 6), ("S002,Tom,Baker,Tommy,Teacher,,,extra", 8)],
)
def test_ragged_row_is_refused(tmp_path: Path, row: str, cells: int) -> None:
    staff = replaced(STAFF, 2, row)

    error = refused(write_registers(tmp_path, staff=staff))

    assert (error.file, error.line, error.column) == ("staff.csv", 3, None)
    assert error.message == f"has {cells} cells but the header has 7 columns"
    assert str(error) == f"staff.csv line 3: has {cells} cells but the header has 7 columns"


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path: Path) -> None:
    # A quoted cell spanning two lines, then a blank line: the bad row is physically on line 6.
    pupils = [
        PUPILS[0],
        'P0001,Jessica,Smith,"Jess\nJessie",2016-03-01,5,current,,granted,',
        "",
        PUPILS[2],
        "P0003,Amira,Khan,,2011-05-20,6,left,2022-07-22,maybe,",
    ]

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.line, error.column) == (6, "photo_consent")


def test_unterminated_quote_is_refused(tmp_path: Path) -> None:
    staff = [*STAFF, 'S003,"Ann,Lee,,Teacher,,']

    error = refused(write_registers(tmp_path, staff=staff))

    assert error.file == "staff.csv"
    assert error.line == 4
    assert error.message.startswith("is not valid CSV")


def test_unknown_pupil_id_in_parents_is_refused(tmp_path: Path) -> None:
    parents = replaced(PARENTS, 2, "PA0002,,Price,P0002;P0099,")

    error = refused(write_registers(tmp_path, parents=parents))

    assert (error.file, error.line, error.column) == ("parents.csv", 3, "pupil_ids")
    assert error.message == "'P0099' is not a pupil_id in pupils.csv"


def test_unknown_pupil_pictured_in_approval_is_refused(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 1, "A001,sports_day.jpg,x,,Headteacher,2025-06-20,P0001;P0404")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 2, "pupils_pictured")
    assert error.message == "'P0404' is not a pupil_id in pupils.csv"


@pytest.mark.parametrize(
    "file_name", ["../pupils.csv", "/etc/passwd", "sub/sports_day.jpg", "..\\pupils.csv", "..", "."]
)
def test_approved_media_file_must_be_a_plain_name(tmp_path: Path, file_name: str) -> None:
    media = replaced(APPROVED_MEDIA, 1, f"A001,{file_name},x,,Headteacher,2025-06-20,")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 2, "file")
    assert error.message == f"{file_name!r} is not a plain file name inside approved_media/"


def test_approved_media_file_must_exist(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,nativity.jpg,youtube,,Headteacher,2025-07-01,")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 3, "file")
    assert error.message == "'nativity.jpg' is not a file in approved_media/"


def test_approved_media_file_may_not_link_outside_its_folder(tmp_path: Path) -> None:
    directory = write_registers(tmp_path / "registers")
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"outside")
    (directory / "approved_media" / "linked.jpg").symlink_to(secret)
    media = replaced(APPROVED_MEDIA, 1, "A001,linked.jpg,x,,Headteacher,2025-06-20,")
    write_registers(directory, approved_media=media)

    error = refused(directory)

    assert (error.line, error.column) == (2, "file")
    assert "outside approved_media/" in error.message


def test_approval_needs_a_file_or_a_post_id(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,,youtube,,Headteacher,2025-07-01,")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 3, "file")
    assert error.message == "an approval needs a file, a post_id, or both; both are empty"


@pytest.mark.parametrize(
    ("handles", "message"),
    [
        ("jess_smith", "'jess_smith' is not a platform:handle pair (e.g. x:@jess_smith)"),
        ("instagram:jess", "'instagram:jess' names platform 'instagram'; expected one of x, youtube"),
        ("x:", "'x:' has no handle after x:"),
        ("x:@jess.smith", "'x:@jess.smith': an X handle is 1-15 letters, digits or _"),
        (
            "youtube:jess",
            "'youtube:jess': a YouTube entry is a channel id (UC + 22 characters) or an @handle",
        ),
    ],
)
def test_bad_handle_pair_is_refused(tmp_path: Path, handles: str, message: str) -> None:
    pupils = replaced(PUPILS, 2, f"P0002,William,Price,,2015-10-12,6,current,,refused,x:billy;{handles}")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert (error.file, error.line, error.column) == ("pupils.csv", 3, "known_handles")
    assert error.message == message


def test_handles_are_normalised(tmp_path: Path) -> None:
    staff = replaced(
        STAFF,
        2,
        "S002,Tom,Baker,,Teacher, X:@TomBaker ; youtube:@Tom.Baker ;YouTube:UCzzzzzzzzzzzzzzzzzzzzZZ;,",
    )

    row = load_registers(write_registers(tmp_path, staff=staff)).staff.row(1, named=True)

    assert row["personal_handles"] == [
        {"platform": "x", "handle": "tombaker"},
        {"platform": "youtube", "handle": "@tom.baker"},
        {"platform": "youtube", "handle": "UCzzzzzzzzzzzzzzzzzzzzZZ"},
    ]


def test_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    lines = replaced(PUPILS, 2, "P0002,Zoë,Price,,2015-10-12,6,current,,refused,")
    (directory / "pupils.csv").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))

    error = refused(directory)

    assert (error.file, error.line, error.column) == ("pupils.csv", 3, "forename")
    assert error.message == "is not UTF-8 (byte 0xEB); save the file as UTF-8 CSV"


def test_missing_register_file_is_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "parents.csv").unlink()

    error = refused(directory)

    assert (error.file, error.line, error.column) == ("parents.csv", None, None)
    assert str(error).startswith("parents.csv: missing: there is no parents.csv in ")


def test_a_late_error_returns_nothing_partial(tmp_path: Path) -> None:
    # The last file is bad: the earlier, valid registers must not leak out through any return value.
    media = replaced(APPROVED_MEDIA, 3, "A003,sports_day.jpg,,,Headteacher,2025-06-20,")

    error = refused(write_registers(tmp_path, approved_media=media))

    assert (error.file, error.line, error.column) == ("approved_media.csv", 4, "platform")
