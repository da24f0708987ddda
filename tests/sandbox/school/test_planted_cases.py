"""The planted cases are data rows: each row becomes one post or video carrying the labels the row declares,
whatever the seed (that the rows build the very school they always built is test_byte_identical.py's)."""

from __future__ import annotations

import pytest

from sandbox.school import build_school
from sandbox.school.model import XPost, ascii_name
from sandbox.school.planted_cases import SPORTS_X_POSTS, X_POSTS, YOUTUBE_VIDEOS
from sandbox.school.planting import Carousel, Clip, Photo, PostCase, Repost, VideoCase


def _post_labels(row: PostCase) -> set[str]:
    labels = {f"clear:{c}" for c in row.clear}
    if isinstance(row.media, Photo | Clip):
        labels.add(f"media:{row.media.case}")
    elif isinstance(row.media, Repost):
        labels |= {f"media:{row.media.case}"} | ({f"media:{row.media.beside}"} if row.media.beside else set())
    elif isinstance(row.media, Carousel):
        labels |= {f"media:{row.media.case}"} | (
            {f"media:{row.media.slipped}"} if row.media.slipped else set()
        )
    if row.finding:
        labels.add(f"plant:{row.finding.rule}:{row.finding.case}")
    return labels


def _video_labels(row: VideoCase) -> set[str]:
    labels = {f"clear:{c}" for c in row.clear} | {f"media:{row.case}"}
    if row.finding:
        labels.add(f"plant:{row.finding.rule}:{row.finding.case}")
    return labels


def _planted_post_labels(posts: list[XPost]) -> list[set[str]]:
    return [
        {f"media:{m.truth.case}" for m in p.media if m.truth.planted}
        | {f"clear:{c}" for c in p.clear_cases}
        | {f"plant:{pl.rule}:{pl.case}" for pl in p.plants}
        for p in posts
    ]


def test_the_rows_are_named_once() -> None:
    assert len({r.name for r in (*X_POSTS, *SPORTS_X_POSTS)}) == len(X_POSTS) + len(SPORTS_X_POSTS)
    assert len({r.name for r in YOUTUBE_VIDEOS}) == len(YOUTUBE_VIDEOS)


@pytest.mark.parametrize("seed", [1, 7, 12])
def test_every_row_becomes_a_post_or_video_with_its_labels(seed: int) -> None:
    school = build_school(seed, "small")
    planted_posts = _planted_post_labels(school.x_posts)
    planted_videos = [
        ({f"media:{v.thumbnail_truth.case}"} if v.thumbnail_truth.planted else set())
        | {f"clear:{c}" for c in v.clear_cases}
        | {f"plant:{pl.rule}:{pl.case}" for pl in v.plants}
        for v in school.yt_videos
    ]
    for row in X_POSTS:
        assert _post_labels(row) in planted_posts, row.name
        planted_posts.remove(_post_labels(row))
    for video in YOUTUBE_VIDEOS:
        assert _video_labels(video) in planted_videos, video.name
        planted_videos.remove(_video_labels(video))
    # Every planted video came from a row (posts also carry the lettered images of lettered_posts.py).
    assert not [labels for labels in planted_videos if labels]
    (sports,) = school.x_more
    sports_posts = _planted_post_labels(sports.posts)
    for row in SPORTS_X_POSTS:
        assert _post_labels(row) in sports_posts, row.name
        sports_posts.remove(_post_labels(row))
    assert not [labels for labels in sports_posts if labels]


def test_a_row_captioned_before_upload_has_something_to_upload() -> None:
    with pytest.raises(ValueError, match="before upload"):
        PostCase("no media", "{everyday}", caption="before upload")
    with pytest.raises(ValueError, match="caption"):
        PostCase("no such time", "{everyday}", caption="later")


def test_a_pupil_named_row_names_the_pupil_it_took() -> None:
    school = build_school(7, "small")
    pupils = {p.pupil_id: p for p in school.pupils}
    findings = [r.finding for r in X_POSTS] + [r.finding for r in YOUTUBE_VIDEOS]
    rows = {f.case for f in findings if f and f.rule == "pupil-named"}
    named = [(post.text, pl) for post in school.x_posts for pl in post.plants if pl.case in rows]
    named += [(v.title, pl) for v in school.yt_videos for pl in v.plants if pl.case in rows]
    assert len(named) == len(rows) == 6
    for text, plant in named:
        assert plant.person_kind == "pupil" and plant.person_id in pupils
        alt = " ".join(m.alt_text or "" for p in school.x_posts for m in p.media if p.text == text)
        assert _letters(pupils[plant.person_id].surname) in _letters(f"{text} {alt}"), text


def _letters(text: str) -> str:
    return "".join(c for c in ascii_name(text).lower() if c.isalpha())
