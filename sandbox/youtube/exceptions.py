"""Google API error bodies as the YouTube Data API v3 sends them: `{"error": {code, message, errors, status}}`."""

from __future__ import annotations

from sandbox.http import GOOGLE_JSON, JsonObject, Reply, json_reply

GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
STATUS_TITLES = {500: "Internal Server Error", 503: "Service Unavailable"}
STATUS_REASONS = {500: "backendError", 503: "serviceUnavailable"}


def google_error(
    code: int,
    reason: str,
    message: str,
    domain: str = "global",
    location: str | None = None,
    location_type: str = "parameter",
) -> Reply:
    detail: JsonObject = {"message": message, "domain": domain, "reason": reason}
    if location:
        detail.update(location=location, locationType=location_type)
    payload = {
        "error": {
            "code": code,
            "message": message,
            "errors": [detail],
            "status": GOOGLE_STATUS.get(code, "UNKNOWN"),
        }
    }
    return json_reply(code, payload, GOOGLE_JSON)


# -- authorization


def auth_error() -> Reply:
    return google_error(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
        location="Authorization",
        location_type="header",
    )


def unregistered_caller() -> Reply:
    return google_error(
        403,
        "forbidden",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
    )


def authorization_required(parameter: str) -> Reply:
    return google_error(
        401,
        "authorizationRequired",
        f"The request uses the <code>{parameter}</code> parameter but is not properly authorized.",
        domain="youtube.parameter",
        location=parameter,
    )


# -- parameters


def required_part() -> Reply:
    return google_error(400, "required", "Required parameter: part", location="part")


def unknown_part(part: str) -> Reply:
    return google_error(400, "unknownPart", f"'{part}'", domain="youtube.part", location="part")


def invalid_value(name: str, message: str) -> Reply:
    return google_error(400, "invalidParameter", message, location=name)


def missing_filter(names: list[str]) -> Reply:
    message = f"No filter selected. Expected one of: {', '.join(names)}"
    return google_error(400, "missingRequiredParameter", message, domain="youtube.parameter")


def incompatible_filters(given: list[str]) -> Reply:
    message = f"Incompatible parameters specified in the request: {', '.join(given)}"
    return google_error(400, "incompatibleParameters", message, domain="youtube.parameter")


def too_many_ids(count: int, most: int) -> Reply:
    message = f"The request specifies {count} video ids; at most {most} are allowed."
    return google_error(400, "invalidFilters", message, domain="youtube.parameter")


def invalid_page_token() -> Reply:
    return google_error(
        400,
        "invalidPageToken",
        "The request specifies an invalid page token.",
        domain="youtube.parameter",
        location="pageToken",
    )


# -- resources


def playlist_not_found() -> Reply:
    return google_error(
        404,
        "playlistNotFound",
        "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
        domain="youtube.playlistItem",
        location="playlistId",
    )


def video_not_found() -> Reply:
    return google_error(
        404,
        "videoNotFound",
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
        "videoId</a></code> parameter could not be found.",
        domain="youtube.commentThread",
        location="videoId",
    )


def comments_disabled() -> Reply:
    return google_error(
        403,
        "commentsDisabled",
        'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">'
        "videoId</a></code> parameter has disabled comments.",
        domain="youtube.commentThread",
        location="videoId",
    )


def channel_not_found(parameter: str) -> Reply:
    return google_error(
        404,
        "channelNotFound",
        f"The channel identified by the <code>{parameter}</code> parameter could not be found.",
        domain="youtube.commentThread",
        location=parameter,
    )


def not_found() -> Reply:
    return google_error(404, "notFound", "Not Found")


# -- limits and failures


def rate_limit_exceeded() -> Reply:
    return google_error(
        429, "rateLimitExceeded", "The request cannot be completed because you have exceeded your rate limit."
    )


def key_invalid() -> Reply:
    return google_error(400, "badRequest", "API key not valid. Please pass a valid API key.")


def rate_limit_exceeded_403() -> Reply:
    """The per-user or per-project burst limit, as the YouTube errors reference lists it: 403 `rateLimitExceeded`
    (a retry after a wait succeeds, unlike `quotaExceeded`)."""
    return google_error(
        403, "rateLimitExceeded", "The request cannot be completed because you have exceeded your rate limit."
    )


def quota_exceeded() -> Reply:
    return google_error(
        403,
        "quotaExceeded",
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started'
        '#quota">quota</a>.',
        domain="youtube.quota",
    )


def server_error(status: int) -> Reply:
    """500 or 503, with the reason Google gives for each."""
    return google_error(status, STATUS_REASONS[status], STATUS_TITLES[status])


def sandbox_failed() -> Reply:
    return google_error(500, "backendError", "The sandbox failed on this request.")


# -- scopes, tokens, vanished objects


def insufficient_permissions(service_method: str) -> Reply:
    """A valid token without a scope the method accepts, as Google answers it (403, and an ErrorInfo detail)."""
    payload = {
        "error": {
            "code": 403,
            "message": "Request had insufficient authentication scopes.",
            "errors": [
                {
                    "message": "Insufficient Permission",
                    "domain": "global",
                    "reason": "insufficientPermissions",
                }
            ],
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                    "metadata": {"service": "youtube.googleapis.com", "method": service_method},
                }
            ],
        }
    }
    return json_reply(403, payload, GOOGLE_JSON)


def invalid_credentials() -> Reply:
    """An access token that expired (or was revoked): the client is expected to refresh it and retry."""
    reply = google_error(
        401, "authError", "Invalid Credentials", location="Authorization", location_type="header"
    )
    reply.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    return reply


def moderation_forbidden() -> Reply:
    return google_error(
        403,
        "forbidden",
        "The request is not properly authorized to retrieve comments with this moderation status: only the "
        "channel's owner may.",
        domain="youtube.commentThread",
        location="moderationStatus",
    )


def comment_not_found(parameter: str) -> Reply:
    return google_error(
        404,
        "commentNotFound",
        f"One or more of the comments identified by the <code>{parameter}</code> parameter could not be found.",
        domain="youtube.comment",
        location=parameter,
    )


def token_error(error: str, description: str) -> Reply:
    return json_reply(400, {"error": error, "error_description": description}, GOOGLE_JSON)


def gone(route: str) -> Reply:
    """The object of this call was deleted (or made private) after it was listed."""
    if route == "yt.commentThreads":
        return video_not_found()
    if route == "yt.comments":
        return comment_not_found("parentId")
    if route == "yt.playlistItems":
        return playlist_not_found()
    return not_found()
