"""YouTube Data API v3 reads of the school's channel through google-api-python-client, as typed pages."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httplib2
from googleapiclient.errors import HttpError

from connectors.errors import (
    AuthFailure,
    ConnectorError,
    MalformedPage,
    QuotaExhausted,
    ScopeMissing,
    SignInExpired,
    WrongAccount,
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
from connectors.youtube_client import (
    STREAM_OF_RESOURCE,
    QuotaMeter,
    YouTubeCredentials,
    make_youtube_client,
    proxy_in_use,
    proxy_supported,
)

# The client and its quota meter live in youtube_client.py; callers reach them here, beside the streams.
__all__ = [
    "STREAM_OF_RESOURCE",
    "QuotaMeter",
    "YouTubeCredentials",
    "make_youtube_client",
    "proxy_in_use",
    "proxy_supported",
]

log = logging.getLogger("connectors")

CHANNEL_PARTS = "snippet,contentDetails,statistics,status"
VIDEO_PARTS = "snippet,status,contentDetails,statistics"
RETRYABLE_403_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
# Per-video states that mean "no comments to read here", not a failure of the stream.
NO_COMMENTS = {(403, "commentsDisabled"), (404, "videoNotFound")}
# commentThreads.list answers one moderation state per call (`published` when none is given); held-for-review
# and likely-spam threads need the owner's force-ssl token.
MODERATION_STATES = ("published", "heldForReview", "likelySpam")
SIGN_IN_AGAIN = "sign in again with `socialaudit auth youtube --client-secrets FILE` as the channel owner"


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
            if status == 400 and reason == "invalidPageToken":
                # Retrying the same token gets the same refusal; starting the listing again could repeat it
                # without end on a list that keeps changing. The stream is recorded as not read (exit 3).
                return ConnectorError(
                    "youtube",
                    stream,
                    "YouTube refused the page token it had given for the next page (400 invalidPageToken; the "
                    "list changed while it was read, or the token expired): this stream is not read this week; "
                    "run again",
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


def channel_snapshot(youtube: Any, channel_id: str, policy: RetryPolicy, mine: bool = True) -> Snapshot:
    """The channel the token signed in as (`mine=true`, as every run asks), which must be the configured one:
    a token of another channel (another Brand Account of the same Google user) reads nothing else."""
    params: dict[str, Any] = {"part": CHANNEL_PARTS}
    params.update({"mine": True} if mine else {"id": channel_id})
    payload = _execute(youtube.channels().list(**params), "channel", policy)
    items = payload.get("items") or []
    if not items or items[0].get("id") != channel_id:
        if not items:
            whose = "no YouTube channel (the Google account signed in has none)"
        else:
            snippet = items[0].get("snippet") or {}
            named = snippet.get("customUrl") or snippet.get("title") or ""
            whose = f"channel {items[0].get('id')}" + (f" ({named})" if named else "")
        raise WrongAccount(
            "youtube",
            "channel",
            f"the token belongs to {whose}, not the configured {channel_id}: nothing else was read; "
            f"{SIGN_IN_AGAIN} (pick that channel's Brand Account when Google asks)",
        )
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
    video_id: str | None,
    policy: RetryPolicy,
    max_pages: int = 50,
    moderation_status: str = "published",
) -> Iterator[Page]:
    """Comment threads in one moderation state, with their embedded replies: of one video, or (`video_id` None)
    of every video of the channel at once (`allThreadsRelatedToChannelId`). Comments disabled (made for kids)
    and a video deleted since the uploads were listed (404) are normal states: nothing."""
    params: dict[str, Any] = {"part": "snippet,replies", "maxResults": 100, "textFormat": "plainText"}
    params.update({"videoId": video_id} if video_id else {"allThreadsRelatedToChannelId": channel_id})
    if moderation_status != "published":
        params["moderationStatus"] = moderation_status
    try:
        yield from _paginate(youtube.commentThreads(), "comments", channel_id, params, policy, max_pages)
    except ConnectorError as error:
        if video_id and _no_comments(error):
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
    mine: bool = True,
    owner_token: bool = True,
    reads: StreamReads | None = None,
) -> list[Snapshot]:
    """A channel's week: the channel the token signed in as (nothing else is read when it is not the configured
    one), its uploads re-listed in full, their videos, visible subscribers, comments (published, and with the
    owner's token held-for-review and likely-spam ones) and the replies not embedded in their threads.

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
    reads.read_after(
        "subscribers",
        channel,
        "channel",
        lambda _: collect("subscribers", channel_id, iter_subscribers(youtube, channel_id, policy)),
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
    """The threads of every video, in every moderation state the token may read, each thread once.

    One channel-wide listing per state (`allThreadsRelatedToChannelId`, about one call per 100 threads) costs
    less quota than one per video and state as soon as two videos take comments; a single video is read by its
    id. A thread comes back under every state its top-level comment or any reply is in (YouTube says so): its
    copies are merged (`merge_threads`), so the stream holds it once with every reply in its own state."""
    states = MODERATION_STATES if owner_token else MODERATION_STATES[:1]
    # Comments are disabled on made-for-kids videos: asking costs quota and answers 403.
    commentable = [v["id"] for v in videos.items if not (v.get("status") or {}).get("madeForKids")]
    targets: list[str | None] = [] if not commentable else [None] if len(commentable) > 1 else commentable[:1]
    comment_pages = [
        page
        for target in targets
        for state in states
        for page in iter_comment_threads(youtube, channel_id, target, policy, moderation_status=state)
    ]
    # Pages as received (the raw record), numbered in the order read; their items merged across states.
    merged = merge_threads([page.items for page in comment_pages])
    return Snapshot(
        "youtube",
        "comments",
        channel_id,
        [
            replace(page, page_no=n, items=items)
            for n, (page, items) in enumerate(zip(comment_pages, merged, strict=True))
        ],
    )


def merge_threads(pages: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Each page's threads not met on an earlier page; a thread met again adds the replies its earlier copy
    lacks (each reply keeps the `moderationStatus` YouTube gave it). Threads are never dropped for coming back
    under another state: that is how YouTube lists a published thread with a held reply."""
    first: dict[str, dict[str, Any]] = {}
    kept: list[list[dict[str, Any]]] = []
    for items in pages:
        fresh = []
        for thread in items:
            thread_id = str(thread.get("id", ""))
            earlier = first.get(thread_id)
            if earlier is None:
                copied = copy.deepcopy(thread)
                first[thread_id] = copied
                fresh.append(copied)
                continue
            replies = earlier.setdefault("replies", {}).setdefault("comments", [])
            known = {str(reply.get("id")) for reply in replies}
            for reply in (thread.get("replies") or {}).get("comments") or []:
                if str(reply.get("id")) not in known:
                    replies.append(copy.deepcopy(reply))
                    known.add(str(reply.get("id")))
        kept.append(fresh)
    return kept


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


# A Google Cloud project's default allowance (quota units a day, reset at midnight Pacific time).
DAILY_QUOTA = 10_000
SUBSCRIBERS_LISTED_AT_MOST = 1000  # reported, not documented (docs/production.md §9)


def expected_weekly_units(channel: dict[str, Any]) -> int:
    """The quota a weekly run of this channel spends at least, from its `statistics`: the channel, its uploads
    and their videos (50 a call), its visible subscribers (50 a call), and one channel-wide comment listing per
    moderation state (100 threads a call; more pages and the replies beyond those embedded add to it)."""
    statistics = channel.get("statistics") or {}

    def count(name: str) -> int:
        try:
            return max(int(statistics.get(name) or 0), 0)
        except (TypeError, ValueError):
            return 0

    videos = count("videoCount")
    subscribers = min(count("subscriberCount"), SUBSCRIBERS_LISTED_AT_MOST)
    pages = lambda n, size: max(1, -(-n // size))  # noqa: E731 - ceil, at least the one call
    return (
        1
        + pages(videos, 50)
        + (pages(videos, 50) if videos else 0)
        + pages(subscribers, 50)
        + len(MODERATION_STATES)
    )


def probe_comments(youtube: Any, channel_id: str, policy: RetryPolicy) -> int:
    """One commentThreads call as a run makes it (the channel-wide listing, force-ssl scope, a held state only
    the owner may read); how many threads it returned."""
    params = {
        "allThreadsRelatedToChannelId": channel_id,
        "part": "snippet,replies",
        "maxResults": 1,
        "moderationStatus": "heldForReview",
    }
    payload = _execute(youtube.commentThreads().list(**params), "comments", policy)
    return len(payload.get("items") or [])
