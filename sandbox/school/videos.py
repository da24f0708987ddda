"""The sample school's YouTube videos: the planted cases (thumbnail approvals, names, contact details, politics;
rows of planted_cases.py) and the everyday uploads around them."""

from __future__ import annotations

from datetime import datetime

from sandbox.school import text
from sandbox.school.ids import yt_video_id
from sandbox.school.model import MediaTruth, YTVideo
from sandbox.school.pictures import SMALL, ContentBase
from sandbox.school.planted_cases import YOUTUBE_VIDEOS
from sandbox.school.planting import (
    VideoCase,
    approve,
    draw_values,
    fill,
    first_values,
    media_truth,
    pictured,
    take_pupil,
)


class YouTubeVideos(ContentBase):
    """The YouTube videos, planted and everyday."""

    def planted_video(self, row: VideoCase, published: datetime, video_id: str) -> YTVideo:
        """The YouTube video a planted case's row describes (planted_cases.py), in its slot on the timeline."""
        r = self.rng
        values = first_values(self, published, row.pupil)
        picture = self.picture(published, row.size, pictured(self, row.pictured, values))
        approval = approve(self, row.approval, picture, row.platform, published, video_id, rotated=False)
        title = fill(row.title, values) if row.title else self.video_title(published)
        values["everyday"] = self.video_description()
        description = fill(row.description, values)
        made_for_kids = r.random() < 0.3 if row.kids is None else row.kids
        video = YTVideo(
            video_id,
            title,
            description,
            published,
            r.choice(["public", "public", "public", "unlisted"]),
            made_for_kids,
            r.randint(60, 1500),
            picture,
            r.randint(78, 90),
            media_truth(row.approval, row.platform, "youtube", approval, row.case),
            r.randint(20, 2500),
            r.randint(0, 80),
            clear_cases=list(row.clear),
        )
        if row.edit:
            if row.edit.pupil:
                values["pupil"] = take_pupil(self, row.edit.pupil)
            draw_values(self, row.edit.draws, values)
            video.title = fill(row.edit.title, values) if row.edit.title else video.title
            video.description = (
                fill(row.edit.description, values) if row.edit.description else video.description
            )
        if row.finding:
            video.plants.append(row.finding.plant(values))
        return video

    def video_title(self, published: datetime) -> str:
        return self.rng.choice(text.VIDEO_TITLES).format(
            y=self.rng.randint(1, 6), year=published.year, short=self.info.short_name
        )

    def video_description(self) -> str:
        return self.rng.choice(text.VIDEO_DESCRIPTIONS).format(short=self.info.short_name)

    def background_video(self, published: datetime, video_id: str) -> YTVideo:
        r = self.rng
        roll = r.random()
        if roll < self.spec.background_unapproved:
            picture = self.picture(published, (640, 480))
            truth = MediaTruth("unapproved_new", None, "thumbnail_unapproved", planted=False)
        elif roll < 0.5:
            picture = self.picture(published, SMALL)
            approval = self.approve_file(picture, r.choice(["youtube", "any"]), published)
            truth = MediaTruth("approved_file", approval, "thumbnail_matches_file", planted=False)
        else:
            picture = self.picture(published, (640, 480))
            approval = self.approve_post(video_id, published, "youtube", [picture])
            truth = MediaTruth("approved_post_id", approval, "approved_by_video_id", planted=False)
        return YTVideo(
            video_id,
            self.video_title(published),
            self.video_description(),
            published,
            r.choice(["public", "public", "unlisted"]),
            r.random() < 0.4,
            r.randint(45, 1800),
            picture,
            r.randint(78, 90),
            truth,
            r.randint(20, 4000),
            r.randint(0, 120),
        )

    def yt_videos(self) -> list[YTVideo]:
        planted = YOUTUBE_VIDEOS
        total = max(self.spec.videos, len(planted))
        slots: list[VideoCase | None] = [*planted, *([None] * (total - len(planted)))]
        self.rng.shuffle(slots)
        videos = []
        seen: set[str] = set()
        for published, case in zip(
            self.timeline(
                total, min(self.spec.video_span_days, (self.as_of - self.info.yt_created.date()).days - 30)
            ),
            slots,
            strict=True,
        ):
            video_id = yt_video_id(self.rng)
            while video_id in seen:
                video_id = yt_video_id(self.rng)
            seen.add(video_id)
            videos.append(
                self.planted_video(case, published, video_id)
                if case
                else self.background_video(published, video_id)
            )
        videos.reverse()
        return videos
