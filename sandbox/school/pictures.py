"""The photographs the sample school takes, their approvals, and the media items that carry them on a platform."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sandbox.school.ids import x_id_for
from sandbox.school.images import SCENE_KINDS, Shot
from sandbox.school.model import Approval, MediaTruth, Picture, Pupil, SchoolInfo, Staff, XMedia
from sandbox.school.people import Registers
from sandbox.school.sizes import SizeSpec

DEVICES = (
    ("Apple", "iPhone 13"),
    ("Apple", "iPad (9th generation)"),
    ("Canon", "Canon EOS 250D"),
    ("samsung", "SM-A536B"),
)
APPROVERS = ("Headteacher", "Deputy Headteacher", "ETL")
LANDSCAPE, PORTRAIT, WIDE, SMALL = (1024, 768), (768, 1024), (1024, 576), (800, 600)


class ContentBase:
    """What the post and video builders share: the random stream, the approvals so far, the file names and
    ids already taken, and the pupils already named."""

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

    # -- posting: times, ids and the media items that carry a picture -----------------------------------

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

    def take_staff_for_naming(self) -> Staff:
        """A member of staff whose name is nobody else's, so naming them is plainly not naming a pupil."""
        fits = [s for s in self.reg.staff if self.reg.index.owners(s.forename, s.surname) == {s.staff_id}]
        return self.rng.choice(fits)
