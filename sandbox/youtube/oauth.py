"""Google OAuth and parameters as the YouTube API enforces them: which scopes each method accepts, the bounds
of its parameters (read from the discovery
document google-api-python-client ships, as moto reads a service's own description), the access tokens the
sandbox's token endpoint issued with their scopes, and refresh tokens that were revoked.

A token the token endpoint never issued (the bare sandbox tokens of tests and offline runs) stands for an owner
who granted every scope the app asks for. A refresh is granted the scopes it asks for (google-auth sends the
scopes stored with the token), so a token file saved with `youtube.readonly` only yields a read-only token."""

from __future__ import annotations

import functools
import json
import threading
from urllib.parse import parse_qs

from sandbox.http import GOOGLE_JSON, JsonObject, Reply, json_reply

YOUTUBE_SCOPE_PREFIX = "https://www.googleapis.com/auth/"
TOKEN_LIFETIME_SECONDS = 3599


@functools.cache
def discovery_document() -> JsonObject:
    from googleapiclient.discovery_cache import get_static_doc

    text = get_static_doc("youtube", "v3")
    if text is None:
        raise RuntimeError("google-api-python-client ships no youtube v3 discovery document")
    document: JsonObject = json.loads(text)
    return document


def method_scopes(resource: str, method: str = "list") -> frozenset[str]:
    """The OAuth scopes the discovery document says `youtube.<resource>.<method>` accepts."""
    return frozenset(discovery_document()["resources"][resource]["methods"][method].get("scopes", []))


def parameter_bounds(resource: str, parameter: str, method: str = "list") -> tuple[int, int]:
    """The (minimum, maximum) the discovery document gives an integer parameter of a method."""
    spec = discovery_document()["resources"][resource]["methods"][method]["parameters"][parameter]
    return int(spec["minimum"]), int(spec["maximum"])


def all_youtube_scopes() -> frozenset[str]:
    scopes = discovery_document().get("auth", {}).get("oauth2", {}).get("scopes", {})
    return frozenset(scope for scope in scopes if scope.startswith(YOUTUBE_SCOPE_PREFIX))


class TokenRegistry:
    """Access tokens issued by the sandbox's token endpoint, and whether refreshing is still allowed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issued: dict[str, frozenset[str]] = {}
        self._revoked = False

    def scopes_of(self, access_token: str) -> frozenset[str]:
        with self._lock:
            return self._issued.get(access_token, all_youtube_scopes())

    def revoke(self) -> None:
        """From now on every refresh is refused with `invalid_grant` (expired or revoked refresh token)."""
        with self._lock:
            self._revoked = True

    def refresh(self, body: bytes) -> Reply:
        """`POST /token` with `grant_type=refresh_token`, answered as oauth2.googleapis.com answers it."""
        form = {name: values[-1] for name, values in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "refresh_token" or not form.get("refresh_token"):
            return token_error("unsupported_grant_type", "Invalid grant_type.")
        if not form.get("client_id"):
            return token_error("invalid_client", "The OAuth client was not found.", 401)
        with self._lock:
            if self._revoked:
                return invalid_grant()
            known = all_youtube_scopes()
            asked = frozenset(form.get("scope", "").split()) or known
            if not asked <= known:
                return token_error(
                    "invalid_scope", f"Some requested scopes were invalid: {sorted(asked - known)}"
                )
            access_token = f"{form['refresh_token']}.access{len(self._issued) + 1}"
            self._issued[access_token] = asked
        return json_reply(
            200,
            {
                "access_token": access_token,
                "expires_in": TOKEN_LIFETIME_SECONDS,
                "scope": " ".join(sorted(asked)),
                "token_type": "Bearer",
            },
            GOOGLE_JSON,
        )


def token_error(error: str, description: str, status: int = 400) -> Reply:
    return json_reply(status, {"error": error, "error_description": description}, GOOGLE_JSON)


def invalid_grant() -> Reply:
    return token_error("invalid_grant", "Token has been expired or revoked.")
