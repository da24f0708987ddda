"""The owner's writes as the platforms enforce them: only the school's own objects, the permission and scope each
needs, limits, prices and quota, the answers' shapes, and the dataset's state the next server sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from sandbox.credentials import derived_google
from sandbox.faults import Fault, FaultPlan
from sandbox.ledger import Ledger
from sandbox.server import SandboxServer
from tests.builders import remediation as build
from tests.builders.sandbox_clients import api_key, x_signed_request
from tests.builders.tiny_dataset import (
    CHANNEL_ID,
    FOLLOWER_IDS,
    POST_IDS,
    THREAD_IDS,
    VIDEO_NATIVITY,
    VIDEO_SPORTS,
    X_ACCOUNT_ID,
    build_tiny_dataset,
)

SCHEMAS = Path(__file__).parent / "schemas"
# The 200 answers, from the X API v2 OpenAPI document (DeletePostsResponse, HidePostsReplyResponse, MuteUserResponse).
X_ANSWERS = {
    "deleted": {"type": "object", "required": ["deleted"], "properties": {"deleted": {"type": "boolean"}}},
    "hidden": {"type": "object", "properties": {"hidden": {"type": "boolean"}}},
    "muting": {"type": "object", "required": ["muting"], "properties": {"muting": {"type": "boolean"}}},
}


def _schema(fixture: str, name: str) -> dict[str, Any]:
    loaded = json.loads((SCHEMAS / f"{fixture}.json").read_text(encoding="utf-8"))
    return {**loaded["responses"][name], "$defs": loaded.get("$defs", {})}


def ledger(server: SandboxServer) -> Ledger:
    assert server.ledger is not None, "start the server first"
    return server.ledger


def x_error(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    jsonschema.validate(body, _schema("x_api_v2", "ErrorResponse"))
    return body


def google_error(response: requests.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    jsonschema.validate(body, _schema("google_errors", "GoogleError"))
    return str(body["error"]["errors"][0]["reason"])


def x_answer(response: requests.Response, field: str) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    jsonschema.validate(body["data"], X_ANSWERS[field])
    assert set(body) == {"data"}
    return body["data"][field]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A fresh tiny school for each test (writes change it), with another school beside it and replies."""
    root = build_tiny_dataset(tmp_path / "school")
    build.other_school(root)
    build.replies(root)
    return root


@pytest.fixture
def server(dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(dataset) as running:
        yield running


def x_call(
    server: SandboxServer, method: str, path: str, body: Any = None, user_id: str = X_ACCOUNT_ID
) -> requests.Response:
    return x_signed_request(server, method, path, user_id=user_id, json=body)


def yt_call(
    server: SandboxServer,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any = None,
    token: str | None = None,
) -> requests.Response:
    assert server.access is not None
    token = token or server.access.google_token(CHANNEL_ID).access_token
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, server.url + path, params=params, json=body, headers=headers, timeout=10)


def lookup(server: SandboxServer, post_id: str) -> dict[str, Any]:
    body: dict[str, Any] = x_call(server, "GET", f"/2/tweets?ids={post_id}").json()
    return body


# --------------------------------------------------------------------------------------------------------- X


def test_the_school_deletes_its_own_post_and_the_next_server_answers_it_deleted(dataset: Path) -> None:
    with SandboxServer(dataset) as server:
        me = x_call(server, "GET", "/2/users/me")
        assert me.headers["x-access-level"] == "read-write"
        assert x_answer(x_call(server, "DELETE", f"/2/tweets/{POST_IDS[0]}"), "deleted") is True
        assert [(c.route, c.usd) for c in ledger(server).x if c.route == "x.delete_post"] == [
            ("x.delete_post", 0.005)
        ]
        x_error(x_call(server, "DELETE", f"/2/tweets/{POST_IDS[0]}"), 404)  # gone: not billed again
        assert sum(c.route == "x.delete_post" for c in ledger(server).x) == 1
    assert build.journal(dataset)[0]["post_ids"] == [POST_IDS[0]]
    with SandboxServer(dataset) as later:
        (error,) = lookup(later, POST_IDS[0])["errors"]
        assert error["type"].endswith("resource-not-found")
        timeline = x_call(later, "GET", f"/2/users/{X_ACCOUNT_ID}/tweets?max_results=100").json()
        assert POST_IDS[0] not in {p["id"] for p in timeline["data"]} and POST_IDS[1] in {
            p["id"] for p in timeline["data"]
        }


