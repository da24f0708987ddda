"""Graph API reads over a dataset's `facebook/` and `instagram/` folders, as strict as Graph documents them
(reference: meta-apis.md): the Page's posts need a Page token; comments answer a user token with empty data and show
the commenter only to a Page token holding `pages_read_user_content` (a Page's own comments always show it);
comment ids need the MODERATE task; Instagram reads need `instagram_basic` (+ `pages_read_engagement`), its comments
`instagram_manage_comments`; an object the token may not see, or that is gone, is 100/33."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sandbox.http import ApiError, ApiRequest, JsonObject, Reply, json_reply
from sandbox.meta import exceptions as errors
from sandbox.meta.fields import FieldsError, FieldSpec, parse_fields
from sandbox.meta.models import (
    COMMENT,
    IG_COMMENT,
    IG_MEDIA,
    IG_USER,
    PAGE,
    PHOTO,
    POST,
    GraphObject,
    MetaData,
)
from sandbox.meta.render import (
    connection,
    modifier_params,
    paginate,
    query_url,
    requested,
    select,
)
from sandbox.meta.tokens import MetaAccess, MetaToken
from sandbox.meta.usage import MetaUsage

COMMENT_FILTERS = ("toplevel", "stream")
COMMENT_ORDERS = ("chronological", "reverse_chronological")
POST_EDGES = ("published_posts", "posts", "feed", "visitor_posts", "tagged")


class Call:
    """One request's context: the token, the version it named, its parameters and its fields."""

    def __init__(
        self, request: ApiRequest, token: MetaToken, version: str, path: str, params: dict[str, str]
    ):
        self.request = request
        self.token = token
        self.version = version
        self.path = path
        self.params = params
        try:
            self.fields: list[FieldSpec] | None = (
                parse_fields(params["fields"]) if params.get("fields") else None
            )
        except FieldsError as error:
            raise ApiError(errors.invalid_parameter(str(error))) from None

    @property
    def major(self) -> int:
        return int(self.version[1:].split(".")[0])


