"""The Graph sandbox reads as strictly as Graph documents (reference meta-apis.md): versions, tokens, permissions,
fields, paging."""

from __future__ import annotations

from pathlib import Path

import requests

from sandbox.meta.tokens import OWNER_PERMISSIONS, MetaAccess, derived_page_token
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_client import declare_tokens, getter
from tests.sandbox.meta.graph_dataset import (
    CAROUSEL,
    CHILDREN,
    COMMENT,
    HIDDEN_AUTHOR,
    IG_COMMENT,
    IG_ID,
    IG_REPLY,
    MANY_COMMENTS_POST,
    PAGE_COMMENT,
    PAGE_ID,
    PHOTOS,
    POSTS,
    REPLY,
    VISITOR_POST,
)


def _error(response: requests.Response) -> dict[str, object]:
    body = response.json()
    assert set(body) == {"error"} and "fbtrace_id" in body["error"]
    return dict(body["error"])


def test_only_versions_graph_serves_are_answered(graph: SandboxServer, access: MetaAccess) -> None:
    get = getter(graph, access.page_token(PAGE_ID))
    assert get(f"/{PAGE_ID}").json() == {"name": "Graph Test School", "id": PAGE_ID}
    assert get(f"/{PAGE_ID}", version="v20.0").status_code == 200  # retired: answered as the oldest available
    for version in ("v99.0", "v26.1", "v27.0"):
        refused = get(f"/{PAGE_ID}", version=version)
        assert refused.status_code == 400
        assert _error(refused)["code"] == 2500
    unversioned = requests.get(f"{graph.url}/{PAGE_ID}", params={"access_token": access.page_token(PAGE_ID)})
    assert unversioned.status_code == 400 and _error(unversioned)["code"] == 2500


def test_a_call_needs_a_token_graph_issued(graph: SandboxServer) -> None:
    assert _error(requests.get(f"{graph.url}/v26.0/{PAGE_ID}"))["code"] == 104
    for method in ("POST", "DELETE"):  # a stranger learns nothing about which ids exist
        for object_id in (COMMENT, "123_456"):
            assert (
                _error(requests.request(method, f"{graph.url}/v26.0/{object_id}", timeout=10))["code"] == 104
            )
    refused = getter(graph, "EAAnotatoken")(f"/{PAGE_ID}")
    assert refused.status_code == 400 and _error(refused) | {"fbtrace_id": ""} == {
        "message": "Invalid OAuth access token - Cannot parse access token",
        "type": "OAuthException",
        "code": 190,
        "fbtrace_id": "",
    }
    by_header = requests.get(
        f"{graph.url}/v26.0/{PAGE_ID}", headers={"Authorization": f"OAuth {derived_page_token(PAGE_ID)}"}
    )
    assert by_header.status_code == 200


def test_the_pages_posts_need_a_page_token(graph: SandboxServer, access: MetaAccess) -> None:
    as_user = getter(graph, access.user_token())(f"/{PAGE_ID}/published_posts")
    assert as_user.status_code == 400 and _error(as_user)["code"] == 210
    accounts = getter(graph, access.user_token())("/me/accounts").json()["data"]
    assert [a["id"] for a in accounts] == [PAGE_ID] and accounts[0]["instagram_business_account"] == {
        "id": IG_ID
    }
    page_token = accounts[0]["access_token"]
    posts = getter(graph, page_token)(f"/{PAGE_ID}/published_posts", fields="id,message").json()
    assert [p["id"] for p in posts["data"]] == POSTS  # newest first
    feed = getter(graph, page_token)(f"/{PAGE_ID}/feed").json()
    assert VISITOR_POST in [p["id"] for p in feed["data"]]
    visitors = getter(graph, page_token)(f"/{PAGE_ID}/visitor_posts", fields="id,from,message").json()["data"]
    assert visitors[0]["id"] == VISITOR_POST and visitors[0]["from"]["name"] == "Pat Visitor"


def test_a_user_token_reads_no_comments_and_a_page_token_sees_the_commenter(
    graph: SandboxServer, access: MetaAccess
) -> None:
    assert getter(graph, access.user_token())(f"/{POSTS[0]}/comments").json() == {"data": []}
    page = getter(graph, access.page_token(PAGE_ID))
    top = page(f"/{POSTS[0]}/comments", fields="id,message,from,parent,comment_count").json()["data"]
    assert [c["id"] for c in top] == [COMMENT, HIDDEN_AUTHOR, PAGE_COMMENT]
    assert top[0]["from"]["name"] == "Alex Parent" and top[0]["comment_count"] == 1
    assert "from" not in top[1]  # the author the Page may not see: absent, never null
    stream = page(f"/{POSTS[0]}/comments", filter="stream", fields="id,parent").json()["data"]
    assert [c["id"] for c in stream] == [COMMENT, REPLY, HIDDEN_AUTHOR, PAGE_COMMENT]
    assert stream[1]["parent"] == {"id": COMMENT}
    replies = page(f"/{COMMENT}/comments").json()["data"]
    assert [r["id"] for r in replies] == [REPLY]
    backwards = page(f"/{POSTS[0]}/comments", order="reverse_chronological").json()["data"]
    assert [c["id"] for c in backwards] == [PAGE_COMMENT, HIDDEN_AUTHOR, COMMENT]
    assert _error(page(f"/{POSTS[0]}/comments", filter="everything"))["code"] == 100


