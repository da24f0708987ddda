"""The sample school's X posts: planted cases (media approvals, consent, names, contact details, politics)
and the everyday posts around them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sandbox.school import names, text
from sandbox.school.images import Shot
from sandbox.school.model import MediaTruth, Picture, Plant, Pupil, XMedia, XPost, ascii_name, fold
from sandbox.school.pictures import LANDSCAPE, PORTRAIT, SMALL, WIDE, ContentBase


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
            # The registers also take approvals for other channels (e.g. "website", docs/contracts/registers.md),
            # but independent dataset checkers accept only x | youtube | any: the approval for another channel is
            # a YouTube-only one.
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