class MetaReads:
    def __init__(self, meta: MetaData, access: MetaAccess, usage: MetaUsage, base_url: Callable[[], str]):
        self.meta = meta
        self.access = access
        self.usage = usage
        self.base_url = base_url

    # -- who may see what

    def manages(self, token: MetaToken, owner_id: str) -> bool:
        """A Page token sees its own Page and the Instagram account linked to it; the admin's user token sees every
        Page the admin manages and their linked accounts."""
        page_id = owner_id
        account = self.meta.ig_account(owner_id)
        if account is not None:
            page_id = account.page_id
        if token.is_page:
            return token.page_id == page_id
        return page_id in self.access.page_ids

    def visible(self, call: Call, object_id: str) -> GraphObject:
        found = self.meta.objects.get(object_id)
        if found is None or not self.manages(call.token, found.owner_id):
            raise ApiError(errors.gone(object_id, call.request.method.lower()))
        return found

    def require(self, token: MetaToken, *permissions: str) -> None:
        for permission in permissions:
            if not token.has(permission):
                raise ApiError(errors.missing_permission(permission))

    def require_instagram(self, token: MetaToken) -> None:
        self.require(token, "instagram_basic", "pages_read_engagement")

    # -- answers

    def reply(self, call: Call, owner_id: str, body: JsonObject) -> Reply:
        reply = json_reply(200, body, errors.GRAPH_JSON)
        reply.headers.update(self.usage.headers(call.token, owner_id, self.meta))
        return reply

    def next_url(self, call: Call) -> Callable[[dict[str, str]], str]:
        base = self.base_url()
        token = call.token.token
        return lambda params: query_url(
            base, f"/{call.version}{call.path}", {"access_token": token, **params}
        )

    # -- nodes

    def node(self, call: Call, object_id: str) -> Reply:
        found = self.visible(call, object_id)
        if found.node_type in (IG_USER, IG_MEDIA, IG_COMMENT):
            self.require_instagram(call.token)
            if found.node_type == IG_COMMENT:
                self.require(call.token, "instagram_manage_comments")
        elif found.node_type in (POST, PHOTO, COMMENT):
            self.require(call.token, "pages_read_engagement")
            if found.node_type == COMMENT or found.visitor:
                self.require(call.token, "pages_read_user_content")
        return self.reply(call, found.owner_id, self.render(call, found, call.fields))

    def me(self, call: Call) -> Reply:
        if call.token.is_page:
            page = self.meta.page(call.token.page_id)
            body = {"id": call.token.page_id, "name": (page.page.get("name") if page else "") or ""}
        else:
            body = {"id": call.token.user_id, "name": "Sandbox Page Admin"}
        return self.reply(call, call.token.page_id, body)

    def accounts(self, call: Call) -> Reply:
        """`/me/accounts`: the Pages a user manages with their Page tokens (a Page token has none)."""
        if call.token.is_page:
            raise ApiError(errors.nonexisting_field("accounts", "Page"))
        self.require(call.token, "pages_show_list")
        pages = []
        for page_id in self.access.page_ids:
            page = self.meta.page(page_id)
            token = next((t for t in self.access.tokens if t.is_page and t.page_id == page_id), None)
            if page is None or token is None:
                continue
            entry: JsonObject = {
                "id": page_id,
                "name": page.page.get("name", ""),
                "access_token": token.token,
                "category": page.page.get("category", "School"),
                "tasks": list(token.tasks),
            }
            if page.instagram_id:
                entry["instagram_business_account"] = {"id": page.instagram_id}
            pages.append(entry)
        page_of = paginate(pages, call.params, f"{call.token.user_id}/accounts", self.next_url(call))
        return self.reply(call, "", connection(page_of))

    # -- edges

    def edge(self, call: Call, object_id: str, edge: str) -> Reply:
        found = self.visible(call, object_id)
        kind = found.node_type
        if edge not in _edges(kind):
            raise ApiError(errors.nonexisting_field(edge, kind))
        spec = FieldSpec(edge, dict(call.params), call.fields)
        body = self.edge_body(call, found, spec, top=True)
        return self.reply(call, found.owner_id, body)

    def edge_body(self, call: Call, found: GraphObject, spec: FieldSpec, top: bool = False) -> JsonObject:
        """An edge, asked for on its own path (`top`) or expanded inside `fields`."""
        edge, params = spec.name, (call.params if top else modifier_params(spec))
        token = call.token
        object_id = str(found.node["id"])
        stream = f"{object_id}/{edge}"
        next_url = self.next_url(call) if top else None
        kind = found.node_type
        summary: JsonObject | None = None
        if kind == PAGE and edge in POST_EDGES:
            items, child_type = self.page_posts(token, found.owner_id, edge), POST
        elif kind == PAGE and edge == "photos":
            self.require(token, "pages_read_engagement")
            page = self.meta.page(found.owner_id)
            kind_asked = params.get("type", "tagged")
            items, child_type = (list(page.photos) if page and kind_asked == "uploaded" else []), PHOTO
        elif edge == "comments" and kind in (POST, PHOTO, COMMENT):
            items, child_type = self.facebook_comments(call, found, params), COMMENT
            if params.get("summary") == "true":
                order = params.get("order", "chronological")
                summary = {"order": order, "total_count": len(items), "can_comment": token.is_page}
        elif edge == "attachments" and kind == POST:
            items, child_type = list((found.node.get("attachments") or {}).get("data", [])), ""
        elif edge in ("reactions", "likes"):
            items, child_type = [], ""
            if params.get("summary") == "true":
                summary = {"total_count": int(found.node.get(f"{edge}_count", 0) or 0)}
        elif kind == IG_USER and edge == "media":
            self.require_instagram(token)
            account = self.meta.ig_account(found.owner_id)
            items, child_type = (list(account.media) if account else []), IG_MEDIA
        elif kind == IG_USER:
            self.require_instagram(token)
            items, child_type = [], IG_MEDIA  # stories, tags, live media: the dataset holds none
        elif kind == IG_MEDIA and edge == "children":
            self.require_instagram(token)
            items, child_type = list((found.node.get("children") or {}).get("data", [])), IG_MEDIA
        elif (kind == IG_MEDIA and edge == "comments") or (kind == IG_COMMENT and edge == "replies"):
            self.require_instagram(token)
            self.require(token, "instagram_manage_comments")
            items, child_type = list(self.meta.comments_of(found.owner_id, object_id)), IG_COMMENT
        else:
            raise ApiError(errors.nonexisting_field(edge, kind))
        page_of = paginate(items, params, stream, next_url)
        if edge == "attachments":
            page_of.paging = None  # attachments come whole, never paged
        if child_type:
            page_of.data = [
                self.render_child(call, child_type, found.owner_id, item, spec) for item in page_of.data
            ]
        else:
            page_of.data = select(page_of.data, spec.children)
        return connection(page_of, summary)

    def page_posts(self, token: MetaToken, page_id: str, edge: str) -> list[JsonObject]:
        if not token.is_page:
            raise ApiError(errors.page_token_required())
        self.require(token, "pages_read_engagement")
        page = self.meta.page(page_id)
        if page is None or edge == "tagged":
            return []
        if edge == "visitor_posts":
            self.require(token, "pages_read_user_content")
            return list(page.visitor_posts)
        if edge == "feed" and token.has("pages_read_user_content"):
            return sorted(
                [*page.posts, *page.visitor_posts], key=lambda p: str(p.get("created_time", "")), reverse=True
            )
        return list(page.posts)

    def facebook_comments(self, call: Call, found: GraphObject, params: dict[str, str]) -> list[JsonObject]:
        filter_by = params.get("filter", "toplevel")
        order = params.get("order", "chronological")
        if filter_by not in COMMENT_FILTERS:
            raise ApiError(
                errors.invalid_parameter(
                    f"filter must be one of the following values: {', '.join(COMMENT_FILTERS)}"
                )
            )
        if order not in COMMENT_ORDERS:
            raise ApiError(
                errors.invalid_parameter(
                    f"order must be one of the following values: {', '.join(COMMENT_ORDERS)}"
                )
            )
        if not call.token.is_page:
            return []  # Graph answers a user token's comment reads on Page content with empty data
        self.require(call.token, "pages_read_engagement")
        object_id = str(found.node["id"])
        comments = list(self.meta.comments_of(found.owner_id, object_id))
        if filter_by == "stream":
            pending, comments = list(comments), []
            while pending:
                comment = pending.pop(0)
                comments.append(comment)
                pending.extend(self.meta.comments_of(found.owner_id, str(comment["id"])))
            comments.sort(key=lambda c: str(c.get("created_time", "")))
        if params.get("since"):
            since = _moment(params["since"])
            comments = [c for c in comments if _moment(str(c.get("created_time", ""))) >= since]
        if order == "reverse_chronological":
            comments.reverse()
        return comments

    # -- rendering one node

    def render_child(
        self, call: Call, node_type: str, owner_id: str, node: JsonObject, spec: FieldSpec
    ) -> JsonObject:
        found = self.meta.objects.get(str(node.get("id"))) or GraphObject(node_type, owner_id, node)
        return self.render(call, found, spec.children)

    def render(self, call: Call, found: GraphObject, specs: list[FieldSpec] | None) -> JsonObject:
        node, kind, token = found.node, found.node_type, call.token
        out: JsonObject = {}
        for spec in requested(kind, specs):
            name = spec.name
            if name in _edges(kind):
                if name == "children" and node.get("media_type") != "CAROUSEL_ALBUM":
                    continue  # only an album has children
                out[name] = self.edge_body(call, found, spec)
                continue
            value = self.computed(call, found, name)
            if value is _STORED:
                value = node.get(name, _ABSENT)
            if value is _ABSENT:
                continue
            out[name] = select(value, spec.children)
        if "id" not in out and node.get("id") is not None:
            out["id"] = node["id"]  # Graph answers a node's id whatever fields were asked for
        if kind == COMMENT and "id" in out and token.is_page and "MODERATE" not in token.tasks:
            del out["id"]  # comment ids are withheld from a Page token without the MODERATE task
        return out

    def computed(self, call: Call, found: GraphObject, name: str) -> Any:
        """A field Graph derives or withholds for this token; `_STORED` when the dataset's value stands."""
        node, kind, token = found.node, found.node_type, call.token
        if kind == COMMENT:
            if name == "from":
                author = node.get("from")
                if not author:
                    return _ABSENT
                if str(author.get("id")) in {p.page_id for p in self.meta.pages}:
                    return author  # a Page's own comments always say who wrote them
                if token.is_page and token.has("pages_read_user_content"):
                    return author
                return _ABSENT
            if name == "parent":
                parent = self.meta.objects.get(found.parent_id)
                return (
                    {"id": found.parent_id} if parent is not None and parent.node_type == COMMENT else _ABSENT
                )
            if name == "comment_count":
                return len(self.meta.comments_of(found.owner_id, str(node["id"])))
            if name == "is_hidden":
                return bool(node.get("is_hidden", False))
            if name in ("can_hide", "can_remove"):
                return token.is_page and "MODERATE" in token.tasks
        if kind == POST and name == "from":
            if not found.visitor:
                page = self.meta.page(found.owner_id)
                return {"id": found.owner_id, "name": page.page.get("name", "") if page else ""}
            author = node.get("from")
            return author if author and token.is_page and token.has("pages_read_user_content") else _ABSENT
        if kind == PAGE and name == "instagram_business_account":
            page = self.meta.page(found.owner_id)
            return {"id": page.instagram_id} if page and page.instagram_id else _ABSENT
        if kind == IG_MEDIA:
            account = self.meta.ig_account(found.owner_id)
            if name == "owner":
                return {"id": found.owner_id}
            if name == "username" and account is not None:
                return account.account.get("username", _ABSENT)
            if name == "comments_count":
                return len(self.meta.comments_of(found.owner_id, str(node["id"])))
            if name == "is_comment_enabled":
                return bool(node.get("is_comment_enabled", True))
            if name == "permalink" and found.parent_id:
                return _ABSENT  # a carousel child has no permalink
        if kind == IG_COMMENT:
            if name in ("username", "from") and not token.has("instagram_manage_comments"):
                return _ABSENT
            if name == "hidden":
                return bool(node.get("hidden", False))
            if name == "parent_id":
                parent = self.meta.objects.get(found.parent_id)
                return found.parent_id if parent is not None and parent.node_type == IG_COMMENT else _ABSENT
            if name == "media":
                media_id = found.parent_id
                while media_id in self.meta.objects and self.meta.objects[media_id].node_type == IG_COMMENT:
                    media_id = self.meta.objects[media_id].parent_id
                return {"id": media_id}
        return _STORED


class _Absent:
    pass


# What a field is left out as (the token may not see it, or the dataset lacks it) ...
_ABSENT: Any = _Absent()
# ... and the answer of a field nothing needs to compute: the dataset's value is served.
_STORED: Any = _Absent()


def _edges(kind: str) -> tuple[str, ...]:
    return {
        PAGE: (*POST_EDGES, "photos"),
        POST: ("comments", "attachments", "reactions", "likes"),
        PHOTO: ("comments", "reactions", "likes"),
        COMMENT: ("comments", "reactions", "likes"),
        IG_USER: ("media", "stories", "tags", "live_media"),
        IG_MEDIA: ("children", "comments"),
        IG_COMMENT: ("replies",),
    }.get(kind, ())


def _moment(value: str) -> datetime:
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))
    except ValueError:
        raise ApiError(errors.invalid_parameter(f"Invalid time: {value}")) from None
