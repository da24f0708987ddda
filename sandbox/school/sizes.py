"""How big a sample school is: the sizes the generator offers, and the year groups of a primary school."""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class SizeSpec:
    """How big a sample school is. `plant_scale` multiplies the planted identity cases."""

    name: str
    current_pupils: int
    left_pupils: int
    staff: int
    parents_per_family: float
    followers: int
    following: int
    posts: int
    images_per_post: float
    videos: int
    subscribers: int
    comment_threads: int
    plant_scale: int
    post_span_days: int
    video_span_days: int
    background_unapproved: float
    official_accounts: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(
        "small",
        current_pupils=52,
        left_pupils=8,
        staff=20,
        parents_per_family=1.92,
        followers=150,
        following=30,
        posts=25,
        images_per_post=1.2,
        videos=8,
        subscribers=40,
        comment_threads=10,
        plant_scale=1,
        post_span_days=75,
        video_span_days=700,
        background_unapproved=0.0,
        official_accounts=3,
    ),
    "medium": SizeSpec(
        "medium",
        current_pupils=385,
        left_pupils=35,
        staff=60,
        parents_per_family=1.95,
        followers=1500,
        following=80,
        posts=150,
        images_per_post=2.0,
        videos=40,
        subscribers=300,
        comment_threads=60,
        plant_scale=3,
        post_span_days=400,
        video_span_days=1500,
        background_unapproved=0.08,
        official_accounts=8,
    ),
    "large": SizeSpec(
        "large",
        current_pupils=1890,
        left_pupils=110,
        staff=200,
        parents_per_family=1.95,
        followers=12000,
        following=220,
        posts=1000,
        images_per_post=3.3,
        videos=150,
        subscribers=1000,
        comment_threads=250,
        plant_scale=8,
        post_span_days=1100,
        video_span_days=2600,
        background_unapproved=0.06,
        official_accounts=14,
    ),
}

YEAR_GROUPS = ("R", "1", "2", "3", "4", "5", "6")
