"""The YouTube writes a channel owner makes about a finding, as the Data API enforces them: the owner's OAuth token
(an API key cannot write), a scope the discovery document lists for the method (comments.setModerationStatus:
youtube.force-ssl only), 50 quota units a call, only the channel's own comments moderated and its own videos
updated; videos.update resets any mutable status field the request leaves out. Accepted writes are kept in the
dataset's journal (sandbox/writes.py), so the next week's lists show them."""

from __future__ import annotations

import json

from sandbox.http import (
    GOOGLE_JSON,
    ApiError,
    ApiRequest,
    JsonObject,
    Reply,
    Route,
    bearer_or_oauth_token,
    json_reply,
    route,
)
from sandbox.writes import WriteJournal
from sandbox.youtube import exceptions as errors
from sandbox.youtube.oauth import method_scopes
from sandbox.youtube.responses import YT_VIDEO_PARTS, YouTubeResponses, render_resource

YT_WRITE_ROUTES = ("yt.setModerationStatus", "yt.videos_update")
WRITE_UNITS = 50
MAX_COMMENT_IDS = 50
MODERATION_STATES = ("heldForReview", "published", "rejected")
PRIVACY_STATES = ("public", "unlisted", "private")
# What a status update sets; one left out of the request goes back to its default (the reference's warning).
STATUS_DEFAULTS: JsonObject = {
    "privacyStatus": "public",
    "embeddable": True,
    "license": "youtube",
    "publicStatsViewable": True,
}
STATUS_MUTABLE = (*STATUS_DEFAULTS, "publishAt", "selfDeclaredMadeForKids", "containsSyntheticMedia")
SERVICE_METHODS = {
    ("comments", "setModerationStatus"): "youtube.api.v3.V3DataCommentService.SetModerationStatus",
    ("videos", "update"): "youtube.api.v3.V3DataVideoService.Update",
}


def login_required() -> Reply:
    return errors.google_error(
        401, "required", "Login Required.", location="Authorization", location_type="header"
    )


def moderation_forbidden() -> Reply:
    return errors.google_error(
        403,
        "forbidden",
        "The moderation status of one or more comments cannot be set: only the owner of the channel or video "
        "they were written on may.",
        domain="youtube.comment",
    )


def video_forbidden() -> Reply:
    return errors.google_error(
        403,
        "forbidden",
        "The video that you are trying to update cannot be updated. The request might not be properly authorized.",
        domain="youtube.video",
    )


def video_not_found() -> Reply:
    return errors.google_error(
        404,
        "videoNotFound",
        "The video that you are trying to update cannot be found. Check the value of the id field in the request "
        "body to ensure that it is correct.",
        domain="youtube.video",
        location="body.id",
    )


