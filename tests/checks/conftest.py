"""Builders shared by the checks tests: tiny register frames, audience frames, identity frames, and images."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from PIL import Image

from checks.identity import IDENTITY_COLUMNS, RegisterIndex
from checks.registers import APPROVED_MEDIA_SCHEMA, PARENTS_SCHEMA, PUPILS_SCHEMA, STAFF_SCHEMA

AS_OF = date(2026, 11, 13)
X_ACCOUNT = "1580000000000000001"
X_LABEL = "TinyLanePrimary"
CHANNEL = "UCtinyLane0000000000001A"
CHANNEL_LABEL = "@tinylaneprimary"
ACCOUNT_LABELS = {("x", X_ACCOUNT): X_LABEL, ("youtube", CHANNEL): CHANNEL_LABEL}
SHARED = Path(__file__).resolve().parents[3] / "shared"

AUDIENCE_SCHEMA = pl.Schema(
    {
        "as_of": pl.Date(),
        "platform": pl.String(),
        "account_id": pl.String(),
        "relation": pl.String(),
        "subject_id": pl.String(),
        "handle": pl.String(),
        "display_name": pl.String(),
        "description": pl.String(),
        "location": pl.String(),
        "created_at": pl.Datetime("us", "UTC"),
        "protected": pl.Boolean(),
        "subject_url": pl.String(),
    }
)


# --- registers -----------------------------------------------------------------------------------------


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


# --- audience (marts.fct_audience) and identities --------------------------------------------------------


def x_member(
    user_id: str,
    handle: str,
    name: str,
    *,
    relation: str = "follower",
    bio: str | None = None,
    created: datetime | None = datetime(2024, 1, 10, 16, 0, tzinfo=UTC),
) -> dict[str, Any]:
    return {
        "as_of": AS_OF,
        "platform": "x",
        "account_id": X_ACCOUNT,
        "relation": relation,
        "subject_id": user_id,
        "handle": handle,
        "display_name": name,
        "description": bio,
        "location": None,
        "created_at": created,
        "protected": False,
        "subject_url": f"https://x.com/{handle}",
    }


def yt_member(
    channel_id: str, title: str, *, relation: str = "subscriber", handle: str | None = None
) -> dict[str, Any]:
    """A visible subscriber (no handle) or a commenter (whose handle is the author's @name)."""
    return {
        "as_of": AS_OF,
        "platform": "youtube",
        "account_id": CHANNEL,
        "relation": relation,
        "subject_id": channel_id,
        "handle": handle,
        "display_name": title,
        "description": None,
        "location": None,
        "created_at": None,
        "protected": None,
        "subject_url": f"https://www.youtube.com/channel/{channel_id}",
    }


def audience(*members: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(members), schema=AUDIENCE_SCHEMA)


def identity(
    subject_id: str,
    person_kind: str,
    person_id: str | None,
    confidence: float,
    *,
    platform: str = "x",
    relation: str = "follower",
    handle: str | None = "someone",
    display_name: str | None = "Someone",
    evidence: str | None = None,
) -> dict[str, Any]:
    """One row of `resolve_identities` output, written by hand."""
    account = X_ACCOUNT if platform == "x" else CHANNEL
    url = f"https://x.com/{handle}" if platform == "x" else f"https://www.youtube.com/channel/{subject_id}"
    return {
        "as_of": AS_OF,
        "platform": platform,
        "account_id": account,
        "relation": relation,
        "subject_id": subject_id,
        "handle": handle,
        "display_name": display_name,
        "subject_url": url,
        "person_kind": person_kind,
        "person_id": person_id,
        "confidence": confidence,
        "evidence": evidence or f"matched {person_kind} {person_id}",
    }


def identities(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=IDENTITY_COLUMNS)


# --- images ----------------------------------------------------------------------------------------------


def textured_image(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A photo-like picture: smooth random colour fields (what pHash sees) plus fine grain."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    smooth = np.asarray(Image.fromarray(coarse, "RGB").resize(size, Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.integers(-20, 21, size=smooth.shape, dtype=np.int16)
    return Image.fromarray(np.clip(smooth + grain, 0, 255).astype(np.uint8), "RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def original(image: Image.Image) -> bytes:
    """The picture as the school's camera or library holds it: a high-quality JPEG."""
    return encode(image, "JPEG", quality=95)


def platform_copy(image: Image.Image, scale: float = 0.6, quality: int = 70) -> bytes:
    """What a platform serves back: resized and re-encoded as a lossy JPEG."""
    smaller = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
    return encode(smaller, "JPEG", quality=quality)
