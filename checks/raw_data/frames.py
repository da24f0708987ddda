"""Flat polars frames of the raw API objects, validated by the raw suites (`checks.raw_data.suites`) before
anything is stored."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from checks.raw_data.suites import raw_suites
from checks.validation import SuiteResult, validate

FRAME_SCHEMAS: dict[str, dict[str, Any]] = {
    "x_followers": {
        "user_id": pl.Utf8,
        "username": pl.Utf8,
        "name": pl.Utf8,
        "description": pl.Utf8,
        "location": pl.Utf8,
        "created_at": pl.Utf8,
        "protected": pl.Boolean,
    },
    "x_posts": {"post_id": pl.Utf8, "text": pl.Utf8, "created_at": pl.Utf8, "author_id": pl.Utf8},
    "x_media": {
        "media_key": pl.Utf8,
        "type": pl.Utf8,
        "url": pl.Utf8,
        "preview_image_url": pl.Utf8,
        "alt_text": pl.Utf8,
    },
    "yt_videos": {
        "video_id": pl.Utf8,
        "title": pl.Utf8,
        "published_at": pl.Utf8,
        "privacy_status": pl.Utf8,
        "made_for_kids": pl.Boolean,
    },
    "yt_subscribers": {"subscription_id": pl.Utf8, "channel_id": pl.Utf8, "title": pl.Utf8},
    "yt_comments": {"thread_id": pl.Utf8, "video_id": pl.Utf8, "author_channel_id": pl.Utf8, "text": pl.Utf8},
}
FRAME_SCHEMAS["x_following"] = FRAME_SCHEMAS["x_followers"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _user(u: dict[str, Any]) -> dict[str, Any]:
    protected = u.get("protected")
    return {
        "user_id": _text(u.get("id")),
        "username": _text(u.get("username")),
        "name": _text(u.get("name")),
        "description": _text(u.get("description")),
        "location": _text(u.get("location")),
        "created_at": _text(u.get("created_at")),
        "protected": protected if isinstance(protected, bool) else None,
    }


def _video(v: dict[str, Any]) -> dict[str, Any]:
    snippet, status = v.get("snippet") or {}, v.get("status") or {}
    kids = status.get("madeForKids")
    return {
        "video_id": _text(v.get("id")),
        "title": _text(snippet.get("title")),
        "published_at": _text(snippet.get("publishedAt")),
        "privacy_status": _text(status.get("privacyStatus")),
        "made_for_kids": kids if isinstance(kids, bool) else False,
    }


def _subscriber(s: dict[str, Any]) -> dict[str, Any]:
    snippet = s.get("subscriberSnippet") or {}
    return {
        "subscription_id": _text(s.get("id")),
        "channel_id": _text(snippet.get("channelId")),
        "title": _text(snippet.get("title")),
    }


def _comment(t: dict[str, Any]) -> dict[str, Any]:
    snippet = t.get("snippet") or {}
    top = (snippet.get("topLevelComment") or {}).get("snippet") or {}
    return {
        "thread_id": _text(t.get("id")),
        "video_id": _text(snippet.get("videoId") or top.get("videoId")),
        "author_channel_id": _text((top.get("authorChannelId") or {}).get("value")),
        "text": _text(top.get("textOriginal") or top.get("textDisplay")),
    }


def build_raw_frames(streams: dict[str, list[dict[str, Any]]]) -> dict[str, pl.DataFrame]:
    """`streams` maps some of x_followers, x_following, x_posts, x_media, yt_videos, yt_subscribers, yt_comments
    to the API objects one account's reads returned this run (an empty list: read, and nothing there).

    A frame for each stream given, and only those: a YouTube channel has no followers to validate, and a stream
    that was not read this run has nothing validated, not an empty frame reported as a pass."""
    shapers = {
        "x_followers": _user,
        "x_following": _user,
        "x_posts": lambda p: {
            "post_id": _text(p.get("id")),
            "text": _text(p.get("text")),
            "created_at": _text(p.get("created_at")),
            "author_id": _text(p.get("author_id")),
        },
        "x_media": lambda m: {k: _text(m.get(k)) for k in FRAME_SCHEMAS["x_media"]},
        "yt_videos": _video,
        "yt_subscribers": _subscriber,
        "yt_comments": _comment,
    }
    return {
        name: pl.DataFrame([shape(item) for item in streams[name]], schema=FRAME_SCHEMAS[name], orient="row")
        if streams[name]
        else pl.DataFrame(schema=FRAME_SCHEMAS[name])
        for name, shape in shapers.items()
        if name in streams
    }


def validate_platform_data(
    streams_by_account: dict[str, dict[str, list[dict[str, Any]]]],
    previous: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[SuiteResult]:
    """One run of the raw suites per official account (suite names carry the account: `x_followers@<id>`).

    `previous` maps a suite name to its newest stored outcome (warehouse.load.latest_raw_validations). Raw
    suites do not depend on the date, so when this week's rows and the suite definition hash the same as
    that outcome's, it is copied (marked `reused_from`) instead of run again: a follower list nobody joined
    or left costs nothing to validate."""
    previous = previous or {}
    results: list[SuiteResult] = []
    for account_id, streams in sorted(streams_by_account.items()):
        frames = build_raw_frames(streams)
        hashes = {name: frame_sha256(frame) for name, frame in frames.items()}
        reused = {
            name: _reused(f"{name}@{account_id}", previous.get(f"{name}@{account_id}"), hashes[name])
            for name in frames
        }
        to_run = {name: frame for name, frame in frames.items() if reused[name] is None}
        if to_run:
            for result in validate(to_run, raw_suites()):
                reused[result.suite] = dataclasses.replace(
                    result, suite=f"{result.suite}@{account_id}", content_sha256=hashes[result.suite]
                )
        results.extend(result for result in reused.values() if result is not None)
    return results


def _reused(suite: str, stored: Mapping[str, Any] | None, content_sha256: str) -> SuiteResult | None:
    if stored is None or stored.get("content_sha256") != content_sha256:
        return None
    return SuiteResult(
        suite=suite,
        success=stored["success"],
        blocking=stored["blocking"],
        n_rows=stored["n_rows"],
        results=stored["results"],
        content_sha256=content_sha256,
        reused_from=stored["validated_as_of"],
    )


def frame_sha256(frame: pl.DataFrame) -> str:
    """The rows (nulls told apart from empty text) and the code that validates them."""
    digest = hashlib.sha256(_suites_fingerprint().encode())
    digest.update(frame.write_ndjson().encode())
    return digest.hexdigest()


@functools.cache
def _suites_fingerprint() -> str:
    # The suites are defined in code: a change to it, or to great-expectations, must validate afresh.
    digest = hashlib.sha256(importlib.metadata.version("great_expectations").encode())
    for module in ("checks/validation.py", "checks/raw_data/suites.py", "checks/raw_data/frames.py"):
        digest.update((Path(__file__).resolve().parents[2] / module).read_bytes())
    return digest.hexdigest()
