"""The great-expectations suites over the registers, and their failures as a person reads them.

A suite blocks when an entry would make findings about children wrong in ways nobody would see (a missing or
duplicated id, an unknown status, a date of birth in the future). What is doubtful but usable (a date of birth that
does not fit the year group, a leaver without a leaving date) is reported without blocking.

`checks.registers.loading` hands these suites to the engine (`checks.validation`). A failed blocking expectation
becomes a refusal and a failed non-blocking one a warning, one per row: GX gives row positions of the frames,
`Registers.lines` turns them into the spreadsheet lines of the files, and the row's register id names it in a
warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from checks.ages import implied_year_index
from checks.registers.contract import (
    PHOTO_CONSENTS,
    PUPIL_STATUSES,
    REGISTER_SPECS,
    YEAR_GROUPS,
    RegisterSpec,
)
from checks.registers.loaded import Registers
from checks.registers.problems import RegisterProblem, RegisterWarning
from checks.registers.values import YEAR_GROUP_INDEX, year_group_name, year_group_offset
from checks.validation import (
    Check,
    Derived,
    SuiteResult,
    SuiteSpec,
    as_timestamp,
    between,
    identity_checks,
    one_of,
    present,
)

Row = dict[str, Any]


def _pupils_suite(as_of: date) -> SuiteSpec:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    today = as_timestamp(as_of)
    return SuiteSpec(
        kind="register",
        checks=[
            *identity_checks("pupil_id"),
            present("forename", blocking=True),
            present("surname", blocking=True),
            one_of("year_group", list(YEAR_GROUPS), blocking=True),
            one_of("status", list(PUPIL_STATUSES), blocking=True),
            one_of("photo_consent", list(PHOTO_CONSENTS), blocking=True),
            present("date_of_birth", blocking=True),
            between("date_of_birth", high=today, blocking=True, name="date_of_birth_not_in_future"),
            # Leavers of any age stay on the register (the former-pupil rules need them), so age is
            # judged against the year group, generously: a child held back or moved up a year is real.
            between(
                "year_group_offset", low=-1, high=1, blocking=False, name="date_of_birth_fits_year_group"
            ),
            Check(
                gxe.ExpectColumnValuesToNotBeNull(
                    column="leaving_date", row_condition=Column("status") == "left"
                ),
                blocking=False,
                name="leaver_has_leaving_date",
            ),
            # A current pupil may carry a planned leaving date; one already past means a missed leaver.
            between(
                "leaving_date",
                low=today,
                status="current",
                blocking=False,
                name="current_pupil_leaving_date_not_past",
            ),
            between(
                "leaving_date",
                high=today,
                status="left",
                blocking=False,
                name="leaver_leaving_date_not_future",
            ),
        ],
        derived=[
            Derived(
                "year_group_offset",
                ("date_of_birth", "year_group", "status", "leaving_date"),
                year_group_offset(as_of),
            )
        ],
    )


def _staff_suite(as_of: date) -> SuiteSpec:
    checks = [
        *identity_checks("staff_id"),
        present("forename", blocking=True),
        present("surname", blocking=True),
    ]
    return SuiteSpec(kind="register", checks=checks)


def _parents_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="register", checks=[*identity_checks("parent_id"), present("surname", blocking=True)]
    )


def _approved_media_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="register",
        checks=[
            *identity_checks("approval_id"),
            present("platform", blocking=True),
            present("file_or_post_id", blocking=True),
            between("approved_on", high=as_timestamp(as_of), blocking=True, name="approved_on_not_in_future"),
        ],
        derived=[
            Derived("file_or_post_id", ("file", "post_id"), pl.coalesce(pl.col("file"), pl.col("post_id")))
        ],
    )


def register_suites(as_of: date) -> dict[str, SuiteSpec]:
    """The suite of each register frame (`Registers.frames()`), judged as of the audit date."""
    return {
        "pupils": _pupils_suite(as_of),
        "staff": _staff_suite(as_of),
        "parents": _parents_suite(as_of),
        "approved_media": _approved_media_suite(as_of),
    }


@dataclass(frozen=True)
class Explained:
    """What a named check's failure means for one row: the column to point at, and the words."""

    column: str
    message: Callable[[Row, date], str]
    expected: Callable[[date], str] | None = None
    shows_value: bool = False


