"""Platform credentials and the warehouse key, resolved here (never in connectors) from the environment or Prefect.

Each [[accounts]] entry uses its platform's default credential set (`[credentials]`, SOCIALAUDIT_X_* and
SOCIALAUDIT_YOUTUBE_TOKEN_FILE) unless it names its own with `credentials = "NAME"`; then (NAME upper-cased, `-`
as `_`) a `[credentials.NAME]` table with the same keys as `[credentials]`, else the environment variables
SOCIALAUDIT_X_<NAME>_CONSUMER_KEY ... and SOCIALAUDIT_YOUTUBE_<NAME>_TOKEN_FILE. A named set never falls back
to the default one: those keys belong to another account."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.x import XCredentials
from connectors.youtube import YouTubeCredentials
from flows.config.school import Account, ConfigError, CredentialSettings, SchoolConfig
from flows.oauth_settings import YOUTUBE_SCOPES
from warehouse.db import KEY_ENV

X_ENV = {
    "consumer_key": "SOCIALAUDIT_X_CONSUMER_KEY",
    "consumer_secret": "SOCIALAUDIT_X_CONSUMER_SECRET",
    "access_token": "SOCIALAUDIT_X_ACCESS_TOKEN",
    "access_token_secret": "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET",
}
YOUTUBE_TOKEN_ENV = "SOCIALAUDIT_YOUTUBE_TOKEN_FILE"  # noqa: S105 - the name of a variable, not a secret


class CredentialError(ConfigError):
    """A credential is missing or unusable; the message names where to put it, never its value."""


def sandbox_x_credentials(config: SchoolConfig, account_id: str) -> XCredentials:
    """The keys the sandbox serving the school's dataset issued this account (flows/offline.py): the sandbox
    checks every signature, so no other keys would do."""
    from flows import offline

    keys = offline.sandbox_x_keys(config.root, account_id)
    if keys is None:
        raise CredentialError(
            f"the sandbox dataset {config.root} declares no X token for user {account_id} (sandbox.json)"
        )
    return XCredentials(**keys)


def sandbox_youtube_credentials(config: SchoolConfig, channel_id: str) -> YouTubeCredentials:
    """The owner's sign-in the sandbox serving the school's dataset holds for this channel (flows/offline.py):
    `mine=true` answers for the channel the token signed in as, as YouTube does."""
    from google.oauth2.credentials import Credentials

    from flows import offline

    info = offline.sandbox_youtube_sign_in(config.root, channel_id)
    if info is None:
        raise CredentialError(
            f"the sandbox dataset {config.root} declares no YouTube sign-in for {channel_id} (sandbox.json)"
        )
    return YouTubeCredentials(oauth_credentials=Credentials.from_authorized_user_info(info))


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


# --- which credential set, and where it lives --------------------------------------------------------------------


def credentials_env_name(name: str) -> str:
    """The part of the environment variable names for `credentials = "NAME"`: `sports-club` -> `SPORTS_CLUB`."""
    return name.upper().replace("-", "_")


def x_env(name: str | None = None) -> dict[str, str]:
    """The four X environment variables of a credential set (None: the default set)."""
    if name is None:
        return dict(X_ENV)
    prefix = f"SOCIALAUDIT_X_{credentials_env_name(name)}_"
    return {field: prefix + field.upper() for field in X_ENV}


def youtube_token_env(name: str | None = None) -> str:
    """The YouTube token-file environment variable of a credential set (None: the default set)."""
    return (
        YOUTUBE_TOKEN_ENV if name is None else f"SOCIALAUDIT_YOUTUBE_{credentials_env_name(name)}_TOKEN_FILE"
    )


@dataclass(frozen=True)
class CredentialSet:
    """One account's credentials: the default set, or a named one with or without a [credentials.NAME] table."""

    name: str | None
    settings: CredentialSettings | None  # None: a named set configured by environment variables only
    api_key_env: str
    whose: str  # " for X @handle (credentials = "sports")", or "" for the default set on its own

    @property
    def table(self) -> str:
        return "[credentials]" if self.name is None else f"[credentials.{self.name}]"


def _default_set(config: SchoolConfig | None) -> CredentialSet:
    settings = config.credentials if config else CredentialSettings()
    return CredentialSet(None, settings, settings.youtube_api_key_env, "")


def credential_set(config: SchoolConfig, account: Account) -> CredentialSet:
    """The credential set `account` uses (its `credentials = "NAME"`, else the platform's default)."""
    name = account.credentials
    handle = f"@{account.handle}" if account.platform == "x" else account.handle
    whose = f" for {handle}" + (f' (credentials = "{name}")' if name else "")
    if name is None:
        return CredentialSet(None, config.credentials, config.credentials.youtube_api_key_env, whose)
    settings = config.credentials.named.get(name)
    api_key_env = settings.youtube_api_key_env if settings else config.credentials.youtube_api_key_env
    return CredentialSet(name, settings, api_key_env, whose)


