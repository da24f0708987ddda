"""The platforms socialaudit audits, declared once: every layer reads its per-platform facts from here.

A platform is a plug-in. This package holds what every layer may know about it as plain data (it imports nothing
of the pipeline, so connectors, the warehouse, the checks and the flows can all read it): its streams, which
exception subjects each stream shows, which are validated before storing, which the platform serves as a sample,
what an official account's published item is called, and the staging model giving each mart every platform feeds
its rows (warehouse/sql_models.py builds those marts from them). The code that talks to it is registered beside
this: the connector's media references (connectors/streams.py), the flow's plug-in (flows/plugins/) and the
actions on a finding (warehouse/remediation/actions.py); tests/flows/test_platforms.py fails a platform that leaves
a piece out. docs/architecture.md says how to add one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stream:
    """One thing read from an official account, stored as its own snapshot and its own `audit.stream_status` row.

    `subjects`: the exceptions' `subject_kind`s a run cannot judge when this stream was not read. `suite`: the raw
    data suite (checks/raw_data/suites.py) its objects must pass before they are stored. `sampled`: the platform
    serves a sample, never a census, so an absence from it proves nothing. `unordered`: the platform's page order
    is not stable, so its pages are compared sorted."""

    name: str
    subjects: tuple[str, ...] = ()
    suite: str | None = None
    sampled: bool = False
    unordered: bool = False


@dataclass(frozen=True)
class Platform:
    """A platform's declaration. `name` is how school.toml, the registers' handle lists, `approved_media.csv`
    and every table spell it; `item` is what an official account publishes (a post, a video). `side_streams`:
    snapshots stored beside the streams with no status of their own (read only when something asks for them).
    `marts`: for each mart that every platform feeds (warehouse/sql_models.py `PLATFORM_MARTS`), the staging model
    giving it this platform's rows, in the mart's columns; the mart's view is their union."""

    name: str
    label: str
    item: str
    streams: tuple[Stream, ...]
    side_streams: tuple[str, ...] = ()
    marts: Mapping[str, str] = field(default_factory=dict, hash=False)

    def stream(self, name: str) -> Stream:
        found = next((s for s in self.streams if s.name == name), None)
        if found is None:
            raise KeyError(f"{self.name} has no stream {name!r}")
        return found


X = Platform(
    name="x",
    label="X",
    item="post",
    streams=(
        Stream("account", ("account",)),
        Stream("followers", ("follower",), suite="x_followers"),
        Stream("following", ("following",), suite="x_following"),
        Stream("posts", ("post",), suite="x_posts"),
    ),
    # The posts with open exceptions looked up by id; the deleted posts an imported X archive lists.
    side_streams=("post_lookup", "deleted_posts"),
    marts={
        "fct_audience": "stg_x__audience",
        "fct_official_account_settings": "stg_x__account_settings",
        "fct_published_media": "stg_x__published_media",
        "fct_published_text": "stg_x__published_text",
        "fct_subjects_present": "stg_x__subjects_present",
    },
)
YOUTUBE = Platform(
    name="youtube",
    label="YouTube",
    item="video",
    streams=(
        Stream("channel", ("account",)),
        Stream("uploads", ("video",)),
        Stream("videos", ("video",), suite="yt_videos"),
        Stream("subscribers", ("subscriber",), suite="yt_subscribers", sampled=True, unordered=True),
        Stream("comments", ("comment",), suite="yt_comments"),
        # A reply-only pupil's exception would look resolved were the replies not read.
        Stream("comment_replies", ("comment",)),
    ),
    marts={
        "fct_audience": "stg_youtube__audience",
        "fct_official_account_settings": "stg_youtube__account_settings",
        "fct_published_media": "stg_youtube__published_media",
        "fct_published_text": "stg_youtube__published_text",
        "fct_subjects_present": "stg_youtube__subjects_present",
    },
)

# Neither Meta platform lists followers (counts only): `followers` is declared so its rules' blind spot is recorded
# (`audit.stream_status` `skipped`, with the reason) and the report never shows such an account as clean of them.
FACEBOOK = Platform(
    name="facebook",
    label="Facebook",
    item="post",
    streams=(
        Stream("page", ("account",)),
        Stream("posts", ("post",)),
        Stream("visitor_posts", ("post", "comment")),
        Stream("photos", ("post",)),
        Stream("comments", ("comment",)),
        Stream("followers", ("follower",)),
    ),
    marts={
        "fct_audience": "stg_facebook__audience",
        "fct_official_account_settings": "stg_facebook__account_settings",
        "fct_published_media": "stg_facebook__published_media",
        "fct_published_text": "stg_facebook__published_text",
        "fct_subjects_present": "stg_facebook__subjects_present",
    },
)
INSTAGRAM = Platform(
    name="instagram",
    label="Instagram",
    item="post",
    streams=(
        Stream("account", ("account",)),
        Stream("media", ("post",)),
        Stream("comments", ("comment",)),
        Stream("followers", ("follower",)),
    ),
    marts={
        "fct_audience": "stg_instagram__audience",
        "fct_official_account_settings": "stg_instagram__account_settings",
        "fct_published_media": "stg_instagram__published_media",
        "fct_published_text": "stg_instagram__published_text",
        "fct_subjects_present": "stg_instagram__subjects_present",
    },
)

# Every audited platform, in the order a run reads them and every list shows them.
PLATFORMS: tuple[Platform, ...] = (X, YOUTUBE, FACEBOOK, INSTAGRAM)
NAMES: tuple[str, ...] = tuple(p.name for p in PLATFORMS)
BY_NAME: dict[str, Platform] = {p.name: p for p in PLATFORMS}


def platform(name: str) -> Platform:
    if name not in BY_NAME:
        raise KeyError(f"no platform {name!r} (known: {', '.join(NAMES)})")
    return BY_NAME[name]


def item_kind(name: str) -> str:
    """What an official account of platform `name` publishes: the `subject_kind` of its media findings."""
    return platform(name).item


def stream_subjects() -> dict[tuple[str, str], tuple[str, ...]]:
    return {(p.name, s.name): s.subjects for p in PLATFORMS for s in p.streams}


def validated_streams() -> dict[tuple[str, str], str]:
    return {(p.name, s.name): s.suite for p in PLATFORMS for s in p.streams if s.suite is not None}


def sampled_streams() -> tuple[tuple[str, str], ...]:
    return tuple((p.name, s.name) for p in PLATFORMS for s in p.streams if s.sampled)


def unordered_streams() -> frozenset[tuple[str, str]]:
    return frozenset((p.name, s.name) for p in PLATFORMS for s in p.streams if s.unordered)


def spelled_out() -> str:
    """The platform names as an error message lists them: "x or youtube"."""
    return " or ".join(NAMES) if len(NAMES) < 3 else f"{', '.join(NAMES[:-1])} or {NAMES[-1]}"
