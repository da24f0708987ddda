"""YouTube Data API v3 reads of the school's channel through google-api-python-client, as typed pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.errors import AuthFailure, ConnectorError, MalformedPage, QuotaExhausted
from connectors.paging import Page, Retry, RetryPolicy, Snapshot, call_with_retries, utcnow
from connectors.streams import StreamReads

CHANNEL_PARTS = "snippet,contentDetails,statistics,status"
VIDEO_PARTS = "snippet,status,contentDetails,statistics"
RETRYABLE_403_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


@dataclass(frozen=True)
class YouTubeCredentials:
    """Either the channel owner's OAuth credentials object, or a plain token for the sandbox."""

    oauth_credentials: Any = None
    sandbox_token: str | None = None
    api_key: str | None = None

    def __repr__(self) -> str:
        return "YouTubeCredentials(<redacted>)"


def make_youtube_client(
    credentials: YouTubeCredentials, base_url: str | None = None, timeout: float = 30.0
) -> Any:
    """A client built from the bundled discovery document (no network at build time)."""
    options = {"api_endpoint": base_url.rstrip("/") + "/"} if base_url else None
    if credentials.sandbox_token is not None:
        from google.oauth2.credentials import Credentials

        creds = Credentials(token=credentials.sandbox_token)
        return build(
            "youtube",
            "v3",
            credentials=creds,
            client_options=options,
            static_discovery=True,
            cache_discovery=False,
        )
    if credentials.oauth_credentials is not None:
        return build(
            "youtube",
            "v3",
            credentials=credentials.oauth_credentials,
            client_options=options,
            static_discovery=True,
            cache_discovery=False,
        )
    if credentials.api_key:
        return build(
            "youtube",
            "v3",
            developerKey=credentials.api_key,
            http=httplib2.Http(timeout=timeout),
            client_options=options,
            static_discovery=True,
            cache_discovery=False,
        )
    raise AuthFailure("youtube", "client", "no OAuth credentials and no API key configured")


def error_reason(error: HttpError) -> str:
    """The first `errors[].reason` of a Google API error body ('' if the body has none)."""
    try:
        body = json.loads(error.content.decode("utf-8", "replace"))
        return str(body["error"]["errors"][0].get("reason", ""))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


def _classify(stream: str) -> Callable[[Exception], Exception]:
    def classify(error: Exception) -> Exception:
        if isinstance(error, HttpError):
            status = error.status_code
            reason = error_reason(error)
            if status == 429 or (status == 403 and reason in RETRYABLE_403_REASONS):
                return Retry(f"rate limited ({reason or status})", kind="rate")
            if status >= 500:
                return Retry(f"server error {status}")
            if status == 403 and reason in {"quotaExceeded", "dailyLimitExceeded"}:
                return QuotaExhausted("youtube", stream, "daily quota exhausted; the next run will try again")
            if status in (401, 403):
                return AuthFailure(
                    "youtube", stream, f"refused ({status} {reason}): check the channel credentials"
                )
            return ConnectorError("youtube", stream, f"HTTP {status} {reason}")
        if isinstance(error, ValueError):  # json.JSONDecodeError: a truncated body
            return Retry("truncated or malformed JSON body", kind="malformed")
        if isinstance(error, OSError | httplib2.HttpLib2Error):
            return Retry(f"connection failed ({type(error).__name__})")
        return error

    return classify


def _execute_once(request: Any) -> Any:
    payload = request.execute(num_retries=0)
    if isinstance(payload, str | bytes):
        # googleapiclient hands back a body it cannot decode as a plain string: retry it as truncated.
        raise ValueError("response body is not valid JSON")
    return payload


def _execute(request: Any, stream: str, policy: RetryPolicy) -> dict[str, Any]:
    payload = call_with_retries(lambda: _execute_once(request), _classify(stream), policy, "youtube", stream)
    if not isinstance(payload, dict):
        raise MalformedPage("youtube", stream, "expected a JSON object")
    return payload


def _paginate(
    collection: Any,
    stream: str,
    account_id: str,
    params: dict[str, Any],
    policy: RetryPolicy,
    max_pages: int,
) -> Iterator[Page]:
    """The only place YouTube pagination happens: `list_next` until it returns None."""
    request = collection.list(**params)
    for page_no in range(max_pages):
        payload = _execute(request, stream, policy)
        items = payload.get("items", [])
        if not isinstance(items, list):
            raise MalformedPage("youtube", stream, "`items` is not a list")
        yield Page("youtube", stream, account_id, page_no, items, payload, dict(params), utcnow())
        request = collection.list_next(request, payload)
        if request is None:
            return


def channel_snapshot(youtube: Any, channel_id: str, policy: RetryPolicy, mine: bool = False) -> Snapshot:
    params: dict[str, Any] = {"part": CHANNEL_PARTS}
    params.update({"mine": True} if mine else {"id": channel_id})
    payload = _execute(youtube.channels().list(**params), "channel", policy)
    items = payload.get("items") or []
    if not items or items[0].get("id") != channel_id:
        found = items[0].get("id") if items else "nothing"
        raise AuthFailure("youtube", "channel", f"expected channel {channel_id}, the API returned {found}")
    page = Page("youtube", "channel", channel_id, 0, items[:1], payload, params, utcnow())
    return Snapshot("youtube", "channel", channel_id, [page])


