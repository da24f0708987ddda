"""A Facebook Page's reading plan: the Page, its own posts, the posts others publish on it, the photos behind them and
every comment and reply, stream by stream (connectors/streams.py `StreamReads`), through connectors/meta.py.

The posts are listed in full each week, as YouTube's uploads are: only a full list shows a deleted post (its
exceptions resolve) or a comment hidden since; a photo already fingerprinted is not downloaded again. The comments of
a post are read again only when the post shows a change since the last run (its `updated_time`, which a new comment
moves, or its comment count), when an exception about the post or one of its comments is still open, or when it was
published in the last four weeks (connectors/meta.py `RECENT_COMMENTS_DAYS`: a hidden comment moves nothing the post
shows, so only a read sees it); the others are carried from the run that last read them (`comment_reads`, the stream's cursor). The Page lists no followers:
that stream is recorded as not looked at, with the reason, so the report never calls it clean.
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
from connectors.streams import StreamReads
from connectors.streams import facebook_attachments as attachments

PLATFORM = "facebook"
PAGE_FIELDS = [
    "id",
    "name",
    "username",
    "about",
    "description",
    "link",
    "website",
    "fan_count",
    "followers_count",
]
ATTACHMENTS = "attachments{media,media_type,type,url,target,description,subattachments}"
POST_FIELDS = ["id", "message", "created_time", "updated_time", "permalink_url", "status_type", ATTACHMENTS]
VISITOR_POST_FIELDS = [*POST_FIELDS, "from"]
PHOTO_FIELDS = ["id", "alt_text", "alt_text_custom", "created_time", "images", "link"]
# `from` is returned only to a Page token with the permission to read who commented; absent, the comment is judged
# on its text and its evidence says the author was not shown.
COMMENT_FIELDS = ["id", "message", "created_time", "from", "parent", "is_hidden", "permalink_url"]
NO_FOLLOWER_LIST = (
    "not looked at: the Graph API lists no Page's followers (it gives counts only), so the follower rules were not "
    "applied to this Page"
)


def read_facebook_page(
    api: Any,
    page_id: str,
    policy: RetryPolicy,
    last_reads: str | None = None,
    open_subjects: frozenset[str] = frozenset(),
    reads: StreamReads | None = None,
    read_at: datetime | None = None,
) -> StreamReads:
    """Each stream on its own: a failed one is recorded, the streams needing it skipped, the others read."""
    from facebook_business.adobjects.comment import Comment
    from facebook_business.adobjects.page import Page as GraphPage
    from facebook_business.adobjects.pagepost import PagePost
    from facebook_business.adobjects.photo import Photo

    reads = reads or StreamReads(PLATFORM, page_id)
    page = reads.read("page", lambda: _page(api, GraphPage, page_id, policy))
    posts = reads.read_after(
        "posts",
        page,
        "page",
        lambda _: _collect(
            "posts",
            page_id,
            iter_edge(
                api,
                GraphPage,
                page_id,
                PagePost,
                "published_posts",
                POST_FIELDS,
                policy,
                PLATFORM,
                "posts",
                page_id,
            ),
        ),
    )
    visitor = reads.read_after(
        "visitor_posts",
        page,
        "page",
        lambda _: _collect(
            "visitor_posts",
            page_id,
            iter_edge(
                api,
                GraphPage,
                page_id,
                PagePost,
                "visitor_posts",
                VISITOR_POST_FIELDS,
                policy,
                PLATFORM,
                "visitor_posts",
                page_id,
            ),
        ),
    )
    reads.read_after(
        "photos",
        posts,
        "posts",
        lambda read: _collect("photos", page_id, _photos(api, Photo, photo_ids(read.items), policy, page_id)),
    )
    reads.read_after(
        "comments",
        posts,
        "posts",
        lambda read: comments_snapshot(
            api,
            page_id,
            [*read.items, *(visitor.items if visitor else [])],
            policy,
            last_reads,
            open_subjects,
            PagePost,
            Comment,
            read_at,
        ),
    )
    reads.failures.append(_not_listed(page_id))
    return reads


def _not_listed(page_id: str) -> Any:
    from connectors.streams import StreamFailure

    return StreamFailure(PLATFORM, "followers", page_id, "skipped", NO_FOLLOWER_LIST)


def _photos(api: Any, photo_class: Any, ids: list[str], policy: RetryPolicy, page_id: str) -> Iterator[Page]:
    """Each photo node; one deleted since its post was listed is left out (its post no longer shows it)."""
    for photo_id in ids:
        try:
            yield read_node(api, photo_class, photo_id, PHOTO_FIELDS, policy, PLATFORM, "photos", page_id, 0)
        except ObjectGone:
            continue


def _collect(stream: str, page_id: str, pages: Iterator[Page]) -> Snapshot:
    """The pages in the order read, numbered from 0."""
    read = list(pages)
    return Snapshot(PLATFORM, stream, page_id, [replace(p, page_no=n) for n, p in enumerate(read)])


def _page(api: Any, node_class: Any, page_id: str, policy: RetryPolicy) -> Snapshot:
    read = read_node(api, node_class, page_id, PAGE_FIELDS, policy, PLATFORM, "page", page_id)
    shown = str(read.items[0].get("id"))
    if shown != page_id:
        raise WrongAccount(
            PLATFORM, "page", f"the token reads Page {shown}, not the configured Page {page_id}"
        )
    return Snapshot(PLATFORM, "page", page_id, [read])


def photo_ids(posts: list[dict[str, Any]]) -> list[str]:
    """Every Photo node behind the posts (its alt text and image sizes are read from the node), once each."""
    ids = [
        str((a.get("target") or {}).get("id"))
        for post in posts
        for a in attachments(post)
        if str(a.get("type") or a.get("media_type") or "").startswith("photo")
        and (a.get("target") or {}).get("id")
    ]
    return list(dict.fromkeys(ids))


def signature(post: dict[str, Any]) -> str:
    """What shows a post's comments may have changed: a new comment moves `updated_time`."""
    return str(post.get("updated_time") or post.get("created_time") or "")


