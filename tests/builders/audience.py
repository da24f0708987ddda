"""Audience frames (marts.fct_audience) and identity frames (`resolve_identities` output), written by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from checks.identity import AUDIENCE_COLUMNS, IDENTITY_COLUMNS
from tests.builders.registers import AS_OF, CHANNEL, X_ACCOUNT


def x_member(
    user_id: str,
    handle: str,
    name: str,
    *,
    relation: str = "follower",
    bio: str | None = None,
    created: datetime | None = datetime(2024, 1, 10, 16, 0, tzinfo=UTC),
    location: str | None = None,
    url: str | None = None,
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
        "location": location,
        "created_at": created,
        "protected": False,
        "subject_url": f"https://x.com/{handle}",
        "profile_url": url,
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
        "profile_url": None,
    }


def audience(*members: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(members), schema=AUDIENCE_COLUMNS)


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
