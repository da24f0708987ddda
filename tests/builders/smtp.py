"""A local SMTP server (aiosmtpd) over real TLS that accepts one password or an XOAUTH2 token and keeps every message.

As Exchange Online and Gmail do: STARTTLS (or TLS from the first byte, as on port 465) before any AUTH; AUTH
PLAIN/LOGIN with the one password; AUTH XOAUTH2 with a bearer token the identity platform stand-in issued for
Exchange's scope (tests/builders/microsoft.py), for the mailbox named in `user=`.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.builders.microsoft import OUTLOOK_SCOPE, IdentityPlatform
from tests.builders.ports import free_port
from tests.builders.tls import LocalTls

PASSWORD = "s3cret-smtp-password"


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    platform: IdentityPlatform | None = None
    # TLS from the first byte: every session is encrypted (aiosmtpd's session.ssl is only set by STARTTLS).
    implicit: bool = False
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    # Every AUTH attempt: (mechanism, whether the session was under TLS at the time, succeeded).
    attempts: list[tuple[str, bool, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password.decode() == PASSWORD
        self.attempts.append((mechanism, self.implicit or session.ssl is not None, ok))
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        """RFC-less but documented by Microsoft and Google: base64 of `user=U^Aauth=Bearer T^A^A`."""
        under_tls = self.implicit or server.session.ssl is not None
        if len(args) < 3:
            # No initial response: ask for it (an empty challenge); the client's answer comes back decoded.
            response = await server.challenge_auth("", encode_to_b64=False)
            raw = response if isinstance(response, bytes) else b""
        else:
            try:
                raw = base64.b64decode(args[2], validate=True)
            except binascii.Error:
                raw = b""
        fields = dict(
            part.split("=", 1) for part in raw.decode(errors="replace").split("\x01") if "=" in part
        )
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        ok = under_tls and self.platform is not None and self.platform.scope_of(token) == OUTLOOK_SCOPE
        self.attempts.append(("XOAUTH2", under_tls, ok))
        if ok:
            self.logins.append(user)
        return AuthResult(success=ok, auth_data=user if ok else None)


@contextmanager
def serve_smtp(
    tls: LocalTls | None = None, *, implicit: bool = False, platform: IdentityPlatform | None = None
) -> Iterator[tuple[Mailbox, int]]:
    """A running server on 127.0.0.1: its mailbox and its port. With `tls`, STARTTLS is offered and required
    before AUTH and MAIL (or, `implicit`, TLS from the first byte); without it, no AUTH is accepted at all."""
    box = Mailbox(platform=platform, implicit=tls is not None and implicit)
    # aiosmtpd checks it is up by connecting to its own port, so it needs a real one, not 0.
    port = free_port()
    options: dict[str, Any] = {"authenticator": box.authenticate, "auth_require_tls": not box.implicit}
    if box.implicit and tls is not None:
        options["ssl_context"] = tls.server_context()
    elif tls is not None:
        options.update(tls_context=tls.server_context(), require_starttls=True)
    controller = Controller(box, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
