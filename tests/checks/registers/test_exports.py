"""Registers as schools export them (docs/contracts/registers.md): accepted forms, column mappings, every problem listed
in one refusal, warnings for what is doubtful but usable, and the record of how each file was read."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from checks.ages import implied_year_index
from checks.registers.contract import YEAR_GROUPS
from checks.registers.loaded import Registers
from checks.registers.loading import load_and_validate_registers, load_registers
from checks.registers.problems import RegistersRefused, RegisterWarning
from checks.registers.values import (
    DATE_FORMS,
    parse_date,
    parse_year_group,
    year_group_offset,
)
from checks.validation import SuiteResult
from tests.builders.registers import pupil, register_index
from tests.checks.registers.test_loading import APPROVED_MEDIA, PARENTS, PUPILS, STAFF, write_registers

AS_OF = date(2026, 11, 16)
Loaded = tuple[Registers, list[SuiteResult]]

# A Windows-1252, semicolon-separated, CRLF export with headers as a school's MIS writes them, padded
# cells, every accepted date form and year-group spelling, leavers of any age and a planned leaving date.
EXPORTED_PUPILS = [
    "Pupil_ID;Forename;Surname;Preferred Name;Date Of Birth;Year Group;Status;Leaving-Date;Photo Consent;"
    "Known Handles;Tutor;Notes",
    " P0001 ; Zoë ; Smith ;Jess;01/03/2016;Year 6;Current;;Granted;x:@Jess_Smith;6B;owes £5",
    "P0002;Renée;Price;;2017-01-20 00:00:00;Y5;current;;refused;;5A;",
    "P0003;Amira;Khan;;10/3/2022;Reception;CURRENT;;withdrawn;;R1;",
    "P0004;Tom;Ng;;15/01/2024;N1;current;;granted;;;",
    "P0005;Ava;Lee;;01/02/2023;n2;current;;granted;;;",
    "P0006;Ben;Ode;;05/10/2020;Yr 1;current;;granted;;1A;",
    "P0007;Cara;Fox;;5/5/2019;3;current;;granted;;3A;",
    "P0008;Dev;Rao;;2022-03-10;Rec;current;;granted;;R2;",
    "P0009;Eli;Hart;;01/05/2002;Year 6;Left;19/07/2013;granted;;;",
    "P0010;Fay;Ince;;30/11/2006;Y11;left;2023-07-14;refused;;;",
    "P0011;Gus;Jay;;29/02/2004;13;left;20/07/2022 00:00;granted;;;",
    "P0012;Hal;Kim;;16/03/2016;Year 6;current;21/07/2027;granted;;6B;",
]
EXPORTED_STAFF = ["Staff_ID,Forename,Surname,Role", "S001,Helen,Ward,Headteacher", "S002,Tom,Baker,"]
EXPORTED_PARENTS = [
    "Parent ID,Forename,Surname,Pupil IDs",
    "PA0001,Karen,Smith,P0001",
    "PA0002,,Price,P0002;P0009",
]
EXPORTED_MEDIA = [
    "Approval ID,File,Platform,Post ID,Approved By,Approved On,Pupils Pictured",
    "A001,sports_day.jpg,X,,Headteacher,20/06/2025,P0001;P0002",
]


def write_export(directory: Path) -> Path:
    write_registers(directory, staff=EXPORTED_STAFF, parents=EXPORTED_PARENTS, approved_media=EXPORTED_MEDIA)
    (directory / "pupils.csv").write_bytes(("\r\n".join(EXPORTED_PUPILS) + "\r\n").encode("cp1252"))
    staff_text = "\n".join(EXPORTED_STAFF) + "\n"
    (directory / "staff.csv").write_bytes(b"\xef\xbb\xbf" + staff_text.encode("utf-8"))
    return directory


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    return load_and_validate_registers(write_export(tmp_path_factory.mktemp("export")), AS_OF)


def test_an_export_as_schools_make_them_loads(exported: Loaded) -> None:
    registers, results = exported
    pupils = registers.pupils

    assert all(not result.stops_run for result in results)
    assert pupils["pupil_id"].to_list() == [f"P{n:04d}" for n in range(1, 13)]
    assert pupils["forename"].to_list()[:2] == ["Zoë", "Renée"]
    assert pupils["year_group"].to_list() == ["6", "5", "R", "N1", "N2", "1", "3", "R", "6", "11", "13", "6"]
    assert pupils["status"].to_list() == ["current"] * 8 + ["left"] * 3 + ["current"]
    assert pupils["date_of_birth"].to_list()[:4] == [
        date(2016, 3, 1),
        date(2017, 1, 20),
        date(2022, 3, 10),
        date(2024, 1, 15),
    ]
    assert pupils["leaving_date"].to_list()[8:] == [
        date(2013, 7, 19),
        date(2023, 7, 14),
        date(2022, 7, 20),
        date(2027, 7, 21),
    ]
    assert pupils.row(0, named=True)["known_handles"] == [{"platform": "x", "handle": "jess_smith"}]
    assert registers.approved_media.row(0, named=True)["approved_on"] == date(2025, 6, 20)
    assert registers.approved_media.row(0, named=True)["platform"] == "x"
    assert registers.parents.row(1, named=True)["pupil_ids"] == ["P0002", "P0009"]
    assert registers.staff.row(1, named=True)["role"] is None


def test_leavers_of_any_age_and_a_planned_leaving_date_raise_nothing(exported: Loaded) -> None:
    registers, _ = exported

    # Only the file-level notes about columns: nothing about any pupil's dates or year group.
    assert [(warning.file, warning.line, warning.column) for warning in registers.warnings] == [
        ("pupils.csv", 1, None),
        ("staff.csv", 1, None),
        ("parents.csv", 1, None),
    ]
    assert [warning.message for warning in registers.warnings] == [
        "columns ignored (not in the register contract): Tutor, Notes",
        "optional columns absent, read as empty: preferred_name, personal_handles, official_handles",
        "optional columns absent, read as empty: known_handles",
    ]


def test_how_each_file_was_read_is_recorded(exported: Loaded) -> None:
    registers, _ = exported

    assert registers.reading["pupils.csv"] == {
        "encoding": "cp1252",
        "delimiter": ";",
        "line_endings": "crlf",
        "date_forms": list(DATE_FORMS),
        "mapping": {
            "Pupil_ID": "pupil_id",
            "Forename": "forename",
            "Surname": "surname",
            "Preferred Name": "preferred_name",
            "Date Of Birth": "date_of_birth",
            "Year Group": "year_group",
            "Status": "status",
            "Leaving-Date": "leaving_date",
            "Photo Consent": "photo_consent",
            "Known Handles": "known_handles",
        },
        "extra_columns": ["Tutor", "Notes"],
        "absent_columns": [],
    }
    staff = registers.reading["staff.csv"]
    assert (staff["encoding"], staff["delimiter"], staff["line_endings"]) == ("utf-8-sig", ",", "lf")
    assert staff["date_forms"] == []
    assert staff["absent_columns"] == ["preferred_name", "personal_handles", "official_handles"]
    assert registers.reading["approved_media.csv"]["date_forms"] == ["DD/MM/YYYY"]
    assert registers.lines["pupils"] == list(range(2, 14))


SIMS_PUPILS = [
    "UPN,Legal Forename,Legal Surname,Forename,DOB,NC Year,Enrolment Status,Date of Leaving,Photo Consent",
    "A123456789012,Jessica,Smith,Jess,01/03/2016,6,Current,,Granted",
    "B123456789012,William,Price,,12/10/2015,6,Current,,Refused",
]
SIMS_MAP = {
    "pupils": {
        "UPN": "pupil_id",
        "Legal Forename": "forename",
        "Legal Surname": "surname",
        # The export's own "Forename" is the name a child goes by: the mapping wins over the name match.
        "forename": "preferred_name",
        "dob": "date_of_birth",
        "NC_Year": "year_group",
        "Enrolment Status": "status",
        "Date of Leaving": "leaving_date",
    }
}


def test_a_school_toml_mapping_reads_a_sims_export(tmp_path: Path) -> None:
    parents = ["parent_id,forename,surname,pupil_ids,known_handles", "PA0001,Karen,Smith,A123456789012,"]
    directory = write_registers(
        tmp_path, pupils=SIMS_PUPILS, parents=parents, approved_media=APPROVED_MEDIA[:1]
    )

    registers = load_registers(directory, SIMS_MAP)

    jess = registers.pupils.row(0, named=True)
    assert (jess["pupil_id"], jess["forename"], jess["preferred_name"]) == (
        "A123456789012",
        "Jessica",
        "Jess",
    )
    assert (jess["date_of_birth"], jess["year_group"], jess["status"]) == (date(2016, 3, 1), "6", "current")
    assert registers.reading["pupils.csv"]["mapping"] == {
        "UPN": "pupil_id",
        "Legal Forename": "forename",
        "Legal Surname": "surname",
        "Forename": "preferred_name",
        "DOB": "date_of_birth",
        "NC Year": "year_group",
        "Enrolment Status": "status",
        "Date of Leaving": "leaving_date",
        "Photo Consent": "photo_consent",
    }
    assert registers.reading["pupils.csv"]["absent_columns"] == ["known_handles"]


def test_a_mapping_to_a_column_the_register_lacks_is_refused(tmp_path: Path) -> None:
    directory = write_registers(tmp_path)
    maps = {"pupils": {"DOB": "birthday"}, "pupil": {"UPN": "pupil_id"}}

    with pytest.raises(RegistersRefused) as caught:
        load_registers(directory, maps)

    assert caught.value.lines() == [
        "school.toml: 'pupil' is not a register (expected pupils, staff, parents, approved_media)",
        "pupils.csv column DOB: 'birthday' is mapped in school.toml to a column pupils.csv does not have "
        "(expected pupil_id, forename, surname, preferred_name, date_of_birth, year_group, status, "
        "leaving_date, photo_consent, known_handles)",
    ]


def test_three_problems_in_three_files_are_refused_together(tmp_path: Path) -> None:
    pupils = [
        PUPILS[0].replace("date_of_birth", "Date of Birth"),
        PUPILS[1],
        PUPILS[2],
        "P0003,Amira,Khan,,31/02/2015,6,left,2022-07-22,withdrawn,",
    ]
    staff = [*STAFF, "S001,Helena,Ward,,Teacher,,"]
    media = [
        APPROVED_MEDIA[0],
        "A001,sports_day.jpg,x,,Headteacher,2025-06-20,P0001;P0404",
        "A002,,x,,Head,,",
    ]

    with pytest.raises(RegistersRefused) as caught:
        load_registers(write_registers(tmp_path, pupils=pupils, staff=staff, approved_media=media))

    error = caught.value
    assert [(p.file, p.line, p.column, p.value) for p in error.problems] == [
        ("pupils.csv", 4, "Date of Birth", "31/02/2015"),
        ("staff.csv", 4, "staff_id", "S001"),
        ("approved_media.csv", 3, "file", None),
    ]
    assert str(error) == (
        "3 problems in the registers: "
        "pupils.csv line 4 column Date of Birth: '31/02/2015' is not a date (expected YYYY-MM-DD or DD/MM/YYYY); "
        "staff.csv line 4 column staff_id: 'S001' is a duplicate id (first on line 2) (expected each staff_id once); "
        "approved_media.csv line 3 column file: is empty, and so is post_id (expected a file, a post_id, or both)"
    )
    assert "\n" not in str(error)
    assert len(error.lines()) == 3


def test_every_bad_cell_of_one_row_is_listed(tmp_path: Path) -> None:
    pupils = replaced_pupil("P0002,William,,,2015-13-01,Year 15,active,,maybe,")

    with pytest.raises(RegistersRefused) as caught:
        load_registers(write_registers(tmp_path, pupils=pupils))

    assert [(p.line, p.column) for p in caught.value.problems] == [
        (3, "surname"),
        (3, "date_of_birth"),
        (3, "year_group"),
        (3, "status"),
        (3, "photo_consent"),
    ]


def replaced_pupil(line: str) -> list[str]:
    return [PUPILS[0], PUPILS[1], line, PUPILS[3]]


def test_loader_problems_and_blocking_suite_failures_are_refused_together(tmp_path: Path) -> None:
    pupils = [PUPILS[0], PUPILS[1], "P0002,William,Price,,2027-01-05,6,current,,refused,", PUPILS[3]]
    staff = replaced_staff("S002,Tom,Baker,Tommy,Teacher,,,oops")

    with pytest.raises(RegistersRefused) as caught:
        load_and_validate_registers(write_registers(tmp_path, pupils=pupils, staff=staff), AS_OF)

    assert caught.value.lines() == [
        "pupils.csv line 3 column date_of_birth: '2027-01-05' is a date of birth after the audit date "
        "(expected a date on or before 2026-11-16)",
        "staff.csv line 3: has 8 cells but the header has 7 columns (expected a cell holding ',' to be in quotes)",
    ]


def replaced_staff(line: str) -> list[str]:
    return [STAFF[0], STAFF[1], line]


DOUBTFUL_PUPILS = [
    PUPILS[0] + ",notes",
    "P0001,Jessica,Smith,Jess,2016-03-01,6,current,,granted,,",
    "P0002,William,Price,,2011-05-20,6,left,,refused,,",
    "P0003,Amira,Khan,,2016-05-20,6,current,2026-07-20,withdrawn,,",
    "P0004,Ola,Ade,,2016-03-01,2,current,,granted,,",
    "P0005,Kit,Ross,,2016-01-10,6,left,2027-01-01,granted,,",
    "P0006,Max,Bell,,2016-04-02,6,current,,granted,tiktok:maxb;x:@MaxBell;x:@max.bell,",
]


def test_each_doubtful_entry_is_a_warning_with_its_line(tmp_path: Path) -> None:
    parents = ["parent_id,forename,surname,pupil_ids,known_handles", "PA0001,Karen,Smith,P0001,"]
    directory = write_registers(
        tmp_path, pupils=DOUBTFUL_PUPILS, parents=parents, approved_media=APPROVED_MEDIA[:1]
    )

    registers, _ = load_and_validate_registers(directory, AS_OF)

    assert registers.pupils.height == 6
    assert registers.pupils.row(5, named=True)["known_handles"] == [{"platform": "x", "handle": "maxbell"}]
    assert [str(warning) for warning in registers.warnings] == [
        "pupils.csv line 1: columns ignored (not in the register contract): notes",
        "pupils.csv line 3 column leaving_date: pupil P0002: leaving date is empty for a leaver",
        "pupils.csv line 4 column leaving_date: pupil P0003: status is current but the leaving date is before "
        "2026-11-16: has the pupil left?",
        "pupils.csv line 5 column year_group: pupil P0004: Year 2 does not fit the date of birth: a child born "
        "then is in Year 6 on 2026-11-16 (a year either way is allowed)",
        "pupils.csv line 6 column leaving_date: pupil P0005: status is left but the leaving date is after 2026-11-16",
        "pupils.csv line 7 column known_handles: pupil P0006: handle entry 1 dropped: it names platform "
        "'tiktok' the audit does not cover (x, youtube, facebook or instagram)",
        "pupils.csv line 7 column known_handles: pupil P0006: handle entry 3 dropped: it is not an X handle "
        "(1-15 letters, digits or _)",
    ]
    warning = registers.warnings[1]
    assert isinstance(warning, RegisterWarning)
    assert warning.to_dict() == {
        "file": "pupils.csv",
        "line": 3,
        "column": "leaving_date",
        "message": "pupil P0002: leaving date is empty for a leaver",
    }
    # No names, dates of birth or handles: the register id is enough to find the row.
    text = " ".join(str(warning) for warning in registers.warnings)
    for personal in ("William", "Amira", "Khan", "2011-05-20", "2016-03-01", "maxb", "max.bell"):
        assert personal not in text


def test_a_leaver_judged_at_leaving_warns_when_the_year_does_not_fit(tmp_path: Path) -> None:
    # Born 2002, left in 2013 from Year 6 is right; the same leaver recorded as Year 9 is not.
    pupils = [PUPILS[0], "P0001,Eli,Hart,,2002-05-01,9,left,2013-07-19,granted,"]
    directory = write_registers(
        tmp_path, pupils=pupils, parents=PARENTS[:1], approved_media=APPROVED_MEDIA[:1]
    )

    registers, _ = load_and_validate_registers(directory, AS_OF)

    assert [warning.message for warning in registers.warnings] == [
        "pupil P0001: Year 9 does not fit the date of birth: a child born then was in Year 6 when leaving on "
        "2013-07-19 (a year either way is allowed)"
    ]


def test_every_failing_row_is_warned_about_not_only_the_first_five(tmp_path: Path) -> None:
    pupils = [PUPILS[0], *(f"P{n:04d},A,B,,2011-05-20,6,left,,granted," for n in range(1, 9))]
    directory = write_registers(
        tmp_path, pupils=pupils, parents=PARENTS[:1], approved_media=APPROVED_MEDIA[:1]
    )

    registers, results = load_and_validate_registers(directory, AS_OF)

    assert [warning.line for warning in registers.warnings] == list(range(2, 10))
    [pupils_result] = [result for result in results if result.suite == "pupils"]
    assert not pupils_result.success and not pupils_result.stops_run


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("R", "R"),
        ("r", "R"),
        ("Reception", "R"),
        ("Rec", "R"),
        ("YR", "R"),
        ("Year R", "R"),
        ("N1", "N1"),
        ("n2", "N2"),
        ("Nursery 1", "N1"),
        ("5", "5"),
        ("05", "5"),
        ("Year 5", "5"),
        ("year5", "5"),
        ("Y5", "5"),
        ("Yr 5", "5"),
        ("Yr5", "5"),
        ("Year 13", "13"),
        (" Y 11 ", "11"),
    ],
)
def test_year_groups_as_schools_write_them(written: str, canonical: str) -> None:
    assert parse_year_group(written) == canonical
    assert canonical in YEAR_GROUPS


@pytest.mark.parametrize(
    ("written", "day", "form"),
    [
        ("2016-03-01", date(2016, 3, 1), "YYYY-MM-DD"),
        ("01/03/2016", date(2016, 3, 1), "DD/MM/YYYY"),
        ("1/3/2016", date(2016, 3, 1), "DD/MM/YYYY"),
        ("2016-03-01 00:00:00", date(2016, 3, 1), "YYYY-MM-DD 00:00:00"),
        ("2016-03-01 00:00", date(2016, 3, 1), "YYYY-MM-DD 00:00:00"),
        ("01/03/2016 00:00", date(2016, 3, 1), "DD/MM/YYYY 00:00"),
        ("29/02/2004", date(2004, 2, 29), "DD/MM/YYYY"),
    ],
)
def test_dates_as_schools_write_them(written: str, day: date, form: str) -> None:
    assert parse_date(written) == (day, form)


def test_year_groups_are_in_school_order() -> None:
    assert ("N1", "N2", "R", *(str(n) for n in range(1, 14))) == YEAR_GROUPS


def test_the_suite_reckons_year_groups_as_the_warnings_do() -> None:
    births = [date(2001, 9, 1) + timedelta(days=step) for step in range(0, 8000, 97)]
    judged = [date(2026, 8, 31), date(2026, 9, 1), AS_OF]
    rows = [(born, on) for born in births for on in judged]
    frame = pl.DataFrame(
        {
            "date_of_birth": [born for born, _ in rows],
            "year_group": ["R"] * len(rows),
            "status": ["left"] * len(rows),
            "leaving_date": [on for _, on in rows],
        }
    )

    offsets = frame.select(year_group_offset(AS_OF).alias("offset"))["offset"].to_list()

    assert offsets == [implied_year_index(born, on) for born, on in rows]
    assert implied_year_index(date(2016, 3, 1), AS_OF) == 6
    assert implied_year_index(date(2016, 8, 31), AS_OF) == 6
    assert implied_year_index(date(2016, 9, 1), AS_OF) == 5


def test_nursery_pupils_index_for_identity_resolution() -> None:
    index = register_index(
        [
            pupil("P0001", "Tom", "Ng", born=date(2023, 1, 15), year="N1"),
            pupil("P0002", "Ava", "Lee", born=date(2022, 2, 1), year="N2"),
            pupil("P0003", "Amira", "Khan", born=date(2021, 3, 10), year="R"),
        ]
    )

    people = {person.person_id: person for persons in index.by_surname.values() for person in persons}
    # The summer each leaves primary school: Reception seven summers on, each nursery year one more.
    assert {pid: people[pid].class_of for pid in ("P0001", "P0002", "P0003")} == {
        "P0001": 2035,
        "P0002": 2034,
        "P0003": 2033,
    }
