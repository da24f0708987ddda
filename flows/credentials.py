"""Platform credentials, resolved here (never in connectors) from the environment or the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

from connectors.x import XCredentials
from connectors.youtube import YouTubeCredentials
from flows.config import ConfigError

X_ENV = {
    "consumer_key": "SOCIALAUDIT_X_CONSUMER_KEY",
    "consumer_secret": "SOCIALAUDIT_X_CONSUMER_SECRET",
    "access_token": "SOCIALAUDIT_X_ACCESS_TOKEN",
    "access_token_secret": "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET",
}
YOUTUBE_TOKEN_ENV = "SOCIALAUDIT_YOUTUBE_TOKEN_FILE"  # noqa: S105 - the name of a variable, not a secret
YOUTUBE_SCOPES = ["https://www.googleapis.com/auth/youtube.readonly"]


def sandbox_x_credentials() -> XCredentials:
    return XCredentials("sandbox-consumer", "sandbox-secret", "sandbox-token", "sandbox-token-secret")


def sandbox_youtube_credentials() -> YouTubeCredentials:
    return YouTubeCredentials(sandbox_token="sandbox-oauth-token")  # noqa: S106 - the sandbox accepts any token


def live_x_credentials() -> XCredentials:
    missing = [name for name in X_ENV.values() if not os.environ.get(name)]
    if missing:
        raise ConfigError(f"X credentials missing: set {', '.join(missing)}")
    return XCredentials(**{field: os.environ[name] for field, name in X_ENV.items()})


def live_youtube_credentials() -> YouTubeCredentials:
    token_file = os.environ.get(YOUTUBE_TOKEN_ENV)
    if not token_file or not Path(token_file).is_file():
        raise ConfigError(
            f"YouTube credentials missing: set {YOUTUBE_TOKEN_ENV} to the channel owner's authorised-user file"
        )
    from google.oauth2.credentials import Credentials

    return YouTubeCredentials(
        oauth_credentials=Credentials.from_authorized_user_file(token_file, YOUTUBE_SCOPES)
    )
