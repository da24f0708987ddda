"""How the sandbox routes Graph paths: `/vNN.0/{id}` and `/vNN.0/{id}/{edge}` resolved by what the id stands for,
so faults and request records know a call by name (`fb.comments`, `ig.media`, ...); and the checks every call
passes first: a version Graph has, then a token (none: 104; unknown or expired: 190), then the call budget."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs

from sandbox.http import ApiError, ApiRequest, Reply, serve_file
from sandbox.meta import exceptions as errors
from sandbox.meta.debug_token import debug_token
from sandbox.meta.models import COMMENT, IG_COMMENT, IG_MEDIA, IG_USER, PAGE, PHOTO, POST, MetaData
from sandbox.meta.responses import Call, MetaReads
from sandbox.meta.writes import MetaWrites

# Versions Graph serves now (meta-apis.md §0): v21.0 is the oldest still available, v26.0 the SDK's. A retired
# version is answered as the oldest available one; any other version, or none, is an unknown path.
AVAILABLE_VERSIONS = tuple(f"v{n}.0" for n in range(21, 27))
OLDEST_AVAILABLE = AVAILABLE_VERSIONS[0]
VERSION = re.compile(r"v(\d+)\.(\d+)")
READ_ROUTES = {
    PAGE: "fb.page",
    POST: "fb.post",
    PHOTO: "fb.photo",
    COMMENT: "fb.comment",
    IG_USER: "ig.user",
    IG_MEDIA: "ig.media_node",
    IG_COMMENT: "ig.comment",
}
EDGE_ROUTES = {
    (PAGE, "published_posts"): "fb.posts",
    (PAGE, "posts"): "fb.posts",
    (PAGE, "feed"): "fb.posts",
    (PAGE, "visitor_posts"): "fb.visitor_posts",
    (PAGE, "tagged"): "fb.posts",
    (PAGE, "photos"): "fb.photos",
    (POST, "comments"): "fb.comments",
    (PHOTO, "comments"): "fb.comments",
    (COMMENT, "comments"): "fb.comments",
    (POST, "attachments"): "fb.attachments",
    (IG_USER, "media"): "ig.media",
    (IG_MEDIA, "children"): "ig.children",
    (IG_MEDIA, "comments"): "ig.comments",
    (IG_COMMENT, "replies"): "ig.replies",
}
WRITE_ROUTES = {
    ("POST", COMMENT): "fb.comment_update",
    ("DELETE", COMMENT): "fb.comment_delete",
    ("DELETE", POST): "fb.post_delete",
    ("DELETE", PHOTO): "fb.photo_delete",
    ("POST", IG_COMMENT): "ig.comment_update",
    ("DELETE", IG_COMMENT): "ig.comment_delete",
    ("POST", IG_MEDIA): "ig.media_update",
    ("DELETE", IG_MEDIA): "ig.media_delete",
}
META_ROUTES = (
    "fb.version",
    "fb.node",
    "fb.me",
    "fb.accounts",
    "fb.debug_token",
    "fb.edge",
    *sorted(set(READ_ROUTES.values())),
    *sorted(set(EDGE_ROUTES.values())),
    "fb.files",
)
META_WRITE_ROUTES = tuple(sorted(set(WRITE_ROUTES.values())))

DEBUG_TOKEN = "debug_token"  # noqa: S105 - the endpoint's name, not a secret
Responder = Callable[[ApiRequest], Reply]


class MetaRouter:
    def __init__(self, meta: MetaData, reads: MetaReads, writes: MetaWrites) -> None:
        self.meta = meta
        self.reads = reads
        self.writes = writes

    def claims(self, path: str) -> bool:
        """A Graph path: versioned, or naming an id the dataset has (so an unversioned call is refused as Graph
        refuses it, not passed to another platform's routes)."""
        parts = [p for p in path.split("/") if p]
        if not parts:
            return False
        return (
            bool(VERSION.fullmatch(parts[0]))
            or parts[0] in ("me", DEBUG_TOKEN)
            or parts[0] in self.meta.objects
        )

    def resolve(self, method: str, path: str) -> tuple[str, Responder] | None:
        if path in self.meta.url_paths:
            file = self.meta.url_paths[path]
            return "fb.files", lambda request: serve_file(file)
        if not self.claims(path):
            return None
        parts = [p for p in path.split("/") if p]
        match = VERSION.fullmatch(parts[0])
        rest = "/" + "/".join(parts[1:] if match else parts)
        if match is None:
            return "fb.version", lambda request: errors.unknown_path(rest)
        version = parts[0]
        if version not in AVAILABLE_VERSIONS:
            if not retired(int(match.group(1)), int(match.group(2))):
                return "fb.version", lambda request: errors.unknown_path(rest)
            version = OLDEST_AVAILABLE  # retired: Graph answers it as the oldest version still available
        segments = parts[1:]
        if not segments or len(segments) > 2:
            return "fb.node", lambda request: errors.unknown_path(rest)
        object_id = segments[0]
        edge = segments[1] if len(segments) == 2 else ""
        if object_id == "me":
            if method != "GET":
                return "fb.node", lambda request: errors.gone("me", method.lower())
            if not edge:
                return "fb.me", self._call(version, rest, lambda call: self.reads.me(call))
            if edge == "accounts":
                return "fb.accounts", self._call(version, rest, lambda call: self.reads.accounts(call))
            return "fb.edge", lambda request: errors.nonexisting_field(edge, "User")
        if object_id == DEBUG_TOKEN:
            if method != "GET" or edge:
                return "fb.debug_token", lambda request: errors.unknown_path(rest)
            return "fb.debug_token", self._call(version, rest, lambda call: debug_token(self.reads, call))
        found = self.meta.objects.get(object_id)
        if method != "GET":
            name = WRITE_ROUTES.get((method, found.node_type)) if found is not None and not edge else None
            if found is None or name is None:
                # Graph has no such write on this object (or the object is gone): the same 100/33 as a read,
                # once the token is known.
                return "fb.node", self._call(version, rest, _refusal(errors.gone(object_id, method.lower())))
            owner = found.owner_id
            return name, self._call(version, rest, lambda call: self.writes.write(call, object_id), owner)
        owner = found.owner_id if found else ""
        if found is None:
            name = "fb.node"
        elif edge:
            name = EDGE_ROUTES.get((found.node_type, edge), "fb.edge")
        else:
            name = READ_ROUTES[found.node_type]
        if edge:
            return name, self._call(version, rest, lambda call: self.reads.edge(call, object_id, edge), owner)
        return name, self._call(version, rest, lambda call: self.reads.node(call, object_id), owner)

    def owner_of(self, path: str) -> str:
        """The Page or Instagram account a path's object belongs to ("" when none)."""
        for part in path.split("/"):
            found = self.meta.objects.get(part)
            if found is not None:
                return found.owner_id
        return ""

    def accepts(self, method: str, path: str) -> bool:
        return method in ("POST", "DELETE") and self.resolve(method, path) is not None

    def _call(self, version: str, path: str, answer: Callable[[Call], Reply], counted: str = "") -> Responder:
        def respond(request: ApiRequest) -> Reply:
            params = request_params(request)
            token_text = params.pop("access_token", "") or _header_token(request.authorization)
            if not token_text:
                raise ApiError(errors.token_required())
            token = self.reads.access.find(token_text)
            if token is None:
                raise ApiError(errors.invalid_token())
            if self.reads.access.is_expired(token):
                raise ApiError(errors.session_expired())
            self.reads.usage.count(token, counted or token.page_id, self.meta)
            return answer(Call(request, token, version, path, params))

        return respond


def _refusal(reply: Reply) -> Callable[[Call], Reply]:
    def refuse(call: Call) -> Reply:
        raise ApiError(reply)

    return refuse


def retired(major: int, minor: int) -> bool:
    """A version Graph once had and has since retired (v2.0-v2.12, v3.0-v3.3, v4.0-v20.0)."""
    oldest = int(OLDEST_AVAILABLE[1:].split(".")[0])
    return (major == 2 and minor <= 12) or (major == 3 and minor <= 3) or (4 <= major < oldest and minor == 0)


def request_params(request: ApiRequest) -> dict[str, str]:
    """Query and form-body parameters together (the SDK sends the token in the query even on a POST)."""
    params = dict(request.query)
    if request.body:
        form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({name: values[-1] for name, values in form.items()})
    return params


def _header_token(authorization: str) -> str:
    for scheme in ("OAuth ", "Bearer "):
        if authorization.startswith(scheme):
            return authorization[len(scheme) :].strip()
    return ""
