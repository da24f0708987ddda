"""The in-memory model of a sample school: registers, platform objects and the ground truth behind them."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from anyascii import anyascii

from sandbox.school.images import Shot
from sandbox.school.lettering import Lettering

if TYPE_CHECKING:
    from sandbox.school.meta_accounts import MetaAccounts

# ----------------------------------------------------------------------------------------------- dates


def academic_year(day: date) -> int:
    """The calendar year in which the school year containing `day` began (1 September cut-off)."""
    return day.year if day.month >= 9 else day.year - 1


def school_cohort(dob: date) -> int:
    """The year of the 1 September on or before the child's birth: they start Reception five years later."""
    return dob.year if dob.month >= 9 else dob.year - 1


def year_index_on(dob: date, day: date) -> int:
    """0 for Reception, 1..6 for Years 1-6 (negative before school, above 6 after primary)."""
    return academic_year(day) - school_cohort(dob) - 5


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# ----------------------------------------------------------------------------------------------- names


_SPECIAL_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case ASCII letters and digits only: accents, case, punctuation and spaces removed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def ascii_name(text: str) -> str:
    """The name as someone typing without accents would write it ("Zoë" -> "Zoe", "Łukasz" -> "Lukasz")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def handle_letters(text: str) -> str:
    """What a person keeps of a name when choosing a handle a platform allows only ASCII letters and digits in: each
    letter by sound, lower case, accents, spaces and punctuation dropped ("Rónán" -> "ronan", "Zoë" -> "zoe")."""
    return re.sub(r"[^a-z0-9]", "", anyascii(text).lower())


class NameIndex:
    """Which register people answer to a (forename, surname) pair, diminutives and preferred names included.

    The generator uses it to plant only cases whose truth is what the label says: an "exact name"
    follower must name exactly one pupil, and a random member of the public must name nobody."""

    def __init__(self) -> None:
        self._owners: dict[tuple[str, str], set[str]] = {}

    def add(self, person_id: str, forenames: list[str], surname: str) -> None:
        for forename in forenames:
            self._owners.setdefault((fold(forename), fold(surname)), set()).add(person_id)

    def owners(self, forename: str, surname: str) -> set[str]:
        return self._owners.get((fold(forename), fold(surname)), set())


# ----------------------------------------------------------------------------------------------- registers


@dataclass
class Pupil:
    pupil_id: str
    forename: str
    surname: str
    preferred_name: str
    sex: str
    community: str
    date_of_birth: date
    year_group: str
    status: str
    leaving_date: date | None
    photo_consent: str
    family: int
    known_handles: list[str] = field(default_factory=list)

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.forename

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"


@dataclass
class Staff:
    staff_id: str
    title: str
    forename: str
    surname: str
    preferred_name: str
    sex: str
    role: str
    birth_year: int
    personal_handles: list[str] = field(default_factory=list)
    official_handles: list[str] = field(default_factory=list)
    parent_id: str | None = None

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.forename


@dataclass
class Parent:
    parent_id: str
    title: str
    forename: str
    surname: str
    sex: str
    birth_year: int
    pupil_ids: list[str]
    family: int
    known_handles: list[str] = field(default_factory=list)
    staff_id: str | None = None


# ----------------------------------------------------------------------------------------------- truth


@dataclass
class Truth:
    """Who an online account really is. `planted` marks accounts placed to test a case (exceptions and
    look-alikes); background accounts are labelled but not listed in `expected_clear`."""

    kind: str  # pupil | former_pupil | staff_personal | staff_official | parent | unknown
    person_id: str | None
    difficulty: str  # declared | easy | medium | hard | undecidable
    case: str
    planted: bool = True
    # Further register people the account is equally theirs (a shared account naming two pupils).
    also: tuple[str, ...] = ()


@dataclass
class XUser:
    id: str
    name: str
    username: str
    created_at: datetime
    protected: bool
    description: str | None
    location: str | None
    followers_count: int
    following_count: int
    tweet_count: int
    listed_count: int
    like_count: int
    truth: Truth
    url: str | None = (
        None  # the profile's link, as the person typed it (X serves it shortened, with its expansion)
    )


@dataclass
class YTChannel:
    """A viewer's channel, as subscriptions and comments show it."""

    channel_id: str
    title: str
    handle: str
    description: str
    published_at: datetime
    truth: Truth


@dataclass
class YTSubscription:
    subscription_id: str
    subscriber: YTChannel
    published_at: datetime


