"""`GET /debug_token?input_token=...`: what Meta says of a token (its type, the Page it is for, the permissions it
holds and on which Pages and Instagram accounts, when it expires), as the Access Token Debugger does.

As Graph answers (Meta's "Access Tokens: Debugging and Error Handling" and the debug_token reference):
- the calling token is checked first like any call's: none 104, unknown or expired 190 (HTTP 400);
- the inspected token is answered with HTTP 200 whatever its state: a valid one with `is_valid: true`, its `type`
  (USER, PAGE), `app_id`, `application`, `user_id`, a Page token's `profile_id` (the Page), `scopes`,
  `granular_scopes` (a permission granted on some Pages or accounts only lists them in `target_ids`), `issued_at`,
  `expires_at` (0: never) and `data_access_expires_at`; an expired one with `is_valid: false` and `data.error`
  (190/463, "Session has expired"); one Graph cannot parse with `is_valid: false` and 190 alone;
- the caller must be the app's: an app developer's user token may inspect any of the app's tokens; a Page token
  only itself (what a school holds, and what the debugger shows); another Page's token is refused with 100.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.http import ApiError, JsonObject, Reply
from sandbox.meta import exceptions as errors
from sandbox.meta.responses import Call, MetaReads
from sandbox.meta.tokens import MetaToken

SANDBOX_APP_ID = "1200000000000001"
SANDBOX_APP_NAME = "socialaudit sandbox app"
# Meta ends an app's data access 90 days after the user last used it (the sandbox: 90 days from now).
DATA_ACCESS_DAYS = 90


def debug_token(reads: MetaReads, call: Call) -> Reply:
    inspected_text = call.params.get("input_token", "").strip()
    if not inspected_text:
        raise ApiError(errors.invalid_parameter("The parameter input_token is required"))
    caller = call.token
    inspected = reads.access.find(inspected_text)
    if caller.is_page and inspected_text != caller.token:
        raise ApiError(
            errors.graph_error(
                100,
                "(#100) You must provide an app access token, or a user access token that is an owner or "
                "developer of the app",
            )
        )
    if inspected is None:
        body: JsonObject = {
            "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
            "is_valid": False,
            "scopes": [],
        }
        return reads.reply(call, caller.page_id, {"data": body})
    data = describe(reads, inspected)
    if reads.access.is_expired(inspected):
        stamp = datetime.now(UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")
        data["is_valid"] = False
        data["error"] = {
            "code": 190,
            "message": f"Error validating access token: Session has expired on {stamp}. The current time is "
            f"{stamp}.",
            "subcode": 463,
        }
    return reads.reply(call, caller.page_id, {"data": data})


def describe(reads: MetaReads, token: MetaToken) -> JsonObject:
    """A valid token's answer: its kind, whose, the Page, the permissions and where each applies."""
    now = datetime.now(UTC)
    pages = [token.page_id] if token.is_page else list(reads.access.page_ids)
    accounts = [a.ig_user_id for a in reads.meta.instagram if a.page_id in pages]
    granular = []
    for scope in sorted(token.permissions):
        if scope.startswith("instagram_"):
            granular.append({"scope": scope, "target_ids": accounts})
        elif scope.startswith("pages_"):
            granular.append({"scope": scope, "target_ids": pages})
    expires = 0
    if token.expires_at:
        expires = int(datetime.fromisoformat(token.expires_at.replace("Z", "+00:00")).timestamp())
    data: JsonObject = {
        "app_id": SANDBOX_APP_ID,
        "type": "PAGE" if token.is_page else "USER",
        "application": SANDBOX_APP_NAME,
        "data_access_expires_at": int((now + timedelta(days=DATA_ACCESS_DAYS)).timestamp()),
        "expires_at": expires,
        "is_valid": True,
        "issued_at": int((now - timedelta(days=1)).timestamp()),
        "scopes": sorted(token.permissions),
        "granular_scopes": granular,
        "user_id": token.user_id,
    }
    if token.is_page:
        data["profile_id"] = token.page_id
    return data
