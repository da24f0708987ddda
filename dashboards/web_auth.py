"""Signing in to the review app, sessions, CSRF, and the rules for reaching it over a network.

- Sessions are Starlette's signed cookies (itsdangerous, HMAC-SHA1 keyed with the session key), named
  `__Host-socialaudit`: `Secure`, `HttpOnly`, `SameSite=Lax` (the identity provider's redirect back is a top-level
  GET from another site, which `Strict` would strip), `Path=/`, no `Domain`. A session lasts `session_hours` from
  sign-in whatever the activity, and signing out revokes it at once: revoked ids are kept until they would have
  expired anyway, in the app's state file beside the accounts (dashboards/sign_in_state.py), so a restart does
  not bring a signed-out cookie back.
- A fresh session (new id, new CSRF token) is made at every sign-in, so a cookie planted before it is worth
  nothing after. The CSRF token lives in the session: a form posted with another session's token, or none, or
  from another origin, is refused.
- OpenID Connect through authlib (authorization code with PKCE, nonce and state, ID token signature, issuer,
  audience and expiry checked); local accounts through dashboards/accounts.py, with attempts throttled per
  account name and per client address in the same state file, each counted before its password is checked.
- Reached beyond this machine, the app must be signed-in only and behind TLS: `check_exposure` refuses to start
  otherwise, the Host header must name `public_url`, plain http is refused, and `X-Forwarded-*` headers count only
  when they come from `[review_app] trusted_proxy` and, where `trusted_proxy_secret_env` is set (required for a
  proxy on this machine, whose address every local process shares), carry the proxy's secret in
  `X-Socialaudit-Proxy`. Of `X-Forwarded-For`, the address the proxy itself saw (the rightmost) is the one used.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboards.access import AccessPolicy, Person, ReviewAppSettings, is_loopback
from dashboards.sign_in_state import SignInState

SESSION_COOKIE = "__Host-socialaudit"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
log = logging.getLogger("dashboards.review_app")


class ExposureRefused(Exception):
    """The app was asked to listen beyond this machine without sign-in or TLS; the message lists what is missing."""


def check_exposure(
    host: str, settings: ReviewAppSettings, policy: AccessPolicy, has_local_accounts: bool
) -> None:
    """Refuse a bind beyond loopback unless people must sign in, someone may, and TLS is terminated by the app
    (`tls_cert_file`, `tls_key_file`) or by a declared reverse proxy (`trusted_proxy`)."""
    if is_loopback(host):
        return
    missing = []
    if not settings.public_url or urlsplit(settings.public_url).scheme != "https":
        missing.append('[review_app] public_url = "https://..." (the address people use)')
    if settings.oidc is None and not has_local_accounts:
        missing.append("a way to sign in: [review_app.oidc], or local accounts (socialaudit reviewers add)")
    if not policy.names_anyone():
        missing.append("[[review_app.grants]] naming who may see what")
    if not settings.terminates_tls and not settings.trusted_proxy:
        missing.append(
            "TLS: tls_cert_file and tls_key_file (the app terminates it), or trusted_proxy (the reverse proxy that does)"
        )
    if missing:
        raise ExposureRefused(
            f"the review app will not listen on {host} (beyond this machine) without: "
            + "; ".join(missing)
            + " (docs/production.md, *The review app*)"
        )


def allowed_hosts(bind_host: str, settings: ReviewAppSettings) -> list[str]:
    """The Host names requests may carry: the public name, and this machine's own names only when bound to it
    (bound to a network address, `Host: localhost` would otherwise walk past the check)."""
    hosts = []
    if settings.public_url:
        public = urlsplit(settings.public_url).hostname
        if public:
            hosts.append(public)
    if is_loopback(bind_host):
        hosts += [*LOCAL_HOSTS, bind_host]
    return list(dict.fromkeys(hosts))


PROXY_SECRET_HEADER = "x-socialaudit-proxy"  # noqa: S105 (the header's name)


class ForwardedOnlyWithSecret:
    """Drop `X-Forwarded-*` (and the secret header itself) from any request that does not carry the proxy's secret,
    before uvicorn's ProxyHeadersMiddleware reads them: from the trusted address without the secret, a request is
    a local process's, plain http, and refused."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.secret = secret.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = scope["headers"]
            sent = [value for name, value in headers if name == PROXY_SECRET_HEADER.encode()]
            trusted = len(sent) == 1 and hmac.compare_digest(sent[0], self.secret)
            kept = [
                (name, value)
                for name, value in headers
                if name != PROXY_SECRET_HEADER.encode() and (trusted or not name.startswith(b"x-forwarded-"))
            ]
            scope = {**scope, "headers": kept}
        await self.app(scope, receive, send)