@dataclass
class YTComment:
    thread_id: str
    video_id: str
    author: YTChannel
    text: str
    published_at: datetime
    like_count: int


# ----------------------------------------------------------------------------------------------- media


@dataclass(frozen=True)
class Picture:
    """A photograph as taken: what it shows, its native size, and who is in it."""

    shot: Shot
    width: int
    height: int
    pupils: tuple[str, ...]
    taken_at: datetime
    device: tuple[str, str]
    # Writing in it (a certificate, a name card, a poster, a banner): sandbox/school/lettering.py.
    lettering: Lettering | None = None


@dataclass
class Approval:
    approval_id: str
    platform: str  # x | youtube | any | website
    approved_by: str
    approved_on: date
    pupils_pictured: list[str]
    file: str | None = None
    picture: Picture | None = None
    rotated: bool = False  # stored sideways with an EXIF orientation tag
    post_id: str | None = None


@dataclass
class MediaTruth:
    truth: str  # approved_file | approved_post_id | unapproved_new | unapproved_same_event | approved_other_platform
    approval: Approval | None
    case: str
    planted: bool = True

    @property
    def unapproved(self) -> bool:
        return self.truth in ("unapproved_new", "unapproved_same_event", "approved_other_platform")


@dataclass
class XMedia:
    media_key: str
    kind: str  # photo | video
    picture: Picture
    width: int
    quality: int
    alt_text: str | None
    truth: MediaTruth
    duration_ms: int | None = None


@dataclass
class Plant:
    """A planted text finding on a post or video (pupil named, contact details, politics)."""

    rule: str
    person_kind: str | None
    person_id: str | None
    difficulty: str
    case: str


@dataclass
class XPost:
    id: str
    text: str
    created_at: datetime
    media: list[XMedia]
    plants: list[Plant] = field(default_factory=list)
    clear_cases: list[str] = field(default_factory=list)
    like_count: int = 0
    retweet_count: int = 0
    reply_count: int = 0


@dataclass
class YTVideo:
    video_id: str
    title: str
    description: str
    published_at: datetime
    privacy: str
    made_for_kids: bool
    duration_s: int
    thumbnail: Picture
    thumbnail_quality: int
    thumbnail_truth: MediaTruth
    view_count: int
    like_count: int
    plants: list[Plant] = field(default_factory=list)
    clear_cases: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- school


@dataclass
class SchoolInfo:
    name: str
    short_name: str
    initials: str
    urn: str
    town: str
    localities: tuple[str, ...]
    email_domain: str
    phone: str
    hashtag: str
    x_handle: str
    x_id: str
    x_created: datetime
    x_approved_on: date
    yt_channel_id: str
    yt_handle: str  # as approved in school.toml
    yt_live_handle: str  # what the channel says now
    yt_created: datetime
    yt_approved_on: date


@dataclass
class OfficialX:
    """A further approved X account of the school (its sports account), with its own lists and posts.
    Followers it shares with the main account are the same `XUser` objects: one person, two follows."""

    handle: str  # as approved in school.toml, and the folder name under x/
    account: XUser  # what the platform says now
    approved_on: date
    followers: list[XUser] = field(default_factory=list)  # newest first
    following: list[XUser] = field(default_factory=list)  # newest first
    posts: list[XPost] = field(default_factory=list)  # newest first


@dataclass
class SampleSchool:
    seed: int
    size: str
    as_of: date
    info: SchoolInfo
    pupils: list[Pupil]
    staff: list[Staff]
    parents: list[Parent]
    approvals: list[Approval] = field(default_factory=list)
    x_account: XUser | None = None
    x_followers: list[XUser] = field(default_factory=list)  # newest first
    x_following: list[XUser] = field(default_factory=list)  # newest first
    x_posts: list[XPost] = field(default_factory=list)  # newest first
    yt_videos: list[YTVideo] = field(default_factory=list)  # newest first
    yt_subscriptions: list[YTSubscription] = field(default_factory=list)  # newest first
    yt_comments: list[YTComment] = field(default_factory=list)  # newest first
    yt_private_subscribers: int = 0  # counted by the channel, absent from the visible list
    x_more: list[OfficialX] = field(default_factory=list)  # further approved X accounts (the sports one)
    meta: MetaAccounts | None = None  # the Facebook Page and Instagram account

    def pupil(self, pupil_id: str) -> Pupil:
        return self._pupils_by_id()[pupil_id]

    def _pupils_by_id(self) -> dict[str, Pupil]:
        return {p.pupil_id: p for p in self.pupils}
