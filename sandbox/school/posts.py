"""The sample school's X posts: the planted cases (media approvals, consent, names, contact details, politics;
rows of planted_cases.py) and the everyday posts around them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sandbox.school import names, text
from sandbox.school.images import Shot
from sandbox.school.model import MediaTruth, Picture, XMedia, XPost
from sandbox.school.pictures import LANDSCAPE, SMALL, WIDE, ContentBase
from sandbox.school.planted_cases import X_POSTS
from sandbox.school.planting import (
    GENERIC,
    Carousel,
    Clip,
    Photo,
    PostCase,
    Repost,
    approve,
    draw_values,
    fill,
    first_values,
    media_truth,
    pictured,
)


def another_take(first: Picture, take: int, size: tuple[int, int], minutes: int) -> Picture:
    """Another photograph of the same event, taken `minutes` after the first."""
    return Picture(
        Shot(first.shot.scene, first.shot.kind, take),
        size[0],
        size[1],
        first.pupils,
        first.taken_at + timedelta(minutes=minutes),
        first.device,
    )


class XPosts(ContentBase):
    """The X posts, planted and everyday."""

    def background_text(self) -> str:
        r = self.rng
        if not self.templates:
            # Deal the templates like cards so a small school does not repeat itself.
            self.templates = r.sample(text.POST_TEMPLATES, len(text.POST_TEMPLATES))
        template = self.templates.pop()
        return template.format(
            y=r.choice(["1", "2", "3", "4", "5", "6"]),
            cls=r.choice(names.CLASS_NAMES[:14]),
            place=r.choice(text.TRIP_PLACES),
            town=self.info.town,
            tag=self.info.hashtag,
        )

    def generic_alt(self, picture: Picture) -> str | None:
        if self.rng.random() > 0.4:
            return None
        where = {
            "playground": "on the playground",
            "field": "on the school field",
            "trip": "on a school trip",
            "classroom": "in class",
            "hall": "in the hall",
            "art": "in an art lesson",
        }
        return f"Children {where[picture.shot.kind]}"

    def planted_post(self, row: PostCase, created: datetime, post_id: str) -> XPost:
        """The X post a planted case's row describes (planted_cases.py), in its slot on the timeline."""
        values = first_values(self, created, row.pupil)

        def caption() -> None:
            if "{everyday}" in row.text:
                values["everyday"] = self.everyday_text()
            draw_values(self, row.draws, values)

        if row.caption == "first":
            caption()
        before_upload = caption if row.caption == "before upload" else lambda: None
        media: list[XMedia] = []
        if isinstance(row.media, Photo):
            media = [self.planted_photo(row.media, created, post_id, values)]
        elif isinstance(row.media, Carousel):
            media = self.carousel(row.media, created)
        elif isinstance(row.media, Repost):
            media = self.reposted(row.media, created, before_upload)
        elif isinstance(row.media, Clip):
            picture = self.picture(created, WIDE)
            approval = approve(self, row.media.approval, picture, row.media.platform, created, post_id, False)
            truth = media_truth(row.media.approval, row.media.platform, "x", approval, row.media.case)
            before_upload()
            media = [self.video(picture, created, truth)]
        if row.caption == "after media":
            caption()
        plants = [row.finding.plant(values)] if row.finding else []
        return XPost(post_id, fill(row.text, values), created, media, plants, list(row.clear))

    def everyday_text(self) -> str:
        return self.background_text()

    def reposted(self, row: Repost, created: datetime, before_upload: Callable[[], None]) -> list[XMedia]:
        raise ValueError(f"only the sports account reposts the approved media register's photos, not {row}")

    def planted_photo(self, row: Photo, created: datetime, post_id: str, values: dict[str, object]) -> XMedia:
        picture = self.picture(created, row.size, pictured(self, row.pictured, values))
        approval = approve(self, row.approval, picture, row.platform, created, post_id, row.rotated)
        if row.approval == "another take":
            picture = another_take(picture, 2, SMALL, minutes=3)
        alt = self.generic_alt(picture) if row.alt == GENERIC else fill(row.alt, values) if row.alt else None
        truth = media_truth(row.approval, row.platform, "x", approval, row.case)
        media = self.photo(picture, created, truth, alt, row.width)
        media.quality = row.quality or media.quality
        return media

    def carousel(self, row: Carousel, created: datetime) -> list[XMedia]:
        first = self.picture(created, LANDSCAPE)
        media = []
        for take in range(row.takes):
            picture = another_take(first, take, LANDSCAPE, minutes=take) if take else first
            approval = self.approve_file(picture, self.rng.choice(row.platforms), created)
            media.append(self.photo(picture, created, MediaTruth("approved_file", approval, row.case)))
        if row.slipped:
            extra = self.picture(created)
            at = self.rng.randint(1, row.takes)
            media.insert(at, self.photo(extra, created, MediaTruth("unapproved_new", None, row.slipped)))
        return media

    def background_post(self, created: datetime, post_id: str) -> XPost:
        r = self.rng
        count = max(0, min(4, round(r.gauss(self.spec.images_per_post, 1.0))))
        if count and r.random() < 0.08:
            picture = self.picture(created, WIDE)
            approval = self.approve_post(post_id, created, "x", [picture])
            return XPost(
                post_id,
                self.background_text(),
                created,
                [
                    self.video(
                        picture,
                        created,
                        MediaTruth("approved_post_id", approval, "video_approved_by_post_id", planted=False),
                    )
                ],
            )
        first = self.picture(created, SMALL)
        pictures = [first] + [another_take(first, take, SMALL, minutes=take) for take in range(1, count)]
        media: list[XMedia] = []
        by_post = r.random() < 0.4
        # Now and then one photo of a post went out without approval.
        slipped = r.randrange(count) if count and r.random() < self.spec.background_unapproved else -1
        if by_post:
            # Approving the post by its id after it went out approves every image it carries
            # (docs/contracts/registers.md), so nothing in it slipped through. Decided after the draws: the
            # random stream is unchanged.
            slipped = -1
        approved = [p for i, p in enumerate(pictures[:count]) if i != slipped]
        post_approval = self.approve_post(post_id, created, "x", approved) if approved and by_post else None
        for i, picture in enumerate(pictures[:count]):
            if i == slipped:
                truth = MediaTruth("unapproved_new", None, "unapproved_new", planted=False)
            elif post_approval:
                truth = MediaTruth("approved_post_id", post_approval, "approved_by_post_id", planted=False)
            else:
                truth = MediaTruth(
                    "approved_file",
                    self.approve_file(picture, r.choice(["x", "any"]), created),
                    "approved_file",
                    planted=False,
                )
            media.append(self.photo(picture, created, truth, self.generic_alt(picture)))
        return XPost(post_id, self.background_text(), created, media)

    def x_posts(self) -> list[XPost]:
        planted = X_POSTS
        total = max(self.spec.posts, len(planted))
        slots: list[PostCase | None] = [*planted, *([None] * (total - len(planted)))]
        self.rng.shuffle(slots)
        posts = []
        for created, case in zip(self.timeline(total, self.spec.post_span_days), slots, strict=True):
            post_id = self.new_id(created)
            post = (
                self.planted_post(case, created, post_id) if case else self.background_post(created, post_id)
            )
            post.like_count = self.rng.randint(0, 60)
            post.retweet_count = self.rng.randint(0, 8)
            post.reply_count = self.rng.randint(0, 5)
            posts.append(post)
        posts.reverse()
        return posts
