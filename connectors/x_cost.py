"""What X bills for a run's reads of an account, estimated before any paid paging and counted after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.errors import CostCapExceeded
from connectors.paging import Snapshot
from connectors.x import POSTS_PAGE_SIZE

# What X bills (pay-per-use prices in force since 2026-04-20, docs/production.md §9): per resource returned, an
# owned read $0.001 for the account's own timeline, followers and following, only when the developer app belongs
# to the account the keys sign in as; otherwise a post $0.005 and a user $0.010. `/2/users/me` is a user read and
# a look-up by id (`GET /2/tweets`) a post read, never owned.
OWNED_READ_USD = 0.001
POST_READ_USD = 0.005
USER_READ_USD = 0.010
MAX_REACHABLE_POSTS = 3200


@dataclass(frozen=True)
class XPrices:
    """Unit prices of one account's reads, by whether its developer app is owned by the account itself."""

    app_owned: bool

    @property
    def post(self) -> float:
        return OWNED_READ_USD if self.app_owned else POST_READ_USD

    @property
    def follows(self) -> float:
        return OWNED_READ_USD if self.app_owned else USER_READ_USD

    def of_stream(self, stream: str) -> float:
        """The price of one resource a stream returns."""
        return {
            "account": USER_READ_USD,
            "followers": self.follows,
            "following": self.follows,
            "posts": self.post,
            "post_lookup": POST_READ_USD,
        }.get(stream, 0.0)

    def describe(self) -> str:
        return (
            "owned reads at $0.001 (the app belongs to the account)"
            if self.app_owned
            else "$0.010 a follower, $0.005 a post (the app does not belong to the account)"
        )


@dataclass(frozen=True)
class XCostEstimate:
    """What one run's X reads of an account are expected to cost, from the account's `public_metrics`: the
    account, its followers and following, the posts the timeline returns and the posts looked up by id."""

    followers: int
    following: int
    posts: int
    prices: XPrices = XPrices(app_owned=False)
    looked_up: int = 0
    # Users both following and followed (as last week): X bills a resource once a UTC day, so they cost once.
    mutual: int = 0

    @property
    def users(self) -> int:
        return self.followers + self.following - min(self.mutual, self.followers, self.following)

    @property
    def items(self) -> int:
        return 1 + self.users + self.posts + self.looked_up  # 1: the account itself

    @property
    def usd(self) -> float:
        return (
            USER_READ_USD
            + self.users * self.prices.follows
            + self.posts * self.prices.post
            + self.looked_up * POST_READ_USD
        )

    def describe(self) -> str:
        lookups = f" + {self.looked_up} posts looked up at $0.005" if self.looked_up else ""
        once = f", {self.mutual} of them both, billed once" if self.mutual else ""
        return (
            f"about ${self.usd:.2f} ({self.followers} followers + {self.following} following{once} + up to "
            f"{self.posts} posts{lookups}; {self.prices.describe()})"
        )


def estimate_cost(
    account: Snapshot | dict[str, Any],
    since_id: str | None,
    prices: XPrices = XPrices(app_owned=False),
    looked_up: int = 0,
    new_posts: int | None = None,
    mutual: int = 0,
) -> XCostEstimate:
    """The cost of reading this account's followers, following and new posts once, and of looking up
    `looked_up` posts. Without a cursor every reachable post is read (at most 3,200); with one, the posts since
    last week (`new_posts`, from the account's `tweet_count` then and now) or, not knowing, one page. `mutual`
    users (last week's followers who were also followed) are billed once."""
    user = account.items[0] if isinstance(account, Snapshot) else account
    metrics = user.get("public_metrics") or {}

    def count(*names: str) -> int:
        for name in names:
            value = metrics.get(name)
            if isinstance(value, int) and value >= 0:
                return value
        return 0

    if since_id is None:
        posts = min(count("tweet_count", "post_count"), MAX_REACHABLE_POSTS)
    else:
        posts = POSTS_PAGE_SIZE if new_posts is None else min(max(new_posts, 0), MAX_REACHABLE_POSTS)
    return XCostEstimate(
        count("followers_count"), count("following_count"), posts, prices, looked_up, max(mutual, 0)
    )


def guard_cost(estimate: XCostEstimate, max_usd: float) -> XCostEstimate:
    """Refuse, before any paid paging (followers, following, posts, look-ups), a run whose estimated X bill is
    above `max_usd`."""
    if estimate.usd > max_usd:
        raise CostCapExceeded(
            "x",
            "followers",
            f"this run would cost {estimate.describe()}, above [api] max_x_cost_per_run = ${max_usd:.2f}: "
            "raise it in school.toml if the bill is expected, or lower [api] max_follow_pages",
        )
    return estimate
