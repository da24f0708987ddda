"""HTTP plumbing of the sandbox: the threaded server, requests, replies and routes, and what both APIs share
(page tokens, etags, bearer tokens, files)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

JsonObject = dict[str, Any]

X_JSON = "application/json; charset=utf-8"
GOOGLE_JSON = "application/json; charset=UTF-8"
TEXT = "text/plain; charset=utf-8"
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
}


# ------------------------------------------------------------------------------------ requests, replies


@dataclass(frozen=True)
class RequestRecord:
    """What a client asked for and the status it got, for test assertions."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    route: str = ""


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str
    body: bytes = b""
    # The query string as sent (percent-encoded, in order): an OAuth 1.0a signature is checked against it.
    raw_query: str = ""
    # The body's Content-Type: a form-encoded body's parameters are signed too, a multipart one's are not.
    content_type: str = ""


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = X_JSON
    headers: dict[str, str] = field(default_factory=dict)
    # Send only this many body bytes of the declared length, then drop the connection.
    drop_after: int | None = None


class ApiError(Exception):
    """Raised inside a route to answer with an error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def json_reply(status: int, payload: Any, content_type: str = X_JSON) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), content_type)


def serve_file(path: Path | None) -> Reply:
    if path is None:
        return Reply(404, b"Not Found", TEXT)
    content_type = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    return Reply(200, path.read_bytes(), content_type or "application/octet-stream")


# ---------------------------------------------------------------------------------------------- routes


Responder = Callable[[ApiRequest], Reply]


@dataclass(frozen=True)
class Route:
    """A path pattern (matched whole) and what answers it: `respond` gets the request and the pattern's
    groups, URL-decoded. `name` is the route faults and request records know it by (e.g. `x.followers`)."""

    name: str
    pattern: re.Pattern[str]
    respond: Callable[..., Reply]


def route(name: str, pattern: str, respond: Callable[..., Reply]) -> Route:
    return Route(name, re.compile(pattern), respond)


def match_route(routes: Sequence[Route], path: str) -> tuple[str, Responder] | None:
    """The first route whose pattern is the whole path, with its answer bound to the path's groups."""
    for candidate in routes:
        match = candidate.pattern.fullmatch(path)
        if match:
            return candidate.name, _bound(candidate.respond, [unquote(group) for group in match.groups()])
    return None


def _bound(respond: Callable[..., Reply], groups: list[str]) -> Responder:
    return lambda request: respond(request, *groups)


# ----------------------------------------------------------------------------------------------- shared


def etag_of(value: Any) -> str:
    digest = hashlib.sha1(json.dumps(value, sort_keys=True).encode("utf-8")).digest()  # noqa: S324 - an etag, not a secret
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def encode_page_token(stream: str, offset: int) -> str:
    raw = json.dumps([stream, offset], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str, stream: str) -> int | None:
    """The offset a token of this stream stands for, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        decoded = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None
    if (
        isinstance(decoded, list)
        and len(decoded) == 2
        and decoded[0] == stream
        and isinstance(decoded[1], int)
        and decoded[1] >= 0
    ):
        return decoded[1]
    return None


def bearer_or_oauth_token(authorization: str) -> str:
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :].strip()
    match = re.search(r'oauth_token="([^"]*)"', authorization)
    return unquote(match.group(1)) if match else ""


def cut_json(body: bytes) -> bytes:
    """The first half of a body, cut before a UTF-8 lead byte so the text still decodes and only JSON fails."""
    cut = max(1, len(body) // 2)
    while 1 < cut < len(body) and body[cut] >= 0x80:
        cut -= 1
    return body[:cut]


# ---------------------------------------------------------------------------------------------- server


class Dispatcher(Protocol):
    """What answers the requests a `ThreadedServer` accepts (the SandboxServer)."""

    verbose: bool

    def handle(self, handler: BaseHTTPRequestHandler, head_only: bool, allowed: bool = True) -> None: ...

    def accepts_post(self, path: str) -> bool: ...

    def accepts(self, method: str, path: str) -> bool: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "socialaudit-sandbox"
    sys_version = ""
    # An idle keep-alive connection must not hold a thread forever.
    timeout = 30
    # Headers and body go out in separate writes: with Nagle on, each keep-alive reply waits ~40 ms.
    disable_nagle_algorithm = True
    server: ThreadedServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.server.sandbox.handle(self, head_only=False)

    def do_HEAD(self) -> None:
        self.server.sandbox.handle(self, head_only=True)

    def _refuse_method(self) -> None:
        self.server.sandbox.handle(self, head_only=False, allowed=False)

    def _write(self) -> None:
        # The OAuth token endpoint takes a POST (a refresh); the owner's write routes their DELETE, PUT or POST.
        path = self.path.split("?", 1)[0]
        sandbox = self.server.sandbox
        allowed = sandbox.accepts(self.command, path) or (
            self.command == "POST" and sandbox.accepts_post(path)
        )
        sandbox.handle(self, head_only=False, allowed=allowed)

    do_POST = do_PUT = do_DELETE = _write
    do_PATCH = _refuse_method

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.verbose:
            super().log_message(format, *args)


class ThreadedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Dispatcher) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)


def send(handler: BaseHTTPRequestHandler, reply: Reply, head_only: bool) -> None:
    try:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if reply.drop_after is not None:
            # A dropped connection announces nothing: the declared length stays, the socket just closes.
            handler.close_connection = True
        handler.end_headers()
        if not head_only:
            body = reply.body if reply.drop_after is None else reply.body[: reply.drop_after]
            handler.wfile.write(body)
        handler.wfile.flush()
        if reply.drop_after is not None:
            handler.connection.shutdown(socket.SHUT_RDWR)
    except (BrokenPipeError, ConnectionResetError, OSError):
        handler.close_connection = True
