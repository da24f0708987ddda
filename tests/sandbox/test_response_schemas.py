"""Every sandbox response checked against the platforms' published schemas, as moto checks its fakes against
the providers' service descriptions: YouTube's against the discovery document google-api-python-client ships
(`youtube.v3.json`, every object closed to properties it does not list), X's against the project's fixtures
written from the X API v2 OpenAPI document (tests/sandbox/schemas/x_api_v2.json), error and OAuth bodies
against Google's documented shapes (tests/sandbox/schemas/google_errors.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from sandbox.faults import (
    FAULT_KINDS,
    FILE_ROUTES,
    GRAPH_KINDS,
    ROUTES,
    X_ONLY_KINDS,
    YOUTUBE_ONLY_KINDS,
    Fault,
    FaultPlan,
)
from sandbox.http import match_route
from sandbox.server import SandboxServer
from sandbox.x import urls as x_urls
from sandbox.x.responses import XResponses
from sandbox.x.writes import X_WRITE_ROUTES
from sandbox.youtube.oauth import discovery_document
from sandbox.youtube.writes import YT_WRITE_ROUTES
from tests.builders.moderation import (
    HELD_THREAD_ID,
    REPLIED_THREAD_ID,
    add_quoted_post_with_image,
    add_replies_and_held_comments,
)
from tests.builders.sandbox_clients import api_key, x_signed_request
from tests.builders.tiny_dataset import (
    CHANNEL_ID,
    FOLLOWER_IDS,
    POST_IDS,
    UPLOADS_PLAYLIST_ID,
    VIDEO_NATIVITY,
    VIDEO_SONG,
    VIDEO_SPORTS,
    X_ACCOUNT_ID,
    X_HANDLE,
    build_tiny_dataset,
)

SCHEMAS = Path(__file__).parent / "schemas"
# Stand-ins resolved per server by `send`: signed with the X account's keys; the channel owner's access token.
X_USER = {"Authorization": "<signed as the X account>"}
YT_OWNER = {"Authorization": "<the channel owner's token>"}
READONLY = "https://www.googleapis.com/auth/youtube.readonly"
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
USER_FIELDS = "created_at,description,location,protected,public_metrics,verified,url"


# ------------------------------------------------------------------------------------------ the schemas


def _from_discovery(node: dict[str, Any]) -> dict[str, Any]:
    """A discovery-document schema as JSON Schema; objects with listed properties admit no others."""
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind = node.get("type")
    if kind == "object":
        out: dict[str, Any] = {"type": "object"}
        if "properties" in node:
            out["properties"] = {name: _from_discovery(sub) for name, sub in node["properties"].items()}
        if "additionalProperties" in node:
            out["additionalProperties"] = _from_discovery(node["additionalProperties"])
        elif "properties" in node:
            out["additionalProperties"] = False
        return out
    if kind == "array":
        return {"type": "array", "items": _from_discovery(node.get("items", {}))}
    if kind in ("string", "integer", "number", "boolean"):
        out = {"type": kind}
        if "enum" in node:
            out["enum"] = node["enum"]
        return out
    return {}  # "any"


@cache
def _youtube_defs() -> dict[str, Any]:
    return {name: _from_discovery(schema) for name, schema in discovery_document()["schemas"].items()}


@cache
def _fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def schema_for(name: str) -> dict[str, Any]:
    if name.startswith("youtube:"):
        return {"$ref": f"#/$defs/{name.split(':', 1)[1]}", "$defs": _youtube_defs()}
    fixture_name, response = name.split(":", 1)
    fixture = _fixture(f"{fixture_name}.json")
    return {**fixture["responses"][response], "$defs": fixture.get("$defs", {})}


def validate(name: str, body: bytes) -> None:
    """What `jsonschema.validate` does, with each schema checked and its validator made once: checking the
    schemas themselves again for each body was ~2 s of this module's ~5."""
    error = jsonschema.exceptions.best_match(_validator(name).iter_errors(json.loads(body)))
    if error is not None:
        raise error


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = schema_for(name)
    kind = jsonschema.validators.validator_for(schema)
    kind.check_schema(schema)
    return kind(schema, format_checker=jsonschema.FormatChecker())


