"""The connectors' writes through the real tweepy and googleapiclient against the sandbox: what each answer means
(accepted, already so, refused with why, failed with nothing known), never retried."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from connectors import x_actions, youtube_actions
from connectors.actions import ACCEPTED, ALREADY_DONE, FAILED, READ_ONLY_APP, REFUSED, SCOPE_MISSING
from connectors.paging import RetryPolicy
from connectors.x import XCredentials, make_x_client
from connectors.youtube_client import YouTubeCredentials, make_youtube_client
from sandbox.faults import Fault, FaultPlan
from sandbox.ledger import Ledger
from sandbox.server import SandboxServer
from tests.builders import remediation as build
from tests.builders.tiny_dataset import (
    CHANNEL_ID,
    POST_IDS,
    THREAD_IDS,
    VIDEO_NATIVITY,
    X_ACCOUNT_ID,
    build_tiny_dataset,
)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return build_tiny_dataset(tmp_path / "school")


def ledger(server: SandboxServer) -> Ledger:
    assert server.ledger is not None, "start the server first"
    return server.ledger


def x_client(server: SandboxServer) -> Any:
    assert server.access is not None
    return make_x_client(XCredentials(**server.access.x_keys(X_ACCOUNT_ID)), base_url=server.url)


def youtube(server: SandboxServer) -> Any:
    assert server.access is not None
    info = server.access.authorized_user_info(CHANNEL_ID, "https://oauth2.googleapis.com/token")
    return make_youtube_client(
        YouTubeCredentials(Credentials.from_authorized_user_info(info)), base_url=server.url
    )


@pytest.fixture
def server(dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(dataset) as running:
        yield running


def test_the_access_level_comes_with_the_account(server: SandboxServer, dataset: Path) -> None:
    user, level = x_actions.access_level(x_client(server), RetryPolicy())
    assert (user["id"], level) == (X_ACCOUNT_ID, "read-write")
    build.declare(dataset, x_permission="read")
    with SandboxServer(dataset) as read_only:
        assert x_actions.access_level(x_client(read_only), RetryPolicy())[1] == "read"


def test_a_delete_is_accepted_then_already_done(server: SandboxServer) -> None:
    client = x_client(server)
    first = x_actions.delete_post(client, POST_IDS[0])
    assert (first.outcome, first.status, first.body) == (ACCEPTED, 200, {"data": {"deleted": True}})
    again = x_actions.delete_post(client, POST_IDS[0])
    assert (again.outcome, again.status) == (ALREADY_DONE, 404) and "deleted already" in again.reason


def test_a_read_only_app_is_refused_with_what_to_change(dataset: Path) -> None:
    build.declare(dataset, x_permission="read")
    with SandboxServer(dataset) as server:
        refused = x_actions.delete_post(x_client(server), POST_IDS[0])
    assert (refused.outcome, refused.status, refused.lacking) == (REFUSED, 403, READ_ONLY_APP)
    assert "Read and write" in refused.reason and "regenerate the access token" in refused.reason


@pytest.mark.parametrize(
    ("kind", "outcome", "says"),
    [
        ("429", REFUSED, "limit of writes per 15 minutes"),
        ("402-credits", REFUSED, "credits are used up"),
        ("429-usage-cap", REFUSED, "usage cap"),
        ("503", FAILED, "may or may not have been done"),
    ],
)
def test_x_s_refusals_and_failures(dataset: Path, kind: str, outcome: str, says: str) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("x.delete_post", kind)])) as server:
        answer = x_actions.delete_post(x_client(server), POST_IDS[0])
        assert (answer.outcome, says in answer.reason) == (outcome, True), answer
        assert sum(r.route == "x.delete_post" for r in server.requests) == 1  # never retried
    assert build.journal(dataset) == []


def test_an_answer_lost_on_the_way_back_is_a_failure_though_x_did_it(dataset: Path) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("x.delete_post", "drop-mid-body")])) as server:
        answer = x_actions.delete_post(x_client(server), POST_IDS[0])
        assert answer.outcome == FAILED and "may or may not" in answer.reason
        assert x_actions.delete_post(x_client(server), POST_IDS[0]).outcome == ALREADY_DONE
    assert [e["kind"] for e in build.journal(dataset)] == ["x.delete"]


def test_a_hide_and_a_mute_are_accepted(dataset: Path) -> None:
    build.replies(dataset)
    with SandboxServer(dataset) as server:
        client = x_client(server)
        assert x_actions.hide_reply(client, build.REPLY_IN_OUR_CONVERSATION).outcome == ACCEPTED
        assert x_actions.mute(client, build.PUPIL_FOLLOWER).outcome == ACCEPTED


def test_comments_are_rejected_and_a_missing_scope_is_said(dataset: Path) -> None:
    with SandboxServer(dataset) as server:
        done = youtube_actions.reject_comments(youtube(server), [THREAD_IDS[0]], ban_author=True)
        assert (done.outcome, done.status) == (ACCEPTED, 204)
        gone = youtube_actions.reject_comments(youtube(server), ["UgNoSuchComment"], ban_author=False)
        assert gone.outcome == ALREADY_DONE
    build.declare(dataset, youtube_scopes=build.READ_ONLY_SCOPES)
    with SandboxServer(dataset) as server:
        refused = youtube_actions.reject_comments(youtube(server), [THREAD_IDS[1]], ban_author=False)
    assert (refused.outcome, refused.lacking) == (
        REFUSED,
        SCOPE_MISSING,
    ) and "youtube.force-ssl" in refused.reason


def test_a_status_change_sends_the_whole_status_back_and_nothing_when_already_so(dataset: Path) -> None:
    with SandboxServer(dataset) as server:
        client = youtube(server)
        private = youtube_actions.update_video_status(client, VIDEO_NATIVITY, {"privacyStatus": "private"})
        assert (private.outcome, private.calls) == (ACCEPTED, 2)
        # Declared made for kids afterwards: the status sent back keeps it private (the sandbox resets what is left out).
        kids = youtube_actions.update_video_status(client, VIDEO_NATIVITY, {"selfDeclaredMadeForKids": True})
        assert kids.outcome == ACCEPTED and kids.body["status"]["privacyStatus"] == "private"
        again = youtube_actions.update_video_status(client, VIDEO_NATIVITY, {"privacyStatus": "private"})
        assert (again.outcome, again.calls) == (ALREADY_DONE, 1)
        assert [c.units for c in ledger(server).youtube if c.route.endswith("update")] == [50, 50]


@pytest.mark.parametrize(
    ("kind", "outcome"), [("403-quota", REFUSED), ("503", FAILED), ("403-scope", REFUSED)]
)
def test_youtube_s_refusals_and_failures(dataset: Path, kind: str, outcome: str) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("yt.setModerationStatus", kind)])) as server:
        answer = youtube_actions.reject_comments(youtube(server), [THREAD_IDS[0]], ban_author=False)
    assert answer.outcome == outcome, answer
    assert build.journal(dataset) == []


def _named(call: str, **ids: str) -> list[tuple[str, str]]:
    """(method, host and path) of each request an action's call names, its placeholders filled in."""
    for placeholder in ("IDS", "ME", "ID"):  # IDS before ID: one is the start of the other
        call = call.replace(placeholder, ids.get(placeholder.lower(), ""))
    return [(m, u.split("?")[0]) for m, u in re.findall(r"\b(GET|POST|PUT|DELETE) (https://\S+)", call)]


