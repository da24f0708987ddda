"""Header mappings for the common MIS exports, and a guess at one from the headers an export has.

A preset is the `[registers.columns.<register>]` tables school.toml already takes (docs/contracts/school-toml.md):
the header names a report built in that MIS usually carries, mapped to the register contract's columns. Report
layouts are chosen by each school, so a preset maps the headers named here and `doctor` says when the school's own
differ. Headers already equal to a contract column (ignoring case, spaces, `-` and `_`) need no mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from checks.registers.contract import REGISTER_SPECS
from checks.registers.problems import RegisterNotes
from checks.registers.reading import read_register

ColumnMap = dict[str, str]

MIS_PRESETS: dict[str, dict[str, ColumnMap]] = {
    # SIMS .net: a student list report with the pupil's legal and preferred names, and staff and contact reports.
    "sims": {
        "pupils": {
            "UPN": "pupil_id",
            "Legal Forename": "forename",
            "Legal Surname": "surname",
            "Preferred Forename": "preferred_name",
            "DOB": "date_of_birth",
            "Year": "year_group",
            "Enrolment Status": "status",
            "Date of Leaving": "leaving_date",
            "Photo Consent": "photo_consent",
        },
        "staff": {
            "Staff Code": "staff_id",
            "Legal Forename": "forename",
            "Legal Surname": "surname",
            "Preferred Forename": "preferred_name",
        },
        "parents": {
            "Contact ID": "parent_id",
            "Contact Forename": "forename",
            "Contact Surname": "surname",
            "Student UPNs": "pupil_ids",
        },
    },
    # Arbor: a custom report on students, staff and guardians, with Arbor's field names.
    "arbor": {
        "pupils": {
            "UPN": "pupil_id",
            "Legal first name": "forename",
            "Legal last name": "surname",
            "Preferred first name": "preferred_name",
            "Year group": "year_group",
            "Enrolment status": "status",
            "Leaving date": "leaving_date",
            "Photo consent": "photo_consent",
        },
        "staff": {
            "Staff ID": "staff_id",
            "Legal first name": "forename",
            "Legal last name": "surname",
            "Preferred first name": "preferred_name",
        },
        "parents": {
            "Guardian ID": "parent_id",
            "Guardian first name": "forename",
            "Guardian last name": "surname",
            "Student UPNs": "pupil_ids",
        },
    },
    # Bromcom: a report from the student, staff and contact lists, with Bromcom's field names.
    "bromcom": {
        "pupils": {
            "UPN": "pupil_id",
            "Legal First Name": "forename",
            "Legal Last Name": "surname",
            "Preferred First Name": "preferred_name",
            "Year": "year_group",
            "Enrolment Status": "status",
            "Leaving Date": "leaving_date",
            "Photo Consent": "photo_consent",
        },
        "staff": {
            "Staff Code": "staff_id",
            "Legal First Name": "forename",
            "Legal Last Name": "surname",
            "Preferred First Name": "preferred_name",
        },
        "parents": {
            "Contact ID": "parent_id",
            "Contact First Name": "forename",
            "Contact Last Name": "surname",
            "Student UPNs": "pupil_ids",
        },
    },
}

_NOISE = re.compile(r"[^a-z0-9]+")
# Words an export puts before a column's own name ("Legal Forename", "Contact Surname", "Student UPN").
_PREFIXES = ("legal", "contact", "guardian", "parent", "carer", "student", "pupil", "staff", "child")
# Other names for the contract's columns, compared without case, spaces or punctuation.
_ALIASES: dict[str, dict[str, str]] = {
    "pupils": {
        "upn": "pupil_id",
        "admissionnumber": "pupil_id",
        "adno": "pupil_id",
        "id": "pupil_id",
        "forename": "forename",
        "firstname": "forename",
        "givenname": "forename",
        "surname": "surname",
        "lastname": "surname",
        "familyname": "surname",
        "preferredforename": "preferred_name",
        "preferredfirstname": "preferred_name",
        "knownas": "preferred_name",
        "dob": "date_of_birth",
        "birthdate": "date_of_birth",
        "year": "year_group",
        "ncyear": "year_group",
        "yeargroup": "year_group",
        "enrolmentstatus": "status",
        "dateofleaving": "leaving_date",
        "leavingdate": "leaving_date",
        "photoconsent": "photo_consent",
        "photographconsent": "photo_consent",
        "photopermission": "photo_consent",
    },
    "staff": {
        "staffcode": "staff_id",
        "code": "staff_id",
        "id": "staff_id",
        "forename": "forename",
        "firstname": "forename",
        "surname": "surname",
        "lastname": "surname",
        "preferredforename": "preferred_name",
        "preferredfirstname": "preferred_name",
    },
    "parents": {
        "id": "parent_id",
        "forename": "forename",
        "firstname": "forename",
        "surname": "surname",
        "lastname": "surname",
        "upns": "pupil_ids",
    },
    "approved_media": {},
}


def _key(name: str) -> str:
    return _NOISE.sub("", name.casefold())


def _guess(register: str, header: str) -> str | None:
    aliases = _ALIASES.get(register, {})
    key = _key(header)
    for preset in MIS_PRESETS.values():
        for known, column in preset.get(register, {}).items():
            if _key(known) == key:
                return column
    if key in aliases:
        return aliases[key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in aliases:
            return aliases[key[len(prefix) :]]
    return None


def suggested_mapping(register: str, headers: Iterable[str]) -> ColumnMap:
    """A `[registers.columns.<register>]` mapping for the headers that are not already a column's own name: each
    header mapped to the column its name suggests, each column claimed once (the first header wins)."""
    columns = REGISTER_SPECS[register].columns
    headers = [h for h in headers if h.strip()]
    by_own_name = {_key(column) for column in columns}
    claimed = {_key(h) for h in headers} & by_own_name
    mapping: ColumnMap = {}
    for header in headers:
        if _key(header) in by_own_name:
            continue
        column = _guess(register, header)
        if column is not None and column in columns and _key(column) not in claimed:
            mapping[header] = column
            claimed.add(_key(column))
    return mapping


def found_headers(registers_dir: Path) -> dict[str, tuple[str, ...]]:
    """The header row of each register file that can be read (CSV or workbook), as the export writes it."""
    found: dict[str, tuple[str, ...]] = {}
    for name, spec in REGISTER_SPECS.items():
        table = read_register(registers_dir, spec, None, RegisterNotes(), {})
        if table is not None:
            found[name] = table.header_cells
    return found


def _toml_key(header: str) -> str:
    return header if re.fullmatch(r"[A-Za-z0-9_-]+", header) else '"' + header.replace('"', '\\"') + '"'


def mapping_block(
    mappings: Mapping[str, ColumnMap], unmatched: Mapping[str, Iterable[str]] | None = None
) -> str:
    """The `[registers.columns.<register>]` tables to paste into school.toml; `unmatched` lists, per register, the
    required columns no header was taken for, as comments a person fills in."""
    lines: list[str] = []
    for register in REGISTER_SPECS:
        mapping, missing = mappings.get(register, {}), list((unmatched or {}).get(register, ()))
        if not mapping and not missing:
            continue
        if lines:
            lines.append("")
        lines.append(f"[registers.columns.{register}]")
        lines.extend(f'{_toml_key(header)} = "{column}"' for header, column in mapping.items())
        lines.extend(f'# "<your header for {column}>" = "{column}"' for column in missing)
    return "\n".join(lines)
