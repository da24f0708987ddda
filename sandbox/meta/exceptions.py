"""Graph API error bodies: `{"error": {message, type, code, error_subcode?, is_transient?, fbtrace_id}}`, HTTP 400
for nearly all of them (reference: meta-apis.md §5-§6), with the usage headers a throttle carries."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from sandbox.http import JsonObject, Reply, json_reply

GRAPH_JSON = "application/json; charset=UTF-8"


def graph_error(
    code: int,
    message: str,
    kind: str = "OAuthException",
    subcode: int | None = None,
    status: int = 400,
    transient: bool | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    error: JsonObject = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(15)
    reply = json_reply(status, {"error": error}, GRAPH_JSON)
    # Graph marks every error answer so proxies and clients do not treat it as a page of data.
    reply.headers["WWW-Authenticate"] = f'OAuth "Facebook Platform" "{kind}" "{message[:60]}"'
    reply.headers.update(headers or {})
    return reply


def unknown_path(path: str) -> Reply:
    """A version Graph does not have (or none): the path is not understood at all."""
    return graph_error(2500, f"Unknown path components: {path}")


def token_required() -> Reply:
    return graph_error(104, "An access token is required to request this resource.")


def invalid_token() -> Reply:
    return graph_error(190, "Invalid OAuth access token - Cannot parse access token")


def session_expired() -> Reply:
    now = datetime.now(UTC)
    stamp = now.strftime("%A, %d-%b-%y %H:%M:%S UTC")
    return graph_error(
        190,
        f"Error validating access token: Session has expired on {stamp}. The current time is {stamp}.",
        subcode=463,
    )


def page_token_required() -> Reply:
    return graph_error(210, "(#210) A page access token is required to request this resource.")


def missing_permission(permission: str) -> Reply:
    return graph_error(
        10,
        f"(#10) This endpoint requires the '{permission}' permission or the 'Page Public Content Access' feature.",
    )


def write_permission(permission: str) -> Reply:
    return graph_error(200, f"(#200) Requires {permission} permission to manage the object")


def gone(object_id: str, method: str = "get") -> Reply:
    """Deleted, never existed, or not visible to this token: Graph does not say which."""
    return graph_error(
        100,
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation. Please read the Graph API documentation at "
        "https://developers.facebook.com/docs/graph-api",
        kind="GraphMethodException",
        subcode=33,
    )


def not_the_pages_post(object_id: str) -> Reply:
    """A visitor's post on the Page: meta-apis.md §4 documents deleting the Page's own posts only, so the sandbox
    refuses the rest (its author removes it, or a Page admin in Facebook)."""
    return graph_error(
        100,
        f"(#100) Post {object_id} was not published by this Page: only its author can delete it through the API",
    )


def nonexisting_field(name: str, node_type: str) -> Reply:
    return graph_error(100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})")


def invalid_parameter(message: str) -> Reply:
    return graph_error(100, f"(#100) {message}")


def unknown_error() -> Reply:
    return graph_error(1, "An unknown error occurred", status=500, transient=True)


def transient() -> Reply:
    return graph_error(
        2, "An unexpected error has occurred. Please retry your request later.", status=500, transient=True
    )


# -- throttles: code, message, and which usage header carries the exhausted figure


def usage(call_count: int, regain_minutes: int | None = None, kind: str | None = None) -> JsonObject:
    figures: JsonObject = {
        "call_count": call_count,
        "total_cputime": min(call_count, 100),
        "total_time": min(call_count, 100),
    }
    if kind is not None:
        figures = {"type": kind, **figures, "estimated_time_to_regain_access": regain_minutes or 0}
    return figures


def app_usage_header(call_count: int) -> dict[str, str]:
    return {"X-App-Usage": json.dumps(usage(call_count))}


def buc_usage_header(object_id: str, kind: str, call_count: int, regain_minutes: int) -> dict[str, str]:
    value = {object_id: [usage(call_count, regain_minutes, kind)]}
    return {"X-Business-Use-Case-Usage": json.dumps(value)}


THROTTLES: dict[int, str] = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again. "
    "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. "
    "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}


def throttled(code: int, object_id: str, regain_minutes: int = 60) -> Reply:
    """A throttle as Graph sends it: 4 and 17 are Platform limits (X-App-Usage at 100%); 32, 613 and the BUC
    codes carry X-Business-Use-Case-Usage with the minutes until access comes back."""
    if code in (4, 17):
        headers = app_usage_header(100)
    else:
        kind = "instagram" if code == 80002 else "pages"
        headers = buc_usage_header(object_id, kind, 100, regain_minutes)
    return graph_error(code, THROTTLES[code], transient=True, headers=headers)
