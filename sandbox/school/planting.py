"""The vocabulary of the sample school's planted cases: a case is a data row (planted_cases.py) and the few ways
of building one live once, here and in the builders that read the rows (posts.py, videos.py, sports.py).

A row names what the case is made of: the pupil it is about, its picture (size, who is pictured, how it was
approved), its text as a template, the values drawn to fill it, and the labels it carries. Every value a row
draws comes from the content's one random stream, in the order the row lists it, so a school is the same
from one run to the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sandbox.school import names
from sandbox.school.model import Approval, MediaTruth, Parent, Picture, Plant, Pupil, ascii_name, fold
from sandbox.school.pictures import ContentBase

# ----------------------------------------------------------------------------------------------- draws


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.rng.choice(self.options)


@dataclass(frozen=True)
class Number:
    low: int
    high: int

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.rng.randint(self.low, self.high)


@dataclass(frozen=True)
class Template:
    """One of the templates, filled in once every value of the row is drawn."""

    options: tuple[str, ...]

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return _Deferred(b.rng.choice(self.options))


@dataclass(frozen=True)
class Derived:
    """A value written from the values drawn before it; draws nothing."""

    template: str

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return self.template.format(**values)


@dataclass(frozen=True)
class FullName:
    """A person's name from these forenames and surnames."""

    forenames: tuple[str, ...]
    surnames: tuple[str, ...]

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return f"{b.rng.choice(self.forenames)} {b.rng.choice(self.surnames)}"


@dataclass(frozen=True)
class StaffMember:
    """Any member of staff but the first two (the head and the deputy)."""

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.rng.choice(b.reg.staff[2:])


@dataclass(frozen=True)
class NamedStaff:
    """A member of staff whose name is nobody else's."""

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.take_staff_for_naming()


@dataclass(frozen=True)
class AnyParent:
    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.rng.choice(b.reg.parents)


@dataclass(frozen=True)
class PersonalMobile:
    """A personal-looking mobile number."""

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        # 07700 900xxx is Ofcom's drama range: a personal-looking mobile that reaches nobody. Half the schools
        # write it internationally; the choice reuses the draw.
        line = b.rng.randint(100, 999)
        return f"07700 900{line}" if line % 2 else f"+44 7700 900{line}"


@dataclass(frozen=True)
class PersonalEmail:
    """A personal e-mail address of the parent drawn as `of`."""

    of: str

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        parent = values[self.of]
        assert isinstance(parent, Parent)
        number = b.rng.randint(70, 95)
        domain = b.rng.choice(["gmail.com", "hotmail.co.uk", "outlook.com"])
        return f"{fold(parent.forename)}.{fold(parent.surname)}{number}@{domain}"


@dataclass(frozen=True)
class NameTag:
    """The pupil's full name as a hashtag's words (#WellDone<this>); draws nothing."""

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        pupil = _pupil(values)
        words = re.split(r"[\s'’-]+", ascii_name(f"{pupil.known_as} {pupil.surname}"))
        return "".join(w[:1].upper() + w[1:] for w in words if w)


@dataclass(frozen=True)
class Nickname:
    """A diminutive of the pupil's forename."""

    def draw(self, b: ContentBase, values: Mapping[str, object]) -> object:
        return b.rng.choice(names.DIMINUTIVES[_pupil(values).forename])


Draw = (
    Choice
    | Number
    | Template
    | Derived
    | FullName
    | StaffMember
    | NamedStaff
    | AnyParent
    | PersonalMobile
    | PersonalEmail
    | NameTag
    | Nickname
)
Draws = tuple[tuple[str, Draw], ...]


@dataclass(frozen=True)
class _Deferred:
    template: str


def draw_values(b: ContentBase, draws: Draws, values: dict[str, object]) -> None:
    """Draw the row's values in its order into `values`."""
    for name, draw in draws:
        values[name] = draw.draw(b, values)


def fill(template: str, values: Mapping[str, object]) -> str:
    """The template written with the values (a drawn template first written with all of them)."""
    ready = {k: v.template.format(**values) if isinstance(v, _Deferred) else v for k, v in values.items()}
    return template.format(**ready)


