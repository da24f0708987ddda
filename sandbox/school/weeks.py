"""Later weeks of a sample school: the model evolves week by week so consecutive audits see changes.

Week 0 is the school as `build_school` makes it. Each later week applies every earlier week's change too:
  week 1: the pupil follower with a declared handle stops following; the first YouTube video with an
          unapproved thumbnail is deleted (with its comments); a pupil pictured in an approved post has
          photo consent withdrawn; a new pupil subscribes on YouTube from a declared channel whose title
          is a spreadsheet formula and whose description carries markup (hostile platform text);
  week 2: the pupil follower who left follows again; a pupil matched by exact name changes display name
          (same person, different evidence, on every account they follow);
  week 3: nothing changes on the platforms (acceptances made in earlier weeks may expire).
The changes pick their subjects by ground-truth case, so they apply to any seed and size that plants them.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from sandbox.school.ids import token, yt_channel_id
from sandbox.school.model import Pupil, SampleSchool, Truth, XUser, YTChannel, YTSubscription

WEEKS = 4  # weeks 0..3
HOSTILE_TITLE = '=HYPERLINK("http://example.com/win","Prize")'
HOSTILE_DESCRIPTION = "<script>alert(1)</script> year 5 gamer"
RENAMED_SUFFIX = " ⚽"


def evolve(school: SampleSchool, week: int) -> SampleSchool:
    """Apply weeks 1..`week` of changes to the model in place (week 0 changes nothing); returns it."""
    if not 0 <= week < WEEKS:
        raise ValueError(f"week must be between 0 and {WEEKS - 1}, not {week}")
    base = school.as_of
    departed: list[XUser] = []
    for n in range(1, week + 1):
        rng = random.Random(f"socialaudit-sample-weeks/{school.seed}/{school.size}/{n}")
        school.as_of = base + timedelta(weeks=n)
        if n == 1:
            departed = _week_1(school, rng)
        elif n == 2:
            _week_2(school, departed)
    if school.x_account is not None:
        school.x_account.followers_count = len(school.x_followers)
    for more in school.x_more:
        more.account.followers_count = len(more.followers)
    return school


def _week_1(school: SampleSchool, rng: random.Random) -> list[XUser]:
    leaving = [u for u in school.x_followers if u.truth.case == "declared_handle"][:1]
    school.x_followers = [u for u in school.x_followers if u not in leaving]
    deleted = next(
        (v for v in school.yt_videos if v.thumbnail_truth.truth == "unapproved_new"),
        next((v for v in school.yt_videos if v.thumbnail_truth.unapproved), None),
    )
    if deleted is not None:
        school.yt_videos = [v for v in school.yt_videos if v is not deleted]
        school.yt_comments = [c for c in school.yt_comments if c.video_id != deleted.video_id]
    pictured = [
        pupil_id
        for post in school.x_posts
        for media in post.media
        if media.truth.approval is not None
        for pupil_id in media.truth.approval.pupils_pictured
    ]
    withdrawn = next(
        (
            p
            for p in (school.pupil(i) for i in pictured)
            if p.status == "current" and p.photo_consent == "granted"
        ),
        None,
    )
    if withdrawn is not None:
        withdrawn.photo_consent = "withdrawn"
    _new_pupil_subscriber(school, rng)
    return leaving


def _new_pupil_subscriber(school: SampleSchool, rng: random.Random) -> None:
    """A current pupil with no declared handle subscribes from a channel the school has on its register."""
    pupil: Pupil | None = next(
        (p for p in school.pupils if p.status == "current" and not p.known_handles and p.year_group == "5"),
        next((p for p in school.pupils if p.status == "current" and not p.known_handles), None),
    )
    if pupil is None:
        return
    joined = datetime.combine(school.as_of - timedelta(days=2), time(17, 30), tzinfo=UTC)
    channel = YTChannel(
        yt_channel_id(rng),
        HOSTILE_TITLE,
        f"@prizes{rng.randint(1000, 9999)}",
        HOSTILE_DESCRIPTION,
        joined - timedelta(days=40),
        Truth("pupil", pupil.pupil_id, "declared", "declared_channel_hostile_text"),
    )
    pupil.known_handles.append(f"youtube:{channel.channel_id}")
    school.yt_subscriptions.insert(0, YTSubscription(token(rng, 43), channel, joined))


def _week_2(school: SampleSchool, departed: list[XUser]) -> None:
    school.x_followers = departed + school.x_followers
    renamed = next((u for u in school.x_followers if u.truth.case == "exact_name"), None)
    if renamed is not None:
        index = school.x_followers.index(renamed)
        school.x_followers[index] = replace(renamed, name=renamed.name + RENAMED_SUFFIX)
        # One person: every account they follow (the sports account too) sees the new name.
        for more in school.x_more:
            for users in (more.followers, more.following):
                users[:] = [school.x_followers[index] if u is renamed else u for u in users]
