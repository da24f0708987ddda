"""The offline world for `--sandbox` runs: the local API servers the connectors talk to instead of X and YouTube.

The only pipeline-side module that imports `sandbox/`, and only when a run asks for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Endpoints:
    x_base_url: str | None
    youtube_base_url: str | None
    media_base_url: str | None
    sandbox: bool
    # Meta's Graph API (Facebook Pages, Instagram accounts); None: graph.facebook.com.
    graph_base_url: str | None = None


LIVE = Endpoints(None, None, None, sandbox=False)


@contextlib.contextmanager
def endpoints(dataset_dir: Path | None) -> Iterator[Endpoints]:
    """The real platforms, or a sandbox serving `dataset_dir` (faults from $SOCIALAUDIT_SANDBOX_FAULTS)."""
    if dataset_dir is None:
        yield LIVE
        return
    from sandbox.server import SandboxServer

    server = SandboxServer.from_env(dataset_dir)
    with server:
        yield Endpoints(server.url, server.url, server.url, sandbox=True, graph_base_url=server.url)


def sandbox_x_keys(dataset_dir: Path, account_id: str) -> dict[str, str] | None:
    """The OAuth 1.0a keys the sandbox serving `dataset_dir` accepts for this X account (its `sandbox.json`,
    else derived from the account), or None when the dataset declares none for it."""
    from sandbox.credentials import load_access

    access = load_access(dataset_dir.resolve(), [account_id], [])
    try:
        return access.x_keys(account_id)
    except StopIteration:
        return None


def sandbox_youtube_sign_in(dataset_dir: Path, channel_id: str) -> dict[str, object] | None:
    """The channel owner's authorised-user token (as `socialaudit auth youtube` stores it) the sandbox serving
    `dataset_dir` accepts, or None when the dataset declares none for the channel. Its `token_uri` is
    Google's: the client points refreshes at the sandbox."""
    from sandbox.credentials import load_access

    access = load_access(dataset_dir.resolve(), [], [channel_id])
    try:
        return access.authorized_user_info(channel_id, "https://oauth2.googleapis.com/token")
    except StopIteration:
        return None


def sandbox_meta_token(dataset_dir: Path, platform: str, account_id: str) -> str | None:
    """The token the sandbox serving `dataset_dir` accepts for this account, as a school keeps it: the Page's own
    token, for an Instagram account the token of the Page linked to it; None when it issues none."""
    from sandbox.meta.models import load_meta
    from sandbox.meta.tokens import load_meta_access

    root = dataset_dir.resolve()
    access = load_meta_access(root)
    page_id = account_id
    if platform == "instagram":
        page_id = next((p.page_id for p in load_meta(root).pages if p.instagram_id == account_id), "")
    try:
        return access.page_token(page_id)
    except (KeyError, StopIteration, ValueError):
        return None
