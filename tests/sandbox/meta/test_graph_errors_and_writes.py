"""Graph's failures (throttles with their usage headers, transient errors, an expired token, a vanished object),
injected as faults or reached by spending a budget, and the owner's writes kept for the next week's reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from sandbox.faults import Fault, FaultPlan
from sandbox.meta.tokens import MetaAccess
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_client import declare_tokens, getter
from tests.sandbox.meta.graph_dataset import (
    CAROUSEL,
    CHILDREN,
    COMMENT,
    IG_COMMENT,
    IG_ID,
    IG_IMAGE,
    PAGE_ID,
    POSTS,
    REPLY,
)


@pytest.mark.parametrize(
    ("kind", "code", "header", "kind_in_header"),
    [
        ("graph-4", 4, "X-App-Usage", None),
        ("graph-17", 17, "X-App-Usage", None),
        ("graph-32", 32, "X-Business-Use-Case-Usage", "pages"),
        ("graph-613", 613, "X-Business-Use-Case-Usage", "pages"),
        ("graph-80001", 80001, "X-Business-Use-Case-Usage", "pages"),
    ],
)
def test_each_throttle_carries_its_usage_header(
    graph_dataset: Path, access: MetaAccess, kind: str, code: int, header: str, kind_in_header: str | None
) -> None:
    plan = FaultPlan([Fault("fb.comments", kind, reset_in=17)])
    with SandboxServer(graph_dataset, faults=plan) as server:
        refused = getter(server, access.page_token(PAGE_ID))(f"/{POSTS[0]}/comments")
        assert refused.status_code == 400
        error = refused.json()["error"]
        assert error["code"] == code and error["type"] == "OAuthException" and error["is_transient"] is True
        usage = json.loads(refused.headers[header])
        if kind_in_header is None:
            assert usage["call_count"] == 100
        else:
            (figures,) = usage[PAGE_ID]
            assert figures["type"] == kind_in_header and figures["estimated_time_to_regain_access"] == 17
        assert getter(server, access.page_token(PAGE_ID))(f"/{POSTS[0]}/comments").status_code == 200


def test_an_instagram_throttle_is_80002_keyed_by_the_account(graph_dataset: Path, access: MetaAccess) -> None:
    with SandboxServer(graph_dataset, faults=FaultPlan([Fault("ig.media", "graph-80002")])) as server:
        refused = getter(server, access.user_token())(f"/{IG_ID}/media")
        assert refused.json()["error"]["code"] == 80002
        assert json.loads(refused.headers["X-Business-Use-Case-Usage"])[IG_ID][0]["type"] == "instagram"


def test_transient_gone_and_expired_faults(graph_dataset: Path, access: MetaAccess) -> None:
    plan = FaultPlan(
        [
            Fault("fb.posts", "graph-2"),
            Fault("fb.photo", "404-gone"),
            Fault("fb.page", "token-expired", after=1),
        ]
    )
    with SandboxServer(graph_dataset, faults=plan) as server:
        get = getter(server, access.page_token(PAGE_ID))
        transient = get(f"/{PAGE_ID}/published_posts")
        assert transient.status_code == 500 and transient.json()["error"]["code"] == 2
        assert transient.json()["error"]["is_transient"] is True
        assert get(f"/{PAGE_ID}/published_posts").status_code == 200  # retried
        gone = get("/501").json()["error"]
        assert (gone["code"], gone["error_subcode"]) == (100, 33)
        assert get(f"/{PAGE_ID}").status_code == 200
        for _ in range(2):  # once expired, the token stays expired: the owner must reconnect
            expired = get(f"/{PAGE_ID}").json()["error"]
            assert (expired["code"], expired["error_subcode"]) == (190, 463)
        assert get(f"/{POSTS[0]}/comments").json()["error"]["code"] == 190


def test_other_platforms_fault_kinds_are_refused_on_graph_routes() -> None:
    with pytest.raises(ValueError, match="Graph API answers"):
        Fault("fb.comments", "429-usage-cap")
    with pytest.raises(ValueError, match="Graph API's"):
        Fault("x.followers", "graph-4")
    with pytest.raises(ValueError, match="unknown fault route"):
        Fault("fb.nothing", "graph-4")


def test_the_pages_daily_budget_runs_out_with_80001(graph_dataset: Path) -> None:
    declare_tokens(graph_dataset, {"buc_calls_per_day": 4})
    with SandboxServer(graph_dataset) as server:
        assert server.meta_access is not None
        get = getter(server, server.meta_access.page_token(PAGE_ID))
        first = get(f"/{PAGE_ID}")
        usage = json.loads(first.headers["X-Business-Use-Case-Usage"])[PAGE_ID][0]
        assert usage["type"] == "pages" and usage["call_count"] == 25
        for _ in range(3):
            assert get(f"/{PAGE_ID}").status_code == 200
        refused = get(f"/{PAGE_ID}")
        assert refused.json()["error"]["code"] == 80001
        regain = json.loads(refused.headers["X-Business-Use-Case-Usage"])[PAGE_ID][0]
        assert regain["estimated_time_to_regain_access"] >= 1439


def _post(
    server: SandboxServer, token: str, object_id: str, version: str = "v26.0", **form: str
) -> requests.Response:
    return requests.post(
        f"{server.url}/{version}/{object_id}", params={"access_token": token}, data=form, timeout=10
    )


def _delete(server: SandboxServer, token: str, object_id: str, version: str = "v26.0") -> requests.Response:
    return requests.delete(f"{server.url}/{version}/{object_id}", params={"access_token": token}, timeout=10)


def test_facebook_writes_are_seen_the_next_week(graph_dataset: Path, access: MetaAccess) -> None:
    page_token = access.page_token(PAGE_ID)
    with SandboxServer(graph_dataset) as server:
        assert _post(server, access.user_token(), COMMENT, is_hidden="true").json()["error"]["code"] == 210
        assert _post(server, page_token, COMMENT, is_hidden="maybe").json()["error"]["code"] == 100
        assert _post(server, page_token, COMMENT, is_hidden="true").json() == {"success": True}
        assert _delete(server, page_token, REPLY).json() == {"success": True}
        assert _delete(server, page_token, POSTS[1]).json() == {"success": True}
        assert _delete(server, page_token, POSTS[1]).json()["error"]["error_subcode"] == 33
    with SandboxServer(graph_dataset) as next_week:
        get = getter(next_week, page_token)
        comment = get(f"/{COMMENT}", fields="id,is_hidden,comment_count").json()
        assert comment == {"id": COMMENT, "is_hidden": True, "comment_count": 0}
        assert get(f"/{REPLY}").json()["error"]["error_subcode"] == 33
        assert POSTS[1] not in [p["id"] for p in get(f"/{PAGE_ID}/published_posts").json()["data"]]
        assert _post(next_week, page_token, COMMENT, is_hidden="false").json() == {"success": True}
        assert get(f"/{COMMENT}", fields="is_hidden").json() == {"is_hidden": False, "id": COMMENT}


def test_a_write_needs_its_permission(graph_dataset: Path) -> None:
    declare_tokens(
        graph_dataset,
        {
            "tokens": [
                {
                    "token": "EAAread",
                    "kind": "page",
                    "page_id": PAGE_ID,
                    "permissions": ["pages_read_engagement"],
                }
            ]
        },
    )
    with SandboxServer(graph_dataset) as server:
        hide = _post(server, "EAAread", COMMENT, is_hidden="true").json()["error"]
        assert (hide["code"], hide["message"]) == (
            200,
            "(#200) Requires pages_manage_engagement permission to manage the object",
        )
        assert _delete(server, "EAAread", POSTS[0]).json()["error"]["code"] == 200


def test_instagram_writes(graph_dataset: Path, access: MetaAccess) -> None:
    token = access.user_token()
    with SandboxServer(graph_dataset) as server:
        assert _post(server, token, IG_COMMENT, hide="true").json() == {"success": True}
        assert _post(server, token, CAROUSEL, comment_enabled="false").json() == {"success": True}
        assert (
            _post(server, token, CHILDREN[0], comment_enabled="false").json()["error"]["error_subcode"] == 33
        )
        old = _delete(server, token, IG_IMAGE, version="v23.0").json()["error"]
        assert (old["code"], old["error_subcode"]) == (100, 33)  # no media deletes before v24.0
        assert _delete(server, token, CHILDREN[1]).json()["error"]["error_subcode"] == 33  # never one slide
        assert _delete(server, token, IG_IMAGE).json() == {"success": True}
    with SandboxServer(graph_dataset) as next_week:
        get = getter(next_week, token)
        assert get(f"/{IG_COMMENT}", fields="hidden").json() == {"hidden": True, "id": IG_COMMENT}
        assert get(f"/{CAROUSEL}", fields="is_comment_enabled").json() == {
            "is_comment_enabled": False,
            "id": CAROUSEL,
        }
        assert [m["id"] for m in get(f"/{IG_ID}/media").json()["data"]] == [CAROUSEL]
