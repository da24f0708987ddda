"""Every Graph route, read or write, answers every fault kind Graph has in Graph's error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from sandbox.faults import GRAPH_ROUTE_KINDS, Fault, FaultPlan
from sandbox.meta.tokens import MetaAccess
from sandbox.meta.urls import META_ROUTES, META_WRITE_ROUTES
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_dataset import (
    CAROUSEL,
    CHILDREN,
    COMMENT,
    IG_COMMENT,
    IG_ID,
    IG_IMAGE,
    PAGE_ID,
    PHOTOS,
    POSTS,
)

# route -> (method, path, form, user token?)
CALLS: dict[str, tuple[str, str, dict[str, str], bool]] = {
    "fb.version": ("GET", f"/v99.0/{PAGE_ID}", {}, False),
    "fb.node": ("GET", "/v26.0/999", {}, False),
    "fb.me": ("GET", "/v26.0/me", {}, False),
    "fb.accounts": ("GET", "/v26.0/me/accounts", {}, True),
    "fb.debug_token": ("GET", "/v26.0/debug_token", {"input_token": "EAAunknown"}, True),
    "fb.edge": ("GET", f"/v26.0/{PAGE_ID}/nothing", {}, False),
    "fb.page": ("GET", f"/v26.0/{PAGE_ID}", {}, False),
    "fb.post": ("GET", f"/v26.0/{POSTS[0]}", {}, False),
    "fb.photo": ("GET", f"/v26.0/{PHOTOS[0]}", {}, False),
    "fb.comment": ("GET", f"/v26.0/{COMMENT}", {}, False),
    "ig.user": ("GET", f"/v26.0/{IG_ID}", {}, True),
    "ig.media_node": ("GET", f"/v26.0/{CAROUSEL}", {}, True),
    "ig.comment": ("GET", f"/v26.0/{IG_COMMENT}", {}, True),
    "fb.posts": ("GET", f"/v26.0/{PAGE_ID}/published_posts", {}, False),
    "fb.visitor_posts": ("GET", f"/v26.0/{PAGE_ID}/visitor_posts", {}, False),
    "fb.photos": ("GET", f"/v26.0/{PAGE_ID}/photos", {}, False),
    "fb.comments": ("GET", f"/v26.0/{POSTS[0]}/comments", {}, False),
    "fb.attachments": ("GET", f"/v26.0/{POSTS[0]}/attachments", {}, False),
    "ig.media": ("GET", f"/v26.0/{IG_ID}/media", {}, True),
    "ig.children": ("GET", f"/v26.0/{CAROUSEL}/children", {}, True),
    "ig.comments": ("GET", f"/v26.0/{CAROUSEL}/comments", {}, True),
    "ig.replies": ("GET", f"/v26.0/{IG_COMMENT}/replies", {}, True),
    "fb.files": ("GET", "/v/501.jpg", {}, False),
    "fb.comment_update": ("POST", f"/v26.0/{COMMENT}", {"is_hidden": "true"}, False),
    "fb.comment_delete": ("DELETE", f"/v26.0/{COMMENT}", {}, False),
    "fb.post_delete": ("DELETE", f"/v26.0/{POSTS[0]}", {}, False),
    "fb.photo_delete": ("DELETE", f"/v26.0/{PHOTOS[0]}", {}, False),
    "ig.comment_update": ("POST", f"/v26.0/{IG_COMMENT}", {"hide": "true"}, True),
    "ig.comment_delete": ("DELETE", f"/v26.0/{IG_COMMENT}", {}, True),
    "ig.media_update": ("POST", f"/v26.0/{CAROUSEL}", {"comment_enabled": "false"}, True),
    "ig.media_delete": ("DELETE", f"/v26.0/{IG_IMAGE}", {}, True),
}
JSON_KINDS = [k for k in GRAPH_ROUTE_KINDS if k not in ("truncate", "drop-mid-body")]
assert CHILDREN


def _send(server: SandboxServer, access: MetaAccess, route: str) -> requests.Response:
    method, path, form, as_user = CALLS[route]
    token = access.user_token() if as_user else access.page_token(PAGE_ID)
    return requests.request(
        method, server.url + path, params={"access_token": token}, data=form or None, timeout=10
    )


def test_every_graph_route_is_called_here() -> None:
    assert set(CALLS) == set(META_ROUTES) | set(META_WRITE_ROUTES)


@pytest.mark.parametrize("route", sorted(CALLS))
def test_every_fault_answers_in_graphs_error_shape(
    graph_dataset: Path, access: MetaAccess, route: str
) -> None:
    plan = FaultPlan([Fault(route, kind, times=1, after=index) for index, kind in enumerate(JSON_KINDS)])
    with SandboxServer(graph_dataset, faults=plan) as server:
        for kind in JSON_KINDS:
            response = _send(server, access, route)
            assert response.status_code in (400, 500, 503), (kind, response.status_code)
            error = response.json()["error"]
            assert {"message", "type", "code", "fbtrace_id"} <= set(error), (kind, error)
            assert isinstance(error["code"], int) and isinstance(error["message"], str)
        assert {record.route for record in server.requests} == {route}