class YouTubeWrites:
    def __init__(self, api: YouTubeResponses, journal: WriteJournal) -> None:
        self.api = api
        self.journal = journal

    def _owner(self, request: ApiRequest, resource: str, method: str) -> str:
        """The channel whose owner's token signed the call, which then spends its quota units; a token without
        one of the method's scopes is refused after spending them (every call that reaches the API counts)."""
        if not request.authorization:
            raise ApiError(login_required())
        token = bearer_or_oauth_token(request.authorization)
        if not request.authorization.startswith("Bearer ") or not token:
            raise ApiError(errors.auth_error())
        grant = self.api.tokens.grant(token)
        if grant is None:
            raise ApiError(errors.invalid_credentials())
        if not self.api.ledger.spend_quota(f"yt.{resource}.{method}", WRITE_UNITS):
            raise ApiError(errors.quota_exceeded())
        channel_id, scopes = grant
        if not scopes & method_scopes(resource, method):
            raise ApiError(errors.insufficient_permissions(SERVICE_METHODS[(resource, method)]))
        return channel_id

    def set_moderation_status(self, request: ApiRequest) -> Reply:
        """POST /youtube/v3/comments/setModerationStatus?id=...&moderationStatus=...[&banAuthor=true]: 204."""
        channel_id = self._owner(request, "comments", "setModerationStatus")
        ids = [i.strip() for i in request.query.get("id", "").split(",") if i.strip()]
        status = request.query.get("moderationStatus", "")
        ban = request.query.get("banAuthor", "false").lower() == "true"
        if not ids:
            raise ApiError(errors.google_error(400, "required", "Required parameter: id", location="id"))
        if not status:
            message = "Required parameter: moderationStatus"
            raise ApiError(errors.google_error(400, "required", message, location="moderationStatus"))
        if status not in MODERATION_STATES:
            raise ApiError(errors.invalid_value("moderationStatus", f"Invalid value '{status}'."))
        if len(ids) > MAX_COMMENT_IDS:
            raise ApiError(
                errors.invalid_value("id", f"At most {MAX_COMMENT_IDS} comment ids, not {len(ids)}.")
            )
        if ban and status != "rejected":
            message = "The banAuthor parameter can only be used if the moderationStatus parameter value is rejected."
            raise ApiError(errors.google_error(400, "banWithoutReject", message, domain="youtube.comment"))
        found = [self.journal.comment(i) for i in ids]
        if any(f is None for f in found):
            raise ApiError(errors.comment_not_found("id"))
        for channel, _, comment in (f for f in found if f is not None):
            if channel.channel_id != channel_id:
                raise ApiError(moderation_forbidden())
            current = (comment.get("snippet") or {}).get("moderationStatus", "published")
            if current == "rejected" and status == "published":
                message = "A rejected comment cannot be published again."
                raise ApiError(
                    errors.google_error(400, "operationNotSupported", message, domain="youtube.comment")
                )
        entry = {"kind": "yt.moderate", "channel_id": channel_id, "comment_ids": ids, "status": status}
        self.journal.record({**entry, "ban_author": ban})
        return Reply(204, b"", GOOGLE_JSON)

    def update_video(self, request: ApiRequest) -> Reply:
        """PUT /youtube/v3/videos?part=status with the video resource: the owner's own video."""
        channel_id = self._owner(request, "videos", "update")
        parts = [p.strip() for p in request.query.get("part", "").split(",") if p.strip()]
        if not parts:
            raise ApiError(errors.required_part())
        for part in parts:
            if part not in YT_VIDEO_PARTS:
                raise ApiError(errors.unknown_part(part))
        if parts != ["status"] and set(parts) - {"status", "id"}:
            message = "This sandbox writes the status part of a video only (part=status)."
            raise ApiError(
                errors.google_error(400, "invalidPart", message, domain="youtube.part", location="part")
            )
        try:
            body = json.loads(request.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict) or not body.get("id"):
            raise ApiError(errors.google_error(400, "required", "Required parameter: id", location="body.id"))
        found = self.api.backend.video(str(body["id"]))
        if found is None:
            raise ApiError(video_not_found())
        channel, video = found
        if channel.channel_id != channel_id:
            raise ApiError(video_forbidden())
        sent = body.get("status") or {}
        if not isinstance(sent, dict):
            raise ApiError(errors.invalid_value("status", "The status part must be an object."))
        if "privacyStatus" in sent and sent["privacyStatus"] not in PRIVACY_STATES:
            message = f"Invalid value '{sent['privacyStatus']}'."
            raise ApiError(errors.invalid_value("status.privacyStatus", message))
        current = dict(video.get("status") or {})
        status = {k: v for k, v in current.items() if k not in STATUS_MUTABLE}
        status.update(STATUS_DEFAULTS)
        status.update({k: v for k, v in sent.items() if k in STATUS_MUTABLE})
        if "selfDeclaredMadeForKids" in sent:
            status["madeForKids"] = bool(sent["selfDeclaredMadeForKids"])
        self.journal.record({"kind": "yt.video_status", "video_id": video["id"], "status": status})
        for item in self.api.backend.playlists.get(channel.uploads_playlist_id, []):
            if item["contentDetails"]["videoId"] == video["id"]:
                item["status"] = {"privacyStatus": status["privacyStatus"]}
        return json_reply(200, render_resource(video, parts, "youtube#video"), GOOGLE_JSON)


def write_routes(writes: YouTubeWrites) -> dict[str, list[Route]]:
    """The write routes by HTTP method."""
    return {
        "POST": [
            route(
                "yt.setModerationStatus",
                r"/youtube/v3/comments/setModerationStatus",
                writes.set_moderation_status,
            )
        ],
        "PUT": [route("yt.videos_update", r"/youtube/v3/videos", writes.update_video)],
    }
