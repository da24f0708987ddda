"""Meta's own facebook-business SDK against the Graph sandbox: its Page, PagePost, Comment, IGUser, IGMedia and
IGComment objects, its cursor following `paging.next`, its errors, its writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.meta.tokens import MetaAccess
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_dataset import (
    CAROUSEL,
    COMMENT,
    IG_COMMENT,
    IG_ID,
    MANY_COMMENTS_POST,
    PAGE_ID,
    POSTS,
)

pytest.importorskip("facebook_business")

from facebook_business.adobjects.comment import Comment
from facebook_business.adobjects.igcomment import IGComment
from facebook_business.adobjects.iguser import IGUser
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.pagepost import PagePost
from facebook_business.api import FacebookAdsApi, FacebookRequestError, FacebookSession


def _api(server: SandboxServer, token: str, version: str = "v26.0") -> FacebookAdsApi:
    session = FacebookSession(access_token=token)
    session.GRAPH = server.url
    return FacebookAdsApi(session, api_version=version)


# The SDK checks a field against its own list of a media's fields, which has no field expansion ("children{...}"),
# and warns; the Graph API takes it (the product's connectors call the API directly: connectors/instagram_reading.py).
@pytest.mark.filterwarnings("ignore:media does not allow field children:UserWarning")
def test_the_sdk_reads_every_page_of_comments_and_the_instagram_carousel(
    graph: SandboxServer, access: MetaAccess
) -> None:
    page_api = _api(graph, access.page_token(PAGE_ID))
    posts = Page(PAGE_ID, api=page_api).get_published_posts(fields=["id", "message"])
    assert [p["id"] for p in posts] == POSTS
    comments = PagePost(MANY_COMMENTS_POST, api=page_api).get_comments(
        fields=["id", "from", "message"], params={"limit": 7, "filter": "stream"}
    )
    assert len([c["id"] for c in comments]) == 30
    user_api = _api(graph, access.user_token())
    media = IGUser(IG_ID, api=user_api).get_media(fields=["id", "media_type", "children{id,media_url}"])
    carousel = next(m for m in media if m["id"] == CAROUSEL)
    assert len(carousel["children"]["data"]) == 2


def test_the_sdk_sees_graphs_errors(graph: SandboxServer, access: MetaAccess) -> None:
    with pytest.raises(FacebookRequestError) as refused:
        Page(PAGE_ID, api=_api(graph, access.user_token())).get_published_posts()
    assert refused.value.api_error_code() == 210 and refused.value.http_status() == 400
    with pytest.raises(FacebookRequestError) as unknown:
        Page(PAGE_ID, api=_api(graph, access.page_token(PAGE_ID), "v99.0")).api_get(fields=["id"])
    assert unknown.value.api_error_code() == 2500


def test_the_sdk_hides_a_comment_and_an_instagram_comment(graph_dataset: Path, access: MetaAccess) -> None:
    with SandboxServer(graph_dataset) as server:
        Comment(COMMENT, api=_api(server, access.page_token(PAGE_ID))).api_update(params={"is_hidden": True})
        IGComment(IG_COMMENT, api=_api(server, access.user_token())).api_update(params={"hide": True})
    with SandboxServer(graph_dataset) as next_week:
        hidden = Comment(COMMENT, api=_api(next_week, access.page_token(PAGE_ID))).api_get(
            fields=["is_hidden"]
        )
        assert hidden["is_hidden"] is True
        ig = IGComment(IG_COMMENT, api=_api(next_week, access.user_token())).api_get(fields=["hidden"])
        assert ig["hidden"] is True
