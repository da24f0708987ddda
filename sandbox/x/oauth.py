"""OAuth 1.0a user context as X checks it: the consumer key names a developer app the dataset knows, the access
token is one that app issued, and the HMAC-SHA1 signature is computed with both secrets over the request as the
client signed it (tweepy signs `https://api.twitter.com/...` before the request is sent anywhere). A nonce is used
once. Anything else is X's 401."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from oauthlib.oauth1.rfc5849 import signature

from sandbox.credentials import SandboxAccess, XApp, XToken
from sandbox.http import ApiError, ApiRequest
from sandbox.x.exceptions import unauthorized, unsupported_authentication

# The hosts a client may have signed for: tweepy's, and the one X's documentation now uses; media is uploaded
# to its own host (tweepy's `API.upload_host`), and a signature names the host it was made for.
SIGNED_HOSTS = ("https://api.twitter.com", "https://api.x.com")
UPLOAD_HOSTS = ("https://upload.twitter.com", "https://upload.x.com")
FORM_ENCODED = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class UserContext:
    """Who a request acts as: the user whose token signed it, and the app the keys belong to."""

    token: XToken
    app: XApp

    @property
    def user_id(self) -> str:
        return self.token.user_id

    @property
    def app_owned(self) -> bool:
        return self.app.owner_id == self.token.user_id


class OAuthVerifier:
    """Checks each request's `Authorization: OAuth ...` header against the dataset's apps and tokens."""

    def __init__(self, access: SandboxAccess) -> None:
        self.access = access
        self._lock = threading.Lock()
        self._nonces: set[tuple[str, str, str]] = set()

    def user_context(self, request: ApiRequest, hosts: tuple[str, ...] = SIGNED_HOSTS) -> UserContext:
        scheme = request.authorization.split(" ", 1)[0]
        if scheme == "Bearer":
            # No app-only or OAuth 2.0 bearer token was issued for the dataset: X answers an unknown one 401;
            # an app-only token would be refused on user-context routes anyway.
            if request.path == "/2/users/me" and request.authorization[7:].startswith(
                "AAAAAAAAAAAAAAAAAAAAA"
            ):
                raise ApiError(unsupported_authentication())
            raise ApiError(unauthorized())
        if scheme != "OAuth":
            raise ApiError(unauthorized())
        params = dict(
            signature.collect_parameters(
                headers={"Authorization": request.authorization}, exclude_oauth_signature=False
            )
        )
        app = self.access.app(params.get("oauth_consumer_key", ""))
        token = self.access.x_token(params.get("oauth_token", ""))
        if app is None or token is None or token.consumer_key != app.consumer_key:
            raise ApiError(unauthorized())
        if params.get("oauth_signature_method") != "HMAC-SHA1" or not params.get("oauth_nonce"):
            raise ApiError(unauthorized())
        if not params.get("oauth_timestamp", "").isdigit():
            raise ApiError(unauthorized())
        form = request.content_type.split(";", 1)[0].strip().lower() == FORM_ENCODED
        try:
            collected = signature.collect_parameters(
                uri_query=request.raw_query,
                body=request.body.decode("utf-8") if form else None,
                headers={"Authorization": request.authorization},
                exclude_oauth_signature=True,
            )
        except (UnicodeDecodeError, ValueError) as error:
            raise ApiError(unauthorized()) from error
        normalized = signature.normalize_parameters(collected)
        sent = params.get("oauth_signature", "")
        if not any(
            signature.safe_string_equals(
                signature.sign_hmac_sha1(
                    signature.signature_base_string(
                        request.method, signature.base_string_uri(host + request.path), normalized
                    ),
                    app.consumer_secret,
                    token.access_token_secret,
                ),
                sent,
            )
            for host in hosts
        ):
            raise ApiError(unauthorized())
        nonce = (app.consumer_key, params["oauth_timestamp"], params["oauth_nonce"])
        with self._lock:
            if nonce in self._nonces:
                raise ApiError(unauthorized())
            self._nonces.add(nonce)
        return UserContext(token, app)
