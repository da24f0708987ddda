"""YouTube Data API v3 reads of the school's channel through google-api-python-client, as typed pages."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.errors import (
    AuthFailure,
    ConnectorError,
    MalformedPage,
    QuotaExhausted,
    ScopeMissing,
    SignInExpired,
)
from connectors.paging import (
    Page,
    Retry,
    RetryPolicy,
    Snapshot,
    call_with_retries,
    dropped_connection,
    report_page,
    utcnow,
)
from connectors.streams import StreamReads

log = logging.getLogger("connectors")

CHANNEL_PARTS = "snippet,contentDetails,statistics,status"
VIDEO_PARTS = "snippet,status,contentDetails,statistics"
SANDBOX_TOKEN_PATH = "/token"  # noqa: S105 - where the sandbox answers Google's token endpoint
RETRYABLE_403_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# Per-video states that mean "no comments to read here", not a failure of the stream.
NO_COMMENTS = {(403, "commentsDisabled"), (404, "videoNotFound")}
# commentThreads.list answers one moderation state per call (`published` when none is given); held-for-review
# and likely-spam threads need the owner's force-ssl token.
MODERATION_STATES = ("published", "heldForReview", "likelySpam")
SIGN_IN_AGAIN = "sign in again with `socialaudit auth youtube --client-secrets FILE` as the channel owner"


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
    oauth = credentials.oauth_credentials
    if credentials.sandbox_token is not None:
        from google.oauth2.credentials import Credentials

        # A refreshable token, so that an expired or revoked sign-in takes the path a live one takes.
        oauth = Credentials(
            token=credentials.sandbox_token,
            refresh_token=f"{credentials.sandbox_token}-refresh",
            client_id="sandbox-client",
            client_secret="sandbox-secret",  # noqa: S106 - the sandbox's fixed fake client
            token_uri=(base_url or "").rstrip("/") + SANDBOX_TOKEN_PATH,
        )
    elif oauth is not None and base_url and hasattr(oauth, "with_token_uri"):
        # In a sandbox run, refreshes go to the sandbox's token endpoint, never to Google's.
        oauth = oauth.with_token_uri(base_url.rstrip("/") + SANDBOX_TOKEN_PATH)
    if oauth is not None:
        return build(
            "youtube",
            "v3",
            credentials=oauth,
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
        from google.auth.exceptions import RefreshError

        if isinstance(error, HttpError):
            status = error.status_code
            reason = error_reason(error)
            if status == 429 or (status == 403 and reason in RETRYABLE_403_REASONS):
                return Retry(f"rate limited ({reason or status})", kind="rate")
            if status >= 500:
                return Retry(f"server error {status}")
            if status == 403 and reason in {"quotaExceeded", "dailyLimitExceeded"}:
                return QuotaExhausted(
                    "youtube",
                    stream,
                    "daily quota exhausted (it resets at midnight Pacific time); the next run will try again",
                )
            if status == 403 and reason in {"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}:
                return ScopeMissing(
                    "youtube",
                    stream,
                    f"the YouTube token lacks the scope this call needs (403 {reason}; reading comments needs "
                    f"youtube.force-ssl): {SIGN_IN_AGAIN}, which asks for it",
                )
            if status in (401, 403):
                return AuthFailure(
                    "youtube", stream, f"refused ({status} {reason}): check the channel credentials"
                )
            return ConnectorError("youtube", stream, f"HTTP {status} {reason}")
        if isinstance(error, RefreshError):
            if getattr(error, "retryable", False):
                return Retry(f"token refresh failed ({error})")
            return SignInExpired(
                "youtube",
                stream,
                f"Google refused the stored sign-in ({_refresh_reason(error)}: expired or revoked; apps left "
                f"in 'Testing' get tokens that last 7 days): {SIGN_IN_AGAIN}",
            )
        if isinstance(error, ValueError):  # json.JSONDecodeError: a truncated body
            return Retry("truncated or malformed JSON body", kind="malformed")
        if dropped_connection(error):
            return Retry(f"connection failed ({type(error).__name__})")
        return error

    return classify


def _refresh_reason(error: Exception) -> str:
    text = " ".join(str(arg) for arg in error.args)
    return "invalid_grant" if "invalid_grant" in text else text[:120] or "refused"


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
    read = 0
    for page_no in range(max_pages):
        payload = _execute(request, stream, policy)
        items = payload.get("items", [])
        if not isinstance(items, list):
            raise MalformedPage("youtube", stream, "`items` is not a list")
        page = Page("youtube", stream, account_id, page_no, items, payload, dict(params), utcnow())
        read += len(items)
        report_page(page, read)
        yield page
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


def _no_comments(error: ConnectorError) -> bool:
    cause = error.__cause__
    return isinstance(cause, HttpError) and (cause.status_code, error_reason(cause)) in NO_COMMENTS


def iter_comment_threads(
    youtube: Any,
    channel_id: str,
    video_id: str,
    policy: RetryPolicy,
    max_pages: int = 50,
    moderation_status: str = "published",
) -> Iterator[Page]:
    """A video's comment threads in one moderation state, with their embedded replies. Comments disabled
    (made for kids) and a video deleted since the uploads were listed (404) are normal states: nothing."""
    params: dict[str, Any] = {
        "videoId": video_id,
        "part": "snippet,replies",
        "maxResults": 100,
        "textFormat": "plainText",
    }
    if moderation_status != "published":
        params["moderationStatus"] = moderation_status
    try:
        yield from _paginate(youtube.commentThreads(), "comments", channel_id, params, policy, max_pages)
    except ConnectorError as error:
        if _no_comments(error):
            return
        raise


def threads_with_more_replies(threads: list[dict[str, Any]]) -> list[str]:
    """Threads whose `snippet.totalReplyCount` is more than the replies embedded in them (YouTube embeds a
    few at most): their replies have to be read with comments.list."""
    wanted = []
    for thread in threads:
        total = (thread.get("snippet") or {}).get("totalReplyCount") or 0
        embedded = len(((thread.get("replies") or {}).get("comments")) or [])
        if isinstance(total, int) and total > embedded and thread.get("id"):
            wanted.append(str(thread["id"]))
    return wanted


def iter_replies(
    youtube: Any, channel_id: str, thread_id: str, policy: RetryPolicy, max_pages: int = 50
) -> Iterator[Page]:
    """Every reply of one thread (`comments.list` with `parentId`); a thread deleted meanwhile yields nothing."""
    params = {"parentId": thread_id, "part": "snippet", "maxResults": 100, "textFormat": "plainText"}
    try:
        yield from _paginate(youtube.comments(), "comment_replies", channel_id, params, policy, max_pages)
    except ConnectorError as error:
        cause = error.__cause__
        if isinstance(cause, HttpError) and cause.status_code == 404:
            return
        raise


def collect(stream: str, channel_id: str, pages: Iterator[Page]) -> Snapshot:
    return Snapshot("youtube", stream, channel_id, list(pages))


def channel_streams(
    youtube: Any,
    channel_id: str,
    policy: RetryPolicy,
    mine: bool = False,
    owner_token: bool = True,
    reads: StreamReads | None = None,
) -> list[Snapshot]:
    """A channel's week: the channel, its uploads re-listed in full, their videos, visible subscribers,
    comments (published, and with the owner's token held-for-review and likely-spam ones) and the replies
    not embedded in their threads.

    With `reads`, each stream is read on its own: a failed one is recorded there (and the streams needing it are
    skipped) while the others are still read; without, the first failure is raised."""
    reads = reads or StreamReads("youtube", channel_id, strict=True)
    channel = reads.read("channel", lambda: channel_snapshot(youtube, channel_id, policy, mine=mine))
    uploads = reads.read_after(
        "uploads",
        channel,
        "channel",
        lambda read: collect(
            "uploads", channel_id, iter_uploads(youtube, channel_id, uploads_playlist_id(read), policy)
        ),
    )
    videos = reads.read_after(
        "videos",
        uploads,
        "uploads",
        lambda read: collect(
            "videos",
            channel_id,
            iter_videos(
                youtube,
                channel_id,
                [item["contentDetails"]["videoId"] for item in read.items if item.get("contentDetails")],
                policy,
            ),
        ),
    )
    reads.read(
        "subscribers",
        lambda: collect("subscribers", channel_id, iter_subscribers(youtube, channel_id, policy)),
    )
    comments = reads.read_after(
        "comments",
        videos,
        "videos",
        lambda read: comment_threads(youtube, channel_id, read, policy, owner_token),
    )
    reads.read_after(
        "comment_replies",
        comments,
        "comments",
        lambda read: comment_replies(youtube, channel_id, read, policy),
    )
    return reads.snapshots


def comment_threads(
    youtube: Any, channel_id: str, videos: Snapshot, policy: RetryPolicy, owner_token: bool = True
) -> Snapshot:
    """The threads of every video, in every moderation state the token may read."""
    states = MODERATION_STATES if owner_token else MODERATION_STATES[:1]
    comment_pages: list[Page] = []
    for video in videos.items:
        if (video.get("status") or {}).get("madeForKids"):
            continue  # comments are disabled on made-for-kids videos: asking costs quota and answers 403
        for state in states:
            comment_pages.extend(
                iter_comment_threads(youtube, channel_id, video["id"], policy, moderation_status=state)
            )
    # Pages of every video's threads form one stream, numbered in the order they were read.
    return Snapshot(
        "youtube", "comments", channel_id, [replace(page, page_no=n) for n, page in enumerate(comment_pages)]
    )


def comment_replies(youtube: Any, channel_id: str, comments: Snapshot, policy: RetryPolicy) -> Snapshot:
    """The replies beyond those YouTube embeds in a thread (`comments.list` by `parentId`)."""
    reply_pages: list[Page] = []
    for thread_id in threads_with_more_replies(comments.items):
        reply_pages.extend(iter_replies(youtube, channel_id, thread_id, policy))
    replies = Snapshot(
        "youtube",
        "comment_replies",
        channel_id,
        [replace(page, page_no=n) for n, page in enumerate(reply_pages)],
    )
    return replies


def refresh_sign_in(youtube: Any, policy: RetryPolicy) -> list[str]:
    """Refresh the client's OAuth token once, as a run does when its access token expires; the scopes Google
    granted (empty when it did not say). Raises SignInExpired when the stored sign-in is refused."""
    http = getattr(youtube, "_http", None)
    credentials = getattr(http, "credentials", None)
    if credentials is None or not getattr(credentials, "refresh_token", None):
        raise AuthFailure(
            "youtube", "sign-in", "no refreshable OAuth sign-in: an API key alone cannot read comments"
        )
    import google_auth_httplib2

    request = google_auth_httplib2.Request(httplib2.Http(timeout=30))
    call_with_retries(
        lambda: credentials.refresh(request), _classify("sign-in"), policy, "youtube", "sign-in"
    )
    return sorted(credentials.granted_scopes or credentials.scopes or [])


def probe_comments(youtube: Any, channel_id: str, policy: RetryPolicy) -> int:
    """One commentThreads call, with the scope a run needs (force-ssl); how many threads it returned."""
    params = {"allThreadsRelatedToChannelId": channel_id, "part": "snippet,replies", "maxResults": 1}
    payload = _execute(youtube.commentThreads().list(**params), "comments", policy)
    return len(payload.get("items") or [])