def test_the_discovery_schemas_are_strict_enough_to_catch_an_invented_field() -> None:
    invented = {"kind": "youtube#channelListResponse", "items": [{"id": "UC1", "snippet": {"mood": "happy"}}]}
    with pytest.raises(jsonschema.ValidationError, match="mood"):
        jsonschema.validate(invented, schema_for("youtube:ChannelListResponse"))
    with pytest.raises(jsonschema.ValidationError, match="shoe_size"):
        validate(
            "x_api_v2:UsersResponse", b'{"data": [{"id": "1", "name": "a", "username": "a", "shoe_size": 9}]}'
        )


# ------------------------------------------------------------------------------------------ the sandbox


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_tiny_dataset(tmp_path_factory.mktemp("schemas") / "dataset")
    add_replies_and_held_comments(root)
    add_quoted_post_with_image(root)
    return root


@pytest.fixture(scope="module")
def server(dataset: Path) -> Iterator[SandboxServer]:
    with SandboxServer(dataset) as running:
        yield running


def send(
    server: SandboxServer, path: str, params: dict[str, str], headers: dict[str, str], method: str = "GET"
) -> requests.Response:
    """A request as the real clients send it: X ones signed (OAuth 1.0a, over api.twitter.com as tweepy signs),
    YouTube ones with the owner's access token or the project's API key."""
    if headers == X_USER:
        return x_signed_request(server, method, path, params)
    if headers == YT_OWNER:
        assert server.access is not None
        headers = {"Authorization": f"Bearer {server.access.google_token(CHANNEL_ID).access_token}"}
    if params.get("key") == "<api key>":
        params = {**params, "key": api_key(server)}
    return requests.request(method, server.url + path, params=params, headers=headers, timeout=10)


def _refresh(server: SandboxServer, scope: str) -> requests.Response:
    assert server.access is not None
    form = {
        "grant_type": "refresh_token",
        "refresh_token": server.access.google_token(CHANNEL_ID).refresh_token,
        "client_id": "c",
        "client_secret": "s",
        "scope": scope,
    }
    return requests.post(server.url + "/token", data=form, timeout=10)


def _tweets(
    expansions: str = "attachments.media_keys,referenced_tweets.id,referenced_tweets.id.attachments.media_keys",
) -> dict[str, str]:
    return {
        "max_results": "5",
        "expansions": expansions,
        "tweet.fields": "created_at,author_id,attachments,entities,public_metrics,lang,referenced_tweets",
        "media.fields": "media_key,type,url,preview_image_url,alt_text,width,height",
    }


