"""The YouTube Data API v3 list calls the pipeline uses: parts and filters checked the way YouTube checks
them (the first problem answers), resources rendered with the parts asked for, pages cut and tokens issued."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sandbox.credentials import SandboxAccess
from sandbox.http import (
    GOOGLE_JSON,
    ApiError,
    ApiRequest,
    JsonObject,
    Reply,
    bearer_or_oauth_token,
    decode_page_token,
    encode_page_token,
    etag_of,
    json_reply,
)
from sandbox.ledger import Ledger
from sandbox.youtube import exceptions as errors
from sandbox.youtube.models import YouTubeBackend, YouTubeChannel
from sandbox.youtube.oauth import TokenRegistry, method_scopes, parameter_bounds

YT_CHANNEL_PARTS = frozenset(
    [
        "auditDetails",
        "brandingSettings",
        "contentDetails",
        "contentOwnerDetails",
        "id",
        "localizations",
        "snippet",
        "statistics",
        "status",
        "topicDetails",
    ]
)
YT_PLAYLIST_ITEM_PARTS = frozenset({"contentDetails", "id", "snippet", "status"})
YT_VIDEO_PARTS = frozenset(
    [
        "contentDetails",
        "fileDetails",
        "id",
        "liveStreamingDetails",
        "localizations",
        "paidProductPlacementDetails",
        "player",
        "processingDetails",
        "recordingDetails",
        "snippet",
        "statistics",
        "status",
        "suggestions",
        "topicDetails",
    ]
)
YT_SUBSCRIPTION_PARTS = frozenset({"contentDetails", "id", "snippet", "subscriberSnippet"})
YT_COMMENT_THREAD_PARTS = frozenset({"id", "replies", "snippet"})
YT_COMMENT_PARTS = frozenset({"id", "snippet"})
YT_MODERATION_STATES = frozenset({"published", "heldForReview", "likelySpam", "rejected"})
# A thread carries a few of its replies; the rest are read with comments.list(parentId=...).
YT_EMBEDDED_REPLIES = 5
YT_MAX_IDS = 50
# The service method names Google puts in a scope refusal's ErrorInfo.
YT_SERVICE_METHODS = {
    "channels": "youtube.api.v3.V3DataChannelService.List",
    "playlistItems": "youtube.api.v3.V3DataPlaylistItemService.List",
    "videos": "youtube.api.v3.V3DataVideoService.List",
    "subscriptions": "youtube.api.v3.V3DataSubscriptionService.List",
    "commentThreads": "youtube.api.v3.V3DataCommentThreadService.List",
    "comments": "youtube.api.v3.V3DataCommentService.List",
}


def _yt_ids(request: ApiRequest, name: str) -> list[str]:
    return [value.strip() for value in request.query.get(name, "").split(",") if value.strip()]


def _yt_parts(request: ApiRequest, allowed: frozenset[str]) -> list[str]:
    parts = _yt_ids(request, "part")
    if not parts:
        raise ApiError(errors.required_part())
    for part in parts:
        if part not in allowed:
            raise ApiError(errors.unknown_part(part))
    return parts


def _yt_int(request: ApiRequest, name: str, low: int, high: int, default: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise ApiError(errors.invalid_value(name, f"Invalid value '{raw}'."))
    if not low <= int(raw) <= high:
        message = f"Invalid value '{raw}'. Values must be within the range: [{low}, {high}]"
        raise ApiError(errors.invalid_value(name, message))
    return int(raw)


def _yt_max_results(request: ApiRequest, resource: str, default: int) -> int:
    """`maxResults` within the bounds the discovery document gives `youtube.<resource>.list`."""
    low, high = parameter_bounds(resource, "maxResults")
    return _yt_int(request, "maxResults", low, high, default)


def _yt_filter(request: ApiRequest, names: Sequence[str]) -> str:
    """The single filter parameter a list call uses; YouTube refuses none or several."""
    given = [name for name in names if request.query.get(name, "") not in ("", "false")]
    if not given:
        raise ApiError(errors.missing_filter(list(names)))
    if len(given) > 1:
        raise ApiError(errors.incompatible_filters(given))
    return given[0]


def _yt_page(
    items: list[JsonObject], page_size: int, request: ApiRequest, stream: str
) -> tuple[list[JsonObject], str | None, str | None]:
    token = request.query.get("pageToken")
    offset = 0
    if token:
        decoded = decode_page_token(token, stream)
        if decoded is None or decoded > len(items):
            raise ApiError(errors.invalid_page_token())
        offset = decoded
    page = items[offset : offset + page_size]
    # A page size of 0 answers only pageInfo: offering a next page would loop forever.
    has_next = page_size > 0 and offset + page_size < len(items)
    next_token = encode_page_token(stream, offset + page_size) if has_next else None
    prev_token = encode_page_token(stream, max(0, offset - page_size)) if offset > 0 else None
    return page, next_token, prev_token


def render_resource(resource: JsonObject, parts: Iterable[str], kind: str) -> JsonObject:
    rendered: JsonObject = {
        "kind": resource.get("kind", kind),
        "etag": resource.get("etag") or etag_of(resource),
    }
    if "id" in resource:
        rendered["id"] = resource["id"]
    for part in parts:
        if part != "id" and part in resource:
            rendered[part] = resource[part]
    return rendered


def list_reply(
    kind: str,
    items: list[JsonObject],
    total: int,
    per_page: int,
    next_token: str | None = None,
    prev_token: str | None = None,
    omit_empty_items: bool = False,
) -> Reply:
    body: JsonObject = {"kind": kind, "etag": etag_of([kind, items, next_token])}
    if next_token:
        body["nextPageToken"] = next_token
    if prev_token:
        body["prevPageToken"] = prev_token
    body["pageInfo"] = {"totalResults": total, "resultsPerPage": per_page}
    # channels.list leaves `items` out altogether when nothing matched, as YouTube does.
    if items or not omit_empty_items:
        body["items"] = items
    return json_reply(200, body, GOOGLE_JSON)


@dataclass(frozen=True)
class Caller:
    """Who a YouTube call comes from: an owner's OAuth token (`channel_id` is the channel it signed in as) or an
    API key (no channel)."""

    channel_id: str | None

    @property
    def signed_in(self) -> bool:
        return self.channel_id is not None


class YouTubeResponses:
    """The YouTube Data API v3 list calls the pipeline uses, over the dataset's youtube/<channel>/ directories.

    Every call comes from a token or API key the dataset knows and spends a unit of the project's daily quota;
    `mine` and `mySubscribers` answer for the channel the token signed in as."""

    def __init__(
        self,
        backend: YouTubeBackend,
        tokens: TokenRegistry | None = None,
        access: SandboxAccess | None = None,
        ledger: Ledger | None = None,
        seed: int | None = None,
    ) -> None:
        self.backend = backend
        self.tokens = tokens or TokenRegistry()
        self.access = access or self.tokens.access
        self.ledger = ledger or Ledger(self.access.daily_quota, self.access.project)
        # Subscribers come "in no particular order": a different order every time the sandbox starts.
        self._rng = random.Random(seed)
        self._orders: dict[str, list[JsonObject]] = {}
        self._orders_lock = threading.Lock()

    def authorize(self, request: ApiRequest, resource: str) -> Caller:
        """An owner's token the dataset knows, holding one of the scopes the discovery document lists for
        `youtube.<resource>.list`, or a known API key; the call then spends one unit of the project's quota."""
        if request.authorization:
            token = bearer_or_oauth_token(request.authorization)
            if not request.authorization.startswith("Bearer ") or not token:
                raise ApiError(errors.auth_error())
            grant = self.tokens.grant(token)
            if grant is None:
                raise ApiError(errors.invalid_credentials())
            self._spend(resource)
            channel_id, scopes = grant
            if not scopes & method_scopes(resource):
                raise ApiError(errors.insufficient_permissions(YT_SERVICE_METHODS[resource]))
            return Caller(channel_id)
        key = request.query.get("key")
        if not key:
            raise ApiError(errors.unregistered_caller())
        if key not in self.access.api_keys:
            raise ApiError(errors.key_invalid())
        self._spend(resource)
        return Caller(None)

    def _spend(self, resource: str) -> None:
        if not self.ledger.spend_quota(f"yt.{resource}"):
            raise ApiError(errors.quota_exceeded())

    def owned_channel(self, caller: Caller, parameter: str) -> YouTubeChannel | None:
        if not caller.signed_in:
            raise ApiError(errors.authorization_required(parameter))
        return self.backend.channel(str(caller.channel_id))

    def subscribers_seen(self, channel: YouTubeChannel) -> list[JsonObject]:
        """What `mySubscribers` lists: public subscriptions only (the dataset's), in an order of this start,
        at most the cap YouTube applies."""
        with self._orders_lock:
            if channel.channel_id not in self._orders:
                shuffled = list(channel.subscribers)
                self._rng.shuffle(shuffled)
                self._orders[channel.channel_id] = shuffled
            return self._orders[channel.channel_id][: self.access.subscriber_cap]

    def serve_channels(self, request: ApiRequest) -> Reply:
        caller = self.authorize(request, "channels")
        parts = _yt_parts(request, YT_CHANNEL_PARTS)
        page_size = _yt_max_results(request, "channels", 5)
        chosen = _yt_filter(
            request, ["categoryId", "forHandle", "forUsername", "id", "managedByMe", "mine", "mySubscribers"]
        )
        channels: list[YouTubeChannel] = []
        if chosen == "mine":
            mine = self.owned_channel(caller, "mine")
            channels = [mine] if mine else []
        elif chosen == "id":
            wanted = _yt_ids(request, "id")
            channels = [c for c in self.backend.channels if c.channel_id in wanted]
            channels.sort(key=lambda c: wanted.index(c.channel_id))
        elif chosen == "forHandle":
            handle = request.query["forHandle"].lstrip("@").lower()
            channels = [c for c in self.backend.channels if c.handle.lstrip("@").lower() == handle][:1]
        items = [render_resource(c.channel, parts, "youtube#channel") for c in channels]
        return list_reply("youtube#channelListResponse", items, len(items), page_size, omit_empty_items=True)

    def serve_playlist_items(self, request: ApiRequest) -> Reply:
        self.authorize(request, "playlistItems")
        parts = _yt_parts(request, YT_PLAYLIST_ITEM_PARTS)
        page_size = _yt_max_results(request, "playlistItems", 5)
        chosen = _yt_filter(request, ["id", "playlistId"])
        playlists = self.backend.playlists
        if chosen == "playlistId":
            playlist_id = request.query["playlistId"]
            if playlist_id not in playlists:
                raise ApiError(errors.playlist_not_found())
            items = playlists[playlist_id]
            video_id = request.query.get("videoId")
            if video_id:
                items = [item for item in items if item["contentDetails"]["videoId"] == video_id]
        else:
            wanted = set(_yt_ids(request, "id"))
            items = [item for playlist in playlists.values() for item in playlist if item["id"] in wanted]
        stream = f"playlistItems:{chosen}:{request.query[chosen]}"
        page, next_token, prev_token = _yt_page(items, page_size, request, stream)
        rendered = [render_resource(item, parts, "youtube#playlistItem") for item in page]
        return list_reply(
            "youtube#playlistItemListResponse", rendered, len(items), page_size, next_token, prev_token
        )

    def serve_videos(self, request: ApiRequest) -> Reply:
        self.authorize(request, "videos")
        parts = _yt_parts(request, YT_VIDEO_PARTS)
        _yt_max_results(request, "videos", 5)
        chosen = _yt_filter(request, ["chart", "id", "myRating"])
        videos: list[JsonObject] = []
        if chosen == "id":
            wanted = list(dict.fromkeys(_yt_ids(request, "id")))
            if len(wanted) > YT_MAX_IDS:
                raise ApiError(errors.too_many_ids(len(wanted), YT_MAX_IDS))
            for video_id in wanted:
                found = self.backend.video(video_id)
                if found:
                    videos.append(found[1])
        items = [render_resource(video, parts, "youtube#video") for video in videos]
        return list_reply("youtube#videoListResponse", items, len(items), len(items))

    def serve_subscriptions(self, request: ApiRequest) -> Reply:
        caller = self.authorize(request, "subscriptions")
        parts = _yt_parts(request, YT_SUBSCRIPTION_PARTS)
        page_size = _yt_max_results(request, "subscriptions", 5)
        chosen = _yt_filter(request, ["channelId", "id", "mine", "myRecentSubscribers", "mySubscribers"])
        subscriptions: list[JsonObject] = []
        if chosen == "mySubscribers":
            channel = self.owned_channel(caller, chosen)
            subscriptions = self.subscribers_seen(channel) if channel else []
        elif chosen == "myRecentSubscribers":
            channel = self.owned_channel(caller, chosen)
            newest = sorted(
                channel.subscribers if channel else [],
                key=lambda s: str((s.get("snippet") or {}).get("publishedAt", "")),
                reverse=True,
            )
            subscriptions = newest[: self.access.subscriber_cap]
        elif chosen == "mine":
            # The dataset holds who subscribes to the school, not whom the school subscribes to.
            self.owned_channel(caller, "mine")
        elif chosen == "id":
            wanted = set(_yt_ids(request, "id"))
            subscriptions = [s for c in self.backend.channels for s in c.subscribers if s.get("id") in wanted]
        stream = f"subscriptions:{chosen}:{request.query[chosen]}"
        page, next_token, prev_token = _yt_page(subscriptions, page_size, request, stream)
        rendered = [render_resource(item, parts, "youtube#subscription") for item in page]
        return list_reply(
            "youtube#subscriptionListResponse",
            rendered,
            len(subscriptions),
            page_size,
            next_token,
            prev_token,
        )

    def serve_comment_threads(self, request: ApiRequest) -> Reply:
        caller = self.authorize(request, "commentThreads")
        parts = _yt_parts(request, YT_COMMENT_THREAD_PARTS)
        page_size = _yt_max_results(request, "commentThreads", 20)
        chosen = _yt_filter(request, ["allThreadsRelatedToChannelId", "channelId", "id", "videoId"])
        moderation = request.query.get("moderationStatus", "published")
        if moderation not in YT_MODERATION_STATES:
            raise ApiError(errors.invalid_value("moderationStatus", f"Invalid value '{moderation}'."))
        if "moderationStatus" in request.query and chosen == "id":
            raise ApiError(errors.incompatible_filters(["id", "moderationStatus"]))
        value = request.query[chosen]
        threads: list[JsonObject]
        owning: YouTubeChannel | None = None
        if chosen == "videoId":
            found = self.backend.video(value)
            if found is None:
                raise ApiError(errors.video_not_found())
            owning, video = found
            if video.get("status", {}).get("madeForKids"):
                raise ApiError(errors.comments_disabled())
            threads = [t for t in owning.threads if t.get("snippet", {}).get("videoId") == value]
        elif chosen == "id":
            wanted = set(value.split(","))
            threads = [t for c in self.backend.channels for t in c.threads if t.get("id") in wanted]
        else:
            owning = self.backend.channel(value)
            if owning is None:
                raise ApiError(errors.channel_not_found(chosen))
            threads = owning.threads
            if chosen == "channelId":
                # Deprecated: only discussion threads about the channel itself, not about its videos.
                threads = [t for t in threads if not t.get("snippet", {}).get("videoId")]
        is_owner = owning is not None and caller.channel_id == owning.channel_id
        if moderation != "published":
            # Held and spam comments are the channel owner's to see, with the owner's own token.
            if not caller.signed_in:
                raise ApiError(errors.authorization_required("moderationStatus"))
            if not is_owner:
                raise ApiError(errors.moderation_forbidden())
        if chosen != "id":
            threads = [t for t in threads if listed_under(t, moderation)]
        page, next_token, prev_token = _yt_page(
            threads, page_size, request, f"commentThreads:{chosen}:{value}:{moderation}"
        )
        # The owner sees every comment's moderation state (not through the id filter); others published ones only.
        show_states = is_owner and chosen != "id"
        rendered = [render_thread(item, parts, show_states) for item in page]
        return list_reply(
            "youtube#commentThreadListResponse", rendered, len(threads), page_size, next_token, prev_token
        )

    def serve_token(self, request: ApiRequest) -> Reply:
        if request.method != "POST":
            return errors.token_error("invalid_request", "Send the refresh as a POST form.")
        return self.tokens.refresh(request.body)

    def serve_comments(self, request: ApiRequest) -> Reply:
        """comments.list: the replies of one thread (`parentId`) or comments by id."""
        caller = self.authorize(request, "comments")
        parts = _yt_parts(request, YT_COMMENT_PARTS)
        page_size = _yt_max_results(request, "comments", 20)
        chosen = _yt_filter(request, ["id", "parentId"])
        value = request.query[chosen]
        threads = [t for c in self.backend.channels for t in c.threads]
        comments: list[JsonObject]
        if chosen == "parentId":
            parent = next((t for t in threads if _top_comment_id(t) == value or t.get("id") == value), None)
            if parent is None:
                raise ApiError(errors.comment_not_found("parentId"))
            owner = self.backend.channel_of_thread(parent)
            is_owner = owner is not None and caller.channel_id == owner.channel_id
            comments = [with_state(c, is_owner) for c in thread_replies(parent) if is_owner or published(c)]
        else:
            wanted = set(value.split(","))
            everything = [c for t in threads for c in [t.get("snippet", {}).get("topLevelComment", {})]]
            everything += [c for t in threads for c in thread_replies(t)]
            comments = [c for c in everything if c.get("id") in wanted]
        page, next_token, prev_token = _yt_page(comments, page_size, request, f"comments:{chosen}:{value}")
        rendered = [render_resource(item, parts, "youtube#comment") for item in page]
        return list_reply(
            "youtube#commentListResponse", rendered, len(comments), page_size, next_token, prev_token
        )


