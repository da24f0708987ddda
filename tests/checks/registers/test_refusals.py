"""What the register loader refuses (docs/contracts/registers.md: only what would make findings wrong), each problem
with its file, spreadsheet line, column as written, value and what was expected; and what it now accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.registers.loading import load_registers
from checks.registers.problems import RegisterProblem, RegistersRefused
from tests.checks.registers.test_loading import (
    APPROVED_MEDIA,
    PARENTS,
    PUPILS,
    STAFF,
    replaced,
    write_registers,
)


def refused(directory: Path) -> RegistersRefused:
    with pytest.raises(RegistersRefused) as caught:
        load_registers(directory)
    return caught.value


def only_problem(directory: Path) -> RegisterProblem:
    """The one problem a register set was refused for; its place and words."""
    error = refused(directory)
    assert len(error.problems) == 1, error.lines()
    return error.problems[0]


def place(problem: RegisterProblem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.line, problem.column


@pytest.mark.parametrize(
    "bad_date",
    [
        "2015-02-30",
        "31/02/2015",
        "2015-1-5",
        "2015-10-12T00:00",
        "12/10/15",
        "2015-10-12 13:45:00",
        "July 2022",
    ],
)
def test_unreal_or_misformatted_date_is_refused(tmp_path: Path, bad_date: str) -> None:
    pupils = replaced(PUPILS, 3, f"P0003,Amira,Khan,,2011-05-20,6,left,{bad_date},withdrawn,")

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 4, "leaving_date")
    assert problem.describe() == f"{bad_date!r} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"


def test_a_us_month_first_date_is_refused_with_the_reason(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,Jess,03/25/2016,5,current,,granted,")

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 2, "date_of_birth")
    assert problem.message == "is not a date (it reads as month first, as US exports write it)"
    assert problem.expected == "DD/MM/YYYY"


def test_approved_on_must_be_a_date(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,,youtube,dQw4w9WgXcQ,Headteacher,1 July 2025,")

    problem = only_problem(write_registers(tmp_path, approved_media=media))

    assert place(problem) == ("approved_media.csv", 3, "approved_on")
    assert problem.value == "1 July 2025"


def test_unknown_status_is_refused(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2016-03-01,5,active,,granted,")

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 2, "status")
    assert problem.describe() == "'active' is not a status (expected current or left)"


@pytest.mark.parametrize("year", ["5B", "Year 14", "0", "Nursery", "Y", "Sixth form"])
def test_unknown_year_group_is_refused(tmp_path: Path, year: str) -> None:
    pupils = replaced(PUPILS, 1, f"P0001,Jessica,Smith,,2016-03-01,{year},current,,granted,")

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 2, "year_group")
    assert (problem.value, problem.message) == (year, "is not a year group")
    assert problem.expected is not None and problem.expected.startswith("N1, N2, R, 1..13")


def test_unknown_photo_consent_is_refused(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2016-03-01,5,current,,yes,")

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 2, "photo_consent")
    assert problem.describe() == "'yes' is not a photo consent (expected granted or refused or withdrawn)"


def test_enum_values_are_case_insensitive_and_normalised(tmp_path: Path) -> None:
    pupils = replaced(PUPILS, 1, "P0001,Jessica,Smith,,2019-03-01,r,Current,,GRANTED,")

    row = load_registers(write_registers(tmp_path, pupils=pupils)).pupils.row(0, named=True)

    assert (row["year_group"], row["status"], row["photo_consent"]) == ("R", "current", "granted")


def test_a_leaver_without_a_leaving_date_loads(tmp_path: Path) -> None:
    # Changed contract (issue 9): refused before, now a warning raised by the suites against the audit date
    # (test_exports.py), because the former-pupil rules can still use the row.
    pupils = replaced(PUPILS, 3, "P0003,Amira,Khan,,2011-05-20,6,left,,withdrawn,")

    registers = load_registers(write_registers(tmp_path, pupils=pupils))

    assert registers.pupils.row(2, named=True)["leaving_date"] is None


def test_empty_required_cell_is_refused(tmp_path: Path) -> None:
    staff = replaced(STAFF, 2, "S002,Tom,,Tommy,Teacher,,")

    problem = only_problem(write_registers(tmp_path, staff=staff))

    assert place(problem) == ("staff.csv", 3, "surname")
    assert problem.describe() == "is empty (expected a value: surname is required)"


def test_duplicate_id_is_refused_on_its_second_line(tmp_path: Path) -> None:
    pupils = [*PUPILS, "P0002,Will,Price,,2015-10-12,6,current,,refused,"]

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert place(problem) == ("pupils.csv", 5, "pupil_id")
    assert problem.describe() == "'P0002' is a duplicate id (first on line 3) (expected each pupil_id once)"


def test_missing_required_header_column_is_refused(tmp_path: Path) -> None:
    parents = ["parent_id,forename,pupil_ids,known_handles", "PA0001,Karen,P0001,"]

    problem = only_problem(write_registers(tmp_path, parents=parents))

    assert place(problem) == ("parents.csv", 1, "surname")
    assert problem.message == "is missing from the header"
    assert problem.expected is not None and problem.expected.startswith(
        "the required columns parent_id, surname"
    )


def test_duplicated_header_column_is_refused(tmp_path: Path) -> None:
    parents = [
        "parent_id,forename,surname,Surname,pupil_ids,known_handles",
        "PA0001,Karen,Smith,Smith,P0001,",
    ]

    problem = only_problem(write_registers(tmp_path, parents=parents))

    assert place(problem) == ("parents.csv", 1, "Surname")
    assert problem.message == "is a second surname column in the header (the first is 'surname')"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "staff.csv").write_bytes(b"")

    problem = only_problem(directory)

    assert (problem.file, problem.line) == ("staff.csv", 1)
    assert problem.message == "has no header row"


def test_a_short_row_reads_its_missing_trailing_cells_as_empty(tmp_path: Path) -> None:
    # Changed contract (issue 9): Excel leaves trailing empty cells out of some rows; that is not damage.
    staff = replaced(STAFF, 2, "S002,Tom,Baker,Tommy,Teacher,")

    row = load_registers(write_registers(tmp_path, staff=staff)).staff.row(1, named=True)

    assert (row["role"], row["personal_handles"], row["official_handles"]) == ("Teacher", [], [])


def test_trailing_empty_cells_beyond_the_header_are_harmless(tmp_path: Path) -> None:
    staff = replaced(STAFF, 2, "S002,Tom,Baker,Tommy,Teacher,,,,")

    assert load_registers(write_registers(tmp_path, staff=staff)).staff.height == 2


def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    # An unquoted comma shifts every later cell one column along.
    staff = replaced(STAFF, 2, "S002,Tom,Baker,Tommy,Teacher,,,extra")

    problem = only_problem(write_registers(tmp_path, staff=staff))

    assert place(problem) == ("staff.csv", 3, None)
    assert str(problem) == (
        "staff.csv line 3: has 8 cells but the header has 7 columns (expected a cell holding ',' to be in quotes)"
    )


def test_lines_count_as_a_spreadsheet_does(tmp_path: Path) -> None:
    # Changed contract (issue 9): lines are spreadsheet rows, not physical lines. A quoted cell spanning two
    # lines is one row and a blank line is a row of its own, so the bad row is row 5 (physical line 6).
    pupils = [
        PUPILS[0],
        'P0001,Jessica,Smith,"Jess\nJessie",2016-03-01,5,current,,granted,',
        "",
        PUPILS[2],
        "P0003,Amira,Khan,,2011-05-20,6,left,2022-07-22,maybe,",
    ]

    problem = only_problem(write_registers(tmp_path, pupils=pupils))

    assert (problem.line, problem.column) == (5, "photo_consent")


def test_unterminated_quote_is_refused(tmp_path: Path) -> None:
    staff = [*STAFF, 'S003,"Ann,Lee,,Teacher,,']

    problem = only_problem(write_registers(tmp_path, staff=staff))

    assert (problem.file, problem.line) == ("staff.csv", 4)
    assert problem.message.startswith("is not valid CSV")


def test_unknown_pupil_id_in_parents_is_a_warning_and_kept(tmp_path: Path) -> None:
    # An export cut to some year groups leaves parents naming pupils it omits: doubtful, not wrong.
    parents = replaced(PARENTS, 2, "PA0002,,Price,P0002;P0099,")

    registers = load_registers(write_registers(tmp_path, parents=parents))

    (warning,) = [w for w in registers.warnings if w.file == "parents.csv"]
    assert (warning.line, warning.column) == (3, "pupil_ids") and "P0099" in warning.message
    assert registers.parents.row(1, named=True)["pupil_ids"] == ["P0002", "P0099"]


def test_unknown_pupil_pictured_in_approval_is_a_warning_and_kept(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 1, "A001,sports_day.jpg,x,,Headteacher,2025-06-20,P0001;P0404")

    registers = load_registers(write_registers(tmp_path, approved_media=media))

    (warning,) = [w for w in registers.warnings if w.file == "approved_media.csv"]
    assert (warning.line, warning.column) == (2, "pupils_pictured") and "P0404" in warning.message
    assert registers.approved_media.row(0, named=True)["pupils_pictured"] == ["P0001", "P0404"]


def test_references_are_not_checked_when_the_pupils_register_is_unreadable(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "pupils.csv").unlink()

    problem = only_problem(directory)

    assert (problem.file, problem.line, problem.column) == ("pupils.csv", None, None)


@pytest.mark.parametrize(
    "file_name", ["../pupils.csv", "/etc/passwd", "sub/sports_day.jpg", "..\\pupils.csv", "..", "."]
)
def test_approved_media_file_must_be_a_plain_name(tmp_path: Path, file_name: str) -> None:
    media = replaced(APPROVED_MEDIA, 1, f"A001,{file_name},x,,Headteacher,2025-06-20,")

    problem = only_problem(write_registers(tmp_path, approved_media=media))

    assert place(problem) == ("approved_media.csv", 2, "file")
    assert problem.describe() == f"{file_name!r} is not a plain file name inside approved_media/"


def test_approved_media_file_must_exist(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,nativity.jpg,youtube,,Headteacher,2025-07-01,")

    problem = only_problem(write_registers(tmp_path, approved_media=media))

    assert place(problem) == ("approved_media.csv", 3, "file")
    assert problem.describe() == "'nativity.jpg' is not a file in approved_media/"


def test_approved_media_file_may_not_link_outside_its_folder(tmp_path: Path) -> None:
    directory = write_registers(tmp_path / "registers")
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"outside")
    (directory / "approved_media" / "linked.jpg").symlink_to(secret)
    media = replaced(APPROVED_MEDIA, 1, "A001,linked.jpg,x,,Headteacher,2025-06-20,")
    write_registers(directory, approved_media=media)

    problem = only_problem(directory)

    assert (problem.line, problem.column) == (2, "file")
    assert "outside approved_media/" in problem.message


def test_approval_needs_a_file_or_a_post_id(tmp_path: Path) -> None:
    media = replaced(APPROVED_MEDIA, 2, "A002,,youtube,,Headteacher,2025-07-01,")

    problem = only_problem(write_registers(tmp_path, approved_media=media))

    assert place(problem) == ("approved_media.csv", 3, "file")
    assert problem.describe() == "is empty, and so is post_id (expected a file, a post_id, or both)"


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


def test_a_file_mixing_utf8_and_windows_1252_is_refused(tmp_path: Path) -> None:
    # Read either way, some names would come out garbled, and garbled names match nobody.
    directory = write_registers(tmp_path)
    lines = [
        PUPILS[0].encode(),
        "P0001,Zoë,Smith,,2016-03-01,5,current,,granted,".encode(),
        "P0002,Zoë,Price,,2015-10-12,6,current,,refused,".encode("cp1252"),
    ]
    (directory / "pupils.csv").write_bytes(b"\n".join(lines) + b"\n")

    problem = only_problem(directory)

    assert (problem.file, problem.line) == ("pupils.csv", 2)
    assert problem.message == "mixes UTF-8 text with bytes that are not UTF-8 (byte 0xEB on line 3)"


def test_utf16_is_refused_with_the_format_to_save_as(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "staff.csv").write_bytes(("\n".join(STAFF) + "\n").encode("utf-16"))

    problem = only_problem(directory)

    assert problem.file == "staff.csv"
    assert problem.message == "is UTF-16 text"


def test_missing_register_file_is_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    (directory / "parents.csv").unlink()

    error = refused(directory)

    assert (error.file, error.line, error.column) == ("parents.csv", None, None)
    assert str(error).startswith(
        "1 problem in the registers: parents.csv: is missing: there is no parents.csv or parents.xlsx in "
    )


def test_a_late_error_returns_nothing_partial(tmp_path: Path) -> None:
    # The last file is bad: the earlier, valid registers must not leak out through any return value.
    media = replaced(APPROVED_MEDIA, 3, "A003,sports_day.jpg,,,Headteacher,2025-06-20,")

    problem = only_problem(write_registers(tmp_path, approved_media=media))

    assert place(problem) == ("approved_media.csv", 4, "platform")
