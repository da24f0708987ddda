"""X posts whose photos have writing in them: the cases only a reader of images finds, and the ones it must not.

Planted, with labels: a certificate naming a pupil ("Star of the Week / awarded to / Amelia Khan"), a name card on a
desk, a poster giving a personal mobile number. Clear: ordinary photos with a banner or sign that names no one,
certificates giving a forename alone, and a thank-you card naming a member of staff by title. Every photo is
approved by its post id (its text is what is wrong, not its approval), with approval ids after the school's others,
and built from a random stream of its own: the rest of the sample school is exactly as it was without them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sandbox.school import names, text
from sandbox.school.images import SCENE_KINDS, Shot
from sandbox.school.lettering import Lettering
from sandbox.school.model import Approval, MediaTruth, Picture, Plant, Pupil, SchoolInfo, XPost, ascii_name
from sandbox.school.people import Registers
from sandbox.school.pictures import LANDSCAPE, PORTRAIT, SMALL, ContentBase
from sandbox.school.sizes import SizeSpec

AWARDS = ("Star of the Week", "Reader of the Month", "Headteacher's Award", "Sports Star", "Kindness Award")
REASONS = ("for fantastic reading", "for always trying hard", "for amazing maths", "for being a great friend")
SIGNS = (
    ("Sports Day {year}",),
    ("Welcome to", "{cls} Class"),
    ("School Library",),
    ("Eco Garden", "Please keep off"),
    ("Summer Fair {year}",),
    ("Year {y} Trip", "to {place}"),
    ("Happy Christmas", "from {town}"),
)
POSTER_EVENTS = ("Summer Fair", "Quiz Night", "Cake Sale", "Christmas Bazaar", "Sponsored Walk")


class LetteredPosts(ContentBase):
    """The lettered posts of one sample school."""

    def __init__(
        self,
        rng: random.Random,
        spec: SizeSpec,
        as_of: date,
        info: SchoolInfo,
        registers: Registers,
        taken_ids: set[str],
    ) -> None:
        super().__init__(rng, spec, as_of, info, registers)
        self.ids |= taken_ids

    def posts(self) -> list[XPost]:
        scale = self.spec.plant_scale
        makers = (
            [self.certificate] * (1 + scale)
            + [self.name_card] * scale
            + [self.poster] * scale
            + [self.sign] * (2 * scale + 1)
            + [self.forename_certificate, self.staff_thanks]
        )
        posts = []
        for created, make in zip(self.timeline(len(makers), self.spec.post_span_days), makers, strict=True):
            posts.append(make(created, self.new_id(created)))
        return posts

    def number_approvals(self, after: int) -> list[Approval]:
        for i, approval in enumerate(self.approvals, start=after + 1):
            approval.approval_id = f"A{i:03d}"
        return self.approvals

    # -- one lettered photo, approved by its post id ---------------------------------------------------

    def _post(
        self, created: datetime, post_id: str, body: str, lettering: Lettering, case: str, size=LANDSCAPE
    ) -> XPost:
        self.next_scene += 1
        taken = created - timedelta(minutes=self.rng.randint(30, 600))
        picture = Picture(
            Shot(self.next_scene, self.rng.choice(SCENE_KINDS)),
            size[0],
            size[1],
            (),
            taken.replace(microsecond=0),
            ("Apple", "iPhone 13"),
            lettering,
        )
        approval = self.approve_post(post_id, created, "x", [picture])
        media = [self.photo(picture, created, MediaTruth("approved_post_id", approval, case), None, 1024)]
        return XPost(post_id, body, created, media)

    def _lettering(self, kind: str, *lines: str) -> Lettering:
        return Lettering(kind, tuple(lines), self.rng.getrandbits(32))

    def certificate(self, created: datetime, post_id: str) -> XPost:
        pupil = self.take_pupil()
        award = self.rng.choice(AWARDS)
        lines = (
            award,
            "awarded to",
            _printed(pupil),
            f"Year {pupil.year_group} - {self.rng.choice(REASONS)}",
            "Headteacher",
        )
        post = self._post(
            created,
            post_id,
            f"This week's {award} certificates! ⭐ {self.info.hashtag}",
            self._lettering("certificate", *lines),
            "image_certificate",
        )
        post.plants.append(Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "image_certificate"))
        return post

    def name_card(self, created: datetime, post_id: str) -> XPost:
        pupil = self.take_pupil()
        cls = self.rng.choice(names.CLASS_NAMES[:14])
        post = self._post(
            created,
            post_id,
            f"Ready for a brilliant first day in {cls} class! 📚",
            self._lettering("name_card", f"{cls} Class", _printed(pupil)),
            "image_name_card",
        )
        post.plants.append(Plant("pupil-named", "pupil", pupil.pupil_id, "medium", "image_name_card"))
        return post

    def poster(self, created: datetime, post_id: str) -> XPost:
        member = self.rng.choice(self.reg.staff[2:])
        # 07700 900xxx is Ofcom's drama range: a personal-looking mobile that reaches nobody.
        number = f"07700 900{self.rng.randint(100, 999)}"
        event = self.rng.choice(POSTER_EVENTS)
        lines = (
            event,
            f"Saturday {self.rng.randint(1, 28)} June, 12-4pm",
            "Everyone welcome!",
            f"Call {ascii_name(member.forename)} on",
            number,
        )
        post = self._post(
            created,
            post_id,
            f"Don't miss our {event}! 🎪",
            self._lettering("poster", *lines),
            "image_poster_mobile",
            PORTRAIT,
        )
        post.plants.append(Plant("contact-details", None, None, "medium", "image_poster_mobile"))
        return post

    def sign(self, created: datetime, post_id: str) -> XPost:
        template = self.rng.choice(SIGNS)
        lines = [
            line.format(
                year=created.year,
                cls=self.rng.choice(names.CLASS_NAMES[:14]),
                y=self.rng.randint(1, 6),
                place=self.rng.choice(text.TRIP_PLACES),
                town=self.info.town,
            )
            for line in template
        ]
        post = self._post(
            created,
            post_id,
            self.rng.choice(["What a day! ☀️", "Look at this! 👀", "A lovely afternoon 🌳"]),
            self._lettering("sign", *lines),
            "image_lettering_names_no_one",
            SMALL,
        )
        post.clear_cases.append("image_lettering_names_no_one")
        return post

    def forename_certificate(self, created: datetime, post_id: str) -> XPost:
        pupil = self.take_pupil()
        lines = (
            self.rng.choice(AWARDS),
            "awarded to",
            pupil.known_as,
            f"Year {pupil.year_group}",
            "Headteacher",
        )
        post = self._post(
            created,
            post_id,
            "Well done to all our award winners! 🏅",
            self._lettering("certificate", *lines),
            "image_certificate_forename_only",
        )
        post.clear_cases.append("image_certificate_forename_only")
        return post

    def staff_thanks(self, created: datetime, post_id: str) -> XPost:
        member = self.take_staff_for_naming()
        lines = (
            "Thank You",
            "to",
            ascii_name(f"{member.title} {member.forename} {member.surname}"),
            "from everyone in Year 6",
            "",
        )
        post = self._post(
            created,
            post_id,
            "A fond farewell ❤️",
            self._lettering("certificate", *lines),
            "image_staff_named",
        )
        post.clear_cases.append("image_staff_named")
        return post


def _printed(pupil: Pupil) -> str:
    """The name as printed: Pillow's own font has no accented letters, as many a certificate template has not."""
    return ascii_name(f"{pupil.known_as} {pupil.surname}")