# ----------------------------------------------------------------------------------------------- pupils


def _granted_not_reception(p: Pupil) -> bool:
    return p.photo_consent == "granted" and p.year_group != "R"


def _goes_by_another_name(p: Pupil) -> bool:
    return bool(p.preferred_name) and _granted_not_reception(p)


def _could_go_by_a_diminutive(p: Pupil) -> bool:
    return p.forename in names.DIMINUTIVES and p.photo_consent == "granted"


def _diminutive_and_no_preferred_name(p: Pupil) -> bool:
    return p.forename in names.DIMINUTIVES and not p.preferred_name and p.year_group != "R"


# Which pupil a case is about: a current pupil whose name is nobody else's, of these (or, failing that, of the
# fallback). Reception children are left out unless a case says otherwise.
PUPILS: dict[str, tuple[Callable[[Pupil], bool], Callable[[Pupil], bool]]] = {
    "any": (lambda p: p.year_group != "R", lambda p: True),
    "photo consent": (_granted_not_reception, lambda p: True),
    "goes by another name": (_goes_by_another_name, _could_go_by_a_diminutive),
    "forename has diminutives": (_diminutive_and_no_preferred_name, lambda p: True),
    "year 6": (lambda p: p.year_group == "6", lambda p: True),
    "years 4 to 6": (lambda p: p.year_group in ("4", "5", "6"), lambda p: True),
}


def take_pupil(b: ContentBase, which: str) -> Pupil:
    pupil = b.take_pupil(*PUPILS[which])
    if which == "goes by another name" and not pupil.preferred_name:
        # The register records the name the child goes by, as schools do.
        pupil.preferred_name = names.DIMINUTIVES[pupil.forename][0]
    return pupil


def _pupil(values: Mapping[str, object]) -> Pupil:
    pupil = values["pupil"]
    assert isinstance(pupil, Pupil)
    return pupil


@dataclass(frozen=True)
class Crowd:
    """A picture of one pupil who must not be pictured (consent `missing`: withdrawn, refused, or a pupil who
    has left) among `others` whose parents consented."""

    missing: str
    others: int

    def draw(self, b: ContentBase) -> list[Pupil]:
        if self.missing == "left":
            fits = [p for p in b.reg.pupils if p.status == "left"]
        else:
            fits = [p for p in b.reg.pupils if p.status == "current" and p.photo_consent == self.missing]
        return [b.rng.choice(fits), *b.rng.sample(b.consenting, self.others)]


# "pupil": the case's pupil alone; a Crowd; None: one to four consenting pupils.
Pictured = str | Crowd | None


def pictured(b: ContentBase, who: Pictured, values: Mapping[str, object]) -> list[Pupil] | None:
    if who == "pupil":
        return [_pupil(values)]
    return who.draw(b) if isinstance(who, Crowd) else None


# ----------------------------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class PlantedFinding:
    """The finding a case plants in its text: the rule, how hard it is to see, the case's name. A pupil-named
    finding names the case's pupil."""

    rule: str
    difficulty: str
    case: str

    def plant(self, values: Mapping[str, object]) -> Plant:
        pupil = values.get("pupil")
        if isinstance(pupil, Pupil):
            return Plant(self.rule, "pupil", pupil.pupil_id, self.difficulty, self.case)
        return Plant(self.rule, None, None, self.difficulty, self.case)


def media_truth(
    approval_kind: str, platform: str | None, own: str, approval: Approval | None, case: str
) -> MediaTruth:
    """What a planted picture's approval makes it: approved by its file or its post, for another platform
    only, or not approved."""
    if approval_kind == "none":
        return MediaTruth("unapproved_new", None, case)
    if approval_kind == "another take":
        return MediaTruth("unapproved_same_event", None, case)
    if approval_kind == "post":
        return MediaTruth("approved_post_id", approval, case)
    if platform not in (own, "any"):
        return MediaTruth("approved_other_platform", approval, case)
    return MediaTruth("approved_file", approval, case)