def uploads_playlist_id(channel: Snapshot) -> str:
    try:
        return str(channel.items[0]["contentDetails"]["relatedPlaylists"]["uploads"])
    except (KeyError, IndexError, TypeError) as error:
        raise MalformedPage("youtube", "channel", "no uploads playlist in contentDetails") from error


def iter_uploads(
    youtube: Any, channel_id: str, playlist_id: str, policy: RetryPolicy, max_pages: int = 200
) -> Iterator[Page]:
    params = {"playlistId": playlist_id, "part": "snippet,contentDetails,status", "maxResults": 50}
    return _paginate(youtube.playlistItems(), "uploads", channel_id, params, policy, max_pages)


def iter_videos(youtube: Any, channel_id: str, video_ids: list[str], policy: RetryPolicy) -> Iterator[Page]:
    """Full video resources, 50 ids per call (1 quota unit each)."""
    for page_no, start in enumerate(range(0, len(video_ids), 50)):
        params = {"id": ",".join(video_ids[start : start + 50]), "part": VIDEO_PARTS, "maxResults": 50}
        payload = _execute(youtube.videos().list(**params), "videos", policy)
        yield Page(
            "youtube", "videos", channel_id, page_no, payload.get("items", []), payload, params, utcnow()
        )


def iter_subscribers(
    youtube: Any, channel_id: str, policy: RetryPolicy, max_pages: int = 200
) -> Iterator[Page]:
    """Visible subscribers only: YouTube returns those whose subscriptions are public (a sample, ~1,000 max)."""
    params = {"mySubscribers": True, "part": "snippet,subscriberSnippet", "maxResults": 50}
    return _paginate(youtube.subscriptions(), "subscribers", channel_id, params, policy, max_pages)


def iter_comment_threads(
    youtube: Any, channel_id: str, video_id: str, policy: RetryPolicy, max_pages: int = 50
) -> Iterator[Page]:
    """A video's comment threads; comments disabled (made for kids) is a normal state and yields nothing."""
    params = {"videoId": video_id, "part": "snippet", "maxResults": 100, "textFormat": "plainText"}
    try:
        yield from _paginate(youtube.commentThreads(), "comments", channel_id, params, policy, max_pages)
    except ConnectorError as error:
        cause = error.__cause__
        if (
            isinstance(cause, HttpError)
            and cause.status_code == 403
            and error_reason(cause) == "commentsDisabled"
        ):
            return
        raise


def collect(stream: str, channel_id: str, pages: Iterator[Page]) -> Snapshot:
    return Snapshot("youtube", stream, channel_id, list(pages))


def channel_streams(
    youtube: Any, channel_id: str, policy: RetryPolicy, mine: bool = False, reads: StreamReads | None = None
) -> list[Snapshot]:
    """A channel's week: the channel, its uploads re-listed in full, their videos, visible subscribers, comments.

    With `reads`, each stream is read on its own: a failed one is recorded there (and the streams needing it are
    skipped) while the others are still read; without, the first failure is raised."""
    reads = reads or StreamReads("youtube", channel_id, strict=True)
    channel = reads.read("channel", lambda: channel_snapshot(youtube, channel_id, policy, mine=mine))
    uploads = None
    if channel is None:
        reads.skip("uploads", "channel")
    else:
        playlist = channel
        uploads = reads.read(
            "uploads",
            lambda: collect(
                "uploads",
                channel_id,
                iter_uploads(youtube, channel_id, uploads_playlist_id(playlist), policy),
            ),
        )
    videos = None
    if uploads is None:
        reads.skip("videos", "uploads")
    else:
        video_ids = [
            item["contentDetails"]["videoId"] for item in uploads.items if item.get("contentDetails")
        ]
        videos = reads.read(
            "videos",
            lambda: collect("videos", channel_id, iter_videos(youtube, channel_id, video_ids, policy)),
        )
    reads.read(
        "subscribers",
        lambda: collect("subscribers", channel_id, iter_subscribers(youtube, channel_id, policy)),
    )
    if videos is None:
        reads.skip("comments", "videos")
    else:
        listed = videos
        reads.read("comments", lambda: comment_threads(youtube, channel_id, listed, policy))
    return reads.snapshots


def comment_threads(youtube: Any, channel_id: str, videos: Snapshot, policy: RetryPolicy) -> Snapshot:
    comment_pages: list[Page] = []
    for video in videos.items:
        if (video.get("status") or {}).get("madeForKids"):
            continue  # comments are disabled on made-for-kids videos: asking costs quota and answers 403
        comment_pages.extend(iter_comment_threads(youtube, channel_id, video["id"], policy))
    # Pages of every video's threads form one stream, numbered in the order they were read.
    return Snapshot(
        "youtube", "comments", channel_id, [replace(page, page_no=n) for n, page in enumerate(comment_pages)]
    )
