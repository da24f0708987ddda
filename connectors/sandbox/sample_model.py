"""The in-memory model of a sample school: registers, platform objects, ground truth, and its labels."""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from connectors.sandbox.sample_images import Shot

# ----------------------------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class SizeSpec:
    """How big a sample school is. `plant_scale` multiplies the planted identity cases."""

    name: str
    current_pupils: int
    left_pupils: int
    staff: int
    parents_per_family: float
    followers: int
    following: int
    posts: int
    images_per_post: float
    videos: int
    subscribers: int
    comment_threads: int
    plant_scale: int
    post_span_days: int
    video_span_days: int
    background_unapproved: float
    official_accounts: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(
        "small",
        current_pupils=52,
        left_pupils=8,
        staff=20,
        parents_per_family=1.92,
        followers=150,
        following=30,
        posts=25,
        images_per_post=1.2,
        videos=8,
        subscribers=40,
        comment_threads=10,
        plant_scale=1,
        post_span_days=75,
        video_span_days=700,
        background_unapproved=0.0,
        official_accounts=3,
    ),
    "medium": SizeSpec(
        "medium",
        current_pupils=385,
        left_pupils=35,
        staff=60,
        parents_per_family=1.95,
        followers=1500,
        following=80,
        posts=150,
        images_per_post=2.0,
        videos=40,
        subscribers=300,
        comment_threads=60,
        plant_scale=3,
        post_span_days=400,
        video_span_days=1500,
        background_unapproved=0.08,
        official_accounts=8,
    ),
    "large": SizeSpec(
        "large",
        current_pupils=1890,
        left_pupils=110,
        staff=200,
        parents_per_family=1.95,
        followers=12000,
        following=220,
        posts=1000,
        images_per_post=3.3,
        videos=150,
        subscribers=1000,
        comment_threads=250,
        plant_scale=8,
        post_span_days=1100,
        video_span_days=2600,
        background_unapproved=0.06,
        official_accounts=14,
    ),
}

YEAR_GROUPS = ("R", "1", "2", "3", "4", "5", "6")

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

    def pupil(self, pupil_id: str) -> Pupil:
        return self._pupils_by_id()[pupil_id]

    def _pupils_by_id(self) -> dict[str, Pupil]:
        return {p.pupil_id: p for p in self.pupils}


# ----------------------------------------------------------------------------------------------- labels

# The follower-type rule a person raises by following/subscribing, and the register kind it reports.
_FOLLOW_RULES = {
    "pupil": ("pupil-follower", "pupil"),
    "former_pupil": ("former-pupil-follower", "former_pupil"),
    "staff_personal": ("staff-personal-follower", "staff"),
}
_FOLLOWED_KINDS = {
    "pupil": "pupil",
    "former_pupil": "former_pupil",
    "parent": "parent",
    "staff_personal": "staff",
}


