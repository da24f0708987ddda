"""What every request to the review app passes before any route reads it: who is asking, and how much they send.

A request for anything but signing in, without a live session, is answered here: a page (GET) by the sign-in
page, anything else by 403, its body never read and its parameters never validated, so a stranger's form is
neither parsed (nor spooled to disk) nor answered with what the route expected of it. No request body is read past
its route's limit (`body_limits`, else `SMALL_BODY_BYTES`: the forms are a few fields): a declared length over it
is refused before reading (413), and a body sent without one is counted as it arrives and refused once over it.
The routes keep their own checks (session, role, CSRF token): this is the floor under all of them, including
routes added later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboards.sign_in import sign_in_redirect

# Reached without a session: signing in (the form, the identity provider and its way back) and signing out.
OPEN_PATHS = frozenset({"/signin", "/signin/oidc", "/signin/callback", "/signout"})
SMALL_BODY_BYTES = 64 * 1024
PAGE_METHODS = frozenset({"GET", "HEAD"})


class SignedInFirst:
    """The gate (inside the session middleware, which it reads; outside every route)."""

    def __init__(
        self,
        app: ASGIApp,
        signed_in: Callable[[Request], bool],
        refused: Callable[[Request], Response],
        body_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.signed_in = signed_in
        self.refused = refused
        self.body_limits = dict(body_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if scope["path"] not in OPEN_PATHS and not self.signed_in(request):
            answer = sign_in_redirect(request) if scope["method"] in PAGE_METHODS else self.refused(request)
            await answer(scope, receive, send)
            return
        limit = self.body_limits.get(scope["path"], SMALL_BODY_BYTES)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(limit)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the route's reading of the form: answered by the app's exception handling.
                    raise HTTPException(413, refusal(limit))
            return message

        await self.app(scope, counted, send)


def refusal(limit: int) -> str:
    return f"Refused: a request to this page sends at most {limit:,} bytes."


def too_large(limit: int) -> Response:
    return PlainTextResponse(refusal(limit), 413)