def test_deleting_an_edited_post_deletes_every_version(dataset: Path) -> None:
    posts_file = dataset / "x" / "TinyLanePrimary" / "posts.json"
    posts = json.loads(posts_file.read_text())
    first, edited = POST_IDS[2], POST_IDS[1]  # the older post is the first version of the newer one
    for post in posts["data"]:
        if post["id"] in (first, edited):
            post["edit_history_tweet_ids"] = [first, edited]
    posts_file.write_text(json.dumps(posts))
    with SandboxServer(dataset) as server:
        assert x_answer(x_call(server, "DELETE", f"/2/tweets/{first}"), "deleted") is True
        assert {e["value"] for e in lookup(server, f"{first},{edited}")["errors"]} == {first, edited}


def test_only_the_account_s_own_post_is_deleted(server: SandboxServer, dataset: Path) -> None:
    body = x_error(x_call(server, "DELETE", f"/2/tweets/{build.OTHER_POST_ID}"), 403)
    assert "did not author" in body["detail"]
    assert build.journal(dataset) == [] and not [c for c in ledger(server).x if c.route == "x.delete_post"]
    assert "data" in lookup(server, build.OTHER_POST_ID)


def test_a_token_of_a_read_only_app_cannot_write_nor_can_one_issued_before_the_app_could(
    dataset: Path,
) -> None:
    build.declare(dataset, x_permission="read")
    with SandboxServer(dataset) as server:
        assert x_call(server, "GET", "/2/users/me").headers["x-access-level"] == "read"
        for method, path, body in [
            ("DELETE", f"/2/tweets/{POST_IDS[0]}", None),
            ("PUT", f"/2/tweets/{build.REPLY_IN_OUR_CONVERSATION}/hidden", {"hidden": True}),
            ("POST", f"/2/users/{X_ACCOUNT_ID}/muting", {"target_user_id": FOLLOWER_IDS[1]}),
        ]:
            refused = x_error(x_call(server, method, path, body), 403)
            assert refused["type"].endswith("/oauth1-permissions"), refused
        assert [c for c in ledger(server).x if c.route != "x.me"] == []
    assert build.journal(dataset) == []
    # The app now reads and writes, but the token was issued while it could only read: regenerate it.
    build.declare(dataset, x_permission="read-write", token_permission="read")
    with SandboxServer(dataset) as server:
        x_error(x_call(server, "DELETE", f"/2/tweets/{POST_IDS[0]}"), 403)
    build.declare(dataset, x_permission="read-write")
    with SandboxServer(dataset) as server:
        assert x_answer(x_call(server, "DELETE", f"/2/tweets/{POST_IDS[0]}"), "deleted") is True


def test_fifty_writes_a_window_then_429_with_the_reset(server: SandboxServer) -> None:
    answers = [
        x_call(server, "DELETE", f"/2/tweets/{1999000000000000000 + n}").status_code for n in range(51)
    ]
    assert answers[:50] == [404] * 50
    assert answers[50] == 429
    limited = x_call(server, "DELETE", f"/2/tweets/{POST_IDS[0]}")
    x_error(limited, 429)
    assert (
        limited.headers["x-rate-limit-remaining"] == "0" and limited.headers["x-rate-limit-reset"].isdigit()
    )


def test_only_replies_in_the_school_s_own_conversations_are_hidden(
    server: SandboxServer, dataset: Path
) -> None:
    hide = f"/2/tweets/{build.REPLY_IN_OUR_CONVERSATION}/hidden"
    assert x_answer(x_call(server, "PUT", hide, {"hidden": True}), "hidden") is True
    assert x_answer(x_call(server, "PUT", hide, {"hidden": True}), "hidden") is True  # hiding twice succeeds
    theirs = x_error(
        x_call(server, "PUT", f"/2/tweets/{build.REPLY_IN_THEIR_CONVERSATION}/hidden", {"hidden": True}), 403
    )
    assert "conversations you authored" in theirs["detail"]
    x_error(x_call(server, "PUT", hide, {}), 400)
    x_error(x_call(server, "PUT", hide, {"hidden": "yes"}), 400)
    assert [e["reply_id"] for e in build.journal(dataset)] == [build.REPLY_IN_OUR_CONVERSATION] * 2
    assert [c.usd for c in ledger(server).x if c.route == "x.hide_reply"] == [0.005, 0.005]