def _year_words(group: str) -> str:
    if group == "R":
        return "Reception"
    if group.startswith("N"):
        return f"Nursery {group[1:]}"
    return f"Year {group}"


def _year_group_mismatch(row: Row, as_of: date) -> str:
    leaver = row["status"] == "left"
    judged_on = row["leaving_date"] if leaver else as_of
    implied = _year_words(year_group_name(implied_year_index(row["date_of_birth"], judged_on)))
    when = f"when leaving on {judged_on}" if leaver else f"on {as_of}"
    recorded = _year_words(row["year_group"]) if row["year_group"] in YEAR_GROUP_INDEX else row["year_group"]
    return (
        f"{recorded} does not fit the date of birth: a child born then "
        f"{'was' if leaver else 'is'} in {implied} {when} (a year either way is allowed)"
    )


EXPLAINED = {
    "date_of_birth_not_in_future": Explained(
        "date_of_birth",
        lambda row, as_of: "is a date of birth after the audit date",
        lambda as_of: f"a date on or before {as_of}",
        shows_value=True,
    ),
    "approved_on_not_in_future": Explained(
        "approved_on",
        lambda row, as_of: "is an approval date after the audit date",
        lambda as_of: f"a date on or before {as_of}",
        shows_value=True,
    ),
    "date_of_birth_fits_year_group": Explained("year_group", _year_group_mismatch),
    "leaver_has_leaving_date": Explained(
        "leaving_date", lambda row, as_of: "leaving date is empty for a leaver"
    ),
    "current_pupil_leaving_date_not_past": Explained(
        "leaving_date",
        lambda row, as_of: f"status is current but the leaving date is before {as_of}: has the pupil left?",
    ),
    "leaver_leaving_date_not_future": Explained(
        "leaving_date", lambda row, as_of: f"status is left but the leaving date is after {as_of}"
    ),
}


def suite_findings(
    results: list[SuiteResult], registers: Registers, as_of: date
) -> tuple[list[RegisterProblem], list[RegisterWarning]]:
    """Failed blocking expectations as problems, failed non-blocking ones as warnings, one per row."""
    problems: list[RegisterProblem] = []
    warnings: list[RegisterWarning] = []
    for result in results:
        spec = REGISTER_SPECS.get(result.suite)
        if spec is None:
            continue
        frame = getattr(registers, spec.name)
        lines = registers.lines.get(spec.name, [])
        headers = _headers_as_written(registers, spec)
        source = registers.source(spec.file)
        for entry in result.results:
            if entry["success"]:
                continue
            explained = EXPLAINED.get(entry.get("check") or "")
            column = explained.column if explained else entry["column"]
            shown_column = headers.get(column, column)
            rows = entry.get("unexpected_rows") or [
                example["row"] for example in entry["unexpected_examples"]
            ]
            if not rows or frame.height == 0:
                text = f"fails the check {entry['expectation']} on {entry['column']}"
                if entry["exception"]:
                    text += f": {entry['exception']}"
                if entry["blocking"]:
                    problems.append(RegisterProblem(source, None, shown_column, None, text))
                else:
                    warnings.append(RegisterWarning(source, None, shown_column, text))
                continue
            for position in rows:
                row = frame.row(position, named=True)
                line = lines[position] if position < len(lines) else None
                message = (
                    explained.message(row, as_of) if explained else f"fails the check {entry['expectation']}"
                )
                if entry["blocking"]:
                    value = str(row[column]) if explained and explained.shows_value else None
                    expected = explained.expected(as_of) if explained and explained.expected else None
                    problems.append(RegisterProblem(source, line, shown_column, value, message, expected))
                else:
                    label = f"{spec.row_kind} {row[spec.id_column]}"
                    warnings.append(RegisterWarning(source, line, shown_column, f"{label}: {message}"))
    return problems, warnings


def _headers_as_written(registers: Registers, spec: RegisterSpec) -> dict[str, str]:
    mapping = registers.reading.get(spec.file, {}).get("mapping", {})
    return {column: header for header, column in mapping.items()}