# (what is asked, the schema its answer must meet, the status expected)
X_CALLS: list[tuple[str, dict[str, str], dict[str, str], str, int]] = [
    ("/2/users/me", {"user.fields": USER_FIELDS}, X_USER, "x_api_v2:UserResponse", 200),
    (f"/2/users/{FOLLOWER_IDS[0]}", {"user.fields": USER_FIELDS}, X_USER, "x_api_v2:UserResponse", 200),
    ("/2/users/1999999999999999999", {}, X_USER, "x_api_v2:UserResponse", 200),
    ("/2/users", {"ids": f"{FOLLOWER_IDS[0]},1999999999999999999"}, X_USER, "x_api_v2:UsersResponse", 200),
    ("/2/users/by", {"usernames": X_HANDLE}, X_USER, "x_api_v2:UsersResponse", 200),
    (f"/2/users/by/username/{X_HANDLE}", {}, X_USER, "x_api_v2:UserResponse", 200),
    (f"/2/users/{X_ACCOUNT_ID}/tweets", _tweets(), X_USER, "x_api_v2:TweetsResponse", 200),
    (f"/2/users/{X_ACCOUNT_ID}/tweets", {"since_id": POST_IDS[0]}, X_USER, "x_api_v2:TweetsResponse", 200),
    (f"/2/users/{X_ACCOUNT_ID}/tweets", {"max_results": "500"}, X_USER, "x_api_v2:ErrorResponse", 400),
    (
        f"/2/users/{X_ACCOUNT_ID}/followers",
        {"max_results": "3", "user.fields": USER_FIELDS},
        X_USER,
        "x_api_v2:UsersResponse",
        200,
    ),
    (
        f"/2/users/{X_ACCOUNT_ID}/following",
        {"user.fields": USER_FIELDS},
        X_USER,
        "x_api_v2:UsersResponse",
        200,
    ),
    (f"/2/users/{X_ACCOUNT_ID}/following", {"max_results": "0"}, X_USER, "x_api_v2:ErrorResponse", 400),
    ("/2/users/me", {}, {}, "x_api_v2:ErrorResponse", 401),
    (
        "/2/users/me",
        {},
        {"Authorization": "Bearer AAAAAAAAAAAAAAAAAAAAAappOnly"},
        "x_api_v2:ErrorResponse",
        403,
    ),
    ("/2/no/such/route", {}, X_USER, "x_api_v2:ErrorResponse", 404),
]
YT_CALLS: list[tuple[str, dict[str, str], dict[str, str], str, int]] = [
    (
        "/youtube/v3/channels",
        {"part": "snippet,contentDetails,statistics,status", "mine": "true"},
        YT_OWNER,
        "youtube:ChannelListResponse",
        200,
    ),
    (
        "/youtube/v3/channels",
        {"part": "snippet", "id": "UCnobody"},
        YT_OWNER,
        "youtube:ChannelListResponse",
        200,
    ),
    (
        "/youtube/v3/playlistItems",
        {"part": "snippet,contentDetails,status", "playlistId": UPLOADS_PLAYLIST_ID, "maxResults": "2"},
        YT_OWNER,
        "youtube:PlaylistItemListResponse",
        200,
    ),
    (
        "/youtube/v3/playlistItems",
        {"part": "snippet", "playlistId": "UUnothing"},
        YT_OWNER,
        "google_errors:GoogleError",
        404,
    ),
    (
        "/youtube/v3/videos",
        {"part": "snippet,status,contentDetails,statistics", "id": f"{VIDEO_SPORTS},{VIDEO_SONG}"},
        YT_OWNER,
        "youtube:VideoListResponse",
        200,
    ),
    (
        "/youtube/v3/subscriptions",
        {"part": "snippet,subscriberSnippet", "mySubscribers": "true", "maxResults": "2"},
        YT_OWNER,
        "youtube:SubscriptionListResponse",
        200,
    ),
    (
        "/youtube/v3/subscriptions",
        {"part": "snippet", "mySubscribers": "true"},
        {},
        "google_errors:GoogleError",
        403,
    ),
    (
        "/youtube/v3/commentThreads",
        {"part": "snippet,replies", "videoId": VIDEO_NATIVITY},
        YT_OWNER,
        "youtube:CommentThreadListResponse",
        200,
    ),
    (
        "/youtube/v3/commentThreads",
        {"part": "snippet,replies", "videoId": VIDEO_NATIVITY, "moderationStatus": "heldForReview"},
        YT_OWNER,
        "youtube:CommentThreadListResponse",
        200,
    ),
    (
        "/youtube/v3/commentThreads",
        {"part": "snippet", "videoId": VIDEO_SONG},
        YT_OWNER,
        "google_errors:GoogleError",
        403,
    ),
    (
        "/youtube/v3/commentThreads",
        {"part": "snippet", "videoId": "gone0000001"},
        YT_OWNER,
        "google_errors:GoogleError",
        404,
    ),
    (
        "/youtube/v3/commentThreads",
        {"part": "snippet", "videoId": VIDEO_NATIVITY, "maxResults": "101"},
        YT_OWNER,
        "google_errors:GoogleError",
        400,
    ),
    (
        "/youtube/v3/comments",
        {"part": "snippet", "parentId": REPLIED_THREAD_ID, "maxResults": "5"},
        YT_OWNER,
        "youtube:CommentListResponse",
        200,
    ),
    (
        "/youtube/v3/comments",
        {"part": "snippet", "parentId": "UgNoSuchThread"},
        YT_OWNER,
        "google_errors:GoogleError",
        404,
    ),
    ("/youtube/v3/comments", {"part": "snippet"}, YT_OWNER, "google_errors:GoogleError", 400),
]