def test_each_action_names_the_hosts_and_requests_its_connector_sends(dataset: Path) -> None:
    """The plan a person confirms names the requests the connector then sends: the same hosts (a firewall opened
    from the plan lets them through) and as many requests as it counts."""
    import json

    from googleapiclient import discovery_cache

    from connectors.x import X_API_HOST
    from warehouse.remediation.actions import ACTIONS, X_HOST, YOUTUBE_HOST

    assert X_HOST == X_API_HOST
    assert json.loads(discovery_cache.get_static_doc("youtube", "v3"))["rootUrl"] == YOUTUBE_HOST + "/"
    build.replies(dataset)
    with SandboxServer(dataset) as server:
        x, yt = x_client(server), youtube(server)
        sent: list[tuple[str, str]] = []
        x_request, yt_request = x.session.request, yt._http.request

        def x_recording(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            sent.append((method, url.split("?")[0]))
            return x_request(method, url, *args, **kwargs)

        def yt_recording(uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            sent.append((method, YOUTUBE_HOST + "/" + uri.split("/", 3)[3].split("?")[0]))
            return yt_request(uri, method, *args, **kwargs)

        x.session.request = x_recording
        yt._http.request = yt_recording
        writes = {
            "delete-post": (lambda: x_actions.delete_post(x, POST_IDS[0]), {"id": POST_IDS[0]}),
            "hide-reply": (
                lambda: x_actions.hide_reply(x, build.REPLY_IN_OUR_CONVERSATION),
                {"id": build.REPLY_IN_OUR_CONVERSATION},
            ),
            "mute-account": (
                lambda: x_actions.mute(x, build.PUPIL_FOLLOWER),
                {"id": build.PUPIL_FOLLOWER, "me": X_ACCOUNT_ID},
            ),
            "reject-comment": (
                lambda: youtube_actions.reject_comments(yt, [THREAD_IDS[0]], ban_author=False),
                {"ids": THREAD_IDS[0]},
            ),
            "reject-comment-ban-author": (
                lambda: youtube_actions.reject_comments(yt, [THREAD_IDS[1]], ban_author=True),
                {"ids": THREAD_IDS[1]},
            ),
            "make-video-private": (
                lambda: youtube_actions.update_video_status(yt, VIDEO_NATIVITY, {"privacyStatus": "private"}),
                {"id": VIDEO_NATIVITY},
            ),
            "set-made-for-kids": (
                lambda: youtube_actions.update_video_status(
                    yt, VIDEO_NATIVITY, {"selfDeclaredMadeForKids": True}
                ),
                {"id": VIDEO_NATIVITY},
            ),
        }
        # Meta's are held to their calls in tests/connectors/test_meta_actions.py.
        assert set(writes) == {
            name
            for name, action in ACTIONS.items()
            if action.platform in ("x", "youtube") and not action.manual
        }
        for name, (write, ids) in writes.items():
            sent.clear()
            answer = write()
            assert answer.outcome == ACCEPTED, (name, answer.reason)
            named = _named(ACTIONS[name].call, **ids)
            assert sent == named, name
            assert len(sent) == ACTIONS[name].requests == answer.calls, name
