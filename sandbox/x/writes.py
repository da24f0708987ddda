"""The X writes an owner makes about a finding, as X enforces them: a signed user context whose token was issued
with write permission (else 403 `oauth1-permissions`), 50 requests a 15 minutes per user, billed per request; only
the account's own posts deleted (with every version of an edited post), only replies in conversations it started
hidden, only on its own behalf muting. Each accepted write is kept in the dataset's journal (sandbox/writes.py)."""

from __future__ import annotations

import json
import re

from sandbox.http import ApiError, ApiRequest, Reply, Route, json_reply, route
from sandbox.writes import WriteJournal
from sandbox.x.exceptions import RESOURCE_NOT_FOUND, x_invalid_request, x_problem
from sandbox.x.media import UPLOAD_PATH, MediaUploads
from sandbox.x.oauth import UserContext
from sandbox.x.posts import XPosting
from sandbox.x.responses import X_SNOWFLAKE, XResponses

X_WRITE_ROUTES = ("x.delete_post", "x.hide_reply", "x.mute", "x.create_post", "x.media_upload")
WRITE_LEVELS = ("read-write", "read-write-directmessages")
OAUTH1_PERMISSIONS = "https://api.twitter.com/2/problems/oauth1-permissions"


def oauth1_permissions() -> Reply:
    """What X answers a write signed with a token of a read-only app (as seen live: see docs/remediation.md)."""
    return x_problem(
        403,
        "Forbidden",
        "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
        OAUTH1_PERMISSIONS,
    )


def forbidden(detail: str) -> Reply:
    return x_problem(403, "Forbidden", detail)


def not_found(kind: str, value: str) -> Reply:
    return x_problem(404, "Not Found Error", f"Could not find {kind} with id: [{value}].", RESOURCE_NOT_FOUND)


class XWrites:
    def __init__(self, api: XResponses, journal: WriteJournal) -> None:
        self.api = api
        self.journal = journal

    def writer(self, request: ApiRequest, name: str) -> UserContext:
        """The signed user context, counted against the route's window, whose token may write."""
        context = self.api.authorize(request, name)
        if self.api.verifier.access.x_access_level(context.token) not in WRITE_LEVELS:
            raise ApiError(oauth1_permissions())
        return context

    def _body(self, request: ApiRequest, field: str) -> object:
        try:
            body = json.loads(request.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict) or field not in body:
            problem = {
                "parameters": {field: []},
                "message": f"The `{field}` field is required in the JSON body",
            }
            raise ApiError(x_invalid_request([problem]))
        return body[field]

    def _path_id(self, value: str, name: str = "id") -> None:
        if not X_SNOWFLAKE.match(value):
            message = f"The `{name}` query parameter value [{value}] does not match ^[0-9]{{1,19}}$"
            raise ApiError(x_invalid_request([{"parameters": {name: [value]}, "message": message}]))

    def delete_post(self, request: ApiRequest, post_id: str) -> Reply:
        """DELETE /2/tweets/:id: the authenticated user's own post, and every version of it if it was edited."""
        context = self.writer(request, "x.delete_post")
        self._path_id(post_id)
        held = self.api.backend.post(post_id)
        if held is None:
            return not_found("tweet", post_id)
        account, post = held
        if str(post.get("author_id") or account.user.get("id")) != context.user_id:
            return forbidden("You are not allowed to delete a Post you did not author.")
        removed = self.journal.own_posts(account, post_id)
        self.journal.record({"kind": "x.delete", "user_id": context.user_id, "post_ids": removed})
        self.api.ledger.bill_x_request("x.delete_post", context.user_id)
        return json_reply(200, {"data": {"deleted": True}})

    def hide_reply(self, request: ApiRequest, reply_id: str) -> Reply:
        """PUT /2/tweets/:id/hidden: a reply by someone else in a conversation the user started (hiding a hidden
        reply again succeeds)."""
        context = self.writer(request, "x.hide_reply")
        self._path_id(reply_id)
        hidden = self._body(request, "hidden")
        if not isinstance(hidden, bool):
            problem = {
                "parameters": {"hidden": [str(hidden)]},
                "message": "The `hidden` field must be a boolean",
            }
            raise ApiError(x_invalid_request([problem]))
        found = self.journal.reply(reply_id)
        if found is None:
            return not_found("tweet", reply_id)
        owner_id, reply = found
        conversation = str(reply.get("conversation_id") or "")
        started = self.api.backend.post(conversation)
        starter = str(started[1].get("author_id") or started[0].user.get("id")) if started else owner_id
        if starter != context.user_id or str(reply.get("author_id")) == context.user_id:
            return forbidden("You can only hide or unhide replies to conversations you authored.")
        self.journal.record(
            {"kind": "x.hide", "user_id": context.user_id, "reply_id": reply_id, "hidden": hidden}
        )
        self.api.ledger.bill_x_request("x.hide_reply", context.user_id)
        return json_reply(200, {"data": {"hidden": hidden}})

    def mute(self, request: ApiRequest, user_id: str) -> Reply:
        """POST /2/users/:id/muting: the authenticated user mutes `target_user_id` (muting twice succeeds)."""
        context = self.writer(request, "x.mute")
        self._path_id(user_id)
        target = str(self._body(request, "target_user_id"))
        self._path_id(target, "target_user_id")
        if user_id != context.user_id:
            return forbidden("You are not permitted to mute on behalf of another user.")
        if target == context.user_id or target not in self.api.backend.users:
            problem = {"parameters": {"target_user_id": [target]}, "message": "You cannot mute this user."}
            raise ApiError(x_invalid_request([problem]))
        self.journal.record({"kind": "x.mute", "user_id": user_id, "target_user_id": target})
        self.api.ledger.bill_x_request("x.mute", context.user_id)
        return json_reply(200, {"data": {"muting": True}})


def write_routes(writes: XWrites, posting: XPosting, uploads: MediaUploads) -> dict[str, list[Route]]:
    """The write routes by HTTP method."""
    return {
        "DELETE": [route("x.delete_post", r"/2/tweets/([0-9]+)", writes.delete_post)],
        "PUT": [route("x.hide_reply", r"/2/tweets/([^/]+)/hidden", writes.hide_reply)],
        "POST": [
            route("x.mute", r"/2/users/([^/]+)/muting", writes.mute),
            route("x.create_post", r"/2/tweets", posting.create_post),
            route("x.media_upload", re.escape(UPLOAD_PATH), uploads.upload),
        ],
    }
