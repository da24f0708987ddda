"""X's account-reading plan: which streams are read, in which order, and what each cost, within the run's bill.

An X account is read stream by stream (account, followers, following, posts, then the posts with open exceptions
looked up by id), each on its own so one failure never discards another's pages; YouTube's plan is
connectors/youtube.py `channel_streams`. The flow's account reader (flows/plugins/x.py) calls it.
"""

from __future__ import annotations

from typing import Protocol

import tweepy

from connectors import x as xapi
from connectors.paging import RetryPolicy, Snapshot
from connectors.streams import StreamReads
from connectors.x_cost import XCostEstimate, XPrices, estimate_cost, guard_cost


class XReadLimits(Protocol):
    """What school.toml's `[api]` sets for an X read (flows/config/tables.py ApiSettings)."""

    @property
    def max_follow_pages(self) -> int: ...
    @property
    def max_post_pages(self) -> int: ...
    @property
    def max_x_cost_per_run(self) -> float: ...
    @property
    def x_app_owned_by_account(self) -> bool: ...


def read_x_account(
    client: tweepy.Client,
    account_id: str,
    policy: RetryPolicy,
    since_id: str | None,
    api: XReadLimits,
    open_posts: list[str] | None = None,
    last_tweet_count: int | None = None,
    last_mutual_follows: int = 0,
) -> StreamReads:
    """Each stream on its own: a failed one is recorded, the others are still read and stored.

    Nothing but the account is read unless the keys sign in as the configured account (else it would be another
    user's data, and not owned reads); the whole run's bill (account, followers, following, new posts, look-ups
    of the `open_posts` with open exceptions) is estimated at the price X will bill and checked against
    `[api] max_x_cost_per_run` before any of them is read."""
    pages = api.max_follow_pages
    prices = XPrices(api.x_app_owned_by_account)
    reads = StreamReads("x", account_id)
    account = reads.read("account", lambda: xapi.account_snapshot(client, account_id, policy))
    if account is not None:
        user = account.items[0]
        now = (user.get("public_metrics") or {}).get("tweet_count")
        new_posts = now - last_tweet_count if isinstance(now, int) and last_tweet_count is not None else None
        estimate = estimate_cost(
            account, since_id, prices, len(open_posts or []), new_posts, last_mutual_follows
        )
        reads.estimated_cost_usd = round(estimate.usd, 4)
        # Refused, it stops X for this run (CostCapExceeded stops the platform): nothing paid is read.
        reads.read("followers", lambda: _guarded(estimate, api, client, account_id, policy, pages))
    else:
        reads.skip("followers", "account")
    reads.read_after(
        "following",
        account,
        "account",
        lambda _: xapi.collect(
            "following", account_id, xapi.iter_following(client, account_id, policy, pages)
        ),
    )
    reads.read_after(
        "posts",
        account,
        "account",
        lambda _: xapi.collect(
            "posts",
            account_id,
            xapi.iter_posts(client, account_id, since_id, policy, api.max_post_pages),
            cursor_from_newest=True,
        ),
    )
    looked_up: frozenset[str] = frozenset()
    if account is not None and reads.stopped is None and open_posts:
        lookup = xapi.look_up_posts(client, account_id, open_posts, policy)
        reads.side_reads, looked_up = lookup.snapshots, lookup.returned_ids
    reads.cost_usd = billed_per_stream(reads.snapshots, looked_up, prices)
    return reads


def billed_per_stream(
    snapshots: list[Snapshot], looked_up: frozenset[str], prices: XPrices
) -> dict[str, float]:
    """What X bills each stream: every resource returned, once a UTC day (a user both following and followed is
    billed with the first stream that returned it); the posts looked up by id (`looked_up`, including those whose
    page was not kept) are billed with `posts`."""
    billed: dict[str, set[str]] = {"user": set(), "post": set()}
    cost: dict[str, float] = {}
    for snapshot in snapshots:
        ids = {str(item.get("id")) for item in snapshot.items if isinstance(item, dict)}
        seen = billed["post" if snapshot.stream == "posts" else "user"]
        fresh = ids - seen
        seen |= fresh
        cost[snapshot.stream] = round(
            cost.get(snapshot.stream, 0.0) + len(fresh) * prices.of_stream(snapshot.stream), 4
        )
    fresh_posts = looked_up - billed["post"]
    if fresh_posts:
        lookups_usd = len(fresh_posts) * prices.of_stream("post_lookup")
        cost["posts"] = round(cost.get("posts", 0.0) + lookups_usd, 4)
    return cost


def _guarded(
    estimate: XCostEstimate,
    api: XReadLimits,
    client: tweepy.Client,
    account_id: str,
    policy: RetryPolicy,
    pages: int,
) -> Snapshot:
    guard_cost(estimate, api.max_x_cost_per_run)
    return xapi.collect("followers", account_id, xapi.iter_followers(client, account_id, policy, pages))
