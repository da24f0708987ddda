"""The review app as a school sets it up: local accounts made with the real argon2 hashing, grants in
ReviewAppSettings, and signing in through the app's own form (as a browser or any HTTP client would)."""

from __future__ import annotations

import functools
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from dashboards import accounts
from dashboards.access import Grant, ReviewAppSettings

PASSWORD = "a long enough test passphrase"
# name -> role: the ETL, two safeguarding leads (a critical exception needs two), a viewer and the DPO.
PEOPLE = {
    "sam": "reviewer",
    "dsl1": "safeguarding-lead",
    "dsl2": "safeguarding-lead",
    "vic": "viewer",
    "dee": "dpo",
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@functools.lru_cache(maxsize=1)
def _template(folder: str) -> Path:
    path = Path(folder) / "review-accounts.json"
    for name in PEOPLE:
        accounts.add_account(
            path, name, PASSWORD, name.upper(), created_by="test", created_at="2026-11-13T09:00:00"
        )
    return path


def local_accounts(folder: Path, template_folder: Path) -> Path:
    """The people of PEOPLE as local accounts (hashed once per test process, copied for each test)."""
    template_folder.mkdir(parents=True, exist_ok=True)
    path = folder / "review-accounts.json"
    shutil.copy(_template(str(template_folder)), path)
    return path


def grants(people: dict[str, str] = PEOPLE, schools: tuple[str, ...] | None = None) -> tuple[Grant, ...]:
    by_role: dict[str, list[str]] = {}
    for name, role in people.items():
        by_role.setdefault(role, []).append(f"local:{name}")
    return tuple(Grant(role, tuple(who), schools) for role, who in by_role.items())


def settings(accounts_file: Path, **changes: Any) -> ReviewAppSettings:
    return replace(ReviewAppSettings(accounts_file=str(accounts_file), grants=grants()), **changes)


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(
    client: httpx.Client, name: str, password: str = PASSWORD, origin: str | None = None
) -> httpx.Response:
    """Sign in through the app's form; the client keeps the session cookie."""
    token = csrf_in(client.get("/signin").text)
    base = origin or str(client.base_url).rstrip("/")
    return client.post(
        "/signin",
        data={"name": name, "password": password, "csrf_token": token, "next": "/"},
        headers={"Origin": base},
        follow_redirects=False,
    )


def signed_in(
    url: str, name: str, token_page: str = "/", params: dict[str, str] | None = None
) -> tuple[httpx.Client, str]:
    """A client of the app served at `url` holding `name`'s session, and the CSRF token of `token_page`. The session
    cookie is `Secure`: over a loopback http socket it is carried by hand, as a script would."""
    client = httpx.Client(base_url=url)
    form = client.get("/signin")
    client.cookies = httpx.Cookies(dict(form.cookies))
    answer = client.post(
        "/signin",
        data={"name": name, "password": PASSWORD, "csrf_token": csrf_in(form.text), "next": "/"},
        headers={"Origin": url},
    )
    assert answer.status_code == 303, answer.text
    client.cookies = httpx.Cookies(dict(answer.cookies))
    return client, csrf_in(client.get(token_page, params=params).text)
