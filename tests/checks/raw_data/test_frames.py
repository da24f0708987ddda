"""Raw suites run again only on what changed: unchanged rows reuse the stored outcome, said so."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checks.raw_data import frames as raw_frames
from checks.raw_data.frames import build_raw_frames, frame_sha256, validate_platform_data
from warehouse import load
from warehouse.db import connect, migrate

AS_OF = date(2026, 11, 16)
ACCOUNT = "1580000000000000001"


def followers(*usernames: str) -> list[dict[str, Any]]:
    return [
        {
            "id": str(100 + i),
            "username": name,
            "name": name.title(),
            "protected": False,
            "created_at": "2020-01-01",
        }
        for i, name in enumerate(usernames)
    ]


def streams(*usernames: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    # Posts read, and none there.
    return {ACCOUNT: {"x_followers": followers(*usernames), "x_posts": []}}


def stored(results: list[Any], as_of: date, tmp_path: Path) -> dict[str, dict[str, Any]]:
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con)
        load.store_validation_results(con, as_of, "r0", [r.to_dict() for r in results])
        return load.latest_raw_validations(con)
    finally:
        con.close()


def test_unchanged_rows_reuse_last_weeks_outcome_without_running_great_expectations(tmp_path, monkeypatch):
    first = validate_platform_data(streams("amy", "bob"))
    assert all(r.reused_from is None and r.content_sha256 for r in first)
    previous = stored(first, AS_OF, tmp_path)

    def must_not_run(*args: object) -> None:
        raise AssertionError("validated again although nothing changed")

    monkeypatch.setattr("checks.raw_data.frames.validate", must_not_run)
    again = validate_platform_data(streams("amy", "bob"), previous)
    followers_result = next(r for r in again if r.suite == f"x_followers@{ACCOUNT}")
    assert followers_result.reused_from == AS_OF.isoformat()
    assert followers_result.results == next(r for r in first if r.suite == followers_result.suite).results


def test_a_changed_row_is_validated_again_and_its_failure_is_not_hidden(tmp_path):
    previous = stored(validate_platform_data(streams("amy", "bob")), AS_OF, tmp_path)
    again = validate_platform_data(streams("amy", "not a username!"), previous)
    followers_result = next(r for r in again if r.suite == f"x_followers@{ACCOUNT}")
    assert followers_result.reused_from is None
    assert followers_result.stops_run
    unchanged = next(r for r in again if r.suite == f"x_posts@{ACCOUNT}")
    assert unchanged.reused_from == AS_OF.isoformat()


def test_a_copy_of_a_copy_names_the_week_that_really_ran(tmp_path):
    week1 = validate_platform_data(streams("amy"))
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con)
        load.store_validation_results(con, AS_OF, "r1", [r.to_dict() for r in week1])
        week2 = validate_platform_data(streams("amy"), load.latest_raw_validations(con))
        load.store_validation_results(con, date(2026, 11, 23), "r2", [r.to_dict() for r in week2])
        latest = load.latest_raw_validations(con)
    finally:
        con.close()
    assert latest[f"x_followers@{ACCOUNT}"]["validated_as_of"] == AS_OF.isoformat()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([{"id": "1", "username": "amy", "name": None}], [{"id": "1", "username": "amy", "name": ""}]),
        ([{"id": "1", "username": "amy"}], [{"id": "2", "username": "amy"}]),
    ],
)
def test_the_hash_tells_rows_apart_that_validate_differently(a, b):
    frames_a = build_raw_frames({"x_followers": a})
    frames_b = build_raw_frames({"x_followers": b})
    assert frame_sha256(frames_a["x_followers"]) != frame_sha256(frames_b["x_followers"])


def test_a_change_to_the_suites_invalidates_every_stored_hash(monkeypatch):
    frame = build_raw_frames({"x_followers": followers("amy")})["x_followers"]
    before = frame_sha256(frame)
    raw_frames._suites_fingerprint.cache_clear()
    monkeypatch.setattr(raw_frames.importlib.metadata, "version", lambda name: "0.0-other")
    try:
        assert frame_sha256(frame) != before
    finally:
        raw_frames._suites_fingerprint.cache_clear()


def test_only_the_streams_an_account_read_are_validated():
    channel = "UC" + "a" * 22
    results = validate_platform_data(
        {ACCOUNT: {"x_followers": followers("amy")}, channel: {"yt_subscribers": []}}
    )
    # No YouTube suite for the X account, no X suite for the channel, nothing for a stream not read (its
    # failure is reported by the run, not passed off as an empty frame that validated).
    assert sorted(r.suite for r in results) == [f"x_followers@{ACCOUNT}", f"yt_subscribers@{channel}"]
