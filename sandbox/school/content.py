"""What the sample school has published: X posts with photos and videos, YouTube videos, and the approvals.

One builder, assembled from the pictures and approvals (pictures.py), the X posts (posts.py) and the
YouTube videos (videos.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sandbox.school.model import Approval, SchoolInfo, XPost, YTVideo
from sandbox.school.people import Registers
from sandbox.school.pictures import LANDSCAPE
from sandbox.school.posts import XPosts
from sandbox.school.sizes import SizeSpec
from sandbox.school.videos import YouTubeVideos


@dataclass
class Content:
    posts: list[XPost]
    videos: list[YTVideo]
    approvals: list[Approval]


class ContentBuilder(XPosts, YouTubeVideos):
    """Posts, videos, and the approvals behind them (with the approvals that never went out)."""

    # -- approvals that never went out ----------------------------------------------------------------

    def unposted_approvals(self) -> None:
        end = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=UTC)
        for platform in ("youtube", "any", "x"):
            picture = self.picture(end - timedelta(days=self.rng.randint(5, 40)), LANDSCAPE)
            self.approve_file(picture, platform, end - timedelta(days=2))

    def numbered_approvals(self) -> list[Approval]:
        ordered = sorted(self.approvals, key=lambda a: a.approved_on)
        for i, approval in enumerate(ordered, start=1):
            approval.approval_id = f"A{i:03d}"
        return ordered


def build_content(
    rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo, registers: Registers
) -> Content:
    builder = ContentBuilder(rng, spec, as_of, info, registers)
    posts = builder.x_posts()
    videos = builder.yt_videos()
    builder.unposted_approvals()
    return Content(posts, videos, builder.numbered_approvals())
