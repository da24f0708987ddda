"""Writes on a finding through the Graph API: hide, unhide or delete a comment, delete a Page post, turn an Instagram
post's comments off, delete Instagram media. Never retried (connectors/actions.py says why): a Graph error is a
refusal, an object already gone is `already-done`, no answer at all or Graph's transient 1/2 (a 5xx) is `failed`.
A 100/33 on a delete is `already-done`: Graph answers a deleted object and one the token may not see alike, and the
audit only ever names the school's own objects."""

from __future__ import annotations

from typing import Any

from connectors.actions import ACCEPTED, ALREADY_DONE, FAILED, REFUSED, SCOPE_MISSING, WriteAnswer
from connectors.meta import GONE_SUBCODE, TRANSIENT_CODES

# action -> (HTTP method, the parameters sent to the object the target names)
WRITES: dict[str, tuple[str, dict[str, str]]] = {
    "hide-comment": ("POST", {"is_hidden": "true"}),
    "unhide-comment": ("POST", {"is_hidden": "false"}),
    "delete-comment": ("DELETE", {}),
    "delete-page-post": ("DELETE", {}),
    "hide-ig-comment": ("POST", {"hide": "true"}),
    "unhide-ig-comment": ("POST", {"hide": "false"}),
    "delete-ig-comment": ("DELETE", {}),
    "turn-off-ig-comments": ("POST", {"comment_enabled": "false"}),
    "delete-ig-media": ("DELETE", {}),
}


def write(api: Any, action: str, object_id: str) -> WriteAnswer:
    """One write (`POST /{id}` with the action's parameters, or `DELETE /{id}`) through the SDK's own call."""
    from facebook_business.exceptions import FacebookRequestError

    method, params = WRITES[action]
    try:
        response = api.call(method, (object_id,), params=dict(params))
    except FacebookRequestError as error:
        code, subcode = error.api_error_code(), error.api_error_subcode()
        said = f"Graph error {code}" + (f"/{subcode}" if subcode else "") + f": {error.api_error_message()}"
        if code in TRANSIENT_CODES or (error.http_status() or 0) >= 500:
            # Graph's own "unexpected error, retry later": it may or may not have been carried out.
            return WriteAnswer(
                FAILED, f"{said}: Meta could not say whether it was done", error.http_status(), error.body()
            )
        if code == 100 and subcode == GONE_SUBCODE and method == "DELETE":
            return WriteAnswer(ALREADY_DONE, f"{said}: already gone", error.http_status(), error.body())
        lacking = SCOPE_MISSING if code == 10 or (isinstance(code, int) and 200 <= code <= 299) else None
        return WriteAnswer(REFUSED, said, error.http_status(), error.body(), lacking)
    except Exception as error:  # no usable answer: it may or may not have been carried out
        return WriteAnswer(FAILED, f"no answer from the Graph API ({type(error).__name__}: {error})")
    body = response.json()
    if isinstance(body, dict) and body.get("success") is True:
        return WriteAnswer(ACCEPTED, "Meta accepted it", response.status(), body)
    return WriteAnswer(FAILED, f"Meta answered without success: {str(body)[:300]}", response.status(), body)