def test_muting_is_on_the_user_s_own_behalf(server: SandboxServer, dataset: Path) -> None:
    assert x_answer(
        x_call(server, "POST", f"/2/users/{X_ACCOUNT_ID}/muting", {"target_user_id": FOLLOWER_IDS[1]}),
        "muting",
    )
    x_error(
        x_call(server, "POST", f"/2/users/{build.OTHER_X_ID}/muting", {"target_user_id": FOLLOWER_IDS[1]}),
        403,
    )
    x_error(x_call(server, "POST", f"/2/users/{X_ACCOUNT_ID}/muting", {"target_user_id": X_ACCOUNT_ID}), 400)
    x_error(x_call(server, "POST", f"/2/users/{X_ACCOUNT_ID}/muting", {}), 400)
    assert [c.usd for c in ledger(server).x if c.route == "x.mute"] == [0.010]
    assert build.journal(dataset)[0]["target_user_id"] == FOLLOWER_IDS[1]


# --------------------------------------------------------------------------------------------------- YouTube


MODERATE = "/youtube/v3/comments/setModerationStatus"


def published_threads(server: SandboxServer, state: str = "published") -> set[str]:
    params = {"part": "snippet", "allThreadsRelatedToChannelId": CHANNEL_ID, "moderationStatus": state}
    return {t["id"] for t in yt_call(server, "GET", "/youtube/v3/commentThreads", params).json()["items"]}


def test_the_owner_rejects_a_comment_and_the_next_server_no_longer_lists_it(dataset: Path) -> None:
    with SandboxServer(dataset) as server:
        answer = yt_call(server, "POST", MODERATE, {"id": THREAD_IDS[0], "moderationStatus": "rejected"})
        assert answer.status_code == 204 and answer.content == b""
        assert [c.units for c in ledger(server).youtube if c.route.endswith("setModerationStatus")] == [50]
    with SandboxServer(dataset) as later:
        assert THREAD_IDS[0] not in published_threads(later)
        assert THREAD_IDS[0] not in published_threads(later, "heldForReview") | published_threads(
            later, "likelySpam"
        )
        assert THREAD_IDS[1] in published_threads(later)
        again = yt_call(later, "POST", MODERATE, {"id": THREAD_IDS[0], "moderationStatus": "published"})
        assert (
            google_error(again, 400) == "operationNotSupported"
        )  # a rejected comment cannot be published again


def test_moderation_needs_force_ssl_the_channel_s_own_comments_and_a_rejection_to_ban(dataset: Path) -> None:
    build.declare(dataset, youtube_scopes=build.READ_ONLY_SCOPES)
    with SandboxServer(dataset) as server:
        readonly = derived_google(CHANNEL_ID).access_token
        refused = yt_call(
            server, "POST", MODERATE, {"id": THREAD_IDS[0], "moderationStatus": "rejected"}, token=readonly
        )
        assert google_error(refused, 403) == "insufficientPermissions"
        other = derived_google(build.OTHER_CHANNEL_ID).access_token
        theirs = yt_call(
            server, "POST", MODERATE, {"id": THREAD_IDS[0], "moderationStatus": "rejected"}, token=other
        )
        assert google_error(theirs, 403) == "forbidden"
        ban = {"id": build.OTHER_THREAD_ID, "moderationStatus": "heldForReview", "banAuthor": "true"}
        assert google_error(yt_call(server, "POST", MODERATE, ban, token=other), 400) == "banWithoutReject"
        missing = yt_call(
            server, "POST", MODERATE, {"id": "UgNoSuchComment", "moderationStatus": "rejected"}, token=other
        )
        assert google_error(missing, 404) == "commentNotFound"
        keyed = requests.post(
            server.url + MODERATE,
            params={"id": THREAD_IDS[0], "moderationStatus": "rejected", "key": api_key(server)},
            timeout=10,
        )
        assert google_error(keyed, 401) == "required"
    assert build.journal(dataset) == []


def test_a_banned_author_s_later_comments_are_rejected_as_written(dataset: Path) -> None:
    threads_file = dataset / "youtube" / CHANNEL_ID / "comment_threads.json"
    threads = json.loads(threads_file.read_text())
    with SandboxServer(dataset) as server:
        ban = {"id": THREAD_IDS[0], "moderationStatus": "rejected", "banAuthor": "true"}
        assert yt_call(server, "POST", MODERATE, ban).status_code == 204
    # The next week's dataset: the same author wrote again after the ban.
    later = json.loads(
        json.dumps(threads[0]).replace(THREAD_IDS[0], "UgLaterThread").replace("2026-07-11", "2099-01-01")
    )
    threads_file.write_text(json.dumps([*threads, later]))
    with SandboxServer(dataset) as server:
        listed = published_threads(server)
        assert "UgLaterThread" not in listed and THREAD_IDS[0] not in listed and THREAD_IDS[1] in listed


