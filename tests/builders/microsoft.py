"""A local stand-in for Microsoft's identity platform and Graph `sendMail`, over real HTTPS (tests/builders/tls.py).

What msal asks for (the tenant's OpenID configuration, then the token endpoint with the client credentials grant)
and what Graph checks (the bearer token, issued for Graph's scope, and the message's shape) are answered as
Microsoft documents them; anything else is refused as Microsoft would (400/401 with an error body).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.builders.ports import SHORT_POLL
from tests.builders.tls import LocalTls

TENANT = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
CLIENT_ID = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
CLIENT_SECRET = "app-secret-never-logged"
GRAPH_SCOPE_SUFFIX = "/.default"
OUTLOOK_SCOPE = "https://outlook.office365.com/.default"


@dataclass
class IdentityPlatform:
    """Tokens issued (token -> scope), token requests seen, and the sendMail calls Graph accepted."""

    url: str = ""
    issued: dict[str, str] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def graph_scope(self) -> str:
        return self.url + GRAPH_SCOPE_SUFFIX

    def scope_of(self, token: str) -> str | None:
        return self.issued.get(token)


def _check_graph_message(body: dict[str, Any]) -> str | None:
    """What Graph's sendMail would refuse in the request body (None: it is well formed)."""
    message = body.get("message")
    if not isinstance(message, dict) or set(body) - {"message", "saveToSentItems"}:
        return "ErrorInvalidRequest: the body must be {message, saveToSentItems}"
    if not isinstance(message.get("subject"), str) or not message["subject"]:
        return "ErrorInvalidRecipients: subject missing"
    content = message.get("body", {})
    if content.get("contentType") not in ("Text", "HTML") or not isinstance(content.get("content"), str):
        return "ErrorInvalidRequest: body needs contentType Text or HTML and content"
    recipients = message.get("toRecipients")
    if not recipients or not all("@" in r.get("emailAddress", {}).get("address", "") for r in recipients):
        return "ErrorInvalidRecipients: toRecipients must be emailAddress objects"
    for attachment in message.get("attachments", []):
        if (
            attachment.get("@odata.type") != "#microsoft.graph.fileAttachment"
            or "contentBytes" not in attachment
        ):
            return "ErrorInvalidAttachment: fileAttachment with contentBytes expected"
    return None


def _handler(platform: IdentityPlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _answer(self, status: int, payload: dict[str, Any] | None = None) -> None:
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                base = f"{platform.url}/{TENANT}"
                self._answer(
                    200,
                    {
                        "issuer": f"{platform.url}/{TENANT}/v2.0",
                        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                        "token_endpoint": f"{base}/oauth2/v2.0/token",
                    },
                )
                return
            self._answer(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == f"/{TENANT}/oauth2/v2.0/token":
                self._token(raw)
            elif self.path.startswith("/v1.0/users/") and self.path.endswith("/sendMail"):
                self._send_mail(raw)
            else:
                self._answer(404, {"error": {"code": "ResourceNotFound"}})

        def _token(self, raw: bytes) -> None:
            form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
            platform.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
            if form.get("grant_type") != "client_credentials":
                self._answer(400, {"error": "unsupported_grant_type"})
            elif form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                self._answer(
                    401,
                    {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret"},
                )
            elif form.get("scope") not in (OUTLOOK_SCOPE, platform.graph_scope):
                self._answer(400, {"error": "invalid_scope"})
            else:
                token = secrets.token_urlsafe(24)
                platform.issued[token] = form["scope"]
                self._answer(200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token})

        def _send_mail(self, raw: bytes) -> None:
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if platform.scope_of(token) != platform.graph_scope:
                platform.refused.append("token")
                self._answer(
                    401,
                    {
                        "error": {
                            "code": "InvalidAuthenticationToken",
                            "message": "Access token is empty or invalid.",
                        }
                    },
                )
                return
            body = json.loads(raw)
            problem = _check_graph_message(body)
            if problem:
                platform.refused.append(problem)
                self._answer(400, {"error": {"code": problem.split(":")[0], "message": problem}})
                return
            mailbox = self.path.removeprefix("/v1.0/users/").removesuffix("/sendMail")
            platform.sent.append({"mailbox": mailbox, **body})
            self._answer(202)

    return Handler


@contextmanager
def serve_identity_platform(tls: LocalTls) -> Iterator[IdentityPlatform]:
    """The stand-in on https://127.0.0.1:PORT: authority `<url>`, Graph `<url>` as well."""
    platform = IdentityPlatform()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    server.socket = tls.server_context().wrap_socket(server.socket, server_side=True)
    platform.url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs=SHORT_POLL, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
