"""Nodes and connections as Graph renders them for one token: only the fields asked for (or the node type's
defaults), a field the type does not have refused with #100, a value the dataset lacks left out (absent, never
null), the commenter left out where the token may not see it, and cursor paging whose `next` is absent on the last
page (reference: meta-apis.md §1-§2, §5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.http import ApiError, JsonObject, decode_page_token, encode_page_token
from sandbox.meta import exceptions as errors
from sandbox.meta.fields import FieldSpec
from sandbox.meta.models import COMMENT, IG_COMMENT, IG_MEDIA, IG_USER, PAGE, PHOTO, POST

# Field names each node type has (facebook-business 26.0.3 adobjects), edges included.
NODE_FIELDS: dict[str, frozenset[str]] = {
    PAGE: frozenset(
        [
            "id",
            "name",
            "username",
            "about",
            "description",
            "category",
            "link",
            "website",
            "picture",
            "fan_count",
            "followers_count",
            "new_like_count",
            "were_here_count",
            "verification_status",
            "instagram_business_account",
            "connected_instagram_account",
            "has_transitioned_to_new_page_experience",
            "published_posts",
            "posts",
            "feed",
            "visitor_posts",
            "photos",
            "tagged",
        ]
    ),
    POST: frozenset(
        [
            "id",
            "message",
            "message_tags",
            "created_time",
            "updated_time",
            "permalink_url",
            "full_picture",
            "picture",
            "status_type",
            "story",
            "is_hidden",
            "is_published",
            "is_expired",
            "from",
            "privacy",
            "place",
            "parent_id",
            "scheduled_publish_time",
            "shares",
            "attachments",
            "comments",
            "reactions",
            "likes",
        ]
    ),
    PHOTO: frozenset(
        [
            "id",
            "alt_text",
            "alt_text_custom",
            "created_time",
            "updated_time",
            "images",
            "name",
            "link",
            "picture",
            "width",
            "height",
            "album",
            "from",
            "can_delete",
            "page_story_id",
            "webp_images",
            "comments",
            "reactions",
            "likes",
        ]
    ),
    COMMENT: frozenset(
        [
            "id",
            "message",
            "message_tags",
            "created_time",
            "from",
            "parent",
            "object",
            "is_hidden",
            "can_hide",
            "can_remove",
            "can_comment",
            "can_like",
            "can_reply_privately",
            "comment_count",
            "like_count",
            "attachment",
            "permalink_url",
            "is_private",
            "user_likes",
            "comments",
            "reactions",
            "likes",
        ]
    ),
    IG_USER: frozenset(
        [
            "id",
            "ig_id",
            "username",
            "name",
            "biography",
            "website",
            "profile_picture_url",
            "has_profile_pic",
            "followers_count",
            "follows_count",
            "media_count",
            "is_published",
            "media",
            "stories",
            "tags",
            "live_media",
        ]
    ),
    IG_MEDIA: frozenset(
        [
            "id",
            "ig_id",
            "caption",
            "alt_text",
            "media_type",
            "media_product_type",
            "media_url",
            "thumbnail_url",
            "permalink",
            "shortcode",
            "timestamp",
            "username",
            "owner",
            "is_comment_enabled",
            "comments_count",
            "like_count",
            "children",
            "is_shared_to_feed",
            "legacy_instagram_media_id",
            "total_comments_count",
            "total_like_count",
            "view_count",
            "comments",
        ]
    ),
    IG_COMMENT: frozenset(
        [
            "id",
            "text",
            "timestamp",
            "username",
            "from",
            "hidden",
            "like_count",
            "media",
            "parent_id",
            "user",
            "legacy_instagram_comment_id",
            "replies",
        ]
    ),
}
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    PAGE: ("name", "id"),
    POST: ("created_time", "message", "story", "id"),
    PHOTO: ("created_time", "name", "id"),
    COMMENT: ("created_time", "from", "message", "id"),
    IG_USER: ("id",),
    IG_MEDIA: ("id",),
    IG_COMMENT: ("timestamp", "text", "id"),
}
DEFAULT_LIMIT = 25
# Graph caps page sizes per edge; the caps are not all published (meta-apis.md §5): the sandbox caps every edge here.
MAX_LIMIT = 100


def requested(node_type: str, specs: list[FieldSpec] | None) -> list[FieldSpec]:
    """The fields to render; one the node type does not have is refused as Graph refuses it."""
    if not specs:
        return [FieldSpec(name) for name in DEFAULT_FIELDS[node_type]]
    for spec in specs:
        if spec.name not in NODE_FIELDS[node_type]:
            raise ApiError(errors.nonexisting_field(spec.name, node_type))
    return specs


def select(value: Any, children: list[FieldSpec] | None) -> Any:
    """Plain (non-node) data narrowed to the sub-fields asked for, through lists and `{data: [...]}` wrappers."""
    if children is None:
        return value
    if isinstance(value, list):
        return [select(item, children) for item in value]
    if isinstance(value, dict):
        if set(value) <= {"data", "paging", "summary"} and "data" in value:
            return {**value, "data": select(value["data"], children)}
        return {c.name: select(value[c.name], c.children) for c in children if c.name in value}
    return value


@dataclass
class Page:
    data: list[Any]
    paging: JsonObject | None


def limit_of(params: dict[str, str], default: int = DEFAULT_LIMIT) -> int:
    raw = params.get("limit")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(errors.invalid_parameter("Param limit must be a number")) from None
    if value < 0:
        raise ApiError(errors.invalid_parameter("Param limit must be a non-negative number"))
    return min(value, MAX_LIMIT)


def paginate(
    items: list[Any],
    params: dict[str, str],
    stream: str,
    next_url: Callable[[dict[str, str]], str] | None,
) -> Page:
    """One page of `items` from the `after`/`before` cursor; `next` only when more follow, `previous` only when
    some came before; no paging at all on an empty page without cursors."""
    limit = limit_of(params)
    start = 0
    if params.get("after"):
        offset = decode_page_token(params["after"], stream)
        if offset is None:
            raise ApiError(errors.invalid_parameter("The parameter after is not a valid cursor"))
        start = offset
    elif params.get("before"):
        offset = decode_page_token(params["before"], stream)
        if offset is None:
            raise ApiError(errors.invalid_parameter("The parameter before is not a valid cursor"))
        start = max(0, offset - limit)
    end = min(len(items), start + limit)
    page = items[start:end]
    if not page:
        return Page([], None)
    paging: JsonObject = {
        "cursors": {"before": encode_page_token(stream, start), "after": encode_page_token(stream, end)}
    }
    if next_url is not None:
        others = {k: v for k, v in params.items() if k not in ("after", "before")}
        if end < len(items):
            paging["next"] = next_url({**others, "limit": str(limit), "after": paging["cursors"]["after"]})
        if start > 0:
            paging["previous"] = next_url(
                {**others, "limit": str(limit), "before": paging["cursors"]["before"]}
            )
    return Page(page, paging)


def connection(page: Page, summary: JsonObject | None = None) -> JsonObject:
    body: JsonObject = {"data": page.data}
    if page.paging is not None:
        body["paging"] = page.paging
    if summary is not None:
        body["summary"] = summary
    return body


def modifier_params(spec: FieldSpec) -> dict[str, str]:
    """`comments.limit(5).filter(stream)` as the parameters the edge itself would take."""
    return {name: value for name, value in spec.modifiers.items()}


def query_url(base: str, path: str, params: dict[str, str]) -> str:
    return f"{base}{path}?{urlencode(params)}"