def build_labels(school: SampleSchool) -> dict[str, Any]:
    """Ground truth for the dataset, in the shape docs/interfaces.md fixes (the "Labels file"). Every row
    names the official account it is about (`account`: the handle approved in school.toml, `account_id`: the
    platform's id): a person who follows two accounts is one identity with one expected exception per account."""
    pupils = school._pupils_by_id()
    labels = _Labels(school, pupils)
    info = school.info
    labels.on(info.x_handle, info.x_id)
    for user in school.x_followers:
        labels.identity("x", "follower", user.id, "@" + user.username, user.truth)
    for user in school.x_following:
        labels.identity("x", "following", user.id, "@" + user.username, user.truth)
    labels.on(info.yt_handle, info.yt_channel_id)
    for subscription in school.yt_subscriptions:
        channel = subscription.subscriber
        labels.identity("youtube", "subscriber", channel.channel_id, channel.title, channel.truth)
    seen_commenters: set[str] = set()
    for comment in school.yt_comments:
        if comment.author.channel_id not in seen_commenters:
            seen_commenters.add(comment.author.channel_id)
            labels.identity(
                "youtube", "commenter", comment.author.channel_id, comment.author.handle, comment.author.truth
            )
        labels.comment(comment)
    labels.on(info.x_handle, info.x_id)
    for post in school.x_posts:
        labels.post(post)
    labels.on(info.yt_handle, info.yt_channel_id)
    for video in school.yt_videos:
        labels.media("youtube", video.video_id, video.video_id, video.thumbnail_truth)
        labels.content(
            "youtube", "video", video.video_id, [video.thumbnail_truth], video.plants, video.clear_cases
        )
    if info.yt_live_handle.lstrip("@").lower() != info.yt_handle.lstrip("@").lower():
        labels.expect(
            "account-drift",
            "youtube",
            "account",
            info.yt_channel_id,
            None,
            None,
            "easy",
            "youtube_handle_changed",
        )
    labels.on(info.x_handle, info.x_id)
    if school.x_account is not None and school.x_account.username.lower() != info.x_handle.lower():
        labels.expect("account-drift", "x", "account", info.x_id, None, None, "easy", "x_handle_changed")
    for more in school.x_more:
        labels.on(more.handle, more.account.id)
        for user in more.followers:
            labels.identity("x", "follower", user.id, "@" + user.username, user.truth)
        for user in more.following:
            labels.identity("x", "following", user.id, "@" + user.username, user.truth)
        for post in more.posts:
            labels.post(post)
        if more.account.username.lower() != more.handle.lower():
            labels.expect(
                "account-drift", "x", "account", more.account.id, None, None, "easy", "x_handle_changed"
            )
    accounts = [{"platform": "x", "handle": info.x_handle, "id": info.x_id}]
    accounts.append({"platform": "youtube", "handle": info.yt_handle, "id": info.yt_channel_id})
    accounts += [{"platform": "x", "handle": m.handle, "id": m.account.id} for m in school.x_more]
    return {
        "seed": school.seed,
        "size": school.size,
        "as_of": school.as_of.isoformat(),
        "school": {
            "x_account": info.x_handle,
            "x_account_id": info.x_id,
            "youtube_channel_id": info.yt_channel_id,
            "accounts": accounts,  # every approved account, in school.toml order
        },
        "identities": labels.identities,
        "media": labels.media_rows,
        "expected_exceptions": labels.expected,
        "expected_clear": labels.clear,
    }


