"""The school's Facebook Page and Instagram account: posts, photos, a visitor post, comments and replies, media with
a carousel, each planted case beside its look-alike. Built after everything else, from a random stream of its own, so
the X and YouTube parts of the school (and their labels) stay as they were.

The cases: a parent's comment naming a pupil under a photo and a reply naming another (`pupil-named-in-comment`),
with look-alikes naming a forename only, a member of staff, and a parent; a comment whose author the Page token may
not see, judged on its text; a visitor post naming a pupil; a pupil commenting (`pupil-comment`); an unapproved photo
and an approved one; a consent-refused pupil in an approved photo; a pupil named in alt text; a personal phone
number; party politics; on Instagram, approved photos published cropped to 4:5 and 1.91:1 (still approved) beside a
carousel holding a different photo, a caption naming a pupil, comments and a pupil's reply."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sandbox.school import text
from sandbox.school.model import (
    Approval,
    MediaTruth,
    Picture,
    Plant,
    Pupil,
    SchoolInfo,
    Truth,
    handle_letters,
)
from sandbox.school.people import Registers
from sandbox.school.pictures import LANDSCAPE, ContentBase
from sandbox.school.sizes import SizeSpec

FB_PHOTO_WIDTH = 960
IG_WIDTH = 1080
# Instagram's feed crops: portrait 4:5 and landscape 1.91:1 (width / height).
CROPS = {"4:5": 4 / 5, "1.91:1": 1.91, "": 0.0}


@dataclass
class MetaPhoto:
    """One published image: a Facebook Photo or an Instagram image (a carousel child included)."""

    photo_id: str
    picture: Picture
    truth: MediaTruth
    alt_text: str = ""
    crop: str = ""  # "", "4:5" or "1.91:1": Instagram's crop of the picture


@dataclass
class MetaComment:
    comment_id: str
    parent_id: str  # the post, photo, media or comment it answers
    text: str
    created: datetime
    author_id: str
    author_name: str  # Facebook: the name; Instagram: the username
    truth: Truth
    shown: bool = True  # False: the token may not see who wrote it (no `from`)
    plants: list[Plant] = field(default_factory=list)


@dataclass
class MetaPost:
    """A Page post (or a visitor's post), or an Instagram media item (photos: one, or a carousel's children)."""

    post_id: str
    text: str
    created: datetime
    photos: list[MetaPhoto]
    plants: list[Plant] = field(default_factory=list)
    clear_cases: list[str] = field(default_factory=list)
    author: tuple[str, str] | None = None  # a visitor post's (id, name)


@dataclass
class MetaAccounts:
    page_id: str
    page_username: str
    page_name: str
    ig_user_id: str
    ig_username: str
    approved_on: date
    fb_posts: list[MetaPost] = field(default_factory=list)  # newest first
    visitor_posts: list[MetaPost] = field(default_factory=list)
    fb_comments: list[MetaComment] = field(default_factory=list)
    ig_media: list[MetaPost] = field(default_factory=list)  # newest first
    ig_comments: list[MetaComment] = field(default_factory=list)
    fan_count: int = 0
    ig_followers: int = 0


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


class MetaBuilder(ContentBase):
    def __init__(
        self, rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo, registers: Registers
    ) -> None:
        super().__init__(rng, spec, as_of, info, registers)
        self.page_id = "1040" + _digits(rng, 11)
        self.ig_user_id = "178414" + _digits(rng, 11)
        self.serial = 0

    def object_id(self) -> str:
        self.serial += 1
        return f"{self.serial:03d}" + _digits(self.rng, 12)

    def post_id(self) -> str:
        return f"{self.page_id}_{self.object_id()}"

    def person_id(self) -> str:
        return "31" + _digits(self.rng, 14)

    def meta_photo(self, picture: Picture, truth: MediaTruth, alt: str = "", crop: str = "") -> MetaPhoto:
        return MetaPhoto(self.object_id(), picture, truth, alt, crop)

    def approved(
        self, when: datetime, platform: str, case: str, pupils: list[Pupil] | None = None
    ) -> MetaPhoto:
        picture = self.picture(when, LANDSCAPE, pupils)
        approval = self.approve_file(picture, platform, when)
        return self.meta_photo(picture, MediaTruth("approved_file", approval, case))

    def comment(
        self,
        parent: str,
        when: datetime,
        body: str,
        author: tuple[str, str],
        truth: Truth,
        *plants: Plant,
        shown: bool = True,
    ) -> MetaComment:
        return MetaComment(
            self.object_id(), parent, body, when, author[0], author[1], truth, shown, list(plants)
        )

    def build(self) -> MetaAccounts:
        r, reg, info = self.rng, self.reg, self.info
        times = self.timeline(16, 28)
        meta = MetaAccounts(
            self.page_id,
            info.x_handle.lower(),
            info.name,
            self.ig_user_id,
            info.x_handle.lower(),
            self.as_of - timedelta(days=400),
            fan_count=r.randint(300, 900),
            ig_followers=r.randint(150, 600),
        )
        public = Truth("unknown", None, "easy", "parent_comment", planted=False)
        parents = [p for p in reg.parents if p.pupil_ids]

        def parent_author(pupil: Pupil | None = None) -> tuple[str, str]:
            parent = next((p for p in parents if pupil and pupil.pupil_id in p.pupil_ids), r.choice(parents))
            return self.person_id(), f"{parent.forename} {parent.surname}"

        # 1. An approved photo and its comments: the commonest way a child is identified on a Page.
        def pictured(p: Pupil) -> bool:
            return p.photo_consent == "granted" and p.year_group != "R"

        named, replied, hidden_named = self.take_pupil(pictured), self.take_pupil(pictured), self.take_pupil()
        proud = self.post_id()
        photo = self.approved(times[0], "facebook", "approved_file", [named, replied])
        post = MetaPost(
            proud,
            f"Our Year {named.year_group} class assembly this morning! {info.hashtag}",
            times[0],
            [photo],
        )
        meta.fb_posts.append(post)
        after = times[0] + timedelta(minutes=30)
        first = self.comment(
            proud,
            after,
            f"So proud of {named.known_as} {named.surname}!",
            parent_author(named),
            public,
            Plant("pupil-named-in-comment", "pupil", named.pupil_id, "easy", "parent_names_pupil"),
        )
        reply = self.comment(
            first.comment_id,
            after + timedelta(minutes=12),
            f"And {replied.forename} {replied.surname} was brilliant too",
            parent_author(replied),
            public,
            Plant("pupil-named-in-comment", "pupil", replied.pupil_id, "easy", "reply_names_pupil"),
        )
        forename_only = self.comment(
            proud,
            after + timedelta(minutes=20),
            f"Well done {r.choice(self.consenting).known_as}, what a star!",
            parent_author(),
            public,
        )
        staff = self.take_staff_for_naming()
        thanks_staff = self.comment(
            proud,
            after + timedelta(minutes=31),
            f"Thank you {staff.forename} {staff.surname} for all the rehearsals",
            parent_author(),
            public,
        )
        organiser = r.choice([p for p in parents if reg.index.owners(p.forename, p.surname) == {p.parent_id}])
        thanks_parent = self.comment(
            proud,
            after + timedelta(minutes=44),
            f"Thanks {organiser.forename} {organiser.surname} for the costumes!",
            parent_author(),
            public,
        )
        unseen = self.comment(
            proud,
            after + timedelta(minutes=50),
            f"{hidden_named.known_as} {hidden_named.surname} looked so happy",
            parent_author(),
            Truth("unknown", None, "medium", "author_not_shown", planted=False),
            Plant("pupil-named-in-comment", "pupil", hidden_named.pupil_id, "medium", "author_not_shown"),
            shown=False,
        )
        commenter = self.take_pupil(lambda p: p.year_group in ("5", "6"))
        pupil_id = self.person_id()
        commenter.known_handles.append(f"facebook:{pupil_id}")
        by_pupil = self.comment(
            proud,
            after + timedelta(minutes=58),
            "thats me at the front!!",
            (pupil_id, f"{commenter.forename} {commenter.surname}"),
            Truth("pupil", commenter.pupil_id, "declared", "pupil_comments_on_page"),
        )
        for c, case in (
            (forename_only, "forename_only"),
            (thanks_staff, "staff_named"),
            (thanks_parent, "parent_named"),
        ):
            c.truth = Truth("unknown", None, "easy", case, planted=True)
        meta.fb_comments += [first, reply, forename_only, thanks_staff, thanks_parent, unseen, by_pupil]

        # 2. The media cases on the Page.
        fresh = self.picture(times[1], LANDSCAPE)
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                "Autumn leaves in Forest School",
                times[1],
                [self.meta_photo(fresh, MediaTruth("unapproved_new", None, "unapproved_photo"))],
            )
        )
        refused = next(p for p in reg.pupils if p.status == "current" and p.photo_consent != "granted")
        crowd = [refused, *r.sample(self.consenting, 2)]
        breach_photo = self.approved(times[2], "facebook", "pictured_consent_refused", crowd)
        meta.fb_posts.append(MetaPost(self.post_id(), "Science week experiments", times[2], [breach_photo]))
        in_alt = self.take_pupil(pictured)
        alt_photo = self.approved(times[3], "facebook", "approved_file", [in_alt])
        alt_photo.alt_text = f"{in_alt.forename} {in_alt.surname} holding the reading award"
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                "Reading award winners",
                times[3],
                [alt_photo],
                [Plant("pupil-named", "pupil", in_alt.pupil_id, "medium", "named_in_alt_text")],
            )
        )
        pair = [
            self.approved(times[4], "facebook", "multi_photo_approved"),
            self.approved(times[4], "any", "multi_photo_approved"),
        ]
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                "Harvest festival, thank you for your donations",
                times[4],
                pair,
                clear_cases=["multi_photo_approved"],
            )
        )
        member = r.choice(reg.staff[2:])
        line = r.randint(100, 999)
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                f"Found a blue coat after the disco? Text {member.title} {member.surname} on 07700 900{line}.",
                times[5],
                [],
                [Plant("contact-details", None, None, "easy", "personal_mobile")],
            )
        )
        candidate = (
            f"{r.choice(['Helen', 'Gary', 'Priya', 'Tom'])} {r.choice(['Ashby', 'Moreton', 'Kaplan'])}"
        )
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                r.choice(text.POLITICAL_POSTS).format(
                    candidate=candidate, party=r.choice(text.PARTIES), ward=f"{info.town} Central"
                ),
                times[6],
                [],
                [Plant("political-content", None, None, "medium", "party_political")],
            )
        )
        meta.fb_posts.append(
            MetaPost(
                self.post_id(),
                "Non-uniform day on Friday: bring £1 for the PTA.",
                times[7],
                [],
                clear_cases=["plain_notice"],
            )
        )
        visitor_named = self.take_pupil()
        author = parent_author(visitor_named)
        meta.visitor_posts.append(
            MetaPost(
                self.post_id(),
                f"Lovely to see {visitor_named.known_as} {visitor_named.surname} singing in the choir",
                times[8],
                [],
                [
                    Plant(
                        "pupil-named-in-comment",
                        "pupil",
                        visitor_named.pupil_id,
                        "easy",
                        "visitor_post_names_pupil",
                    )
                ],
                author=author,
            )
        )
        meta.visitor_posts.append(
            MetaPost(
                self.post_id(),
                "Thank you for a lovely Christmas fair!",
                times[9],
                [],
                clear_cases=["visitor_post_thanks"],
                author=parent_author(),
            )
        )
        meta.fb_posts.sort(key=lambda p: p.created, reverse=True)
        meta.visitor_posts.sort(key=lambda p: p.created, reverse=True)

        # 3. Instagram: approved photos cropped by the platform, and a carousel holding a different photo.
        portrait = self.approved(times[10], "instagram", "approved_cropped_4x5")
        portrait.crop = "4:5"
        wide = self.approved(times[11], "any", "approved_cropped_191")
        wide.crop = "1.91:1"
        kept = self.approved(times[12], "instagram", "approved_cropped_4x5")
        kept.crop = "4:5"
        stranger = self.meta_photo(
            self.picture(times[12], LANDSCAPE),
            MediaTruth("unapproved_new", None, "carousel_unapproved_child"),
            crop="4:5",
        )
        captioned = self.take_pupil(pictured)
        caption_photo = self.approved(times[13], "instagram", "approved_file", [captioned])
        caption_photo.crop = "4:5"
        meta.ig_media = sorted(
            [
                MetaPost(
                    self.object_id(),
                    "Sunrise on the school field",
                    times[10],
                    [portrait],
                    clear_cases=["approved_cropped_4x5"],
                ),
                MetaPost(
                    self.object_id(),
                    "Our new library",
                    times[11],
                    [wide],
                    clear_cases=["approved_cropped_191"],
                ),
                MetaPost(self.object_id(), "Sports day highlights", times[12], [kept, stranger]),
                MetaPost(
                    self.object_id(),
                    f"Congratulations {captioned.forename} {captioned.surname}, star of the week!",
                    times[13],
                    [caption_photo],
                    [Plant("pupil-named", "pupil", captioned.pupil_id, "easy", "named_in_caption")],
                ),
            ],
            key=lambda m: m.created,
            reverse=True,
        )
        target = next(m for m in meta.ig_media if m.photos[0] is portrait)
        ig_named = self.take_pupil()
        top = self.comment(
            target.post_id,
            times[10] + timedelta(hours=1),
            f"{ig_named.known_as} {ig_named.surname} looks so grown up",
            (self.person_id(), "proud_mum_22"),
            public,
            Plant("pupil-named-in-comment", "pupil", ig_named.pupil_id, "easy", "ig_comment_names_pupil"),
        )
        ig_pupil = self.take_pupil(lambda p: p.year_group in ("5", "6"))
        # The name as the pupil would type it into Instagram, which takes ASCII letters only: "rónán_65" cannot exist.
        handle = f"{handle_letters(ig_pupil.known_as)}_{r.randint(10, 99)}"
        ig_pupil.known_handles.append(f"instagram:{handle}")
        pupil_reply = self.comment(
            top.comment_id,
            times[10] + timedelta(hours=2),
            "lol thats our class",
            (self.person_id(), handle),
            Truth("pupil", ig_pupil.pupil_id, "declared", "pupil_replies_on_instagram"),
        )
        look_alike = self.comment(
            target.post_id,
            times[10] + timedelta(hours=3),
            f"Go {r.choice(self.consenting).known_as}!",
            (self.person_id(), "grandad_bill"),
            Truth("unknown", None, "easy", "ig_forename_only", planted=True),
        )
        meta.ig_comments += [top, pupil_reply, look_alike]
        self.approvals.sort(key=lambda a: a.approved_on)
        return meta


def build_meta(
    rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo, registers: Registers
) -> tuple[MetaAccounts, list[Approval]]:
    builder = MetaBuilder(rng, spec, as_of, info, registers)
    return builder.build(), builder.approvals


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
