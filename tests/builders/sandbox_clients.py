"""Real tweepy and googleapiclient clients pointed at a local sandbox server."""

from __future__ import annotations

from typing import Any

import requests
import tweepy
from googleapiclient.discovery import build
from requests.adapters import HTTPAdapter

from sandbox.server import SandboxServer
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID

X_API_HOST = "https://api.twitter.com"
X_UPLOAD_HOST = "https://upload.twitter.com"


class RewriteToSandbox(HTTPAdapter):
    """tweepy hard-codes api.twitter.com (and upload.twitter.com for media), so the only way to a local server
    is rewriting each URL (after tweepy signed it for the real host)."""

    def __init__(self, base_url: str, host: str = X_API_HOST) -> None:
        super().__init__()
        self.base_url = base_url
        self.host = host

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = request.url.replace(self.host, self.base_url, 1)
        return super().send(request, *args, **kwargs)


def x_keys(server: SandboxServer, user_id: str = X_ACCOUNT_ID) -> dict[str, str]:
    """The OAuth 1.0a keys the sandbox holds for `user_id` (its own app's, as sandbox/credentials.py derives them)."""
    assert server.access is not None, "start the server first"
    return server.access.x_keys(user_id)


def x_signed_request(
    server: SandboxServer,
    method: str,
    path: str,
    params: dict[str, str] | None = None,
    *,
    user_id: str = X_ACCOUNT_ID,
    timeout: float = 10,
    **kwargs: Any,
) -> requests.Response:
    """A request signed as tweepy signs it (OAuth 1.0a over api.twitter.com, the keys the sandbox holds for
    `user_id`); `kwargs` go to requests (json: a JSON body is not signed, as X specifies)."""
    from requests_oauthlib import OAuth1

    keys = x_keys(server, user_id)
    session = requests.Session()
    session.trust_env = False
    session.mount(X_API_HOST, RewriteToSandbox(server.url))
    auth = OAuth1(
        keys["consumer_key"], keys["consumer_secret"], keys["access_token"], keys["access_token_secret"]
    )
    return session.request(method, X_API_HOST + path, params=params, auth=auth, timeout=timeout, **kwargs)


def owner_sign_in(server: SandboxServer, channel_id: str = CHANNEL_ID) -> Any:
    """The channel owner's google-auth credentials the sandbox holds, refreshing against the sandbox."""
    from google.oauth2.credentials import Credentials

    assert server.access is not None, "start the server first"
    info = server.access.authorized_user_info(channel_id, server.url + "/token")
    # google-auth reads no token_uri from the info: point refreshes at the sandbox, as the connector does.
    return Credentials.from_authorized_user_info(info).with_token_uri(server.url + "/token")


def api_key(server: SandboxServer) -> str:
    assert server.access is not None, "start the server first"
    return server.access.api_keys[0]


def make_x_client(
    server: SandboxServer, return_type: Any = tweepy.Response, user_id: str = X_ACCOUNT_ID
) -> tweepy.Client:
    client = tweepy.Client(**x_keys(server, user_id), return_type=return_type)
    client.session.trust_env = False
    client.session.mount(X_API_HOST, RewriteToSandbox(server.url))
    return client


def make_x_api(server: SandboxServer, user_id: str = X_ACCOUNT_ID, **keys: str) -> tweepy.API:
    """tweepy's v1.1 client, which uploads media (to upload.twitter.com); `keys` replace the sandbox's."""
    signing = {**x_keys(server, user_id), **keys}
    auth = tweepy.OAuth1UserHandler(
        signing["consumer_key"],
        signing["consumer_secret"],
        signing["access_token"],
        signing["access_token_secret"],
    )
    api = tweepy.API(auth)
    api.session.trust_env = False
    api.session.mount(X_UPLOAD_HOST, RewriteToSandbox(server.url, X_UPLOAD_HOST))
    api.session.mount(X_API_HOST, RewriteToSandbox(server.url))
    return api


def make_youtube(server: SandboxServer, owner: str | None = None, token: str | None = None) -> Any:
    """A client with the project's API key; with the owner's sign-in of channel `owner`; or with a bare access
    `token` (which the sandbox refuses unless it issued it)."""
    options = {"api_endpoint": server.url + "/"}
    if owner is None and token is None:
        return build(
            "youtube", "v3", developerKey=api_key(server), client_options=options, static_discovery=True
        )
    from google.oauth2.credentials import Credentials

    credentials = owner_sign_in(server, owner) if owner is not None else Credentials(token=token)
    return build("youtube", "v3", credentials=credentials, client_options=options, static_discovery=True)


def x_authorization(server: SandboxServer, path: str, query: str = "", user_id: str = X_ACCOUNT_ID) -> str:
    """An `Authorization: OAuth ...` header for one raw request, signed as tweepy signs (over api.twitter.com)."""
    from oauthlib.oauth1 import Client

    keys = x_keys(server, user_id)
    signer = Client(
        keys["consumer_key"],
        client_secret=keys["consumer_secret"],
        resource_owner_key=keys["access_token"],
        resource_owner_secret=keys["access_token_secret"],
    )
    _, headers, _ = signer.sign(X_API_HOST + path + (f"?{query}" if query else ""))
    return str(headers["Authorization"])


def owner_bearer(server: SandboxServer, channel_id: str = CHANNEL_ID) -> str:
    """`Bearer <the owner's access token>` for one raw YouTube request."""
    assert server.access is not None, "start the server first"
    return f"Bearer {server.access.google_token(channel_id).access_token}"
