"""The register contract (docs/contracts/registers.md): file names, value sets, frame schemas, required columns."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from platforms import NAMES

PUPILS_FILE = "pupils.csv"
STAFF_FILE = "staff.csv"
PARENTS_FILE = "parents.csv"
APPROVED_MEDIA_FILE = "approved_media.csv"
APPROVED_MEDIA_DIR = "approved_media"

YEAR_GROUPS = ("N1", "N2", "R", *(str(year) for year in range(1, 14)))
PUPIL_STATUSES = ("current", "left")
PHOTO_CONSENTS = ("granted", "refused", "withdrawn")
HANDLE_PLATFORMS = NAMES
# Only these approval platforms cover the audited accounts (docs/contracts/registers.md); others are kept as written.
APPROVAL_PLATFORMS_COVERING = {name: (name, "any") for name in NAMES}

HANDLE = pl.Struct({"platform": pl.String, "handle": pl.String})
HANDLE_LIST = pl.List(HANDLE)
ID_LIST = pl.List(pl.String)

PUPILS_SCHEMA = pl.Schema(
    {
        "pupil_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "preferred_name": pl.String(),
        "date_of_birth": pl.Date(),
        "year_group": pl.String(),
        "status": pl.String(),
        "leaving_date": pl.Date(),
        "photo_consent": pl.String(),
        "known_handles": HANDLE_LIST,
    }
)
STAFF_SCHEMA = pl.Schema(
    {
        "staff_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "preferred_name": pl.String(),
        "role": pl.String(),
        "personal_handles": HANDLE_LIST,
        "official_handles": HANDLE_LIST,
        # What the MIS says they teach (optional): year groups as normalised values, class names as written.
        "year_groups": ID_LIST,
        "classes": ID_LIST,
    }
)
PARENTS_SCHEMA = pl.Schema(
    {
        "parent_id": pl.String(),
        "forename": pl.String(),
        "surname": pl.String(),
        "pupil_ids": ID_LIST,
        "known_handles": HANDLE_LIST,
    }
)
APPROVED_MEDIA_SCHEMA = pl.Schema(
    {
        "approval_id": pl.String(),
        "file": pl.String(),
        "platform": pl.String(),
        "post_id": pl.String(),
        "approved_by": pl.String(),
        "approved_on": pl.Date(),
        "pupils_pictured": ID_LIST,
    }
)
PUPIL_COLUMNS = tuple(PUPILS_SCHEMA)
STAFF_COLUMNS = tuple(STAFF_SCHEMA)
PARENT_COLUMNS = tuple(PARENTS_SCHEMA)
APPROVED_MEDIA_COLUMNS = tuple(APPROVED_MEDIA_SCHEMA)


@dataclass(frozen=True)
class RegisterSpec:
    """One register: its file, the columns a finding cannot do without, and how a row names itself.

    A column outside `required` may be left out of an export altogether (it then reads as empty), because
    a missing one only means less is known, never that something is known wrongly.
    """

    name: str
    file: str
    schema: pl.Schema
    required: tuple[str, ...]
    id_column: str
    row_kind: str
    # Columns some MIS exports add (what a member of staff teaches): read when present, never missed when absent.
    extras: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.schema)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(column for column in self.schema if column not in self.required)


REGISTER_SPECS = {
    "pupils": RegisterSpec(
        "pupils",
        PUPILS_FILE,
        PUPILS_SCHEMA,
        # Status and consent decide which rules apply to a child; without them every pupil finding is a guess.
        ("pupil_id", "forename", "surname", "date_of_birth", "year_group", "status", "photo_consent"),
        "pupil_id",
        "pupil",
    ),
    "staff": RegisterSpec(
        "staff",
        STAFF_FILE,
        STAFF_SCHEMA,
        ("staff_id", "forename", "surname"),
        "staff_id",
        "staff",
        extras=("year_groups", "classes"),
    ),
    # A parent without linked pupils still stops a parent being taken for a pupil, so pupil_ids may be absent.
    "parents": RegisterSpec(
        "parents", PARENTS_FILE, PARENTS_SCHEMA, ("parent_id", "surname"), "parent_id", "parent"
    ),
    # Without pupils_pictured no consent breach could ever be found, so an export must carry the column.
    "approved_media": RegisterSpec(
        "approved_media",
        APPROVED_MEDIA_FILE,
        APPROVED_MEDIA_SCHEMA,
        ("approval_id", "platform", "pupils_pictured"),
        "approval_id",
        "approval",
    ),
}
# Problems and warnings sort by register, whether it was saved as CSV or as a workbook (pupils.xlsx).
REGISTER_FILE_ORDER = {
    name: position
    for position, spec in enumerate(REGISTER_SPECS.values())
    for name in (spec.file, spec.file.removesuffix(".csv") + ".xlsx")
}