def credential_places(config: SchoolConfig, account: Account) -> str:
    """Where this account's credentials go (variable and block names, never values), for instructions."""
    source = credential_set(config, account)
    settings = source.settings or CredentialSettings()
    if account.platform == "x":
        if settings.x_secret_block:
            return f"Prefect Secret block {settings.x_secret_block!r} ({source.table} x_secret_block)"
        return f"{', '.join(x_env(source.name).values())} or {source.table} x_secret_block"
    if settings.youtube_secret_block:
        return f"Prefect Secret block {settings.youtube_secret_block!r} ({source.table} youtube_secret_block)"
    return (
        f"{youtube_token_env(source.name)} or {source.table} youtube_token_file "
        f"(or {source.table} youtube_secret_block)"
    )


# --- X ----------------------------------------------------------------------------------------------------------


def _x_configured(source: CredentialSet) -> bool:
    block = source.settings.x_secret_block if source.settings else None
    return bool(block) or any(os.environ.get(name) for name in x_env(source.name).values())


def _live_x(source: CredentialSet) -> XCredentials:
    block = source.settings.x_secret_block if source.settings else None
    if block:
        values = _as_mapping(load_secret_block(block), block)
        missing = [field for field in X_ENV if not values.get(field)]
        if missing:
            raise CredentialError(f"Prefect Secret block {block!r}{source.whose} lacks {', '.join(missing)}")
        return XCredentials(**{field: str(values[field]) for field in X_ENV})
    variables = x_env(source.name)
    missing = [name for name in variables.values() if not os.environ.get(name)]
    if missing:
        raise CredentialError(
            f"X credentials{source.whose} missing: set {', '.join(missing)} "
            f"or {source.table} x_secret_block in school.toml"
        )
    return XCredentials(**{field: os.environ[name] for field, name in variables.items()})


def x_credentials_configured(config: SchoolConfig | None) -> bool:
    return _x_configured(_default_set(config))


def x_credentials_configured_for(config: SchoolConfig, account: Account) -> bool:
    return _x_configured(credential_set(config, account))


def live_x_credentials(config: SchoolConfig | None = None) -> XCredentials:
    """OAuth 1.0a keys of the school's own account: a Prefect Secret block if configured, else the environment."""
    return _live_x(_default_set(config))


def x_credentials_for(config: SchoolConfig, sandbox: bool) -> XCredentials:
    """The default X credential set (accounts without `credentials = "NAME"`)."""
    # A sandbox run uses configured credentials when there are any, so the live resolution path is tested offline.
    if sandbox and not x_credentials_configured(config):
        first = next(iter(config.accounts_on("x")), None)
        if first is None:
            raise CredentialError("school.toml approves no X account")
        return sandbox_x_credentials(config, first.id)
    return live_x_credentials(config)


def x_credentials_for_account(config: SchoolConfig, account: Account, sandbox: bool) -> XCredentials:
    """The OAuth 1.0a keys of this X account: its named set, or the default one; in a sandbox run with nothing
    configured for it, the keys the sandbox holds for the account (so the sandbox answers as it)."""
    if account.platform != "x":
        raise ValueError(f"{account.label} is not an X account")
    source = credential_set(config, account)
    if sandbox and not _x_configured(source):
        return sandbox_x_credentials(config, account.id)
    return _live_x(source)


# --- YouTube ----------------------------------------------------------------------------------------------------


def _token_file(source: CredentialSet) -> Path | None:
    configured = os.environ.get(youtube_token_env(source.name)) or (
        source.settings.youtube_token_file if source.settings else None
    )
    return Path(configured).expanduser() if configured else None


def _youtube_configured(source: CredentialSet) -> bool:
    block = source.settings.youtube_secret_block if source.settings else None
    token_file = _token_file(source)
    return bool(block) or bool(token_file and token_file.is_file())


