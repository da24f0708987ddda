"""Where the weekly e-mail's secrets come from, and app-only OAuth 2.0 tokens from Microsoft's identity platform.

A school on Microsoft 365 registers an app in Entra ID with the application permission its transport needs
(`SMTP.SendAsApp` for SMTP with XOAUTH2, `Mail.Send` for Graph), limited to the sending mailbox (docs/production.md
§10). msal's confidential client asks the tenant's token endpoint for a token with the client credentials grant.
Secrets and tokens are resolved here and never logged or returned to a caller that logs.
"""

from __future__ import annotations

import os
from typing import Any

import requests

from flows.config.school import ConfigError, EmailSettings

# The scopes of an app-only token: Exchange Online's SMTP, or Graph (`<graph_url>/.default`).
OUTLOOK_SCOPE = "https://outlook.office365.com/.default"


class TokenRefused(Exception):
    """The identity platform gave no token; the message is its error, never the secret."""


def secret_from(env: str | None, block: str | None, what: str) -> str | None:
    """From the environment variable named in school.toml, else the named Prefect Secret block."""
    if env:
        value = os.environ.get(env)
        if value:
            return value
        if not block:
            raise ConfigError(f"[report.email] {what}: {env} is not set")
    if block:
        from prefect.blocks.system import Secret

        loaded: Any = Secret.load(block)  # synchronous outside an event loop
        return str(loaded.get())
    return None


class _CheckedSession(requests.Session):
    """A session whose own `verify` holds for every request: requests otherwise lets `REQUESTS_CA_BUNDLE` in the
    environment replace it, and `ca_file` would be silently ignored."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


def http_session(settings: EmailSettings) -> requests.Session:
    """The HTTPS session for the token endpoint and Graph: certificates checked, against `ca_file` if given."""
    session = _CheckedSession()
    session.verify = settings.ca_file or True
    return session


def app_token(settings: EmailSettings, scope: str, session: requests.Session) -> str:
    """An app-only access token for `scope` (client credentials grant, through msal)."""
    import msal

    secret = secret_from(settings.client_secret_env, settings.client_secret_block, "client secret")
    if not secret:
        raise ConfigError(
            "[report.email] client_secret_env or client_secret_block must name the app's secret"
        )
    app = msal.ConfidentialClientApplication(
        settings.client_id,
        authority=f"{settings.authority.rstrip('/')}/{settings.tenant_id}",
        client_credential=secret,
        http_client=session,
        # The authority is the one school.toml names; msal need not ask Microsoft whether it knows the host.
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[scope])
    token = result.get("access_token") if isinstance(result, dict) else None
    if not token:
        error = result.get("error", "no token") if isinstance(result, dict) else "no token"
        detail = (
            " ".join(str(result.get("error_description", "")).split())[:300]
            if isinstance(result, dict)
            else ""
        )
        raise TokenRefused(f"the identity platform refused a token for {scope}: {error} {detail}".strip())
    return str(token)