def test_a_status_update_resets_what_it_leaves_out_and_only_the_owner_s_video(dataset: Path) -> None:
    with SandboxServer(dataset) as server:
        body = {"id": VIDEO_SPORTS, "status": {"selfDeclaredMadeForKids": True}}  # privacyStatus left out
        updated = yt_call(server, "PUT", "/youtube/v3/videos", {"part": "status"}, body)
        assert updated.status_code == 200
        assert (
            updated.json()["status"]["privacyStatus"] == "public" and updated.json()["status"]["madeForKids"]
        )
        private = {"id": VIDEO_NATIVITY, "status": {"privacyStatus": "private", "embeddable": True}}
        assert yt_call(server, "PUT", "/youtube/v3/videos", {"part": "status"}, private).status_code == 200
        theirs = {"id": "Other" + VIDEO_SPORTS[5:], "status": {"privacyStatus": "private"}}
        assert (
            google_error(yt_call(server, "PUT", "/youtube/v3/videos", {"part": "status"}, theirs), 403)
            == "forbidden"
        )
        gone = {"id": "NoSuchVideo", "status": {"privacyStatus": "private"}}
        assert (
            google_error(yt_call(server, "PUT", "/youtube/v3/videos", {"part": "status"}, gone), 404)
            == "videoNotFound"
        )
    with SandboxServer(dataset) as later:
        listed = yt_call(
            later, "GET", "/youtube/v3/videos", {"part": "status", "id": f"{VIDEO_SPORTS},{VIDEO_NATIVITY}"}
        )
        status = {v["id"]: v["status"] for v in listed.json()["items"]}
        assert (
            status[VIDEO_NATIVITY]["privacyStatus"] == "private"
            and status[VIDEO_SPORTS]["madeForKids"] is True
        )
        disabled = yt_call(
            later, "GET", "/youtube/v3/commentThreads", {"part": "snippet", "videoId": VIDEO_SPORTS}
        )
        assert google_error(disabled, 403) == "commentsDisabled"


def test_a_write_the_day_s_quota_cannot_pay_for_is_refused(dataset: Path) -> None:
    build.declare(dataset, daily_quota=60)
    with SandboxServer(dataset) as server:
        assert (
            yt_call(
                server, "POST", MODERATE, {"id": THREAD_IDS[1], "moderationStatus": "rejected"}
            ).status_code
            == 204
        )
        refused = yt_call(server, "POST", MODERATE, {"id": THREAD_IDS[0], "moderationStatus": "rejected"})
        assert google_error(refused, 403) == "quotaExceeded"
    assert [e["comment_ids"] for e in build.journal(dataset)] == [[THREAD_IDS[1]]]


# ----------------------------------------------------------------------------------------------------- faults


WRITES = [
    ("x.delete_post", "DELETE", f"/2/tweets/{POST_IDS[0]}", None, {}),
    ("x.hide_reply", "PUT", f"/2/tweets/{build.REPLY_IN_OUR_CONVERSATION}/hidden", {"hidden": True}, {}),
    ("x.mute", "POST", f"/2/users/{X_ACCOUNT_ID}/muting", {"target_user_id": FOLLOWER_IDS[1]}, {}),
    ("yt.setModerationStatus", "POST", MODERATE, None, {"id": THREAD_IDS[0], "moderationStatus": "rejected"}),
    (
        "yt.videos_update",
        "PUT",
        "/youtube/v3/videos",
        {"id": VIDEO_SPORTS, "status": {"privacyStatus": "private"}},
        {"part": "status"},
    ),
]
KINDS = {"x": ["429", "503", "402-credits", "429-usage-cap"], "yt": ["429", "503", "403-quota", "403-scope"]}


@pytest.mark.parametrize(("route", "method", "path", "body", "params"), WRITES, ids=[w[0] for w in WRITES])
def test_a_fault_on_a_write_answers_in_the_platform_s_shape_and_changes_nothing(
    dataset: Path, route: str, method: str, path: str, body: Any, params: dict[str, str]
) -> None:
    kinds = KINDS[route.split(".")[0]]
    plan = FaultPlan([Fault(route, kind, times=1, after=n) for n, kind in enumerate(kinds)])
    with SandboxServer(dataset, faults=plan) as server:
        for kind in kinds:
            if route.startswith("x."):
                answer = x_call(server, method, path, body)
                assert answer.status_code >= 400, kind
                jsonschema.validate(answer.json(), _schema("x_api_v2", "ErrorResponse"))
            else:
                answer = yt_call(server, method, path, params, body)
                google_error(answer, answer.status_code)
                assert answer.status_code >= 400, kind
    assert build.journal(dataset) == []