@pytest.mark.parametrize(("path", "params", "headers", "schema", "status"), X_CALLS + YT_CALLS)
def test_every_route_answers_in_the_published_shape(
    server: SandboxServer,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    schema: str,
    status: int,
) -> None:
    response = send(server, path, params, headers)
    assert response.status_code == status, response.text
    validate(schema, response.content)


def test_the_token_endpoint_answers_as_google_does(server: SandboxServer) -> None:
    granted = _refresh(server, READONLY)
    assert granted.status_code == 200
    validate("google_errors:TokenResponse", granted.content)
    refused = _refresh(server, "https://www.googleapis.com/auth/gmail.readonly")
    assert refused.status_code == 400
    validate("google_errors:TokenError", refused.content)


def test_a_read_only_token_reads_the_channel_but_not_its_comments(server: SandboxServer) -> None:
    """commentThreads.list and comments.list accept only youtube.force-ssl (the discovery document lists no
    other scope): a youtube.readonly token gets Google's 403 insufficientPermissions."""
    token = _refresh(server, READONLY).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    channel = requests.get(
        server.url + "/youtube/v3/channels",
        params={"part": "id", "mine": "true"},
        headers=headers,
        timeout=10,
    )
    assert channel.status_code == 200
    for path, params in [
        ("/youtube/v3/commentThreads", {"part": "snippet", "videoId": VIDEO_SPORTS}),
        ("/youtube/v3/comments", {"part": "snippet", "parentId": REPLIED_THREAD_ID}),
    ]:
        refused = requests.get(server.url + path, params=params, headers=headers, timeout=10)
        assert refused.status_code == 403
        validate("google_errors:GoogleError", refused.content)
        error = refused.json()["error"]
        assert error["errors"][0]["reason"] == "insufficientPermissions"
        assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    full = _refresh(server, FORCE_SSL).json()["access_token"]
    allowed = requests.get(
        server.url + "/youtube/v3/commentThreads",
        params={"part": "snippet", "videoId": VIDEO_SPORTS},
        headers={"Authorization": f"Bearer {full}"},
        timeout=10,
    )
    assert allowed.status_code == 200


def test_held_comments_need_the_owners_token(server: SandboxServer) -> None:
    params = {"part": "snippet", "videoId": VIDEO_NATIVITY, "moderationStatus": "heldForReview"}
    held = send(server, "/youtube/v3/commentThreads", params, YT_OWNER)
    assert [t["id"] for t in held.json()["items"]] == [HELD_THREAD_ID]
    with_key = send(server, "/youtube/v3/commentThreads", {**params, "key": "<api key>"}, {})
    assert with_key.status_code == 401
    validate("google_errors:GoogleError", with_key.content)
    published = send(
        server, "/youtube/v3/commentThreads", {"part": "snippet", "videoId": VIDEO_NATIVITY}, YT_OWNER
    )
    assert HELD_THREAD_ID not in {t["id"] for t in published.json()["items"]}


# ------------------------------------------------------------------------------------------ the faults


def _call_for(route: str) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """(method, path, params, headers) of a request that reaches `route`."""
    calls = {
        "x.me": ("/2/users/me", {}),
        "x.user": (f"/2/users/{FOLLOWER_IDS[0]}", {}),
        "x.tweets": (f"/2/users/{X_ACCOUNT_ID}/tweets", _tweets()),
        "x.followers": (f"/2/users/{X_ACCOUNT_ID}/followers", {}),
        "x.following": (f"/2/users/{X_ACCOUNT_ID}/following", {}),
        "yt.channels": ("/youtube/v3/channels", {"part": "snippet", "mine": "true"}),
        "yt.playlistItems": (
            "/youtube/v3/playlistItems",
            {"part": "snippet", "playlistId": UPLOADS_PLAYLIST_ID},
        ),
        "yt.videos": ("/youtube/v3/videos", {"part": "snippet", "id": VIDEO_SPORTS}),
        "yt.subscriptions": ("/youtube/v3/subscriptions", {"part": "snippet", "mySubscribers": "true"}),
        "yt.commentThreads": ("/youtube/v3/commentThreads", {"part": "snippet", "videoId": VIDEO_NATIVITY}),
        "yt.comments": ("/youtube/v3/comments", {"part": "snippet", "parentId": REPLIED_THREAD_ID}),
    }
    lookup = _route_of("/2/tweets")
    if lookup is not None:  # GET /2/tweets?ids= (posts by id), where the sandbox serves it
        calls[lookup] = ("/2/tweets", {"ids": POST_IDS[0], **_tweets()})
    if route not in calls:
        raise AssertionError(f"add a request reaching sandbox route {route} to this test")
    path, params = calls[route]
    return "GET", path, params, X_USER if route.startswith("x.") else YT_OWNER


