"""Every username and handle the sample school's audience has is one its platform lets a person choose: the
generator plants only accounts that could exist, so a label never expects a match no real account could give."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pytest

from sandbox.meta.usernames import is_instagram_username
from sandbox.school import build_school
from sandbox.school.model import SampleSchool, XUser, handle_letters

# X: 1 to 15 ASCII letters, digits and underscores (new accounts need at least 4; the generator makes those).
X_USERNAME = re.compile(r"[A-Za-z0-9_]{4,15}")
# YouTube: 3 to 30 letters or digits of any script YouTube supports, underscores, hyphens, periods and middle dots.
YOUTUBE_EXTRA = frozenset("_-.·")


def _youtube_handle(handle: str) -> bool:
    name = handle.removeprefix("@")
    return (
        handle.startswith("@")
        and 3 <= len(name) <= 30
        and all(c in YOUTUBE_EXTRA or unicodedata.category(c)[0] in "LMN" for c in name)
    )


def _x_users(school: SampleSchool) -> Iterator[XUser]:
    assert school.x_account is not None
    yield school.x_account
    yield from school.x_followers
    yield from school.x_following
    for account in school.x_more:
        yield account.account
        yield from account.followers
        yield from account.following


def _declared(school: SampleSchool) -> Iterator[tuple[str, str]]:
    """The handles the registers declare, as (platform, handle)."""
    entries = [h for p in school.pupils for h in p.known_handles]
    entries += [h for p in school.parents for h in p.known_handles]
    entries += [h for s in school.staff for h in [*s.personal_handles, *s.official_handles]]
    for entry in entries:
        platform, _, handle = entry.partition(":")
        yield platform, handle


@pytest.mark.parametrize("seed", [101, 102, 3])
@pytest.mark.parametrize("size", ["small", "medium"])
@pytest.mark.parametrize("forms", ["default", "blind"])
def test_every_account_name_is_one_its_platform_allows(seed: int, size: str, forms: str) -> None:
    school = build_school(seed, size, forms=forms)
    refused: list[str] = []
    refused += [f"x:{u.username}" for u in _x_users(school) if not X_USERNAME.fullmatch(u.username)]
    channels = [s.subscriber for s in school.yt_subscriptions] + [c.author for c in school.yt_comments]
    handles = [school.info.yt_handle, school.info.yt_live_handle, *(c.handle for c in channels)]
    refused += [f"youtube:{h}" for h in handles if not _youtube_handle(h)]
    meta = school.meta
    assert meta is not None
    ig_names = [meta.ig_username, *(c.author_name for c in meta.ig_comments)]
    refused += [f"instagram:{n}" for n in ig_names if not is_instagram_username(n)]
    for platform, handle in _declared(school):
        allowed = {
            "x": lambda h: X_USERNAME.fullmatch(h.removeprefix("@")) is not None,
            "instagram": is_instagram_username,
            "youtube": lambda h: h.startswith("UC") or _youtube_handle(h),
            "facebook": lambda h: True,  # an id or a Page username: the register's own check reads these
        }[platform]
        if not allowed(handle):
            refused.append(f"declared {platform}:{handle}")
    assert refused == []


def test_a_handle_keeps_the_letters_a_person_would_type() -> None:
    assert handle_letters("Rónán") == "ronan"
    assert handle_letters("Siobhán") == "siobhan"
    assert handle_letters("Zoë-Łucja O'Brien") == "zoelucjaobrien"
    assert handle_letters("Иван") == "ivan"
