"""The Graph writes on a finding through Meta's facebook-business SDK over real sockets to the sandbox: a comment
hidden or deleted on the school's own Facebook post or Instagram media, what each answer means (accepted, already
so, refused with the permission it lacks, refused on another Page's comment), never retried; each action's plan
names the request the connector then sends."""

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
from tests.sandbox.meta.graph_dataset import COMMENT, IG_COMMENT, PAGE_ID, REPLY, build_graph_dataset
from warehouse.remediation import actions as catalogue

pytest.importorskip("facebook_business")

from facebook_business.adobjects.comment import Comment
from facebook_business.adobjects.igcomment import IGComment

# action -> (the comment it acts on, the field the next read shows it by)
COMMENT_ACTIONS = {
    "hide-comment": (COMMENT, "is_hidden"),
    "delete-comment": (REPLY, ""),
    "hide-ig-comment": (IG_COMMENT, "hidden"),
    "delete-ig-comment": (IG_COMMENT, ""),
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
    assert offered == set(COMMENT_ACTIONS) and offered <= set(meta_actions.WRITES)


@pytest.mark.parametrize("action", sorted(COMMENT_ACTIONS))
def test_each_comment_action_is_sent_as_its_plan_says_and_seen_next_week(dataset: Path, action: str) -> None:
    target, shown_by = COMMENT_ACTIONS[action]
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
        named = re.fullmatch(r"(\w+) (\S+)(?: (\w+)=true)?", catalogue.ACTIONS[action].call)
        assert named is not None
        method, url, flag = named.groups()
        ((sent_method, sent_url, sent_params),) = sent
        assert (sent_method, sent_url) == (method, url.replace(GRAPH_HOST, server.url).replace("ID", target))
        assert flag is None or sent_params[flag] == "true"
        if not shown_by:
            assert meta_actions.write(api, action, target).outcome == ALREADY_DONE
    with SandboxServer(dataset) as next_week:
        api = page_api(next_week)
        node = Comment if action in ("hide-comment", "delete-comment") else IGComment
        if shown_by:
            assert node(target, api=api).api_get(fields=[shown_by])[shown_by] is True
        else:
            with pytest.raises(Exception, match="does not exist"):
                node(target, api=api).api_get(fields=["id"])


@pytest.mark.parametrize("action", sorted(COMMENT_ACTIONS))
def test_a_token_without_the_permission_is_refused_with_what_it_lacks(dataset: Path, action: str) -> None:
    reading_only = ["pages_read_engagement", "pages_read_user_content", "instagram_basic"]
    declare_tokens(
        dataset, {"tokens": [{"token": "EAAread", "page_id": PAGE_ID, "permissions": reading_only}]}
    )
    with SandboxServer(dataset) as server:
        answer = meta_actions.write(page_api(server, "EAAread"), action, COMMENT_ACTIONS[action][0])
    assert (answer.outcome, answer.lacking) == (REFUSED, SCOPE_MISSING), answer
    assert catalogue.ACTIONS[action].scopes[0] in answer.reason


def test_only_the_pages_own_comments_are_acted_on(dataset: Path) -> None:
    other = {"token": "EAAother", "page_id": "104000000000999"}
    access = load_meta_access(dataset)
    declare_tokens(dataset, {"tokens": [other, {"token": access.page_token(PAGE_ID), "page_id": PAGE_ID}]})
    with SandboxServer(dataset) as server:
        for action in ("hide-comment", "hide-ig-comment"):
            answer = meta_actions.write(page_api(server, "EAAother"), action, COMMENT_ACTIONS[action][0])
            assert answer.outcome == REFUSED and "100/33" in answer.reason, answer
        assert meta_actions.write(page_api(server), "hide-comment", COMMENT).outcome == ACCEPTED


def test_an_answer_lost_is_a_failure_and_is_never_retried(dataset: Path) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("fb.comment_update", "graph-2")])) as server:
        answer = meta_actions.write(page_api(server), "hide-comment", COMMENT)
        assert answer.outcome == FAILED and "Graph error 2" in answer.reason
        assert [r.route for r in server.requests] == ["fb.comment_update"]
    with SandboxServer(dataset, faults=FaultPlan([Fault("fb.comment_update", "drop-mid-body")])) as server:
        assert meta_actions.write(page_api(server), "hide-comment", COMMENT).outcome == FAILED