def _route_of(path: str) -> str | None:
    """The name of the X route answering `path`, if any (only names are looked at: nothing is served)."""
    found = match_route(x_urls.api_routes(XResponses.__new__(XResponses)), path)
    return found[0] if found else None


# The owner's writes have their own shapes and faults tested in tests/sandbox/test_writes.py.
WRITES = (*X_WRITE_ROUTES, *YT_WRITE_ROUTES)
# X's and YouTube's routes; the Graph API's error shape is checked in tests/sandbox/meta.
API_ROUTES = [
    route
    for route in ROUTES
    if route not in FILE_ROUTES
    and route != "yt.token"
    and route not in WRITES
    and not route.startswith(("fb.", "ig."))
]
# Faults whose body is not whole JSON: cut mid-way (a dropped connection, a truncated or cut 503).
JSON_FAULTS = [kind for kind in FAULT_KINDS if kind not in ("truncate", "drop-mid-body", "503-cut")]


def _applies(route: str, kind: str) -> bool:
    if kind in GRAPH_KINDS:
        return False  # the Graph API's own: tests/sandbox/meta/test_graph_fault_shapes.py
    if kind in X_ONLY_KINDS:
        return route.startswith("x.")
    if kind in YOUTUBE_ONLY_KINDS:
        return route.startswith("yt.")
    return not (kind == "token-expired" and route.startswith("x."))


@pytest.mark.parametrize("route", API_ROUTES)
def test_every_fault_answers_in_the_platforms_shape(dataset: Path, route: str) -> None:
    kinds = [kind for kind in JSON_FAULTS if _applies(route, kind)]
    # One fault of each kind, in turn: the n-th request suffers the n-th kind.
    plan = FaultPlan([Fault(route, kind, times=1, after=index) for index, kind in enumerate(kinds)])
    method, path, params, headers = _call_for(route)
    with SandboxServer(dataset, faults=plan) as faulty:
        for kind in kinds:
            response = send(faulty, path, params, headers, method)
            if route.startswith("x."):
                schema = "x_api_v2:UserResponse" if response.status_code == 200 else "x_api_v2:ErrorResponse"
                if response.status_code == 200 and route != "x.me" and route != "x.user":
                    schema = "x_api_v2:UsersResponse"
            else:
                schema = "google_errors:GoogleError"
            assert response.status_code != 200 or kind in ("partial-errors", "404-gone"), (
                kind,
                response.text,
            )
            validate(schema, response.content)


def test_the_token_route_refuses_an_expired_sign_in_as_google_does(dataset: Path) -> None:
    with SandboxServer(dataset, faults=FaultPlan([Fault("yt.token", "token-expired", times=1)])) as faulty:
        refused = _refresh(faulty, FORCE_SSL)
        assert refused.status_code == 400
        validate("google_errors:TokenError", refused.content)
        assert refused.json()["error"] == "invalid_grant"


def test_the_schemas_cover_every_api_route(server: SandboxServer) -> None:
    server.clear_requests()
    for path, params, headers, _schema, _status in X_CALLS + YT_CALLS:
        send(server, path, params, headers)
    if _route_of("/2/tweets") is not None:
        lookup = send(server, "/2/tweets", {"ids": POST_IDS[0]}, X_USER)
        validate("x_api_v2:TweetsResponse", lookup.content)
    _refresh(server, FORCE_SSL)
    answered = {record.route for record in server.requests}
    assert set(API_ROUTES) | {"yt.token"} <= answered
