"""The great-expectations suites over the raw platform frames (`checks.raw_data.frames`), run before anything is
stored.

A raw suite blocks only when an expectation on an identity column fails: the ids, handles and keys that findings
are keyed on and that identity resolution matches against (a duplicated or malformed follower id, a username that
is not an X username, a missing media key). A gap in a descriptive field (a missing display name, an unknown media
type, a comment whose author hid their channel) is reported but the run goes on, because the rules can still be
right about every other row. Raw suites do not depend on the audit date.
"""

from __future__ import annotations

import polars as pl

from checks.validation import Derived, SuiteSpec, boolean, identity_checks, matches, one_of, present

X_USER_ID = r"^[0-9]+$"
X_USERNAME = r"^[A-Za-z0-9_]{1,15}$"
X_POST_ID = r"^[0-9]+$"
YOUTUBE_CHANNEL_ID = r"^UC[A-Za-z0-9_-]{22}$"


def _x_users_suite() -> SuiteSpec:
    # Followers and following: ids and usernames are what identity resolution and findings key on.
    return SuiteSpec(
        kind="raw",
        checks=[
            *identity_checks("user_id"),
            matches("user_id", X_USER_ID, blocking=True),
            present("username", blocking=True),
            matches("username", X_USERNAME, blocking=True),
            present("name", blocking=False),
            boolean("protected", blocking=False),
            present("created_at", blocking=False),
        ],
    )


def _x_posts_suite() -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *identity_checks("post_id"),
            matches("post_id", X_POST_ID, blocking=True, personal=False),
            present("author_id", blocking=True),
            present("text", blocking=False),
            present("created_at", blocking=False),
        ],
    )


def _x_media_suite() -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *identity_checks("media_key"),
            one_of("type", ["photo", "video", "animated_gif"], blocking=False, personal=False),
            # Photos carry `url`, videos and GIFs `preview_image_url`; a row with neither cannot be hashed.
            present("image_url", blocking=False),
        ],
        derived=[
            Derived(
                "image_url",
                ("url", "preview_image_url"),
                pl.coalesce(pl.col("url"), pl.col("preview_image_url")),
            )
        ],
    )


def _yt_videos_suite() -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *identity_checks("video_id"),
            present("title", blocking=False),
            one_of("privacy_status", ["public", "unlisted", "private"], blocking=False, personal=False),
            boolean("made_for_kids", blocking=False),
        ],
    )


def _yt_subscribers_suite() -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[*identity_checks("channel_id"), matches("channel_id", YOUTUBE_CHANNEL_ID, blocking=True)],
    )


def _yt_comments_suite() -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *identity_checks("thread_id"),
            present("video_id", blocking=True),
            # Authors who deleted their channel come back without an id; that is YouTube, not a bad load.
            present("author_channel_id", blocking=False, mostly=0.95),
        ],
    )


def raw_suites() -> dict[str, SuiteSpec]:
    """The suite of each raw frame `build_raw_frames` can make (GX is imported here: call it only to validate)."""
    return {
        "x_followers": _x_users_suite(),
        "x_following": _x_users_suite(),
        "x_posts": _x_posts_suite(),
        "x_media": _x_media_suite(),
        "yt_videos": _yt_videos_suite(),
        "yt_subscribers": _yt_subscribers_suite(),
        "yt_comments": _yt_comments_suite(),
    }