def test_the_commenter_needs_pages_read_user_content_and_ids_need_moderate(graph_dataset: Path) -> None:
    narrow = [p for p in OWNER_PERMISSIONS if p != "pages_read_user_content"]
    declare_tokens(
        graph_dataset,
        {
            "tokens": [
                {"token": "EAAnarrow", "kind": "page", "page_id": PAGE_ID, "permissions": narrow},
                {"token": "EAAanalyst", "kind": "page", "page_id": PAGE_ID, "tasks": ["ANALYZE"]},
            ]
        },
    )
    with SandboxServer(graph_dataset) as server:
        comments = getter(server, "EAAnarrow")(f"/{POSTS[0]}/comments", fields="id,from").json()["data"]
        assert ["from" in c for c in comments] == [False, False, True]  # only the Page's own comment says who
        refused = getter(server, "EAAnarrow")(f"/{PAGE_ID}/visitor_posts")
        assert _error(refused)["code"] == 10
        withheld = getter(server, "EAAanalyst")(f"/{POSTS[0]}/comments", fields="id,message").json()["data"]
        assert withheld and all("id" not in c for c in withheld)


def test_fields_are_honoured_and_unknown_ones_refused(graph: SandboxServer, access: MetaAccess) -> None:
    page = getter(graph, access.page_token(PAGE_ID))
    post = page(
        f"/{POSTS[0]}",
        fields="id,attachments{media_type,subattachments{target{id}}},comments.limit(0).summary(true)",
    ).json()
    album = post["attachments"]["data"][0]
    assert [s["target"]["id"] for s in album["subattachments"]["data"]] == [PHOTOS[0], PHOTOS[1]]
    assert post["comments"] == {
        "data": [],
        "summary": {"order": "chronological", "total_count": 3, "can_comment": True},
    }
    photo = page(f"/{PHOTOS[0]}", fields="id,alt_text,alt_text_custom,images").json()
    assert photo["alt_text_custom"] == "Children at the event 0"
    image = requests.get(graph.url + "/v/501.jpg", timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    refused = page(f"/{PAGE_ID}", fields="id,followers")
    assert (
        _error(refused)["message"]
        == "(#100) Tried accessing nonexisting field (followers) on node type (Page)"
    )


def test_paging_ends_when_next_is_absent(graph: SandboxServer, access: MetaAccess) -> None:
    first = getter(graph, access.page_token(PAGE_ID))(f"/{MANY_COMMENTS_POST}/comments", limit="12").json()
    seen, page, pages = [c["id"] for c in first["data"]], first, 1
    assert "previous" not in first["paging"] and set(first["paging"]["cursors"]) == {"before", "after"}
    while "next" in page["paging"]:
        page = requests.get(page["paging"]["next"], timeout=10).json()
        seen += [c["id"] for c in page["data"]]
        pages += 1
    assert pages == 3 and len(page["data"]) == 6 and "previous" in page["paging"]
    assert seen == [str(8000 + n) for n in range(30)]
    after = getter(graph, access.page_token(PAGE_ID))(
        f"/{MANY_COMMENTS_POST}/comments", after=first["paging"]["cursors"]["after"], limit="12"
    ).json()
    assert after["data"][0]["id"] == "8012"
    bogus = getter(graph, access.page_token(PAGE_ID))(f"/{MANY_COMMENTS_POST}/comments", after="garbage")
    assert _error(bogus)["code"] == 100


def test_instagram_media_children_comments_and_replies(graph: SandboxServer, access: MetaAccess) -> None:
    user = getter(graph, access.user_token())
    media = user(f"/{IG_ID}/media", fields="id,media_type,children{id,media_url,permalink}").json()["data"]
    assert [m["id"] for m in media][1] == CAROUSEL and "children" not in media[0]
    assert [c["id"] for c in media[1]["children"]["data"]] == list(CHILDREN)
    comments = user(
        f"/{CAROUSEL}/comments", fields="id,text,username,replies{id,text,username,parent_id}"
    ).json()
    top = comments["data"][0]
    assert top["id"] == IG_COMMENT and top["username"] == "a_parent"
    assert top["replies"]["data"][0] == {
        "id": IG_REPLY,
        "text": "Agreed",
        "username": "b_parent",
        "parent_id": IG_COMMENT,
    }
    assert user(f"/{IG_COMMENT}/replies").json()["data"][0]["id"] == IG_REPLY


def test_instagram_comments_need_instagram_manage_comments(graph_dataset: Path) -> None:
    basic = ["instagram_basic", "pages_read_engagement", "pages_show_list"]
    declare_tokens(graph_dataset, {"tokens": [{"token": "EAAbasic", "kind": "user", "permissions": basic}]})
    with SandboxServer(graph_dataset) as server:
        reader = getter(server, "EAAbasic")
        assert reader(f"/{IG_ID}/media").status_code == 200
        refused = reader(f"/{CAROUSEL}/comments")
        assert refused.status_code == 400 and _error(refused)["code"] == 10


def test_an_object_gone_or_not_the_tokens_is_100_33(graph: SandboxServer, access: MetaAccess) -> None:
    for object_id in ("123456789", f"{PAGE_ID}_1"):
        refused = getter(graph, access.page_token(PAGE_ID))(f"/{object_id}")
        error = _error(refused)
        assert (error["code"], error["error_subcode"], error["type"]) == (100, 33, "GraphMethodException")


def test_an_expired_token_is_refused_with_190_463(graph_dataset: Path) -> None:
    declare_tokens(
        graph_dataset,
        {
            "tokens": [
                {"token": "EAAold", "kind": "page", "page_id": PAGE_ID, "expires_at": "2026-01-01T00:00:00Z"}
            ]
        },
    )
    with SandboxServer(graph_dataset) as server:
        error = _error(getter(server, "EAAold")(f"/{PAGE_ID}"))
        assert (error["code"], error["error_subcode"]) == (190, 463)
