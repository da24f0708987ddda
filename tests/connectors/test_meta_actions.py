"""The Graph writes on a finding through Meta's facebook-business SDK over real sockets to the sandbox: a comment
hidden or deleted on the school's own Facebook post or Instagram media, the Page's post deleted, an Instagram post's
commenting turned off, Instagram media deleted; what each answer means (accepted, already so, refused with the
permission it lacks, refused on another Page's object or a visitor's post, Instagram media deleted only whole and from
v24.0), never retried; each action's plan names the request the connector then sends."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from connectors import meta_actions
from connectors.actions import ACCEPTED, ALREADY_DONE, FAILED, REFUSED, SCOPE_MISSING
from connectors.meta import GRAPH_API_VERSION, GRAPH_HOST, make_graph_api
from sandbox.faults import Fault, FaultPlan
from sandbox.meta.tokens import load_meta_access
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_client import declare_tokens
from tests.sandbox.meta.graph_dataset import (
    CAROUSEL,
    CHILDREN,
    COMMENT,
    IG_COMMENT,
    PAGE_ID,
    POSTS,
    REPLY,
    VISITOR_POST,
    build_graph_dataset,
)
from warehouse.remediation import actions as catalogue

pytest.importorskip("facebook_business")

from facebook_business.adobjects.comment import Comment
from facebook_business.adobjects.igcomment import IGComment
from facebook_business.adobjects.igmedia import IGMedia
from facebook_business.adobjects.pagepost import PagePost
from facebook_business.exceptions import FacebookRequestError

# action -> (the object it acts on, its SDK node, the field the next read shows it by and the value; "" when gone)
ACTIONS: dict[str, tuple[str, Any, str, bool]] = {
    "hide-comment": (COMMENT, Comment, "is_hidden", True),
    "delete-comment": (REPLY, Comment, "", True),
    "hide-ig-comment": (IG_COMMENT, IGComment, "hidden", True),
    "delete-ig-comment": (IG_COMMENT, IGComment, "", True),
    "delete-page-post": (POSTS[1], PagePost, "", True),
    "turn-off-ig-comments": (CAROUSEL, IGMedia, "is_comment_enabled", False),
    "delete-ig-media": (CAROUSEL, IGMedia, "", True),
}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return build_graph_dataset(tmp_path / "g")


def page_api(server: SandboxServer, token: str | None = None) -> Any:
    assert server.meta_access is not None
    return make_graph_api(token or server.meta_access.page_token(PAGE_ID), server.url)


def test_the_catalogue_names_the_graph_host_and_version_the_connector_calls() -> None:
    assert (catalogue.GRAPH_HOST, catalogue.GRAPH_VERSION) == (GRAPH_HOST, GRAPH_API_VERSION)
    offered = {a.name for a in catalogue.ACTIONS.values() if a.platform in ("facebook", "instagram")}
    assert offered == set(ACTIONS) and offered <= set(meta_actions.WRITES)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_is_sent_as_its_plan_says_and_seen_next_week(dataset: Path, action: str) -> None:
    target, node, shown_by, shown = ACTIONS[action]
    with SandboxServer(dataset) as server:
        api = page_api(server)  # the Page's token acts for its Instagram account too, as the school keeps it
        sent: list[tuple[str, str, dict[str, Any]]] = []
        send = api._session.requests.request

        def recording(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            sent.append((method, url, dict(kwargs.get("data") or {}) | dict(kwargs.get("params") or {})))
            return send(method, url, *args, **kwargs)

        api._session.requests.request = recording
        answer = meta_actions.write(api, action, target)
        assert answer.outcome == ACCEPTED, answer
        # The request sent is the one the plan a person confirms names: host (here the sandbox's), version, id.
        named = re.fullmatch(r"(\w+) (\S+)(?: (\w+)=(true|false))?", catalogue.ACTIONS[action].call)
        assert named is not None
        method, url, flag, value = named.groups()
        ((sent_method, sent_url, sent_params),) = sent
        assert (sent_method, sent_url) == (method, url.replace(GRAPH_HOST, server.url).replace("ID", target))
        assert flag is None or sent_params[flag] == value
        if not shown_by:
            assert meta_actions.write(api, action, target).outcome == ALREADY_DONE
    with SandboxServer(dataset) as next_week:
        api = page_api(next_week)
        if shown_by:
            assert node(target, api=api).api_get(fields=[shown_by])[shown_by] is shown
        else:
            with pytest.raises(Exception, match="does not exist"):
                node(target, api=api).api_get(fields=["id"])


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_token_without_the_permission_is_refused_with_what_it_lacks(dataset: Path, action: str) -> None:
    reading_only = ["pages_read_engagement", "pages_read_user_content", "instagram_basic"]
    declare_tokens(
        dataset, {"tokens": [{"token": "EAAread", "page_id": PAGE_ID, "permissions": reading_only}]}
    )
    with SandboxServer(dataset) as server:
        answer = meta_actions.write(page_api(server, "EAAread"), action, ACTIONS[action][0])
    assert (answer.outcome, answer.lacking) == (REFUSED, SCOPE_MISSING), answer
    assert catalogue.ACTIONS[action].scopes[0] in answer.reason


def test_only_the_pages_own_objects_are_acted_on(dataset: Path) -> None:
    other = {"token": "EAAother", "page_id": "104000000000999"}
    access = load_meta_access(dataset)
    declare_tokens(dataset, {"tokens": [other, {"token": access.page_token(PAGE_ID), "page_id": PAGE_ID}]})
    with SandboxServer(dataset) as server:
        for action in ("hide-comment", "hide-ig-comment", "turn-off-ig-comments"):
            answer = meta_actions.write(page_api(server, "EAAother"), action, ACTIONS[action][0])
            assert answer.outcome == REFUSED and "100/33" in answer.reason, answer
        assert meta_actions.write(page_api(server), "hide-comment", COMMENT).outcome == ACCEPTED


def test_an_answer_lost_is_a_failure_and_is_never_retried(dataset: Path) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("fb.comment_update", "graph-2")])) as server:
        answer = meta_actions.write(page_api(server), "hide-comment", COMMENT)
        assert answer.outcome == FAILED and "Graph error 2" in answer.reason
        assert [r.route for r in server.requests] == ["fb.comment_update"]
    with SandboxServer(dataset, faults=FaultPlan([Fault("fb.comment_update", "drop-mid-body")])) as server:
        assert meta_actions.write(page_api(server), "hide-comment", COMMENT).outcome == FAILED


def test_a_visitor_s_post_on_the_page_is_not_the_page_s_to_delete(dataset: Path) -> None:
    """Refused, never `already-done`: the post stays, and nothing is journaled."""
    with SandboxServer(dataset) as server:
        answer = meta_actions.write(page_api(server), "delete-page-post", VISITOR_POST)
        assert (answer.outcome, answer.lacking) == (REFUSED, None), answer
        assert "only its author" in answer.reason
        assert PagePost(VISITOR_POST, api=page_api(server)).api_get(fields=["id"])["id"] == VISITOR_POST
    assert not (dataset / "sandbox-writes.jsonl").exists()


def test_instagram_media_is_deleted_only_whole_and_only_from_v24(dataset: Path) -> None:
    """Meta refuses (100/33) a carousel's single slide and a delete on a version before v24.0; the product pins
    v26.0 and plans the carousel itself, and the sandbox refuses as Meta does."""
    with SandboxServer(dataset) as server:
        older = page_api(server)
        older._api_version = "v23.0"
        for api, target in ((older, CAROUSEL), (page_api(server), CHILDREN[0])):
            with pytest.raises(FacebookRequestError) as refused:
                IGMedia(target, api=api).api_delete()
            assert (refused.value.api_error_code(), refused.value.api_error_subcode()) == (100, 33)
        assert IGMedia(CAROUSEL, api=page_api(server)).api_get(fields=["id"])["id"] == CAROUSEL
    assert not (dataset / "sandbox-writes.jsonl").exists()


def test_deleting_instagram_media_needs_instagram_manage_contents_beside_the_comment_permission(
    dataset: Path,
) -> None:
    comments_only = ["pages_read_engagement", "instagram_basic", "instagram_manage_comments"]
    declare_tokens(
        dataset, {"tokens": [{"token": "EAAcomments", "page_id": PAGE_ID, "permissions": comments_only}]}
    )
    with SandboxServer(dataset) as server:
        api = page_api(server, "EAAcomments")
        answer = meta_actions.write(api, "delete-ig-media", CAROUSEL)
        assert (answer.outcome, answer.lacking) == (
            REFUSED,
            SCOPE_MISSING,
        ) and "instagram_manage_contents" in answer.reason
        assert meta_actions.write(api, "turn-off-ig-comments", CAROUSEL).outcome == ACCEPTED
