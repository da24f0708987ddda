"""The Meta token of a Facebook Page or Instagram account: a long-lived Page token (docs/production.md §2 says how to
make one), read from a Prefect Secret (`[credentials] meta_secret_block`) or a 0600 file (`meta_token_file`, or
$SOCIALAUDIT_META_TOKEN_FILE; a named set `credentials = "NAME"`: $SOCIALAUDIT_META_<NAME>_TOKEN_FILE). In a
`--sandbox` run with nothing configured, the token the sandbox issued for the account (flows/offline.py)."""

from __future__ import annotations

import os
from pathlib import Path

from flows.config.school import Account, SchoolConfig
from flows.credentials import (
    CredentialError,
    CredentialSet,
    credential_set,
    credentials_env_name,
    load_secret_block,
)

META_TOKEN_ENV = "SOCIALAUDIT_META_TOKEN_FILE"  # noqa: S105 - the name of a variable, not a secret
META_PLATFORMS = ("facebook", "instagram")


def meta_token_env(name: str | None = None) -> str:
    return META_TOKEN_ENV if name is None else f"SOCIALAUDIT_META_{credentials_env_name(name)}_TOKEN_FILE"


def _token_file(source: CredentialSet) -> Path | None:
    configured = os.environ.get(meta_token_env(source.name)) or (
        source.settings.meta_token_file if source.settings else None
    )
    return Path(configured).expanduser() if configured else None


def _configured(source: CredentialSet) -> bool:
    block = source.settings.meta_secret_block if source.settings else None
    token_file = _token_file(source)
    return bool(block) or bool(token_file and token_file.is_file())


def meta_places(config: SchoolConfig, account: Account) -> str:
    source = credential_set(config, account)
    return (
        f"{meta_token_env(source.name)}, {source.table} meta_token_file or {source.table} meta_secret_block"
    )


def _live_token(source: CredentialSet) -> str:
    block = source.settings.meta_secret_block if source.settings else None
    if block:
        value = load_secret_block(block)
        token = value.get("access_token") if isinstance(value, dict) else value
        if not isinstance(token, str) or not token.strip():
            raise CredentialError(f"Prefect Secret block {block!r}{source.whose} holds no Meta Page token")
        return token.strip()
    token_file = _token_file(source)
    if not token_file or not token_file.is_file():
        where = f"{token_file} does not exist" if token_file else "missing"
        raise CredentialError(
            f"the Meta Page token{source.whose} is {where}: make a long-lived Page token (docs/production.md §2), save "
            f"it alone in a file readable only by you (chmod 600) and set {meta_token_env(source.name)} or "
            f"{source.table} meta_token_file to it (or store it in a Prefect Secret and set {source.table} "
            "meta_secret_block)"
        )
    if token_file.stat().st_mode & 0o077:
        raise CredentialError(f"{token_file} is readable by others: chmod 600 {token_file}")
    token = token_file.read_text(encoding="utf-8").strip()
    if not token:
        raise CredentialError(f"{token_file} is empty: save the Page token in it")
    return token


def meta_token_for_account(config: SchoolConfig, account: Account, sandbox: bool) -> str:
    """The token reading and acting for this Page or Instagram account."""
    if account.platform not in META_PLATFORMS:
        raise ValueError(f"{account.label} is not a Facebook Page or Instagram account")
    source = credential_set(config, account)
    if sandbox and not _configured(source):
        from flows import offline

        token = offline.sandbox_meta_token(config.root, account.platform, account.id)
        if token is None:
            raise CredentialError(
                f"the sandbox dataset {config.root} issues no Meta token for {account.label}"
            )
        return token
    return _live_token(source)
