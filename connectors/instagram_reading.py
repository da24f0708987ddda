"""An Instagram professional account's reading plan: the account, its media with each carousel's children, and every
comment and reply with the commenter's username, stream by stream, through connectors/meta.py (the Facebook-Login
route: the Page token of the Page the account is linked to, on graph.facebook.com).

The media are listed in full each week (a deleted post's exceptions resolve); a media's comments are read again only
when its comment count changed since the last run, an exception about it is still open (the stream's cursor) or it
was published in the last four weeks (a hidden comment changes no count: connectors/meta.py `RECENT_COMMENTS_DAYS`),
the others carried from the run that last read them. Instagram lists no followers: that stream is recorded as not looked
at, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from connectors.errors import WrongAccount
from connectors.meta import ObjectGone, iter_edge, posted_within, read_node
from connectors.paging import Page, RetryPolicy, Snapshot, utcnow
from connectors.streams import StreamFailure, StreamReads

PLATFORM = "instagram"
ACCOUNT_FIELDS = [
    "id",
    "username",
    "name",
    "biography",
    "website",
    "followers_count",
    "follows_count",
    "media_count",
]
CHILDREN = "children{id,media_type,media_url,thumbnail_url,alt_text}"
MEDIA_FIELDS = [
    "id",
    "caption",
    "alt_text",
    "media_type",
    "media_product_type",
    "media_url",
    "thumbnail_url",
    "permalink",
    "timestamp",
    "is_comment_enabled",
    "comments_count",
    CHILDREN,
]
COMMENT_FIELDS = ["id", "text", "timestamp", "username", "from", "hidden", "parent_id"]
NO_FOLLOWER_LIST = (
    "not looked at: the Instagram Graph API lists no account's followers (it gives counts only), so the follower "
    "rules were not applied to this account"
)


def read_instagram_account(
    api: Any,
    ig_user_id: str,
    policy: RetryPolicy,
    last_reads: str | None = None,
    open_subjects: frozenset[str] = frozenset(),
    reads: StreamReads | None = None,
    read_at: datetime | None = None,
) -> StreamReads:
    from facebook_business.adobjects.igcomment import IGComment
    from facebook_business.adobjects.igmedia import IGMedia
    from facebook_business.adobjects.iguser import IGUser

    reads = reads or StreamReads(PLATFORM, ig_user_id)
    account = reads.read("account", lambda: _account(api, IGUser, ig_user_id, policy))
    media = reads.read_after(
        "media",
        account,
        "account",
        lambda _: _collect(
            "media",
            ig_user_id,
            iter_edge(
                api, IGUser, ig_user_id, IGMedia, "media", MEDIA_FIELDS, policy, PLATFORM, "media", ig_user_id
            ),
        ),
    )
    reads.read_after(
        "comments",
        media,
        "media",
        lambda read: comments_snapshot(
            api, ig_user_id, read.items, policy, last_reads, open_subjects, IGMedia, IGComment, read_at
        ),
    )
    reads.failures.append(StreamFailure(PLATFORM, "followers", ig_user_id, "skipped", NO_FOLLOWER_LIST))
    return reads


def _account(api: Any, node_class: Any, ig_user_id: str, policy: RetryPolicy) -> Snapshot:
    read = read_node(api, node_class, ig_user_id, ACCOUNT_FIELDS, policy, PLATFORM, "account", ig_user_id)
    shown = str(read.items[0].get("id"))
    if shown != ig_user_id:
        raise WrongAccount(
            PLATFORM, "account", f"the token reads account {shown}, not the configured {ig_user_id}"
        )
    return Snapshot(PLATFORM, "account", ig_user_id, [read])


def _collect(stream: str, ig_user_id: str, pages: Iterator[Page]) -> Snapshot:
    read = list(pages)
    return Snapshot(PLATFORM, stream, ig_user_id, [replace(p, page_no=n) for n, p in enumerate(read)])


def signature(media: dict[str, Any]) -> str:
    return str(media.get("comments_count"))


def comments_snapshot(
    api: Any,
    ig_user_id: str,
    media: list[dict[str, Any]],
    policy: RetryPolicy,
    last_reads: str | None,
    open_subjects: frozenset[str],
    media_class: Any,
    comment_class: Any,
    read_at: datetime | None = None,
) -> Snapshot:
    """Top-level comments of each media that changed, has an open exception or was published in the last
    `RECENT_COMMENTS_DAYS` days before `read_at` (a hide changes no count), and each one's replies (every page of
    both); a media or comment deleted meanwhile has none."""
    try:
        before = json.loads(last_reads) if last_reads else {}
    except ValueError:
        before = {}
    now = {str(m["id"]): signature(m) for m in media if m.get("id")}
    today = read_at or utcnow()
    pages: list[Page] = []
    for item in media:
        media_id = str(item.get("id") or "")
        if not media_id:
            continue
        unchanged = before.get(media_id) == now[media_id] and media_id not in open_subjects
        if unchanged and not posted_within(item.get("timestamp"), today):
            continue
        try:
            top = list(
                iter_edge(
                    api,
                    media_class,
                    media_id,
                    comment_class,
                    "comments",
                    COMMENT_FIELDS,
                    policy,
                    PLATFORM,
                    "comments",
                    ig_user_id,
                    first_page_no=len(pages),
                    noted={"post": media_id},
                )
            )
        except ObjectGone:
            continue
        pages += top
        for comment in [c for page in top for c in page.items]:
            try:
                pages += list(
                    iter_edge(
                        api,
                        comment_class,
                        str(comment["id"]),
                        comment_class,
                        "replies",
                        COMMENT_FIELDS,
                        policy,
                        PLATFORM,
                        "comments",
                        ig_user_id,
                        first_page_no=len(pages),
                        noted={"post": media_id, "parent": str(comment["id"])},
                    )
                )
            except ObjectGone:
                continue
    return Snapshot(PLATFORM, "comments", ig_user_id, pages, cursor=json.dumps(now, sort_keys=True))
