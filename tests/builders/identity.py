"""One hand-made profile resolved against a hand-made register: what the identity tests share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from checks.identity import RegisterIndex, resolve_identities
from tests.builders.audience import audience, x_member
from tests.builders.registers import AS_OF, register_frames

# An account opened when every pupil of the tests was five or more, so its age rules nobody out.
RECENT = datetime(2025, 1, 1, tzinfo=UTC)
# The rules' default exception_threshold: a reading at or above it is a finding acted on.
THRESHOLD = 0.85


def index_of(
    pupils: Sequence[dict[str, Any]],
    staff: Sequence[dict[str, Any]],
    parents: Sequence[dict[str, Any]],
    school: str,
) -> RegisterIndex:
    frames = register_frames(list(pupils), list(staff), list(parents))
    return RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name=school)


def resolve_x(
    index: RegisterIndex, handle: str, name: str, bio: str | None = None, user_id: str = "1600000000000000042"
) -> dict[str, Any]:
    """The identity row of one X follower."""
    member = x_member(user_id, handle, name, bio=bio, created=RECENT)
    (row,) = resolve_identities(audience(member), index).iter_rows(named=True)
    return row


def confident(row: dict[str, Any]) -> tuple[str, str | None] | None:
    """(kind, person) when the reading is confident enough to be a finding, else None."""
    return (row["person_kind"], row["person_id"]) if row["confidence"] >= THRESHOLD else None