def _top_comment_id(thread: JsonObject) -> str:
    return str(thread.get("snippet", {}).get("topLevelComment", {}).get("id", ""))


def comment_state(comment: JsonObject) -> str:
    return str((comment.get("snippet") or {}).get("moderationStatus") or "published")


def published(comment: JsonObject) -> bool:
    return comment_state(comment) == "published"


def thread_moderation(thread: JsonObject) -> str:
    return comment_state(thread.get("snippet", {}).get("topLevelComment", {}))


def listed_under(thread: JsonObject, moderation: str) -> bool:
    """Whether `commentThreads.list(moderationStatus=...)` returns the thread: `published` when its top-level
    comment is published; `heldForReview` and `likelySpam` when the top-level comment **or at least one reply**
    is in that state, so one thread can come back under two states (the YouTube reference says so)."""
    if moderation == "published":
        return thread_moderation(thread) == "published"
    return thread_moderation(thread) == moderation or any(
        comment_state(reply) == moderation for reply in thread_replies(thread)
    )


def with_state(comment: JsonObject, shown: bool) -> JsonObject:
    """A comment as rendered: with its `moderationStatus` for the owner, without it for anyone else."""
    snippet = dict(comment.get("snippet") or {})
    if shown:
        snippet["moderationStatus"] = comment_state(comment)
    else:
        snippet.pop("moderationStatus", None)
    return {**comment, "snippet": snippet}


def thread_replies(thread: JsonObject) -> list[JsonObject]:
    replies = (thread.get("replies") or {}).get("comments") or []
    return [reply for reply in replies if isinstance(reply, dict)]


def render_thread(thread: JsonObject, parts: Iterable[str], owner: bool = False) -> JsonObject:
    """A commentThread with the parts asked for; `replies` carries at most a few replies, as YouTube's does,
    and only when the thread has any. The owner sees every comment with its state; anyone else the published."""
    parts = list(parts)
    snippet = dict(thread.get("snippet") or {})
    if "topLevelComment" in snippet:
        snippet["topLevelComment"] = with_state(snippet["topLevelComment"], owner)
    rendered = render_resource(
        {**thread, "snippet": snippet}, [p for p in parts if p != "replies"], "youtube#commentThread"
    )
    replies = [with_state(r, owner) for r in thread_replies(thread) if owner or published(r)]
    if "replies" in parts and replies:
        rendered["replies"] = {"comments": replies[:YT_EMBEDDED_REPLIES]}
    return rendered
