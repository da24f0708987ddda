"""Registers as `load_registers` types them, built row by row: pupils, staff, parents and approved media."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from checks.identity import RegisterIndex
from checks.registers.contract import APPROVED_MEDIA_SCHEMA, PARENTS_SCHEMA, PUPILS_SCHEMA, STAFF_SCHEMA

AS_OF = date(2026, 11, 13)
X_ACCOUNT = "1580000000000000001"
X_LABEL = "TinyLanePrimary"
CHANNEL = "UCtinyLane0000000000001A"
CHANNEL_LABEL = "@tinylaneprimary"
ACCOUNT_LABELS = {("x", X_ACCOUNT): X_LABEL, ("youtube", CHANNEL): CHANNEL_LABEL}


def handles(spec: str) -> list[dict[str, str]]:
    """`x:@Jess;youtube:UC...` as the loader's list of structs, kept exactly as written (no normalising)."""
    pairs = []
    for entry in filter(None, (piece.strip() for piece in spec.split(";"))):
        platform, _, handle = entry.partition(":")
        pairs.append({"platform": platform, "handle": handle})
    return pairs


def pupil(
    pupil_id: str,
    forename: str,
    surname: str,
    *,
    preferred: str | None = None,
    born: date = date(2016, 3, 1),
    year: str = "5",
    status: str = "current",
    left: date | None = None,
    consent: str = "granted",
    known: str = "",
) -> dict[str, Any]:
    if status == "left" and left is None:
        left = date(2024, 7, 19)
    return {
        "pupil_id": pupil_id,
        "forename": forename,
        "surname": surname,
        "preferred_name": preferred,
        "date_of_birth": born,
        "year_group": year,
        "status": status,
        "leaving_date": left,
        "photo_consent": consent,
        "known_handles": handles(known),
    }


def staff(
    staff_id: str,
    forename: str,
    surname: str,
    *,
    preferred: str | None = None,
    role: str | None = "Teacher",
    personal: str = "",
    official: str = "",
) -> dict[str, Any]:
    return {
        "staff_id": staff_id,
        "forename": forename,
        "surname": surname,
        "preferred_name": preferred,
        "role": role,
        "personal_handles": handles(personal),
        "official_handles": handles(official),
    }


def parent(
    parent_id: str, forename: str | None, surname: str, *, of: tuple[str, ...] = (), known: str = ""
) -> dict[str, Any]:
    return {
        "parent_id": parent_id,
        "forename": forename,
        "surname": surname,
        "pupil_ids": list(of),
        "known_handles": handles(known),
    }


def approval(
    approval_id: str, file: str | None, platform: str = "x", post_id: str | None = None
) -> dict[str, Any]:
    return {
        "approval_id": approval_id,
        "file": file,
        "platform": platform,
        "post_id": post_id,
        "approved_by": "Headteacher",
        "approved_on": date(2026, 10, 1),
        "pupils_pictured": [],
    }


def register_frames(
    pupils: Sequence[dict[str, Any]] = (),
    staff_rows: Sequence[dict[str, Any]] = (),
    parents: Sequence[dict[str, Any]] = (),
    approvals: Sequence[dict[str, Any]] = (),
) -> dict[str, pl.DataFrame]:
    """The four registers as `load_registers` types them (its exported schemas)."""
    return {
        "pupils": pl.DataFrame(list(pupils), schema=PUPILS_SCHEMA),
        "staff": pl.DataFrame(list(staff_rows), schema=STAFF_SCHEMA),
        "parents": pl.DataFrame(list(parents), schema=PARENTS_SCHEMA),
        "approved_media": pl.DataFrame(list(approvals), schema=APPROVED_MEDIA_SCHEMA),
    }


def register_index(
    pupils: Sequence[dict[str, Any]] = (),
    staff_rows: Sequence[dict[str, Any]] = (),
    parents: Sequence[dict[str, Any]] = (),
) -> RegisterIndex:
    frames = register_frames(pupils, staff_rows, parents)
    return RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF)