def comments_snapshot(
    api: Any,
    page_id: str,
    posts: list[dict[str, Any]],
    policy: RetryPolicy,
    last_reads: str | None,
    open_subjects: frozenset[str],
    post_class: Any,
    comment_class: Any,
    read_at: datetime | None = None,
) -> Snapshot:
    """The comments and replies (`filter=stream`: replies flattened in, each naming its `parent`) of each post that
    changed, has an open exception or was published in the last `RECENT_COMMENTS_DAYS` days before `read_at` (a
    hide moves nothing a post shows), and of each photo of a multi-photo post among them. A post deleted between
    listing and reading it has none. The cursor records each post's signature as read, for next week."""
    before = _last_reads(last_reads)
    now = {str(p["id"]): signature(p) for p in posts if p.get("id")}
    today = read_at or utcnow()
    wanted = [
        post
        for post in posts
        if post.get("id")
        and (
            before.get(str(post["id"])) != now[str(post["id"])]
            or str(post["id"]) in open_subjects
            or posted_within(post.get("created_time"), today)
        )
    ]
    pages: list[Page] = []
    for post in wanted:
        objects = [str(post["id"])] + [
            str((a.get("target") or {}).get("id"))
            for a in attachments(post)
            if len(attachments(post)) > 1 and (a.get("target") or {}).get("id")
        ]
        for object_id in objects:
            try:
                pages += list(
                    iter_edge(
                        api,
                        post_class,
                        object_id,
                        comment_class,
                        "comments",
                        COMMENT_FIELDS,
                        policy,
                        PLATFORM,
                        "comments",
                        page_id,
                        {"filter": "stream", "order": "chronological"},
                        first_page_no=len(pages),
                        noted={"post": str(post["id"])},
                    )
                )
            except ObjectGone:
                continue
    return Snapshot(PLATFORM, "comments", page_id, pages, cursor=json.dumps(now, sort_keys=True))


def _last_reads(cursor: str | None) -> dict[str, str]:
    try:
        value = json.loads(cursor) if cursor else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
