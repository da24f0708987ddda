"""The sample school's second approved X account: its sports account, with followers it shares with the main one.

Everything here is drawn from the sports account's own random streams, after the rest of the school is built,
and nothing here changes the registers or the main account: a dataset written before the sports account
existed is byte-identical to today's apart from school.toml, x/<sports>/ and the labels.

- Followers: some of the main account's followers also follow the sports account (the same people, so a
  pupil who follows both is one identity with one exception per account), and a few follow only it.
- Posts: fixtures and results, reposts of photos already in the approved media register (so no approval is
  added), photos nobody approved, a photo whose pictured pupil's consent was withdrawn, and a pupil named (the
  planted ones are rows of planted_cases.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sandbox.school import names
from sandbox.school.content import ContentBuilder
from sandbox.school.model import (
    Approval,
    MediaTruth,
    OfficialX,
    SampleSchool,
    Truth,
    XMedia,
    XPost,
    XUser,
    age_on,
    fold,
)
from sandbox.school.people import Registers
from sandbox.school.pictures import LANDSCAPE
from sandbox.school.planted_cases import SPORTS_X_POSTS
from sandbox.school.planting import GENERIC, PostCase, Repost, media_truth
from sandbox.school.sizes import SizeSpec
from sandbox.school.social import SocialBuilder

Streams = Callable[[str], random.Random]

SPORTS_POSTS = (
    "Fixture news: our Year {y} football team play {rival} on {day} after school. Good luck! ⚽ {tag}",
    "Netball club is back on Tuesdays after school for Years {y} and {y2}. 🏐",
    "Well done to everyone who ran in the {town} cross-country today! 🏃 {tag}",
    "Swimming lessons for Year {y} start next week: please bring a towel and a swimming hat. 🏊",
    "Sports day has moved to {day} because of the weather forecast. ☀️",
    "Our tag rugby team finished third at the {town} School Games festival! 🏉 {tag}",
    "Reminder: PE kits in school every Monday and Thursday, please. 👟",
    "A great afternoon of rounders against {rival}. Thank you for hosting us! {tag}",
    "Dance club performs this Friday in the hall at 3pm. Everyone welcome 💃",
    "Year {y} have been practising for the {town} Sportshall Athletics. 🏅 {tag}",
    "Football club for Years {y} and {y2} is cancelled tonight: the field is waterlogged. 🌧️",
    "Cricket taster sessions with {town} Cricket Club for Year {y} this half term. 🏏",
    "Results: Year {y} girls' football won 3-1 against {rival}. Brilliant teamwork! ⚽ {tag}",
    "Thank you to the parents who helped with transport to the {town} swimming gala. 🚌",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
CLUBS = (
    ("{town} Junior FC", "Grassroots football for boys and girls aged 5-16 in {town}. FA Charter Standard."),
    (
        "{town} Swimming Club",
        "Competitive and learn-to-swim sessions for all ages. Affiliated to Swim England.",
    ),
    ("{town} Athletics Club", "Track, field and cross-country for juniors and seniors. New members welcome!"),
)


def _free_handle(info_handle: str, compact: str, taken: set[str]) -> str:
    for suffix in ("Sport", "PE", "_Sport", "_PE", "Sports"):
        handle = compact[: 15 - len(suffix)] + suffix
        if handle.lower() not in taken and handle.lower() != info_handle.lower():
            return handle
    index = 2
    while f"{compact[:9]}Sport{index}".lower() in taken:
        index += 1
    return f"{compact[:9]}Sport{index}"


def build_sports(streams: Streams, spec: SizeSpec, school: SampleSchool, registers: Registers) -> OfficialX:
    """The sports account of an otherwise complete sample school: reads the school, changes none of it."""
    info = school.info
    main_users = [*school.x_followers, *school.x_following]
    social = SocialBuilder(streams("followers"), spec, school.as_of, info, registers)
    social.usernames |= {u.username.lower() for u in main_users}
    social.usernames |= {a.handle.lower() for a in registers.officials if a.platform == "x"}
    handle = _free_handle(info.x_handle, info.hashtag.removeprefix("#Team"), social.usernames)
    social.usernames.add(handle.lower())
    r = social.rng
    created = social.created_between(
        max(info.x_created + timedelta(days=400), datetime(2014, 1, 1, tzinfo=UTC)),
        social.now - timedelta(days=700),
    )
    account = social.x_user(
        f"{info.short_name} Sport",
        handle,
        created,
        Truth("unknown", None, "easy", "school_account", planted=False),
        f"Official sports account of {info.name}: fixtures, results and clubs. {info.hashtag}",
        info.town,
        style="org",
    )
    followers, following = _sports_lists(social, school, registers)
    posts = _sports_posts(streams("posts"), spec, school, registers)
    account.followers_count = len(followers)
    account.following_count = len(following)
    account.tweet_count = len(posts) + r.randint(40, 600)
    approved_on = date(info.x_approved_on.year + r.randint(0, 1), 9, r.randint(2, 20))
    return OfficialX(handle, account, min(approved_on, school.as_of), followers, following, posts)


# ----------------------------------------------------------------------------------------------- followers


def _sports_lists(
    social: SocialBuilder, school: SampleSchool, registers: Registers
) -> tuple[list[XUser], list[XUser]]:
    """Who follows the sports account (many of them the main account's followers) and whom it follows."""
    r, scale, spec = social.rng, social.spec.plant_scale, social.spec
    main = school.x_followers
    taken: set[str] = set()

    def pick(accept: Callable[[Truth], bool], count: int) -> list[XUser]:
        fits = [u for u in main if u.id not in taken and accept(u.truth)]
        chosen = r.sample(fits, min(count, len(fits)))
        taken.update(u.id for u in chosen)
        return chosen

    def minor(t: Truth) -> bool:
        pupil = next((p for p in registers.pupils if p.pupil_id == t.person_id), None)
        return pupil is not None and age_on(pupil.date_of_birth, school.as_of) < 18

    shared = [
        *pick(lambda t: t.kind == "pupil" and t.difficulty in ("declared", "easy"), 1 + scale),
        *pick(lambda t: t.kind == "pupil" and t.difficulty in ("medium", "hard"), scale),
        *pick(lambda t: t.kind == "former_pupil" and minor(t), scale),
        *pick(lambda t: t.kind == "staff_personal" and t.difficulty in ("declared", "easy"), scale),
        *pick(lambda t: t.kind == "staff_personal" and t.difficulty == "medium", 1),
        *pick(lambda t: t.kind == "staff_official", 1),
        *pick(lambda t: t.kind == "parent" and t.planted, 2 * scale),
        *pick(lambda t: t.kind == "parent" and not t.planted, max(2, spec.followers // 50)),
        *pick(lambda t: t.kind == "unknown" and t.planted, scale),
        *pick(lambda t: t.kind == "unknown" and not t.planted, spec.followers // 15),
    ]
    own = _own_followers(social, school, registers)
    clubs = _clubs(social)
    followers = shared + own + clubs + social.public_users(spec.followers // 25)
    r.shuffle(followers)
    # The sports account follows the school, the clubs and the borough's school sport; and, the planted
    # exception on this account, a member of staff's personal account that follows it.
    games = [u for u in school.x_following if u.name.endswith("School Games")]
    staff = [u for u in shared if u.truth.kind == "staff_personal" and u.truth.difficulty != "medium"]
    staff.sort(key=lambda u: u.truth.difficulty != "declared")
    following = [u for u in (school.x_account,) if u is not None] + clubs + games + staff[:1]
    r.shuffle(following)
    return followers, following


def _own_followers(social: SocialBuilder, school: SampleSchool, registers: Registers) -> list[XUser]:
    """People who follow only the sports account: pupils by their exact name, and a parent."""
    users = [*school.x_followers, *school.x_following]
    channels = [s.subscriber for s in school.yt_subscriptions] + [c.author for c in school.yt_comments]
    social.used = {t.person_id for t in [u.truth for u in users] + [c.truth for c in channels] if t.person_id}
    # Nobody whose name an account already shows (adult namesakes, a parent named like a child) is planted
    # again, so an exact-name follower of the sports account names one person only.
    shown = {fold(u.name) for u in users}
    for pupil in registers.pupils:
        if {fold(pupil.forename + pupil.surname), fold(pupil.known_as + pupil.surname)} & shown:
            social.used.add(pupil.pupil_id)
    out: list[XUser] = []
    for _ in range(social.spec.plant_scale):
        p = social.take_pupil(social.current, lambda q: not q.preferred_name)
        if p is None:
            break
        fn, sn = fold(p.known_as), fold(p.surname)
        truth = Truth("pupil", p.pupil_id, "easy", "sports_only_exact_name")
        out.append(
            social.pupil_user(
                p, f"{p.known_as} {p.surname}", [f"{fn}{sn}", f"{fn}_{sn}{social.rng.randint(1, 99)}"], truth
            )
        )
    parent = social.take_parent()
    if parent is not None:
        fn, sn = fold(parent.forename), fold(parent.surname)
        out.append(
            social.x_user(
                f"{parent.forename} {parent.surname}",
                social.username(f"{fn}{sn}", f"{fn}_{sn}{social.rng.randint(1, 9)}"),
                social.adult_created(),
                Truth("parent", parent.parent_id, "easy", "parent_exact_name_adult_cue"),
                social.adult_bio(True, parent.sex),
                social.local(),
            )
        )
    return out


def _clubs(social: SocialBuilder) -> list[XUser]:
    town = social.info.town.split(" with ")[0]
    truth = Truth("unknown", None, "easy", "organisation", planted=False)
    out = []
    for name, bio in CLUBS:
        filled = name.format(town=town)
        created = social.created_between(datetime(2010, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC))
        handle = social.username(fold(filled)[:15], fold(town)[:9] + fold(filled.split()[-2])[:6])
        out.append(
            social.x_user(filled, handle, created, truth, bio.format(town=town), social.local(), style="org")
        )
    return out


# ----------------------------------------------------------------------------------------------- posts


def _sports_posts(
    rng: random.Random, spec: SizeSpec, school: SampleSchool, registers: Registers
) -> list[XPost]:
    return _SportsContent(rng, spec, school, registers).posts()


class _SportsContent(ContentBuilder):
    """The sports account's posts: its own, and photos of the school's approved media register posted again."""

    def __init__(
        self, rng: random.Random, spec: SizeSpec, school: SampleSchool, registers: Registers
    ) -> None:
        super().__init__(rng, spec, school.as_of, school.info, registers)
        self.school = school
        # Ids, scenes and named pupils of the main account's content stay its own.
        self.ids = {p.id for p in school.x_posts} | {m.media_key[2:] for p in school.x_posts for m in p.media}
        scenes = [m.picture.shot.scene for p in school.x_posts for m in p.media]
        scenes += [v.thumbnail.shot.scene for v in school.yt_videos]
        scenes += [a.picture.shot.scene for a in school.approvals if a.picture]
        self.next_scene = max(scenes, default=0) + 1000 + rng.randrange(1000)
        plants = [p for post in school.x_posts for p in post.plants] + [
            p for v in school.yt_videos for p in v.plants
        ]
        self.used_pupils = {p.person_id for p in plants if p.person_id}
        pupils = {p.pupil_id: p for p in school.pupils}

        def fine(a: Approval) -> bool:
            return all(
                pupils[i].status == "current" and pupils[i].photo_consent == "granted"
                for i in a.pupils_pictured
            )

        on_x = [a for a in school.approvals if a.file and a.picture and a.platform in ("x", "any")]
        self.register_photos = {
            "approved": [a for a in on_x if fine(a)],
            "consent missing": [a for a in on_x if not fine(a)],
            "youtube only": [a for a in school.approvals if a.file and a.picture and a.platform == "youtube"],
        }
        self.reposts = 0

    def everyday_text(self) -> str:
        r = self.rng
        y = r.randint(3, 5)
        rival = r.choice([s for s in names.SCHOOL_STEMS if not self.school.info.name.startswith(s)])
        return r.choice(SPORTS_POSTS).format(
            y=y,
            y2=y + 1,
            rival=f"{rival} Primary",
            day=r.choice(DAYS),
            town=self.school.info.town,
            tag=self.school.info.hashtag,
        )

    def reposted(self, row: Repost, created: datetime, before_upload: Callable[[], None]) -> list[XMedia]:
        photos = self.register_photos[row.source]
        if row.source == "approved":
            approval = photos[self.reposts % len(photos)]
            self.reposts += 1
        else:
            approval = self.rng.choice(photos)
        assert approval.picture is not None
        before_upload()
        alt = self.generic_alt(approval.picture) if row.alt == GENERIC else row.alt
        truth = media_truth("file", approval.platform, "x", approval, row.case)
        media = [self.photo(approval.picture, created, truth, alt)]
        if row.beside:
            at = self.rng.randint(0, 1)
            picture = self.picture(created, LANDSCAPE)
            truth = MediaTruth("unapproved_new", None, row.beside)
            media.insert(at, self.photo(picture, created, truth, self.generic_alt(picture)))
        return media

    def background(self, created: datetime, post_id: str) -> XPost:
        approved = self.register_photos["approved"]
        if approved and self.rng.random() < 0.4:
            approval = approved[self.reposts % len(approved)]
            self.reposts += 1
            assert approval.picture is not None
            text = self.everyday_text()
            truth = MediaTruth("approved_file", approval, "approved_file", planted=False)
            photo = self.photo(approval.picture, created, truth, self.generic_alt(approval.picture))
            return XPost(post_id, text, created, [photo])
        return XPost(post_id, self.everyday_text(), created, [])

    def posts(self) -> list[XPost]:
        planted = [
            row
            for row in SPORTS_X_POSTS
            if not isinstance(row.media, Repost) or self.register_photos[row.media.source]
        ]
        total = max(len(planted), self.spec.posts // 4)
        slots: list[PostCase | None] = [*planted, *([None] * (total - len(planted)))]
        self.rng.shuffle(slots)
        posts = []
        for created, case in zip(self.timeline(total, self.spec.post_span_days), slots, strict=True):
            post_id = self.new_id(created)
            post = self.planted_post(case, created, post_id) if case else self.background(created, post_id)
            post.like_count = self.rng.randint(0, 40)
            post.retweet_count = self.rng.randint(0, 6)
            post.reply_count = self.rng.randint(0, 3)
            posts.append(post)
        posts.reverse()
        return posts
