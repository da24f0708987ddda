"""Who follows, is followed by, subscribes to and comments on the sample school's accounts, with the truth.

One builder, assembled from a part per audience: pupils (pupil_followers.py), former pupils, staff, parents
and look-alikes (adult_followers.py), organisations and the public (public_followers.py), and the YouTube
subscribers and commenters (subscribers.py), all on the shared accounts of accounts.py.
"""

from __future__ import annotations

import random
from datetime import date

from sandbox.school.adult_followers import AdultFollowers
from sandbox.school.model import SchoolInfo, XUser, YTComment, YTSubscription, YTVideo
from sandbox.school.people import Registers
from sandbox.school.public_followers import PublicFollowers
from sandbox.school.pupil_followers import PupilFollowers
from sandbox.school.sizes import SizeSpec
from sandbox.school.subscribers import YouTubeAudience


class SocialBuilder(PupilFollowers, AdultFollowers, PublicFollowers, YouTubeAudience):
    """Every audience of the school's accounts, and the X follower and following lists assembled from them."""

    def x_lists(self) -> tuple[list[XUser], list[XUser]]:
        r, spec = self.rng, self.spec
        pupils = self.pupil_followers()
        former = self.former_pupil_followers()
        staff = self.staff_followers()
        officials = self.official_followers()
        parents = self.parent_followers(True, 5 * spec.plant_scale)
        junior = self.junior_follower()
        planted = (
            pupils + former + staff + officials + parents + [junior] + self.namesakes() + self.odd_followers()
        )
        background_parents = self.parent_followers(False, max(0, int(len(self.reg.parents) * 0.3)))
        # Organisations: some follow the school, some are followed by it, many both.
        orgs = self.org_users(max(spec.followers // 12, spec.following))
        following_orgs = orgs[: spec.following]
        follower_orgs = [o for i, o in enumerate(orgs) if i % 10 < 7]
        n_public = max(0, spec.followers - len(planted) - len(background_parents) - len(follower_orgs))
        followers = planted + background_parents + follower_orgs + self.public_users(n_public)
        r.shuffle(followers)
        # The planted exceptions: the official account follows a pupil, a former pupil, a member of staff's
        # personal account and a parent, all of whom follow it back.
        following: list[XUser] = []
        for group, kind in (
            (pupils, "pupil"),
            (former, "former_pupil"),
            (staff, "staff_personal"),
            (parents, "parent"),
        ):
            fits = [u for u in group if u.truth.kind == kind and u.truth.difficulty in ("declared", "easy")]
            fits.sort(key=lambda u: u.truth.difficulty != "declared")
            following += fits[: spec.plant_scale]
        following += officials
        following += following_orgs[: max(0, spec.following - len(following))]
        r.shuffle(following)
        return followers, following


def build_social(
    rng: random.Random,
    spec: SizeSpec,
    as_of: date,
    info: SchoolInfo,
    registers: Registers,
    videos: list[YTVideo],
) -> tuple[list[XUser], list[XUser], list[YTSubscription], list[YTComment]]:
    builder = SocialBuilder(rng, spec, as_of, info, registers)
    followers, following = builder.x_lists()
    channels = builder.yt_subscribers()
    subscriptions = builder.yt_subscriptions(channels)
    comments = builder.yt_comments(videos, channels)
    return followers, following, subscriptions, comments
