"""What the sample school has published: X posts with photos and videos, YouTube videos, and the approvals."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from connectors.sandbox import names
from connectors.sandbox import sample_text as text
from connectors.sandbox.sample_images import SCENE_KINDS, Shot
from connectors.sandbox.sample_model import (
    Approval,
    MediaTruth,
    Picture,
    Plant,
    Pupil,
    SchoolInfo,
    SizeSpec,
    Staff,
    XMedia,
    XPost,
    YTVideo,
    ascii_name,
    fold,
    x_id_for,
    yt_video_id,
)
from connectors.sandbox.sample_people import Registers

DEVICES = (
    ("Apple", "iPhone 13"),
    ("Apple", "iPad (9th generation)"),
    ("Canon", "Canon EOS 250D"),
    ("samsung", "SM-A536B"),
)
APPROVERS = ("Headteacher", "Deputy Headteacher", "ETL")
LANDSCAPE, PORTRAIT, WIDE, SMALL = (1024, 768), (768, 1024), (1024, 576), (800, 600)


@dataclass
class Content:
    posts: list[XPost]
    videos: list[YTVideo]
    approvals: list[Approval]


class ContentBuilder:
    def __init__(
        self, rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo, registers: Registers
    ) -> None:
        self.rng = rng
        self.spec = spec
        self.as_of = as_of
        self.info = info
        self.reg = registers
        self.approvals: list[Approval] = []
        self.files: set[str] = set()
        self.next_scene = rng.randrange(1, 10**6) * 1000
        self.ids: set[str] = set()
        self.used_pupils: set[str] = set()
        self.templates: list[str] = []
        self.consenting = [
            p for p in registers.pupils if p.status == "current" and p.photo_consent == "granted"
        ]

    # -- pictures and approvals ------------------------------------------------------------------------

    def picture(
        self,
        when: datetime,
        size: tuple[int, int] = SMALL,
        pupils: list[Pupil] | None = None,
    ) -> Picture:
        """A photograph of a new event, by default of one to four pupils whose parents consented."""
        self.next_scene += 1
        shot = Shot(self.next_scene, self.rng.choice(SCENE_KINDS))
        crowd = (
            pupils
            if pupils is not None
            else self.rng.sample(self.consenting, min(len(self.consenting), self.rng.randint(1, 4)))
        )
        taken = when - timedelta(days=self.rng.randint(0, 6), minutes=self.rng.randint(30, 600))
        return Picture(
            shot,
            size[0],
            size[1],
            tuple(p.pupil_id for p in crowd),
            taken.replace(microsecond=0),
            self.rng.choice(DEVICES),
        )

    def file_name(self, picture: Picture) -> str:
        r = self.rng
        while True:
            stamp = picture.taken_at
            name = r.choice(
                [
                    f"IMG_{r.randint(1000, 9999)}.jpg",
                    f"DSC{r.randint(0, 99999):05d}.jpg",
                    f"PXL_{stamp:%Y%m%d_%H%M%S}{r.randint(100, 999)}.jpg",
                    f"{picture.shot.kind}-{stamp:%Y-%m-%d}-{r.randint(1, 40):02d}.jpg",
                ]
            )
            if name not in self.files:
                self.files.add(name)
                return name

    def approve_file(
        self,
        picture: Picture,
        platform: str,
        before: datetime,
        rotated: bool = False,
        post_id: str | None = None,
    ) -> Approval:
        approved_on = min(
            self.as_of, max(picture.taken_at.date(), (before - timedelta(days=self.rng.randint(0, 8))).date())
        )
        approval = Approval(
            approval_id="",
            platform=platform,
            approved_by=self.rng.choice(APPROVERS),
            approved_on=approved_on,
            pupils_pictured=list(picture.pupils),
            file=self.file_name(picture),
            picture=picture,
            rotated=rotated,
            post_id=post_id,
        )
        self.approvals.append(approval)
        return approval

    def approve_post(
        self, post_id: str, posted: datetime, platform: str, pictures: list[Picture]
    ) -> Approval:
        """Approval of a post or video after it went out: no file, the id alone."""
        approved_on = min(self.as_of, posted.date() + timedelta(days=self.rng.randint(0, 9)))
        pupils = list(dict.fromkeys(pid for p in pictures for pid in p.pupils))
        approval = Approval("", platform, self.rng.choice(APPROVERS), approved_on, pupils, post_id=post_id)
        self.approvals.append(approval)
        return approval

    def take_pupil(
        self,
        accept: Callable[[Pupil], bool] = lambda p: p.year_group != "R",
        fallback: Callable[[Pupil], bool] = lambda p: True,
    ) -> Pupil:
        """A current pupil whose name, as written in the plant, belongs to nobody else in the registers."""
        named = [
            p
            for p in self.reg.pupils
            if p.status == "current"
            and p.pupil_id not in self.used_pupils
            and self.reg.index.owners(p.known_as, p.surname) == {p.pupil_id}
            and self.reg.index.owners(p.forename, p.surname) == {p.pupil_id}
        ]
        fits = [p for p in named if accept(p)] or [p for p in named if fallback(p)]
        pupil = self.rng.choice(fits)
        self.used_pupils.add(pupil.pupil_id)
        return pupil

    # -- X posts ------------------------------------------------------------------------------------------

    def timeline(self, count: int, span_days: int) -> list[datetime]:
        """Distinct posting times in school hours over the span before the audit date, oldest first."""
        end = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=UTC) - timedelta(days=1)
        times: set[datetime] = set()
        while len(times) < count:
            day = end - timedelta(days=self.rng.randrange(span_days))
            if day.weekday() >= 5 and self.rng.random() < 0.8:
                continue
            times.add(
                day.replace(
                    hour=self.rng.randint(7, 17), minute=self.rng.randrange(60), second=self.rng.randrange(60)
                )
            )
        return sorted(times)

    def new_id(self, when: datetime) -> str:
        while True:
            candidate = x_id_for(when, self.rng)
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def photo(
        self,
        picture: Picture,
        posted: datetime,
        truth: MediaTruth,
        alt: str | None = None,
        width: int | None = None,
    ) -> XMedia:
        if width is None:
            width = 680 if picture.height > picture.width else self.rng.choice([680, 900, 1024])
        key = "3_" + self.new_id(posted - timedelta(seconds=self.rng.randint(20, 400)))
        return XMedia(key, "photo", picture, min(width, picture.width), self.rng.randint(70, 85), alt, truth)

    def video(self, picture: Picture, posted: datetime, truth: MediaTruth) -> XMedia:
        key = "7_" + self.new_id(posted - timedelta(seconds=self.rng.randint(60, 900)))
        return XMedia(
            key,
            "video",
            picture,
            680,
            self.rng.randint(72, 85),
            None,
            truth,
            self.rng.randint(8_000, 140_000),
        )

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

    def planted_posts(self) -> list[Callable[[datetime, str], XPost]]:
        """Each planted case as a function of its slot on the timeline (time and post id)."""
        r, info = self.rng, self.info
        school_contact = f"Any questions, call the office on {info.phone} or email office@{info.email_domain}"

        def approved_one(
            created: datetime,
            post_id: str,
            platform: str,
            case: str,
            size: tuple[int, int] = LANDSCAPE,
            rotated: bool = False,
            width: int | None = None,
            pupils: list[Pupil] | None = None,
            alt: str | None = None,
        ) -> XMedia:
            picture = self.picture(created, size, pupils)
            approval = self.approve_file(picture, platform, created, rotated=rotated)
            return self.photo(picture, created, MediaTruth("approved_file", approval, case), alt, width)

        def reencoded(created: datetime, post_id: str) -> XPost:
            media = [approved_one(created, post_id, "x", "approved_reencoded_680", width=680)]
            return XPost(
                post_id,
                f"{self.background_text()}\n{school_contact}",
                created,
                media,
                clear_cases=["school_contact_details"],
            )

        def reencoded_large(created: datetime, post_id: str) -> XPost:
            media = [approved_one(created, post_id, "any", "approved_reencoded_same_width", width=1024)]
            media[0].quality = 70
            return XPost(
                post_id, r.choice(text.NEUTRAL_CIVIC_POSTS), created, media, clear_cases=["civic_neutral"]
            )

        def exif(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil()
            media = [
                approved_one(
                    created, post_id, "x", "exif_orientation_original", PORTRAIT, rotated=True, width=680
                )
            ]
            body = f"Well done {pupil.known_as} for reading 100 books this term! 📚 {info.hashtag}"
            return XPost(post_id, body, created, media, clear_cases=["forename_only"])

        def by_post_id(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created)
            approval = self.approve_post(post_id, created, "x", [picture])
            media = [
                self.photo(
                    picture,
                    created,
                    MediaTruth("approved_post_id", approval, "approved_by_post_id"),
                    self.generic_alt(picture),
                )
            ]
            return XPost(post_id, self.background_text(), created, media)

        def file_and_post(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created, LANDSCAPE)
            approval = self.approve_file(picture, "x", created, post_id=post_id)
            media = [
                self.photo(
                    picture, created, MediaTruth("approved_file", approval, "approved_file_and_post_id")
                )
            ]
            return XPost(post_id, self.background_text(), created, media)

        def other_platform(created: datetime, post_id: str) -> XPost:
            # DESIGN.md §5.6 also allows e.g. "website" approvals, but check_dataset.py accepts only
            # x | youtube | any, so the approval for another channel is a YouTube-only one.
            picture = self.picture(created, LANDSCAPE)
            approval = self.approve_file(picture, "youtube", created)
            media = [
                self.photo(
                    picture,
                    created,
                    MediaTruth("approved_other_platform", approval, "youtube_only_approval_on_x"),
                )
            ]
            return XPost(post_id, self.background_text(), created, media)

        def unapproved(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created)
            media = [
                self.photo(
                    picture,
                    created,
                    MediaTruth("unapproved_new", None, "unapproved_new"),
                    self.generic_alt(picture),
                )
            ]
            return XPost(post_id, self.background_text(), created, media)

        def same_event(created: datetime, post_id: str) -> XPost:
            approved = self.picture(created, LANDSCAPE)
            self.approve_file(approved, "any", created)
            other = Picture(
                Shot(approved.shot.scene, approved.shot.kind, take=2),
                SMALL[0],
                SMALL[1],
                approved.pupils,
                approved.taken_at + timedelta(minutes=3),
                approved.device,
            )
            media = [
                self.photo(
                    other, created, MediaTruth("unapproved_same_event", None, "same_event_different_shot")
                )
            ]
            return XPost(post_id, self.background_text(), created, media)

        def carousel(created: datetime, post_id: str, with_unapproved: bool) -> XPost:
            first = self.picture(created, LANDSCAPE)
            media = []
            for take in range(3):
                shot = Shot(first.shot.scene, first.shot.kind, take)
                picture = (
                    first
                    if take == 0
                    else Picture(
                        shot,
                        LANDSCAPE[0],
                        LANDSCAPE[1],
                        first.pupils,
                        first.taken_at + timedelta(minutes=take),
                        first.device,
                    )
                )
                approval = self.approve_file(picture, r.choice(["x", "any"]), created)
                media.append(
                    self.photo(
                        picture, created, MediaTruth("approved_file", approval, "carousel_approved_image")
                    )
                )
            if with_unapproved:
                extra = self.picture(created)
                media.insert(
                    r.randint(1, 3),
                    self.photo(
                        extra, created, MediaTruth("unapproved_new", None, "carousel_unapproved_image")
                    ),
                )
                return XPost(post_id, self.background_text(), created, media)
            member = self.take_staff_for_naming()
            body = f"A huge thank you to {member.title} {member.forename} {member.surname} for organising our wonderful {r.choice(['summer fair', 'sports day', 'trip', 'concert'])}! 🎉"
            return XPost(post_id, body, created, media, clear_cases=["staff_named"])

        def video_post_id(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created, WIDE)
            approval = self.approve_post(post_id, created, "x", [picture])
            return XPost(
                post_id,
                f"Watch our Year {r.randint(1, 6)} choir! 🎶",
                created,
                [
                    self.video(
                        picture,
                        created,
                        MediaTruth("approved_post_id", approval, "video_approved_by_post_id"),
                    )
                ],
            )

        def video_file(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created, WIDE)
            approval = self.approve_file(picture, "any", created)
            return XPost(
                post_id,
                f"Highlights from our {r.choice(['sports day', 'dance festival', 'Christmas fair'])} 🎥",
                created,
                [
                    self.video(
                        picture, created, MediaTruth("approved_file", approval, "video_preview_matches_file")
                    )
                ],
            )

        def video_unapproved(created: datetime, post_id: str) -> XPost:
            picture = self.picture(created, WIDE)
            return XPost(
                post_id,
                "Look at this amazing performance! 🎭",
                created,
                [self.video(picture, created, MediaTruth("unapproved_new", None, "video_unapproved"))],
            )

        def consent_withdrawn(created: datetime, post_id: str) -> XPost:
            missing = r.choice(
                [p for p in self.reg.pupils if p.status == "current" and p.photo_consent == "withdrawn"]
            )
            crowd = [missing, *r.sample(self.consenting, 2)]
            media = [approved_one(created, post_id, "x", "approved_file_pictures_withdrawn", pupils=crowd)]
            return XPost(post_id, self.background_text(), created, media)

        def consent_left(created: datetime, post_id: str) -> XPost:
            gone = r.choice([p for p in self.reg.pupils if p.status == "left"])
            picture = self.picture(created, SMALL, [gone, *r.sample(self.consenting, 1)])
            approval = self.approve_post(post_id, created, "x", [picture])
            media = [
                self.photo(
                    picture,
                    created,
                    MediaTruth("approved_post_id", approval, "approved_post_pictures_left_pupil"),
                )
            ]
            return XPost(
                post_id,
                f"Throwback to a brilliant day a few years ago! #ThrowbackThursday {info.hashtag}",
                created,
                media,
            )

        def named_with_media(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil(lambda p: p.photo_consent == "granted" and p.year_group != "R")
            media = [approved_one(created, post_id, "x", "approved_reencoded_680", pupils=[pupil])]
            body = f"Huge congratulations to {pupil.known_as} {pupil.surname} in Year {pupil.year_group} who won the {info.town} chess tournament! 🏆 {info.hashtag}"
            return XPost(
                post_id,
                body,
                created,
                media,
                [Plant("pupil-named", "pupil", pupil.pupil_id, "easy", "full_name_text_with_media")],
            )

        def surname_first(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil()
            body = f"Star of the week in {r.choice(names.CLASS_NAMES[:14])} class: {pupil.surname}, {pupil.known_as}! ⭐ Brilliant effort all week."
            return XPost(
                post_id,
                body,
                created,
                [],
                [Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "surname_first_no_media")],
            )

        def alt_text(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil(
                lambda p: bool(p.preferred_name) and p.photo_consent == "granted" and p.year_group != "R",
                fallback=lambda p: p.forename in names.DIMINUTIVES and p.photo_consent == "granted",
            )
            if not pupil.preferred_name:
                # The register records the name the child goes by, as schools do.
                pupil.preferred_name = names.DIMINUTIVES[pupil.forename][0]
            alt = f"{pupil.preferred_name} {pupil.surname} holding a swimming certificate"
            media = [approved_one(created, post_id, "any", "approved_reencoded_680", pupils=[pupil], alt=alt)]
            return XPost(
                post_id,
                f"Swimming certificates this week! 🏊 {info.hashtag}",
                created,
                media,
                [Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "alt_text_preferred_name")],
            )

        def hashtag(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil()
            tag = "".join(
                w[:1].upper() + w[1:]
                for w in re.split(r"[\s'’-]+", ascii_name(f"{pupil.known_as} {pupil.surname}"))
                if w
            )
            body = f"So proud of our spelling bee champion! 🐝 #WellDone{tag} {info.hashtag}"
            return XPost(
                post_id,
                body,
                created,
                [],
                [Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "hashtag_full_name")],
            )

        def diminutive(created: datetime, post_id: str) -> XPost:
            pupil = self.take_pupil(
                lambda p: p.forename in names.DIMINUTIVES and not p.preferred_name and p.year_group != "R"
            )
            nick = r.choice(names.DIMINUTIVES[pupil.forename])
            body = f"What a match! {nick} {pupil.surname} scored the winning goal for our Year {pupil.year_group} team ⚽"
            return XPost(
                post_id,
                body,
                created,
                [],
                [Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "diminutive_surname")],
            )

        def mobile(created: datetime, post_id: str) -> XPost:
            member = r.choice(self.reg.staff[2:])
            # 07700 900xxx is Ofcom's drama range: a personal-looking mobile that reaches nobody. Half the
            # schools write it internationally; the choice reuses the draw so the random stream is unchanged.
            line = r.randint(100, 999)
            number = f"07700 900{line}" if line % 2 else f"+44 7700 900{line}"
            body = f"Lost a blue lunchbox on the trip? Text {member.title} {member.surname} on {number} to collect it."
            return XPost(
                post_id, body, created, [], [Plant("contact-details", None, None, "easy", "personal_mobile")]
            )

        def email(created: datetime, post_id: str) -> XPost:
            parent = r.choice(self.reg.parents)
            address = f"{fold(parent.forename)}.{fold(parent.surname)}{r.randint(70, 95)}@{r.choice(['gmail.com', 'hotmail.co.uk', 'outlook.com'])}"
            body = f"Volunteers needed for the summer fair! Please email our PTA chair at {address} 🎪"
            return XPost(
                post_id, body, created, [], [Plant("contact-details", None, None, "easy", "personal_email")]
            )

        def political(created: datetime, post_id: str) -> XPost:
            forename, surname = (
                r.choice(["Helen", "Gary", "Priya", "Tom"]),
                r.choice(["Ashby", "Moreton", "Kaplan", "Rudd"]),
            )
            body = r.choice(text.POLITICAL_POSTS).format(
                candidate=f"{forename} {surname}", party=r.choice(text.PARTIES), ward=f"{info.town} Central"
            )
            return XPost(
                post_id,
                body,
                created,
                [],
                [Plant("political-content", None, None, "medium", "party_political")],
            )

        return [
            reencoded,
            reencoded_large,
            exif,
            by_post_id,
            file_and_post,
            other_platform,
            unapproved,
            same_event,
            lambda c, i: carousel(c, i, True),
            lambda c, i: carousel(c, i, False),
            video_post_id,
            video_file,
            video_unapproved,
            consent_withdrawn,
            consent_left,
            named_with_media,
            surname_first,
            alt_text,
            hashtag,
            diminutive,
            mobile,
            email,
            political,
        ]

    def take_staff_for_naming(self) -> Staff:
        """A member of staff whose name is nobody else's, so naming them is plainly not naming a pupil."""
        fits = [s for s in self.reg.staff if self.reg.index.owners(s.forename, s.surname) == {s.staff_id}]
        return self.rng.choice(fits)

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
        pictures = [first] + [
            Picture(
                Shot(first.shot.scene, first.shot.kind, take),
                SMALL[0],
                SMALL[1],
                first.pupils,
                first.taken_at + timedelta(minutes=take),
                first.device,
            )
            for take in range(1, count)
        ]
        media: list[XMedia] = []
        by_post = r.random() < 0.4
        # Now and then one photo of a post went out without approval.
        slipped = r.randrange(count) if count and r.random() < self.spec.background_unapproved else -1
        if by_post:
            # Approving the post by its id after it went out approves every image it carries (DESIGN.md
            # §5.2), so nothing in it slipped through. Decided after the draws: the random stream is unchanged.
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
        planted = self.planted_posts()
        total = max(self.spec.posts, len(planted))
        slots: list[Callable[[datetime, str], XPost] | None] = [*planted, *([None] * (total - len(planted)))]
        self.rng.shuffle(slots)
        posts = []
        for created, make in zip(self.timeline(total, self.spec.post_span_days), slots, strict=True):
            post_id = self.new_id(created)
            post = make(created, post_id) if make else self.background_post(created, post_id)
            post.like_count = self.rng.randint(0, 60)
            post.retweet_count = self.rng.randint(0, 8)
            post.reply_count = self.rng.randint(0, 5)
            posts.append(post)
        posts.reverse()
        return posts

    # -- YouTube videos -----------------------------------------------------------------------------------

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
