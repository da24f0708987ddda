"""The sample school's YouTube videos: planted cases (thumbnail approvals, names, contact details, politics)
and the everyday uploads around them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sandbox.school import text
from sandbox.school.ids import yt_video_id
from sandbox.school.model import MediaTruth, Picture, Plant, YTVideo
from sandbox.school.pictures import LANDSCAPE, SMALL, ContentBase


class YouTubeVideos(ContentBase):
    """The YouTube videos, planted and everyday."""

    def planted_videos(self) -> list[Callable[[datetime, str], YTVideo]]:
        r, info = self.rng, self.info
        contact = f"Questions? Call the school office on {info.phone} or email admin@{info.email_domain}."

        def video(
            video_id: str,
            published: datetime,
            title: str,
            description: str,
            picture: Picture,
            truth: MediaTruth,
            kids: bool | None = None,
        ) -> YTVideo:
            made_for_kids = r.random() < 0.3 if kids is None else kids
            return YTVideo(
                video_id,
                title,
                description,
                published,
                r.choice(["public", "public", "public", "unlisted"]),
                made_for_kids,
                r.randint(60, 1500),
                picture,
                r.randint(78, 90),
                truth,
                r.randint(20, 2500),
                r.randint(0, 80),
            )

        def thumb_by_id(published: datetime, video_id: str) -> YTVideo:
            picture = self.picture(published, (640, 480))
            approval = self.approve_post(video_id, published, "youtube", [picture])
            v = video(
                video_id,
                published,
                self.video_title(published),
                f"{r.choice(text.VIDEO_DESCRIPTIONS).format(short=info.short_name)}\n{contact}",
                picture,
                MediaTruth("approved_post_id", approval, "approved_by_video_id"),
                kids=False,
            )
            v.clear_cases.append("school_contact_details")
            return v

        def thumb_file(published: datetime, video_id: str, platform: str, case: str, kids: bool) -> YTVideo:
            picture = self.picture(published, LANDSCAPE)
            approval = self.approve_file(picture, platform, published)
            truth = MediaTruth(
                "approved_other_platform" if platform == "x" else "approved_file", approval, case
            )
            return video(
                video_id,
                published,
                self.video_title(published),
                self.video_description(),
                picture,
                truth,
                kids=kids,
            )

        def forename_title(published: datetime, video_id: str) -> YTVideo:
            v = thumb_file(published, video_id, "youtube", "thumbnail_matches_file", kids=False)
            pupil = self.take_pupil()
            v.title = f"{pupil.known_as}'s Reading Challenge Celebration"
            v.clear_cases.append("forename_only")
            return v

        def named_title(published: datetime, video_id: str) -> YTVideo:
            pupil = self.take_pupil(lambda p: p.year_group == "6")
            picture = self.picture(published, (640, 480))
            title = f"Summer Concert {published.year}: solo by {pupil.known_as} {pupil.surname}"
            v = video(
                video_id,
                published,
                title,
                self.video_description(),
                picture,
                MediaTruth("unapproved_new", None, "thumbnail_unapproved"),
                kids=False,
            )
            v.plants.append(Plant("pupil-named", "pupil", pupil.pupil_id, "easy", "full_name_video_title"))
            return v

        def refused(published: datetime, video_id: str) -> YTVideo:
            missing = r.choice(
                [p for p in self.reg.pupils if p.status == "current" and p.photo_consent == "refused"]
            )
            picture = self.picture(published, (640, 480), [missing, *r.sample(self.consenting, 2)])
            approval = self.approve_post(video_id, published, "youtube", [picture])
            return video(
                video_id,
                published,
                self.video_title(published),
                self.video_description(),
                picture,
                MediaTruth("approved_post_id", approval, "approved_video_pictures_refused"),
            )

        def mobile(published: datetime, video_id: str) -> YTVideo:
            v = thumb_by_id(published, video_id)
            v.clear_cases.clear()
            member = r.choice(self.reg.staff[2:])
            v.description = f"Tickets for the summer show from {member.title} {member.surname}: text 07700 900{r.randint(100, 999)}."
            v.plants.append(Plant("contact-details", None, None, "easy", "personal_mobile_description"))
            return v

        def political(published: datetime, video_id: str) -> YTVideo:
            v = thumb_file(published, video_id, "any", "thumbnail_matches_file_any", kids=False)
            v.description = f"Our Year 6 debate. Don't forget to vote {r.choice(text.PARTIES)} in the council elections on Thursday! 🗳️"
            v.plants.append(Plant("political-content", None, None, "medium", "party_political_description"))
            return v

        return [
            thumb_by_id,
            lambda p, i: thumb_file(p, i, "any", "thumbnail_matches_file_any", kids=True),
            forename_title,
            named_title,
            lambda p, i: thumb_file(p, i, "x", "x_only_approval_on_youtube", kids=False),
            refused,
            mobile,
            political,
        ]

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
        planted = self.planted_videos()
        total = max(self.spec.videos, len(planted))
        slots: list[Callable[[datetime, str], YTVideo] | None] = [
            *planted,
            *([None] * (total - len(planted))),
        ]
        self.rng.shuffle(slots)
        videos = []
        seen: set[str] = set()
        for published, make in zip(
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
            videos.append(make(published, video_id) if make else self.background_video(published, video_id))
        videos.reverse()
        return videos
