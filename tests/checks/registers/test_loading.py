"""Tests for the register loader: a valid set loads typed, and what would make findings wrong is refused.

Registers as schools export them (encodings, delimiters, header names, mappings) and the warnings are in
test_exports.py.
"""

from __future__ import annotations

import hashlib
import pickle
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from checks.registers.contract import HANDLE_LIST
from checks.registers.loaded import Registers
from checks.registers.loading import load_registers
from checks.registers.problems import RegisterError, RegisterProblem, RegistersRefused

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


def refused(directory: Path) -> RegistersRefused:
    with pytest.raises(RegistersRefused) as caught:
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
        "year_groups",
        "classes",
    ]
    assert registers.staff.row(0, named=True)["official_handles"] == [
        {"platform": "x", "handle": "carletonhead"}
    ]
    assert [str(warning) for warning in registers.warnings] == [
        "staff.csv line 1: columns ignored (not in the register contract): notes"
    ]
    assert registers.reading["staff.csv"]["extra_columns"] == ["notes"]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    text = "\n".join(PUPILS) + "\n"
    (directory / "pupils.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    registers = load_registers(directory)

    assert registers.pupils.columns[0] == "pupil_id"
    assert registers.pupils["pupil_id"].to_list() == ["P0001", "P0002", "P0003"]
    assert registers.reading["pupils.csv"]["encoding"] == "utf-8-sig"


def test_non_ascii_names_and_crlf_line_endings_load(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    lines = replaced(PUPILS, 2, "P0002,Zoë,Ó Briain,,2015-10-12,6,current,,granted,")
    (directory / "pupils.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))

    registers = load_registers(directory)

    assert registers.pupils.row(1, named=True)["forename"] == "Zoë"
    assert registers.pupils.row(1, named=True)["surname"] == "Ó Briain"
    assert registers.reading["pupils.csv"]["line_endings"] == "crlf"


def test_valid_registers_record_lines_reading_and_no_warnings(registers_dir: Path) -> None:
    registers = load_registers(registers_dir)

    assert registers.lines == {
        "pupils": [2, 3, 4],
        "staff": [2, 3],
        "parents": [2, 3],
        "approved_media": [2, 3, 4],
    }
    assert registers.warnings == []
    assert set(registers.reading) == {"pupils.csv", "staff.csv", "parents.csv", "approved_media.csv"}
    assert registers.reading["pupils.csv"] == {
        "encoding": "utf-8",
        "delimiter": ",",
        "line_endings": "lf",
        "date_forms": ["YYYY-MM-DD"],
        "mapping": {},
        "extra_columns": [],
        "absent_columns": [],
    }


def test_refusal_str_names_file_line_column_value_and_expected(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 2, "P0002,William,Price,,2015-13-01,6,current,,refused,")

    error = refused(write_registers(tmp_path, pupils=pupils))

    assert isinstance(error, RegisterError)
    # RegisterError's attributes describe the first problem, for code written against the single error.
    assert (error.file, error.line, error.column) == ("pupils.csv", 3, "date_of_birth")
    assert error.message == "'2015-13-01' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"
    [problem] = error.problems
    assert (problem.value, problem.message, problem.expected) == (
        "2015-13-01",
        "is not a date",
        "YYYY-MM-DD or DD/MM/YYYY",
    )
    assert str(error) == (
        "1 problem in the registers: pupils.csv line 3 column date_of_birth: "
        "'2015-13-01' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"
    )
    assert error.lines() == [
        "pupils.csv line 3 column date_of_birth: '2015-13-01' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"
    ]


def test_register_error_keeps_its_constructor_and_gains_problems() -> None:
    error = RegisterError("staff.csv", 4, "surname", "is empty")

    assert str(error) == "staff.csv line 4 column surname: is empty"
    assert error.problems == [RegisterProblem("staff.csv", 4, "surname", None, "is empty")]


def test_a_refusal_survives_pickling(tmp_path: Path) -> None:
    staff = replaced(STAFF, 2, "S002,Tom,,Tommy,Teacher,,")
    error = refused(write_registers(tmp_path, staff=staff))

    copy = pickle.loads(pickle.dumps(error))

    assert isinstance(copy, RegistersRefused)
    assert copy.problems == error.problems
    assert str(copy) == str(error)


def test_what_a_member_of_staff_teaches_is_read_when_the_export_gives_it(tmp_path: Path) -> None:
    staff = [
        "staff_id,forename,surname,role,Year Groups,classes",
        "S001,Anne,Ward,Class teacher,Year 5; 6 ; Y9Z,Oak ; 5W",
        "S002,Ben,Cole,Caretaker,,",
    ]
    registers = load_registers(write_registers(tmp_path, staff=staff))

    rows = registers.staff.sort("staff_id").to_dicts()
    assert (rows[0]["year_groups"], rows[0]["classes"]) == (["5", "6"], ["Oak", "5W"])
    assert (rows[1]["year_groups"], rows[1]["classes"]) == ([], [])
    assert any('entry 3 ("Y9Z") dropped' in warning.message for warning in registers.warnings)
    assert not any(
        "year_groups" in warning.message for warning in registers.warnings if "absent" in warning.message
    )
