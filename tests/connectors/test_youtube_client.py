"""The YouTube connector against googleapiclient clients built offline on an HttpMockSequence."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httplib2
import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpMockSequence

from connectors import youtube as ytapi
from connectors.errors import (
    AuthFailure,
    ConnectorError,
    MalformedPage,
    QuotaExhausted,
    RateLimited,
    ScopeMissing,
    ServerFailure,
)
from connectors.paging import RetryPolicy, Snapshot
from connectors.youtube import YouTubeCredentials

CHANNEL_ID = "UCexampleSchoolChannel0001"
UPLOADS_ID = "UUexampleSchoolChannel0001"
API = "https://youtube.googleapis.com/youtube/v3"

Reply = tuple[dict[str, str], str | bytes]


# ---------------------------------------------------------------------------------------------- helpers


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def policy(self, **overrides: Any) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep, clock=self.clock, **overrides)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def ok(payload: Any) -> Reply:
    return ({"status": "200", "content-type": "application/json; charset=UTF-8"}, json.dumps(payload))


def listing(items: list[dict[str, Any]], next_token: str | None = None, kind: str = "x") -> Reply:
    body: dict[str, Any] = {
        "kind": f"youtube#{kind}ListResponse",
        "etag": f"etag-{len(items)}-{next_token}",
        "pageInfo": {"totalResults": 999, "resultsPerPage": len(items)},
        "items": items,
    }
    if next_token:
        body["nextPageToken"] = next_token
    return ok(body)


def google_error(status: int, reason: str, domain: str = "youtube.quota") -> Reply:
    """The exact shape Google APIs answer errors with."""
    message = f"The request failed: {reason}."
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }
    return ({"status": str(status), "content-type": "application/json; charset=UTF-8"}, json.dumps(body))


def comments_disabled() -> Reply:
    message = (
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
        "videoId</a></code> parameter has disabled comments."
    )
    body = {
        "error": {
            "code": 403,
            "message": message,
            "errors": [
                {
                    "message": message,
                    "domain": "youtube.commentThread",
                    "reason": "commentsDisabled",
                    "location": "videoId",
                    "locationType": "parameter",
                }
            ],
        }
    }
    return ({"status": "403", "content-type": "application/json; charset=UTF-8"}, json.dumps(body))


def server_error(status: int = 500) -> Reply:
    return ({"status": str(status)}, "<html><body>Backend Error</body></html>")


def truncated() -> Reply:
    return (
        {"status": "200", "content-type": "application/json"},
        '{"kind": "youtube#videoListResponse", "items": [{"id"',
    )


def youtube_with(*replies: Reply) -> tuple[Any, HttpMockSequence]:
    http = HttpMockSequence(list(replies))
    return build("youtube", "v3", http=http, static_discovery=True), http


def sent(http: HttpMockSequence) -> list[tuple[str, dict[str, list[str]]]]:
    """(path, exact query) of every request the client made."""
    out = []
    for uri, _method, _body, _headers in http.request_sequence:
        parts = urlsplit(uri)
        out.append((f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)))
    return out


def item(n: int) -> dict[str, Any]:
    return {"kind": "youtube#playlistItem", "id": f"PLI{n}", "contentDetails": {"videoId": f"vid{n:08d}"}}


def channel(channel_id: str = CHANNEL_ID) -> dict[str, Any]:
    return {
        "kind": "youtube#channel",
        "id": channel_id,
        "snippet": {"title": "St Example's"},
        "contentDetails": {"relatedPlaylists": {"uploads": UPLOADS_ID}},
        "statistics": {"subscriberCount": "1234"},
    }


# ------------------------------------------------------------------------------------------- pagination


def test_uploads_page_over_next_page_token(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(
        listing([item(1), item(2)], "CAIQAA"), listing([item(3)], "CAMQAA"), listing([item(4)])
    )

    snapshot = ytapi.collect(
        "uploads", CHANNEL_ID, ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy())
    )

    assert [i["id"] for i in snapshot.items] == ["PLI1", "PLI2", "PLI3", "PLI4"]
    assert [p.page_no for p in snapshot.pages] == [0, 1, 2]
    assert (snapshot.platform, snapshot.stream, snapshot.account_id) == ("youtube", "uploads", CHANNEL_ID)
    requests = sent(http)
    assert [path for path, _ in requests] == [f"{API}/playlistItems"] * 3
    for _, params in requests:
        assert params["playlistId"] == [UPLOADS_ID]
        assert params["maxResults"] == ["50"]
        assert params["part"] == ["snippet,contentDetails,status"]
    assert "pageToken" not in requests[0][1]
    assert requests[1][1]["pageToken"] == ["CAIQAA"]
    assert requests[2][1]["pageToken"] == ["CAMQAA"]
    assert fake_time.sleeps == []


def test_paging_stops_at_max_pages(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(listing([item(1)], "T2"), listing([item(2)], "T3"))
    pages = list(ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy(), max_pages=2))
    assert len(pages) == 2
    assert len(http.request_sequence) == 2


def test_videos_are_fetched_fifty_ids_per_call(fake_time: FakeTime) -> None:
    ids = [f"vid{n:08d}" for n in range(120)]
    youtube, http = youtube_with(
        *(listing([{"id": i} for i in chunk]) for chunk in (ids[:50], ids[50:100], ids[100:]))
    )

    pages = list(ytapi.iter_videos(youtube, CHANNEL_ID, ids, fake_time.policy()))

    assert [p.page_no for p in pages] == [0, 1, 2]
    assert [i["id"] for p in pages for i in p.items] == ids
    requests = sent(http)
    assert [path for path, _ in requests] == [f"{API}/videos"] * 3
    assert [params["id"] for _, params in requests] == [
        [",".join(ids[:50])],
        [",".join(ids[50:100])],
        [",".join(ids[100:])],
    ]
    assert all(params["part"] == [ytapi.VIDEO_PARTS] for _, params in requests)
    assert pages[2].request["id"] == ",".join(ids[100:])


def test_no_video_ids_means_no_calls(fake_time: FakeTime) -> None:
    youtube, http = youtube_with()
    assert list(ytapi.iter_videos(youtube, CHANNEL_ID, [], fake_time.policy())) == []
    assert http.request_sequence == []


def test_subscribers_ask_for_my_subscribers(fake_time: FakeTime) -> None:
    subscriber = {"kind": "youtube#subscription", "subscriberSnippet": {"channelId": "UCfan"}}
    youtube, http = youtube_with(listing([subscriber], "NEXT"), listing([subscriber]))
    snapshot = ytapi.collect(
        "subscribers", CHANNEL_ID, ytapi.iter_subscribers(youtube, CHANNEL_ID, fake_time.policy())
    )
    assert len(snapshot.items) == 2
    requests = sent(http)
    assert [path for path, _ in requests] == [f"{API}/subscriptions"] * 2
    for _, params in requests:
        assert params["mySubscribers"] == ["true"]
        assert params["part"] == ["snippet,subscriberSnippet"]
        assert "channelId" not in params
    assert requests[1][1]["pageToken"] == ["NEXT"]


# -------------------------------------------------------------------------------------------- comments


def test_comment_threads_page_normally(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(listing([{"id": "c1"}], "P2"), listing([{"id": "c2"}]))
    pages = list(ytapi.iter_comment_threads(youtube, CHANNEL_ID, "vid00000001", fake_time.policy()))
    assert [i["id"] for p in pages for i in p.items] == ["c1", "c2"]
    for path, params in sent(http):
        assert path == f"{API}/commentThreads"
        assert params["videoId"] == ["vid00000001"]
        assert params["textFormat"] == ["plainText"]


def test_comments_disabled_is_a_normal_state(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(comments_disabled())
    pages = list(ytapi.iter_comment_threads(youtube, CHANNEL_ID, "vidKids0001", fake_time.policy()))
    assert pages == []
    assert len(http.request_sequence) == 1
    assert fake_time.sleeps == []


def test_a_video_deleted_since_listing_has_no_comments(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(google_error(404, "videoNotFound", domain="youtube.commentThread"))
    assert list(ytapi.iter_comment_threads(youtube, CHANNEL_ID, "vidGone0001", fake_time.policy())) == []
    assert len(http.request_sequence) == 1


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (google_error(403, "forbidden", domain="youtube.commentThread"), AuthFailure),
        (google_error(403, "insufficientPermissions", domain="global"), ScopeMissing),
        (google_error(404, "channelNotFound", domain="youtube.commentThread"), ConnectorError),
        (google_error(403, "quotaExceeded"), QuotaExhausted),
    ],
)
def test_other_comment_errors_raise(fake_time: FakeTime, reply: Reply, expected: type[Exception]) -> None:
    youtube, http = youtube_with(reply)
    with pytest.raises(expected) as raised:
        list(ytapi.iter_comment_threads(youtube, CHANNEL_ID, "vid00000001", fake_time.policy()))
    assert type(raised.value) is expected
    assert len(http.request_sequence) == 1


# --------------------------------------------------------------------------------------- retry policy


@pytest.mark.parametrize("reason", ["quotaExceeded", "dailyLimitExceeded"])
def test_quota_exhausted_is_not_retried(fake_time: FakeTime, reason: str) -> None:
    youtube, http = youtube_with(google_error(403, reason), listing([item(1)]))
    with pytest.raises(QuotaExhausted):
        list(ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy()))
    assert len(http.request_sequence) == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    "failure",
    [
        google_error(403, "rateLimitExceeded"),
        google_error(403, "userRateLimitExceeded", domain="usageLimits"),
        google_error(429, "rateLimitExceeded"),
        server_error(500),
        server_error(503),
        truncated(),
    ],
    ids=["403-rateLimit", "403-userRateLimit", "429", "500", "503", "truncated"],
)
def test_transient_failures_are_retried(fake_time: FakeTime, failure: Reply) -> None:
    youtube, http = youtube_with(failure, failure, listing([item(1)]))
    pages = list(ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy(backoff_seconds=2.0)))
    assert [i["id"] for p in pages for i in p.items] == ["PLI1"]
    assert len(http.request_sequence) == 3
    assert fake_time.sleeps == [2.0, 4.0]


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (server_error(500), ServerFailure),
        (google_error(429, "rateLimitExceeded"), RateLimited),
        (google_error(403, "rateLimitExceeded"), RateLimited),
        (truncated(), MalformedPage),
    ],
)
def test_persistent_failures_give_up_after_max_retries(
    fake_time: FakeTime, failure: Reply, expected: type[Exception]
) -> None:
    youtube, http = youtube_with(*[failure] * 3)
    with pytest.raises(expected):
        list(ytapi.iter_videos(youtube, CHANNEL_ID, ["a"], fake_time.policy(max_retries=2)))
    assert len(http.request_sequence) == 3
    assert len(fake_time.sleeps) == 2


def test_non_object_payload_is_malformed(fake_time: FakeTime) -> None:
    youtube, _ = youtube_with(ok({"items": {"id": "not a list"}}))
    with pytest.raises(MalformedPage):
        list(ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy()))


# ------------------------------------------------------------------------------------------- channel


def test_channel_snapshot_by_id(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(listing([channel()], kind="channel"))
    snapshot = ytapi.channel_snapshot(youtube, CHANNEL_ID, fake_time.policy(), mine=False)
    assert snapshot.items == [channel()]
    assert ytapi.uploads_playlist_id(snapshot) == UPLOADS_ID
    ((path, params),) = sent(http)
    assert path == f"{API}/channels"
    assert params["id"] == [CHANNEL_ID]
    assert params["part"] == [ytapi.CHANNEL_PARTS]
    assert "mine" not in params


def test_channel_snapshot_mine(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(listing([channel()], kind="channel"))
    ytapi.channel_snapshot(youtube, CHANNEL_ID, fake_time.policy(), mine=True)
    ((_, params),) = sent(http)
    assert params["mine"] == ["true"]
    assert "id" not in params


@pytest.mark.parametrize("items", [[channel("UCsomeoneElse")], []])
def test_channel_snapshot_refuses_another_channel(fake_time: FakeTime, items: list[dict[str, Any]]) -> None:
    youtube, _ = youtube_with(listing(items, kind="channel"))
    with pytest.raises(AuthFailure, match=CHANNEL_ID):
        ytapi.channel_snapshot(youtube, CHANNEL_ID, fake_time.policy(), mine=True)


def channel_snapshot_of(item: dict[str, Any]) -> Snapshot:
    youtube, _ = youtube_with(listing([item], kind="channel"))
    return ytapi.channel_snapshot(youtube, CHANNEL_ID, FakeTime().policy())


@pytest.mark.parametrize(
    "details",
    [{}, {"relatedPlaylists": {}}, {"relatedPlaylists": None}, None],
    ids=["empty", "no-uploads", "null-playlists", "null-details"],
)
def test_uploads_playlist_id_missing_is_malformed(details: Any) -> None:
    item = channel() | {"contentDetails": details}
    with pytest.raises(MalformedPage):
        ytapi.uploads_playlist_id(channel_snapshot_of(item))


# ------------------------------------------------------------------------------------------ error bodies


def http_error(status: int, content: bytes) -> HttpError:
    return HttpError(httplib2.Response({"status": status}), content)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (google_error(403, "quotaExceeded")[1], "quotaExceeded"),
        (comments_disabled()[1], "commentsDisabled"),
        (b"", ""),
        (b"<html>Forbidden</html>", ""),
        (b"\xff\xfe\x00", ""),
        (b"null", ""),
        (b"[]", ""),
        (b'{"error": "quotaExceeded"}', ""),
        (b'{"error": {"code": 403}}', ""),
        (b'{"error": {"errors": []}}', ""),
        (b'{"error": {"errors": [{"message": "no reason"}]}}', ""),
        (b'{"error": {"errors": ["quotaExceeded"]}}', ""),
        (b'{"error": {"errors": [null]}}', ""),
        (b'{"error": {"errors": {"reason": "x"}}}', ""),
    ],
)
def test_error_reason_on_odd_bodies(content: str | bytes, reason: str) -> None:
    body = content.encode() if isinstance(content, str) else content
    assert ytapi.error_reason(http_error(403, body)) == reason


def test_odd_403_body_is_an_auth_failure_not_a_crash(fake_time: FakeTime) -> None:
    youtube, http = youtube_with(({"status": "403"}, '{"error": {"errors": ["weird"]}}'))
    with pytest.raises(AuthFailure):
        list(ytapi.iter_uploads(youtube, CHANNEL_ID, UPLOADS_ID, fake_time.policy()))
    assert len(http.request_sequence) == 1


# -------------------------------------------------------------------------------------- client factory


def test_api_key_client_builds_offline_against_the_base_url() -> None:
    youtube = ytapi.make_youtube_client(YouTubeCredentials(api_key="k"), base_url="http://127.0.0.1:9/")
    request = youtube.videos().list(id="a,b", part="snippet")
    parts = urlsplit(request.uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:9", "/youtube/v3/videos")
    assert parse_qs(parts.query) == {"id": ["a,b"], "part": ["snippet"], "key": ["k"], "alt": ["json"]}


def test_oauth_client_targets_the_base_url_and_refreshes_there() -> None:
    from google.oauth2.credentials import Credentials

    sign_in = Credentials(
        token="tok",
        refresh_token="r",
        client_id="c",
        client_secret="s",
        token_uri="https://oauth2.googleapis.com/token",
    )
    youtube = ytapi.make_youtube_client(
        YouTubeCredentials(oauth_credentials=sign_in), base_url="http://127.0.0.1:9"
    )
    assert youtube._http.credentials.token_uri == "http://127.0.0.1:9/token"
    assert (
        youtube.channels()
        .list(mine=True, part="id")
        .uri.startswith("http://127.0.0.1:9/youtube/v3/channels?")
    )


def test_client_without_base_url_targets_google() -> None:
    youtube = ytapi.make_youtube_client(YouTubeCredentials(api_key="k"))
    assert youtube.videos().list(id="a", part="id").uri.startswith(f"{API}/videos?")


def test_no_credentials_is_an_auth_failure() -> None:
    with pytest.raises(AuthFailure):
        ytapi.make_youtube_client(YouTubeCredentials())


def test_credentials_repr_hides_secrets() -> None:
    creds = YouTubeCredentials(oauth_credentials="refresh-SECRET", api_key="key-SECRET")
    assert "SECRET" not in repr(creds)
    assert "SECRET" not in str([creds])