class HttpsOnly:
    """Refuse plain http (after a trusted proxy's X-Forwarded-Proto): nothing is served, no cookie read."""

    def __init__(self, app: ASGIApp, public_url: str | None) -> None:
        self.app = app
        self.public_url = public_url or "https://"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("scheme") != "https":
            response = PlainTextResponse(
                f"This review app is reached over https only: {self.public_url}", 403
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class Sessions:
    """Who a request's session says is signed in, for how long, and its CSRF token."""

    def __init__(self, hours: int, state: SignInState, clock: Callable[[], float] = time.time) -> None:
        self.seconds = hours * 3600
        self.state = state
        self.clock = clock

    def person(self, request: Request) -> Person | None:
        session = request.session
        identity, sid, since = session.get("identity"), session.get("sid"), session.get("signed_in_at")
        if not identity or not sid or not isinstance(since, int | float):
            return None
        if not 0 <= self.clock() - since < self.seconds or self.state.is_revoked(str(sid)):
            return None
        return Person(
            identity=identity, name=session.get("name") or identity, method=session.get("method", "")
        )

    def start(self, request: Request, person: Person) -> None:
        request.session.clear()
        request.session.update(
            {
                "sid": secrets.token_urlsafe(24),
                "csrf": secrets.token_urlsafe(32),
                "identity": person.identity,
                "name": person.name,
                "method": person.method,
                "signed_in_at": int(self.clock()),
            }
        )

    def end(self, request: Request) -> None:
        sid = request.session.get("sid")
        if sid:
            self.state.revoke(str(sid), self.clock() + self.seconds)
        request.session.clear()

    @staticmethod
    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return str(token)

    @staticmethod
    def csrf_ok(request: Request, submitted: str) -> bool:
        expected = request.session.get("csrf")
        return (
            bool(expected)
            and hmac.compare_digest(submitted.encode(), str(expected).encode())
            and same_origin(request)
        )


def same_origin(request: Request) -> bool:
    """The form was posted by a page of this app: Origin (or, failing that, Referer) names this host."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == f"{request.url.scheme}://{host}"
    referer = request.headers.get("referer")
    if referer is not None:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{host}"
    # Neither header: not a browser form post from another site (browsers send Origin on cross-site POSTs); the
    # session's own CSRF token is what a direct client cannot produce.
    return True


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this app only (never `//elsewhere` or `https://elsewhere`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def oidc_client(settings: ReviewAppSettings, client_secret: str) -> Any:
    """authlib's client for the configured provider (discovery from the issuer's well-known document)."""
    from authlib.integrations.starlette_client import OAuth

    oidc = settings.oidc
    assert oidc is not None
    client_kwargs: dict[str, Any] = {"scope": "openid email profile", "code_challenge_method": "S256"}
    if oidc.ca_file:
        client_kwargs["verify"] = ssl.create_default_context(cafile=oidc.ca_file)
    oauth = OAuth()
    return oauth.register(
        name="school",
        client_id=oidc.client_id,
        client_secret=client_secret,
        server_metadata_url=oidc.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
    )


def identity_from_claims(claims: dict[str, Any], claim: str) -> str | None:
    """The identity the grants name, from the validated ID token; None when missing or an unverified e-mail."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if claim == "email" and claims.get("email_verified") is False:
        return None
    return value.strip()


def accounts_exist(path: Path) -> bool:
    from dashboards.accounts import AccountError, load_accounts

    try:
        return bool(load_accounts(path))
    except AccountError:
        return False


SECURITY_HEADERS = {
    # No scripts at all: the pages are plain HTML forms and inline SVG.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Pages name children: no copies in shared caches or the browser's disk cache.
    "Cache-Control": "no-store",
}


def add_middleware(
    app: FastAPI,
    settings: ReviewAppSettings,
    bind_host: str,
    session_key: str | None,
    proxy_secret: str | None = None,
) -> None:
    """Outermost first: the trusted proxy's headers, the Host check, https only (beyond loopback or behind a
    proxy), the session cookie, the security headers."""

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key or secrets.token_urlsafe(32),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=True,
    )
    if settings.trusted_proxy or not is_loopback(bind_host):
        app.add_middleware(HttpsOnly, public_url=settings.public_url)
    # Refuse other Host names: a page elsewhere cannot rebind its own name to this address and read this app.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(bind_host, settings))
    if settings.trusted_proxy:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # X-Forwarded-For and -Proto from that address only; anyone else's are ignored. Of X-Forwarded-For, the
        # rightmost address not the proxy's own: the one the proxy saw, never one a client wrote before it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[settings.trusted_proxy])
        if settings.trusted_proxy_secret_env:
            if not proxy_secret:
                raise ValueError(f"${settings.trusted_proxy_secret_env} (the proxy's secret) is not set")
            app.add_middleware(ForwardedOnlyWithSecret, secret=proxy_secret)
