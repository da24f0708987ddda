"""Platform credentials and the warehouse key, resolved here (never in connectors) from the environment or Prefect."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from connectors.x import XCredentials
from connectors.youtube import YouTubeCredentials
from flows.config import ConfigError, SchoolConfig
from warehouse.db import KEY_ENV

X_ENV = {
    "consumer_key": "SOCIALAUDIT_X_CONSUMER_KEY",
    "consumer_secret": "SOCIALAUDIT_X_CONSUMER_SECRET",
    "access_token": "SOCIALAUDIT_X_ACCESS_TOKEN",
    "access_token_secret": "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET",
}
YOUTUBE_TOKEN_ENV = "SOCIALAUDIT_YOUTUBE_TOKEN_FILE"  # noqa: S105 - the name of a variable, not a secret
YOUTUBE_SCOPES = ["https://www.googleapis.com/auth/youtube.readonly"]
DEFAULT_TOKEN_FILE = Path("~/.config/socialaudit/youtube-token.json")


class CredentialError(ConfigError):
    """A credential is missing or unusable; the message names where to put it, never its value."""


def sandbox_x_credentials() -> XCredentials:
    return XCredentials("sandbox-consumer", "sandbox-secret", "sandbox-token", "sandbox-token-secret")


def sandbox_youtube_credentials() -> YouTubeCredentials:
    return YouTubeCredentials(sandbox_token="sandbox-oauth-token")  # noqa: S106 - the sandbox accepts any token


def load_secret_block(name: str) -> Any:
    """The value of a Prefect Secret block; the error names the block, never its contents."""
    from prefect.blocks.system import Secret

    try:
        return Secret.load(name, _sync=True).get()  # type: ignore[call-arg, union-attr]
    except Exception as error:
        raise CredentialError(
            f"Prefect Secret block {name!r} could not be loaded ({type(error).__name__}): "
            f"create it with Secret(value=...).save({name!r}) against the same Prefect server"
        ) from None


def _as_mapping(value: Any, block: str) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise CredentialError(f"Prefect Secret block {block!r} does not hold a JSON object") from None
    if not isinstance(value, dict):
        raise CredentialError(f"Prefect Secret block {block!r} does not hold a JSON object")
    return value


def x_credentials_configured(config: SchoolConfig | None) -> bool:
    block = config.credentials.x_secret_block if config else None
    return bool(block) or any(os.environ.get(name) for name in X_ENV.values())


def live_x_credentials(config: SchoolConfig | None = None) -> XCredentials:
    """OAuth 1.0a keys of the school's own account: a Prefect Secret block if configured, else the environment."""
    block = config.credentials.x_secret_block if config else None
    if block:
        values = _as_mapping(load_secret_block(block), block)
        missing = [field for field in X_ENV if not values.get(field)]
        if missing:
            raise CredentialError(f"Prefect Secret block {block!r} lacks {', '.join(missing)}")
        return XCredentials(**{field: str(values[field]) for field in X_ENV})
    missing = [name for name in X_ENV.values() if not os.environ.get(name)]
    if missing:
        raise CredentialError(
            f"X credentials missing: set {', '.join(missing)} or [credentials] x_secret_block in school.toml"
        )
    return XCredentials(**{field: os.environ[name] for field, name in X_ENV.items()})


def youtube_token_file(config: SchoolConfig | None) -> Path | None:
    configured = os.environ.get(YOUTUBE_TOKEN_ENV) or (
        config.credentials.youtube_token_file if config else None
    )
    return Path(configured).expanduser() if configured else None


def youtube_credentials_configured(config: SchoolConfig | None) -> bool:
    block = config.credentials.youtube_secret_block if config else None
    token_file = youtube_token_file(config)
    return bool(block) or bool(token_file and token_file.is_file())


def live_youtube_credentials(config: SchoolConfig | None = None) -> YouTubeCredentials:
    """The channel owner's authorised-user token (Prefect Secret or 0600 file) plus the API key, if any."""
    from google.oauth2.credentials import Credentials

    api_key_env = config.credentials.youtube_api_key_env if config else "SOCIALAUDIT_YOUTUBE_API_KEY"
    api_key = os.environ.get(api_key_env) or None
    block = config.credentials.youtube_secret_block if config else None
    if block:
        info = _as_mapping(load_secret_block(block), block)
        try:
            oauth = Credentials.from_authorized_user_info(info, YOUTUBE_SCOPES)
        except ValueError:
            raise CredentialError(
                f"Prefect Secret block {block!r} is not an authorised-user token: "
                "run `socialaudit auth youtube --secret-block NAME` again"
            ) from None
        return YouTubeCredentials(oauth_credentials=oauth, api_key=api_key)
    token_file = youtube_token_file(config)
    if not token_file or not token_file.is_file():
        raise CredentialError(
            f"YouTube credentials missing: run `socialaudit auth youtube --client-secrets FILE`, then set "
            f"{YOUTUBE_TOKEN_ENV} or [credentials] youtube_token_file to the token it wrote"
        )
    if token_file.stat().st_mode & 0o077:
        raise CredentialError(f"{token_file} is readable by others: chmod 600 {token_file}")
    try:
        oauth = Credentials.from_authorized_user_file(str(token_file), YOUTUBE_SCOPES)
    except ValueError:
        raise CredentialError(
            f"{token_file} is not an authorised-user token: run `socialaudit auth youtube` again"
        ) from None
    return YouTubeCredentials(oauth_credentials=oauth, api_key=api_key)


def x_credentials_for(config: SchoolConfig, sandbox: bool) -> XCredentials:
    # A sandbox run uses configured credentials when there are any, so the live resolution path is tested offline.
    if sandbox and not x_credentials_configured(config):
        return sandbox_x_credentials()
    return live_x_credentials(config)


def youtube_credentials_for(config: SchoolConfig, sandbox: bool) -> YouTubeCredentials:
    if sandbox and not youtube_credentials_configured(config):
        return sandbox_youtube_credentials()
    return live_youtube_credentials(config)


def warehouse_key(config: SchoolConfig | None) -> str | None:
    """The warehouse encryption key named in [warehouse], else `SOCIALAUDIT_DB_KEY`, else None (plain file)."""
    settings = config.warehouse if config else None
    if settings and settings.encryption_key_secret:
        value = load_secret_block(settings.encryption_key_secret)
        if not isinstance(value, str) or not value:
            raise CredentialError(
                f"Prefect Secret block {settings.encryption_key_secret!r} must hold the key as a string"
            )
        return value
    if settings and settings.encryption_key_env:
        value = os.environ.get(settings.encryption_key_env)
        if not value:
            raise CredentialError(
                f"school.toml [warehouse] encryption_key_env names {settings.encryption_key_env}, which is not set"
            )
        return value
    return os.environ.get(KEY_ENV) or None
