"""Reading an account's streams one by one, and what the run could read, as the warehouse records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tweepy

from checks.images.copies import Originals
from checks.images.reading import WAITS_FOR_LIBRARY, examine, in_parallel
from checks.media_hash import FINGERPRINT_FIELDS, UnreadableImage
from checks.validation import SuiteResult
from connectors import x as xapi
from connectors.errors import ConnectorError, MediaRefused
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy, Snapshot
from connectors.streams import StreamReads, stream_of_suite
from connectors.x_cost import XCostEstimate, XPrices, estimate_cost, guard_cost
from flows.config import SchoolConfig
from flows.config_tables import ApiSettings
from warehouse.stream_status import StreamStatus


def read_x_account(
    client: tweepy.Client,
    account_id: str,
    policy: RetryPolicy,
    since_id: str | None,
    api: ApiSettings,
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
    api: ApiSettings,
    client: tweepy.Client,
    account_id: str,
    policy: RetryPolicy,
    pages: int,
) -> Snapshot:
    guard_cost(estimate, api.max_x_cost_per_run)
    return xapi.collect("followers", account_id, xapi.iter_followers(client, account_id, policy, pages))


def stream_statuses(
    reads: list[StreamReads], media: list[dict[str, Any]], config: SchoolConfig
) -> list[StreamStatus]:
    handles = {(a.platform, a.id): a.handle for a in config.accounts}
    statuses = [
        StreamStatus(**row, account=handles.get((row["platform"], row["account_id"])))
        for read in reads
        for row in read.outcomes()
    ]
    for (platform, account_id), failed in _group_unread(media).items():
        reason = f"{len(failed)} image(s) could not be downloaded, e.g. {failed[0]['error']}"
        statuses.append(
            StreamStatus(
                "media",
                account_id,
                "downloads",
                "failed",
                reason,
                len(failed),
                handles.get((platform, account_id)),
            )
        )
    return statuses


def _group_unread(media: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in media:
        if item.get("unread"):
            grouped.setdefault((item["platform"], item["account_id"]), []).append(item)
    return grouped


def set_aside_refused(reads: list[StreamReads], results: list[SuiteResult]) -> None:
    """A stream whose data failed a blocking validation is not stored (it counts as not read); the others are."""
    by_account = {(read.platform, read.account_id): read for read in reads}
    for result in results:
        if not result.stops_run:
            continue
        found = stream_of_suite(result.suite)
        if found is None or (found[0], found[2]) not in by_account:
            raise RuntimeError(
                f"data from the platforms failed validation ({result.suite}), nothing was stored"
            )
        platform, stream, account_id = found
        failed = ", ".join(
            f"{x['expectation']}({x.get('column') or ''})" for x in result.results if not x["success"]
        )
        by_account[(platform, account_id)].set_aside(stream, f"failed validation: {failed}")


# A published image downloaded before the library was catalogued, or a copy of a library file not read yet, keeps
# its bytes here until `examine_waiting`.
WAITING = "bytes_waiting_for_the_library"


def fingerprint_one(
    fetcher: MediaFetcher,
    item: dict[str, Any],
    known_bytes: int | None = None,
    already_read: Callable[[str], bool] | None = None,
    originals: Originals | None = None,
) -> dict[str, Any] | None:
    """One image's fingerprints, and its reading (`reading`) unless `already_read(sha256)` (None: images are not
    read; `originals`: library files being read, whose copies take their readings); None when an image held before
    (`known_bytes`) is unchanged at its URL. A refused or undecodable file is a verdict (it cannot be shown
    approved); a download that failed is marked `unread`: its post's media rules are not judged this week.

    An image downloaded before the library is catalogued (undecoded), or a copy of a library file not read yet,
    comes back with its bytes (WAITING) for `examine_waiting`."""
    try:
        data = fetcher.fetch_if_changed(item["url"], known_bytes)
    except MediaRefused as error:
        return {**item, "error": str(error)[:500]}
    except ConnectorError as error:
        return {**item, "error": str(error)[:500], "unread": True}
    if data is None:
        return None
    if (
        already_read is not None
        and originals is not None
        and not originals.is_catalogued()
        and originals.may_wait(len(data))
    ):
        return {**item, WAITING: data}
    found = examined(item, data, already_read, originals)
    if found.pop(WAITS_FOR_LIBRARY, False):
        found[WAITING] = data
    return found


def examined(
    item: dict[str, Any],
    data: bytes,
    already_read: Callable[[str], bool] | None,
    originals: Originals | None,
    may_wait: bool = True,
    fingerprinted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    try:
        return {**item, **examine(data, already_read, originals, may_wait, fingerprinted), "error": None}
    except UnreadableImage as error:
        return {**item, "error": str(error)[:500]}


def examine_waiting(
    media: list[dict[str, Any]], already_read: Callable[[str], bool], originals: Originals
) -> list[dict[str, Any]]:
    """`media` with each image that waited for the library (`fingerprint_one`) examined, in parallel, in the same
    order; called once the library is read, so a copy takes its file's reading or is read itself."""

    def one(found: dict[str, Any]) -> dict[str, Any]:
        if WAITING not in found:
            return found
        item = {k: v for k, v in found.items() if k != WAITING}
        # A copy that waited was fingerprinted and taken to be read already (its sha256 is known): read it now,
        # with the fingerprints it has (decoding is needed for the reading; hashing it again is not).
        if "sha256" in item:
            known = {field: item[field] for field in FINGERPRINT_FIELDS}
            return examined(item, found[WAITING], lambda _: False, originals, False, known)
        return examined(item, found[WAITING], already_read, originals, may_wait=False)

    return in_parallel(one, media)
