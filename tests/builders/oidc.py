"""A real OpenID Connect provider for the sign-in tests: the certified `oidc-provider` package on node, pinned by
tests/oidc_provider/package-lock.json and installed by `make oidc` (or `npm ci --prefix tests/oidc_provider`).

It signs anyone in with any password through the package's development log-in form (the e-mail claim is the login
typed); who may then do what is the review app's business, which is what the tests are about."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.builders.paths import REPO
from tests.builders.ports import free_port
from tests.builders.prefect_server import stop_group

PROVIDER_DIR = REPO / "tests" / "oidc_provider"
CLIENT_ID = "socialaudit-review"
CLIENT_SECRET = "test-only-client-secret-0123456789abcdef"


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def provider_available() -> None:
    """Skip (fail under CI) when node or the pinned package is missing, as the browser tests do for Chromium."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is missing: `make oidc` installs it (apt) and the provider (npm ci)"
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing = (
            "the test OpenID provider is not installed: run `make oidc` (npm ci --prefix tests/oidc_provider)"
        )
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


@contextmanager
def oidc_provider(redirect_uris: list[str], log: Path) -> Iterator[Provider]:
    provider_available()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "port": port,
        "issuer": issuer,
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}],
    }
    handle = log.open("wb")
    process = subprocess.Popen(
        ["node", str(PROVIDER_DIR / "provider.mjs"), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=handle,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        line = b""
        while not line.startswith(b"ready"):
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()[-2000:]
            line = process.stdout.readline()
        yield Provider(issuer, CLIENT_ID, CLIENT_SECRET)
    finally:
        stop_group(process)
        handle.close()


def sign_in_at_the_provider(page: Any, url: str, login: str, label: str = "Tiny Lane account") -> None:
    """In the browser: the app's sign-in page, the provider's log-in and consent, and back to the app."""
    page.goto(f"{url}/")
    assert "/signin" in page.url  # no session: the sign-in page, not the list
    page.get_by_role("link", name=f"Sign in with {label}").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("whatever the provider asks")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent screen
    page.wait_for_url(f"{url}/**")