def approve(
    b: ContentBase,
    kind: str,
    picture: Picture,
    platform: str | None,
    when: datetime,
    post_id: str,
    rotated: bool,
) -> Approval | None:
    """The approval a planted picture has: of its file, of its file naming the post, of the post by its id, of
    another take of the same event (not the one posted), or none."""
    if kind == "none" or platform is None:
        return None
    if kind == "post":
        return b.approve_post(post_id, when, platform, [picture])
    return b.approve_file(
        picture, platform, when, rotated=rotated, post_id=post_id if kind == "file and post" else None
    )


def first_values(b: ContentBase, when: datetime, pupil: str | None) -> dict[str, object]:
    """What every template may name (`info`: the school, `published`), and the case's pupil, taken first."""
    values: dict[str, object] = {"info": b.info, "published": when}
    if pupil:
        values["pupil"] = take_pupil(b, pupil)
    return values


# ----------------------------------------------------------------------------------------------- rows

GENERIC = "<generic>"  # an alt text of the everyday kind ("Children on the playground"), or none


@dataclass(frozen=True)
class Photo:
    """A planted photo on X: its picture's size and who is in it; how it was approved ("file", "file and
    post", "post", "another take" of the same event, "none") and for which platform; the media item's case."""

    size: tuple[int, int]
    approval: str
    platform: str | None
    case: str
    pictured: Pictured = None
    width: int | None = None
    rotated: bool = False
    alt: str | None = None  # a template, or GENERIC
    quality: int | None = None


@dataclass(frozen=True)
class Clip:
    """A planted video on X (16:9): how its preview was approved and for which platform, and its case."""

    approval: str
    platform: str | None
    case: str


@dataclass(frozen=True)
class Carousel:
    """Takes of one event, each approved by its file for one of `platforms`; `slipped`, if set, is the case
    of a photo of another event slipped in among them without approval."""

    takes: int
    platforms: tuple[str, ...]
    case: str
    slipped: str | None = None


@dataclass(frozen=True)
class Repost:
    """A photo of the approved media register posted again (by the sports account): one approved for X that may
    be shown ("approved", taken in turn), one picturing a pupil whose consent is missing ("consent missing") or
    one approved for YouTube only ("youtube only"), both drawn; `beside`, if set, is the case of a new photo
    nobody approved, put before or after it. A school with no such photo has no such case."""

    source: str
    case: str
    alt: str | None = None  # a template, or GENERIC
    beside: str | None = None


@dataclass(frozen=True)
class PostCase:
    """A planted X post: the pupil it is about (a key of PUPILS), taken first; its media; its text, whose
    values are drawn when `caption` says (after the media; first; or before upload: once the video's or reposted
    photo's picture and approval are chosen). A text with `{everyday}` starts its draws with the text of one
    of the account's everyday posts."""

    name: str
    text: str
    draws: Draws = ()
    pupil: str | None = None
    media: Photo | Clip | Carousel | Repost | None = None
    finding: PlantedFinding | None = None
    clear: tuple[str, ...] = ()
    caption: str = "after media"

    def __post_init__(self) -> None:
        if self.caption not in ("after media", "first", "before upload"):
            raise ValueError(f"{self.name}: caption is written after media, first or before upload")
        if self.caption == "before upload" and not isinstance(self.media, Clip | Repost):
            raise ValueError(f"{self.name}: only a video or a reposted photo is captioned before upload")


@dataclass(frozen=True)
class Edit:
    """What was changed on a video after it went out: the pupil then taken, the values drawn, the new title
    or description."""

    pupil: str | None = None
    draws: Draws = ()
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class VideoCase:
    """A planted YouTube video: the pupil it is about, taken first; its thumbnail (size, who is in it, its
    approval and case); its title (None: an everyday one) and description (`{everyday}`: an everyday one);
    whether it is made for kids (None: drawn); an edit made after it went out."""

    name: str
    size: tuple[int, int]
    approval: str
    platform: str | None
    case: str
    pictured: Pictured = None
    pupil: str | None = None
    title: str | None = None
    description: str = "{everyday}"
    kids: bool | None = None
    edit: Edit | None = None
    finding: PlantedFinding | None = None
    clear: tuple[str, ...] = ()
