"""Real tweepy and googleapiclient clients pointed at a local sandbox server."""

from __future__ import annotations

from typing import Any

import requests
import tweepy
from googleapiclient.discovery import build
from requests.adapters import HTTPAdapter

from sandbox.server import SandboxServer
from tests.builders.tiny_dataset import X_ACCOUNT_ID

X_API_HOST = "https://api.twitter.com"


class RewriteToSandbox(HTTPAdapter):
    """tweepy hard-codes api.twitter.com, so the only way to a local server is rewriting each URL."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = request.url.replace(X_API_HOST, self.base_url, 1)
        return super().send(request, *args, **kwargs)


def make_x_client(server: SandboxServer, return_type: Any = tweepy.Response) -> tweepy.Client:
    client = tweepy.Client(
        consumer_key="consumer-key",
        consumer_secret="consumer-secret",
        access_token=f"{X_ACCOUNT_ID}-access-token",
        access_token_secret="access-token-secret",
        return_type=return_type,
    )
    client.session.trust_env = False
    client.session.mount(X_API_HOST, RewriteToSandbox(server.url))
    return client


def make_youtube(server: SandboxServer, token: str | None = None) -> Any:
    """A client with an API key, or with an OAuth bearer token (the channel owner) when `token` is given."""
    options = {"api_endpoint": server.url + "/"}
    if token is None:
        return build("youtube", "v3", developerKey="k", client_options=options, static_discovery=True)
    from google.oauth2.credentials import Credentials

    return build(
        "youtube", "v3", credentials=Credentials(token=token), client_options=options, static_discovery=True
    )
