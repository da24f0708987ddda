"""Google OAuth and parameters as the YouTube API enforces them: which scopes each method accepts, the bounds
of its parameters (read from the discovery
document google-api-python-client ships, as moto reads a service's own description), the access tokens the
sandbox's token endpoint issued with their scopes, and refresh tokens that were revoked.

An access token stands for the channel and scopes of the sign-in it came from (the dataset's, `sandbox.json` or
derived: sandbox/credentials.py); any other is refused. A refresh is granted the scopes it asks for, never more
than the sign-in holds (google-auth sends the scopes stored with the token), so a token file saved with
`youtube.readonly` only yields a read-only token."""

from __future__ import annotations

import functools
import json
import threading
from urllib.parse import parse_qs

from sandbox.credentials import SandboxAccess
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
    """Google's side of the owners' sign-ins: the access tokens the dataset declares and those the token
    endpoint issued, each with its channel and scopes; refresh tokens the dataset knows; and whether refreshing
    was revoked. A token it does not know is refused (401), as Google refuses it."""

    def __init__(self, access: SandboxAccess | None = None) -> None:
        self._lock = threading.Lock()
        self.access = access or SandboxAccess()
        self._issued: dict[str, tuple[str, frozenset[str]]] = {}
        self._revoked = False

    def use(self, access: SandboxAccess) -> None:
        """The dataset's declared sign-ins (the server reads them when it starts)."""
        with self._lock:
            self.access = access

    def grant(self, access_token: str) -> tuple[str, frozenset[str]] | None:
        """(channel id, scopes) an access token stands for; None: Google never issued it."""
        with self._lock:
            issued = self._issued.get(access_token)
            if issued is not None:
                return issued
            declared = self.access.by_access_token(access_token)
        return None if declared is None else (declared.channel_id, frozenset(declared.scopes))

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
            sign_in = self.access.by_refresh_token(form["refresh_token"])
            if self._revoked or sign_in is None:
                return invalid_grant()
            granted = frozenset(sign_in.scopes)
            asked = frozenset(form.get("scope", "").split()) or granted
            if not asked <= granted:
                # A refresh cannot widen what the owner consented to: that needs a new sign-in.
                return token_error(
                    "invalid_scope", f"Some requested scopes were invalid: {sorted(asked - granted)}"
                )
            access_token = f"ya29.sbx-{len(self._issued) + 1}-{sign_in.refresh_token[-12:]}"
            self._issued[access_token] = (sign_in.channel_id, asked)
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
