"""The review app's sign-in and sign-out pages: the school's identity provider (OpenID Connect) and local accounts.

These are the only routes a person who has not signed in reaches, and none of them shows pupil data. A failed or
throttled sign-in is recorded in the access log of every school the app serves (`sign-in-failed`,
`sign-in-throttled`), under the account name tried and the client address.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboards import accounts
from dashboards.access import ReviewAppSettings
from dashboards.web_auth import (
    Sessions,
    client_address,
    identity_from_claims,
    log,
    oidc_client,
    safe_next,
)

Page = Callable[..., HTMLResponse]
# request, action, identity tried, detail -> into every served school's access log.
Noted = Callable[[Request, str, str, str], None]
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW_SECONDS = 900.0


def add_sign_in_routes(
    app: FastAPI,
    settings: ReviewAppSettings,
    sessions: Sessions,
    page: Page,
    accounts_file: Path,
    client_secret: str | None,
    noted: Noted,
) -> None:
    provider = oidc_client(settings, client_secret or "") if settings.oidc is not None else None

    def form(request: Request, next_path: str, error: str = "", status_code: int = 200) -> HTMLResponse:
        return page(
            request,
            "app_signin.html.j2",
            status_code,
            next=safe_next(next_path),
            error=error,
            oidc_label=settings.oidc.label if settings.oidc else None,
            local=accounts_file.exists(),
        )

    @app.get("/signin", response_class=HTMLResponse)
    def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
        return form(request, next)

    @app.post("/signin")
    def sign_in_local(
        request: Request,
        name: str = Form(""),
        password: str = Form(""),
        next: str = Form("/"),
        csrf_token: str = Form(""),
    ) -> Response:
        if not sessions.csrf_ok(request, csrf_token):
            return form(request, next, "The sign-in form had expired: try again.", 403)
        address, account_key = client_address(request), name.strip().casefold()
        account, origin = f"account:{account_key}", f"address:{address}"
        # Counted before the password is checked, atomically with reading the count (sign_in_state.py).
        attempt = sessions.state.reserve(
            [(account, FAILURES_PER_ACCOUNT), (origin, FAILURES_PER_ADDRESS)], THROTTLE_WINDOW_SECONDS
        )
        if attempt is None:
            log.warning("sign-in refused (too many failures): local:%s from %s", account_key, address)
            noted(request, "sign-in-throttled", f"local:{account_key}", "too many failed sign-ins")
            return form(request, next, "Too many failed sign-ins: wait 15 minutes and try again.", 429)
        person = accounts.verify(accounts_file, account_key, password)
        if person is None:
            log.warning("sign-in failed: local:%s from %s", account_key, address)
            noted(request, "sign-in-failed", f"local:{account_key}", "name and password do not match")
            return form(request, next, "That name and password do not match an account.", 401)
        sessions.state.succeeded(attempt, [account])
        sessions.start(request, person)
        log.info("signed in: %s from %s", person.identity, address)
        return RedirectResponse(safe_next(next), status_code=303)

    @app.get("/signin/oidc")
    async def sign_in_oidc(request: Request, next: str = "/") -> Response:
        if provider is None:
            return form(request, next, "No identity provider is configured for this review app.", 404)
        request.session["next"] = safe_next(next)
        redirect_uri = (
            settings.public_url.rstrip("/") + "/signin/callback"
            if settings.public_url
            else str(request.url_for("oidc_callback"))
        )
        response: Response = await provider.authorize_redirect(request, redirect_uri)
        return response

    @app.get("/signin/callback", name="oidc_callback")
    async def oidc_callback(request: Request) -> Response:
        from authlib.integrations.base_client import OAuthError

        next_path = safe_next(request.session.get("next"))
        if provider is None:
            return form(request, next_path, "No identity provider is configured for this review app.", 404)
        try:
            token: dict[str, Any] = await provider.authorize_access_token(request)
        except OAuthError as error:
            log.warning(
                "sign-in through the identity provider failed from %s: %s", client_address(request), error
            )
            noted(request, "sign-in-failed", "identity provider", str(error))
            return form(request, next_path, "The identity provider did not sign you in: try again.", 401)
        assert settings.oidc is not None
        claims = dict(token.get("userinfo") or {})  # the ID token's claims, validated by authlib
        if settings.oidc.identity_claim not in claims:
            # Providers may keep profile claims for the userinfo endpoint (OpenID Connect Core 5.4); its answer
            # counts only for the same subject as the ID token (5.3.2).
            extra = dict(await provider.userinfo(token=token))
            if extra.get("sub") == claims.get("sub"):
                claims = {**extra, **claims}
        identity = identity_from_claims(claims, settings.oidc.identity_claim)
        if identity is None:
            return form(
                request,
                next_path,
                f"The identity provider did not say who you are ({settings.oidc.identity_claim}).",
                401,
            )
        from dashboards.access import Person

        person = Person(identity=identity, name=str(claims.get("name") or identity), method="oidc")
        sessions.start(request, person)
        log.info("signed in: %s from %s", identity, client_address(request))
        return RedirectResponse(next_path, status_code=303)

    @app.post("/signout")
    def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
        if sessions.csrf_ok(request, csrf_token):
            sessions.end(request)
        return RedirectResponse("/signin", status_code=303)


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Where an unsigned-in request for a page goes: the sign-in page, back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
