"""The weekly run e-mails the ETL the summary and the DSL the safeguarding news, the way a 2026 Microsoft 365
tenant accepts: SMTP with an app-only OAuth 2.0 token (XOAUTH2) over implicit TLS; by default without the report
(which names children), saying where it is and where this week's copy is kept.

What the summary makes of a week's outputs sent through Microsoft Graph (the link school.toml gives, the report
attached without its pictures when asked) needs no whole run: tests/flows/test_email.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders.microsoft import (
    CLIENT_ID,
    CLIENT_SECRET,
    OUTLOOK_SCOPE,
    TENANT,
    IdentityPlatform,
    serve_identity_platform,
)
from tests.builders.smtp import serve_smtp
from tests.builders.tls import LocalTls, make_local_tls

AS_OF = "2026-11-16"
SECRET_ENV = {"TINY_APP_SECRET": CLIENT_SECRET}


@pytest.fixture
def tls(tmp_path: Path) -> LocalTls:
    return make_local_tls(tmp_path / "tls")


@pytest.fixture
def platform(tls: LocalTls) -> Iterator[IdentityPlatform]:
    with serve_identity_platform(tls) as running:
        yield running


def microsoft_app(platform: IdentityPlatform, tls: LocalTls) -> str:
    return (
        f'tenant_id = "{TENANT}"\nclient_id = "{CLIENT_ID}"\nclient_secret_env = "TINY_APP_SECRET"\n'
        f'authority = "{platform.url}"\nca_file = "{tls.ca_file}"\n'
    )


def names_in_the_report(out: Path) -> list[str]:
    """Labels of the exceptions about people: what the e-mail must not carry."""
    rows = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    return [r["subject_label"].lstrip("@") for r in rows if r["person_kind"] and r["subject_label"]]


def test_the_weekly_run_sends_by_smtp_with_xoauth2_over_implicit_tls(
    audit_inprocess, tls: LocalTls, platform: IdentityPlatform
) -> None:
    with serve_smtp(tls, implicit=True, platform=platform) as (box, port):
        audited = audit_inprocess(
            toml=f'\n[report.email]\nhost = "127.0.0.1"\nport = {port}\nimplicit_tls = true\nauth = "oauth2"\n'
            'username = "audit@tiny.sch.uk"\nfrom = "audit@tiny.sch.uk"\nto = ["etl@tiny.sch.uk"]\n'
            f'dsl = "dsl@tiny.sch.uk"\n{microsoft_app(platform, tls)}',
            env=SECRET_ENV,
        )
    result = audited.result
    assert result.returncode == 0, result.stderr
    assert CLIENT_SECRET not in result.stdout + result.stderr
    assert [r["scope"] for r in platform.token_requests] == [OUTLOOK_SCOPE]
    assert box.attempts == [("XOAUTH2", True, True)] and box.logins == ["audit@tiny.sch.uk"]
    assert [r.envelope_to for r in box.received] == [["etl@tiny.sch.uk"], ["dsl@tiny.sch.uk"]]
    names = names_in_the_report(audited.out)
    assert names, "the tiny school's report names people"
    for received in box.received:
        assert list(received.message.iter_attachments()) == []
        body = received.message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert str(audited.out / "report.html") in text and f"weeks/{AS_OF}" in text
        assert not [name for name in names if name.casefold() in text.casefold()]
    assert "Safeguarding" in str(box.received[1].message["Subject"])