class _Labels:
    def __init__(self, school: SampleSchool, pupils: dict[str, Pupil]) -> None:
        self.school = school
        self.pupils = pupils
        self.identities: list[dict[str, Any]] = []
        self.media_rows: list[dict[str, Any]] = []
        self.expected: list[dict[str, Any]] = []
        self.clear: list[dict[str, Any]] = []
        self.account: dict[str, str] = {}

    def on(self, handle: str, account_id: str) -> None:
        """The official account the rows that follow are about."""
        self.account = {"account": handle, "account_id": account_id}

    def post(self, post: XPost) -> None:
        for media in post.media:
            self.media("x", post.id, media.media_key, media.truth)
        self.content("x", "post", post.id, [m.truth for m in post.media], post.plants, post.clear_cases)

    def expect(
        self,
        rule: str,
        platform: str,
        subject_kind: str,
        subject_id: str,
        person_kind: str | None,
        person_id: str | None,
        difficulty: str,
        case: str,
    ) -> None:
        self.expected.append(
            {
                "rule": rule,
                "platform": platform,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "person_kind": person_kind,
                "person_id": person_id,
                "difficulty": difficulty,
                "case": case,
                **self.account,
            }
        )

    def clear_case(self, platform: str, subject_kind: str, subject_id: str, case: str) -> None:
        self.clear.append(
            {
                "platform": platform,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "case": case,
                **self.account,
            }
        )

    def _minor_former_pupil(self, person_id: str | None) -> bool:
        pupil = self.pupils.get(person_id or "")
        return pupil is not None and age_on(pupil.date_of_birth, self.school.as_of) < 18

    def identity(self, platform: str, relation: str, subject_id: str, label: str, truth: Truth) -> None:
        self.identities.append(
            {
                "platform": platform,
                "relation": relation,
                "subject_id": subject_id,
                "label": label,
                "truth_kind": truth.kind,
                "person_id": truth.person_id,
                "difficulty": truth.difficulty,
                "case": truth.case,
                **self.account,
            }
        )
        if relation == "commenter":
            return
        raised = False
        minor = truth.kind != "former_pupil" or self._minor_former_pupil(truth.person_id)
        if relation == "following":
            if truth.kind in _FOLLOWED_KINDS and minor:
                rule, person_kind = "official-follows-person", _FOLLOWED_KINDS[truth.kind]
                self.expect(
                    rule,
                    platform,
                    relation,
                    subject_id,
                    person_kind,
                    truth.person_id,
                    truth.difficulty,
                    truth.case,
                )
                raised = True
        elif truth.kind in _FOLLOW_RULES and minor:
            rule, person_kind = _FOLLOW_RULES[truth.kind]
            self.expect(
                rule,
                platform,
                relation,
                subject_id,
                person_kind,
                truth.person_id,
                truth.difficulty,
                truth.case,
            )
            raised = True
        if truth.planted and not raised:
            self.clear_case(platform, relation, subject_id, truth.case)

    def comment(self, comment: YTComment) -> None:
        truth = comment.author.truth
        if truth.kind == "pupil":
            self.expect(
                "pupil-comment",
                "youtube",
                "comment",
                comment.thread_id,
                "pupil",
                truth.person_id,
                truth.difficulty,
                truth.case,
            )
        elif truth.planted:
            self.clear_case("youtube", "comment", comment.thread_id, truth.case)

    def media(self, platform: str, post_id: str, media_key: str, truth: MediaTruth) -> None:
        self.media_rows.append(
            {
                "platform": platform,
                "post_id": post_id,
                "media_key": media_key,
                "truth": truth.truth,
                "approval_id": truth.approval.approval_id if truth.approval else None,
                "case": truth.case,
                **self.account,
            }
        )

    def content(
        self,
        platform: str,
        subject_kind: str,
        subject_id: str,
        media: list[MediaTruth],
        plants: list[Plant],
        clear_cases: list[str],
    ) -> None:
        before = len(self.expected)
        offending = [m for m in media if m.unapproved]
        if offending:
            hardest = next((m for m in offending if m.truth == "unapproved_same_event"), offending[0])
            difficulty = "medium" if hardest.truth == "unapproved_same_event" else "easy"
            self.expect(
                "unapproved-media", platform, subject_kind, subject_id, None, None, difficulty, hardest.case
            )
        breach = self._consent_breach(media)
        if breach:
            pupil, case = breach
            kind = "pupil" if pupil.status == "current" else "former_pupil"
            self.expect(
                "consent-breach", platform, subject_kind, subject_id, kind, pupil.pupil_id, "easy", case
            )
        for plant in plants:
            self.expect(
                plant.rule,
                platform,
                subject_kind,
                subject_id,
                plant.person_kind,
                plant.person_id,
                plant.difficulty,
                plant.case,
            )
        if len(self.expected) == before:
            for case in clear_cases + [m.case for m in media if m.planted]:
                self.clear_case(platform, subject_kind, subject_id, case)

    def _consent_breach(self, media: list[MediaTruth]) -> tuple[Pupil, str] | None:
        for item in media:
            for pupil_id in item.approval.pupils_pictured if item.approval else []:
                pupil = self.pupils[pupil_id]
                if pupil.status == "left":
                    return pupil, "pictured_pupil_left"
                if pupil.photo_consent != "granted":
                    return pupil, f"pictured_consent_{pupil.photo_consent}"
        return None


# ----------------------------------------------------------------------------------------------- platform ids

X_EPOCH_MS = 1288834974657  # 2010-11-04: X ids after this are snowflakes (time in the top bits)
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def x_id_for(created: datetime, rng: random.Random) -> str:
    """An X id that is plausible for an object created at `created` (posts, users, media)."""
    ms = int(created.timestamp() * 1000)
    if ms >= X_EPOCH_MS:
        return str(((ms - X_EPOCH_MS) << 22) | rng.getrandbits(22))
    # Before snowflakes, user ids were a counter: about 1e6 in 2007, 2e8 by late 2010.
    start = datetime(2006, 3, 21, tzinfo=UTC).timestamp() * 1000
    share = max(0.0, (ms - start) / (X_EPOCH_MS - start))
    return str(int(1_000 + share**2 * 215_000_000) + rng.randrange(1000))


def token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_B64URL) for _ in range(length))


def yt_channel_id(rng: random.Random) -> str:
    # 16 random bytes in base64url: 21 free characters and a last one carrying the final 2 bits.
    return "UC" + token(rng, 21) + rng.choice("AQgw")


def yt_video_id(rng: random.Random) -> str:
    # 64 bits in base64url: 10 free characters and a last one carrying the final 4 bits.
    return token(rng, 10) + rng.choice("AEIMQUYcgkosw048")