def _live_youtube(source: CredentialSet) -> YouTubeCredentials:
    from google.oauth2.credentials import Credentials

    api_key = os.environ.get(source.api_key_env) or None
    block = source.settings.youtube_secret_block if source.settings else None
    if block:
        info = _as_mapping(load_secret_block(block), block)
        try:
            # The token's own granted scopes: a refresh asking for more than were granted is refused, and
            # a missing force-ssl scope is then reported by the comments call itself, with what to do.
            oauth = Credentials.from_authorized_user_info(info, info.get("scopes") or YOUTUBE_SCOPES)
        except ValueError:
            raise CredentialError(
                f"Prefect Secret block {block!r}{source.whose} is not an authorised-user token: "
                "run `socialaudit auth youtube --secret-block NAME` again"
            ) from None
        return YouTubeCredentials(oauth_credentials=oauth, api_key=api_key)
    token_file = _token_file(source)
    if not token_file or not token_file.is_file():
        where = f"{token_file} does not exist" if token_file else "missing"
        signed_in = " signed in as that channel's owner" if source.name else ""
        raise CredentialError(
            f"YouTube credentials{source.whose} {where}: run `socialaudit auth youtube --client-secrets FILE`"
            f"{signed_in}, then set {youtube_token_env(source.name)} or {source.table} youtube_token_file to the "
            f"token it wrote (or store it with --secret-block and set {source.table} youtube_secret_block)"
        )
    if token_file.stat().st_mode & 0o077:
        raise CredentialError(f"{token_file} is readable by others: chmod 600 {token_file}")
    try:
        oauth = Credentials.from_authorized_user_file(str(token_file))
    except ValueError:
        raise CredentialError(
            f"{token_file} is not an authorised-user token: run `socialaudit auth youtube` again"
        ) from None
    return YouTubeCredentials(oauth_credentials=oauth, api_key=api_key)


def youtube_token_file(config: SchoolConfig | None) -> Path | None:
    return _token_file(_default_set(config))


def youtube_credentials_configured(config: SchoolConfig | None) -> bool:
    return _youtube_configured(_default_set(config))


def youtube_credentials_configured_for(config: SchoolConfig, account: Account) -> bool:
    return _youtube_configured(credential_set(config, account))


def live_youtube_credentials(config: SchoolConfig | None = None) -> YouTubeCredentials:
    """The channel owner's authorised-user token (Prefect Secret or 0600 file) plus the API key, if any."""
    return _live_youtube(_default_set(config))


def youtube_credentials_for(config: SchoolConfig, sandbox: bool) -> YouTubeCredentials:
    """The default YouTube credential set (channels without `credentials = "NAME"`)."""
    if sandbox and not youtube_credentials_configured(config):
        first = next(iter(config.accounts_on("youtube")), None)
        if first is None:
            raise CredentialError("school.toml approves no YouTube channel")
        return sandbox_youtube_credentials(config, first.id)
    return live_youtube_credentials(config)


def youtube_credentials_for_account(
    config: SchoolConfig, account: Account, sandbox: bool
) -> YouTubeCredentials:
    """The owner's token for this channel: its named set, or the default one (sandbox, with nothing configured:
    the owner's sign-in the sandbox holds for the channel)."""
    if account.platform != "youtube":
        raise ValueError(f"{account.label} is not a YouTube channel")
    source = credential_set(config, account)
    if sandbox and not _youtube_configured(source):
        return sandbox_youtube_credentials(config, account.id)
    return _live_youtube(source)


# --- the warehouse key ------------------------------------------------------------------------------------------


def warehouse_key(config: SchoolConfig | None) -> str | None:
    """The warehouse encryption key named in [warehouse], else `SOCIALAUDIT_DB_KEY`, else None (plain file)."""
    settings = config.warehouse if config else None
    return _key_named(
        ("encryption_key_secret", "encryption_key_env"),
        settings.encryption_key_secret if settings else None,
        settings.encryption_key_env if settings else None,
        KEY_ENV,
    )


BACKUP_KEY_ENV = "SOCIALAUDIT_BACKUP_KEY"


def backup_key(config: SchoolConfig | None) -> str | None:
    """The key of backup files named in [warehouse] (backup_key_secret, backup_key_env), else
    `SOCIALAUDIT_BACKUP_KEY`, else None (`socialaudit backup` then refuses)."""
    settings = config.warehouse if config else None
    return _key_named(
        ("backup_key_secret", "backup_key_env"),
        settings.backup_key_secret if settings else None,
        settings.backup_key_env if settings else None,
        BACKUP_KEY_ENV,
    )


def _key_named(
    keys: tuple[str, str], secret_block: str | None, env_name: str | None, fallback: str
) -> str | None:
    """A key from the Prefect Secret block `secret_block`, else the variable `env_name` (refused when named and
    unset), else the variable `fallback`; `keys` are the two school.toml keys, for the messages."""
    if secret_block:
        value = load_secret_block(secret_block)
        if not isinstance(value, str) or not value:
            raise CredentialError(f"Prefect Secret block {secret_block!r} must hold the key as a string")
        return value
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise CredentialError(f"school.toml [warehouse] {keys[1]} names {env_name}, which is not set")
        return value
    return os.environ.get(fallback) or None
