"""The weekly e-mail: what it says (no names unless the report is attached by choice), and how it leaves: SMTP over
TLS with a password or XOAUTH2, or Microsoft Graph sendMail, against real local servers over real TLS.

What `email_summary` makes of a week's outputs (where the report is, the copy kept, the copy attached without its
pictures) is sent here through the stand-in Graph; the whole run that sends by SMTP: tests/e2e/test_weekly_email.py.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from dataclasses import replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import duckdb
import pytest

from checks.images.thumbnails import PUBLISHED
from dashboards.report import Outputs, without_pictures, write_outputs
from dashboards.summary_email import ReportReference, build_messages
from flows.config.school import ConfigError, EmailSettings, load_config
from flows.mail_tokens import TokenRefused
from flows.publish_email import email_summary, send_messages, smtp_password
from tests.builders.findings import AS_OF, PUPIL_FOLLOWER, UNAPPROVED_VIDEO, insert_exception, insert_rules
from tests.builders.images import original, textured_image
from tests.builders.microsoft import CLIENT_ID, CLIENT_SECRET, OUTLOOK_SCOPE, TENANT, serve_identity_platform
from tests.builders.smtp import PASSWORD, serve_smtp
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.tls import LocalTls, make_local_tls
from warehouse.finding_pictures import keep_for_open_findings
from warehouse.safeguarding import row_is_safeguarding_critical as safeguarding_critical

REPORT = ReportReference("/srv/socialaudit/data/reports/latest/report.html", "/srv/.../weeks/2026-11-16")


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> LocalTls:
    return make_local_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("TEST_APP_SECRET", CLIENT_SECRET)


def row(severity: str, person_kind: str | None, status: str = "new", n: int = 1) -> dict[str, Any]:
    return {
        "key": f"rule:x:Acct:follower:{n}",
        "rule": "pupil-follower" if person_kind == "pupil" else "staff-personal-follower",
        "severity": severity,
        "status": status,
        "platform": "x",
        "subject_kind": "follower",
        "subject_id": str(n),
        "subject_label": "@jess_smith_y5",
        "subject_url": "https://x.com/jess_smith_y5",
        "person_kind": person_kind,
        "person_id": "P0001" if person_kind else None,
    }


def messages(report: ReportReference = REPORT, *rows: dict[str, Any]) -> list[EmailMessage]:
    return build_messages(
        "Tiny Lane",
        date(2026, 11, 16),
        list(rows) or [row("critical", "pupil")],
        [],
        report,
        "audit@school.sch.uk",
        ["etl@school.sch.uk", "head@school.sch.uk"],
        "dsl@school.sch.uk",
    )


def settings(**changes: Any) -> EmailSettings:
    base = EmailSettings(
        host="127.0.0.1", to=("etl@school.sch.uk",), sender="audit@school.sch.uk", dsl="dsl@school.sch.uk"
    )
    return replace(base, **changes)


def microsoft_app(url: str, tls: LocalTls, **changes: Any) -> EmailSettings:
    """Settings for the app registered in the stand-in tenant at `url`, its secret in TEST_APP_SECRET."""
    return settings(
        username="audit@school.sch.uk",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret_env="TEST_APP_SECRET",
        authority=url,
        ca_file=str(tls.ca_file),
        **changes,
    )


def test_what_counts_as_safeguarding_critical() -> None:
    assert safeguarding_critical(row("critical", None))
    assert safeguarding_critical(row("high", "pupil")) and safeguarding_critical(row("high", "former_pupil"))
    assert not safeguarding_critical(row("high", "staff")) and not safeguarding_critical(
        row("medium", "pupil")
    )


def test_the_dsl_hears_only_about_new_or_reopened_safeguarding_news() -> None:
    assert len(messages(REPORT, row("high", "pupil", "acknowledged"), row("medium", "pupil"))) == 1
    etl, dsl = messages(REPORT, row("high", "pupil", "reopened", 1), row("high", "staff", "new", 2))
    assert dsl["To"] == "dsl@school.sch.uk" and "\n" not in str(etl["Subject"])
    body = dsl.get_body(("plain",))
    assert body is not None and "rule:x:Acct:follower:1" in body.get_content()
    assert "rule:x:Acct:follower:2" not in body.get_content()


def test_by_default_no_message_names_anyone_or_carries_the_report() -> None:
    for message in messages(REPORT, row("critical", "pupil")):
        assert list(message.iter_attachments()) == []
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "jess" not in text.casefold() and "x.com/" not in text
        assert REPORT.where in text
        if message["To"] == "dsl@school.sch.uk":
            assert "P0001" in text and "rule:x:Acct:follower:1" in text  # register ids and keys, not names
    attached = ReportReference("the share", attached=b"<p>report naming Jess Smith</p>")
    for message in messages(attached):
        (attachment,) = message.iter_attachments()
        assert attachment.get_payload(decode=True) == attached.attached


def test_a_password_login_only_after_starttls(tls: LocalTls, secrets_in_env: None) -> None:
    with serve_smtp(tls) as (box, port):
        chosen = settings(
            port=port, username="audit", password_env="TEST_SMTP_PASSWORD", ca_file=str(tls.ca_file)
        )
        assert send_messages(chosen, messages()) == [
            "etl@school.sch.uk",
            "head@school.sch.uk",
            "dsl@school.sch.uk",
        ]
    assert box.attempts == [("PLAIN", True, True)] and box.logins == ["audit"]
    assert [r.envelope_to for r in box.received] == [
        ["etl@school.sch.uk", "head@school.sch.uk"],
        ["dsl@school.sch.uk"],
    ]


def test_no_login_without_tls(tmp_path: Path, tls: LocalTls, secrets_in_env: None) -> None:
    """A server offering no STARTTLS gets no credentials: the client stops before AUTH; a school.toml that
    would log in without TLS is refused when read; and a server whose certificate is not trusted gets nothing."""
    with serve_smtp(None) as (box, port):
        with pytest.raises(smtplib.SMTPNotSupportedError):
            send_messages(
                settings(port=port, username="audit", password_env="TEST_SMTP_PASSWORD"), messages()
            )
        with pytest.raises(ConfigError, match="without TLS"):
            send_messages(
                settings(port=port, starttls=False, username="a", password_env="TEST_SMTP_PASSWORD"),
                messages(),
            )
    assert box.attempts == [] and box.received == []
    with serve_smtp(tls) as (box, port), pytest.raises(ssl.SSLCertVerificationError):
        send_messages(settings(port=port, username="audit", password_env="TEST_SMTP_PASSWORD"), messages())
    assert box.attempts == [] and box.received == []
    dataset = build_tiny_dataset(tmp_path / "school")
    toml = dataset / "school.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\nstarttls = false\nusername = "u"\npassword_env = "P"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="logs in, so it needs TLS"):
        load_config(toml)


def test_xoauth2_with_an_app_only_token_over_implicit_tls(tls: LocalTls, secrets_in_env: None) -> None:
    with (
        serve_identity_platform(tls) as platform,
        serve_smtp(tls, implicit=True, platform=platform) as (box, port),
    ):
        chosen = microsoft_app(platform.url, tls, port=port, implicit_tls=True, auth="oauth2")
        send_messages(chosen, messages())
    (asked,) = platform.token_requests
    assert {k: asked[k] for k in ("client_id", "grant_type", "scope")} == {
        "client_id": CLIENT_ID,
        "grant_type": "client_credentials",
        "scope": OUTLOOK_SCOPE,
    }
    assert box.attempts == [("XOAUTH2", True, True)] and box.logins == ["audit@school.sch.uk"]
    assert len(box.received) == 2


def test_a_refused_token_sends_nothing(tls: LocalTls, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_APP_SECRET", "not-the-secret")
    with serve_identity_platform(tls) as platform, serve_smtp(tls, platform=platform) as (box, port):
        chosen = microsoft_app(platform.url, tls, port=port, auth="oauth2")
        with pytest.raises(TokenRefused, match="invalid_client") as refused:
            send_messages(chosen, messages())
    assert "not-the-secret" not in str(refused.value)
    assert box.attempts == [] and box.received == []


def test_graph_send_mail_with_an_app_only_token(tls: LocalTls, secrets_in_env: None) -> None:
    with serve_identity_platform(tls) as platform:
        chosen = microsoft_app(platform.url, tls, host=None, transport="graph", graph_url=platform.url)
        send_messages(chosen, messages())
        assert [r["scope"] for r in platform.token_requests] == [platform.graph_scope]
    etl, dsl = platform.sent
    assert etl["mailbox"] == "audit@school.sch.uk" and etl["saveToSentItems"] is False
    assert [r["emailAddress"]["address"] for r in etl["message"]["toRecipients"]] == [
        "etl@school.sch.uk",
        "head@school.sch.uk",
    ]
    assert "attachments" not in etl["message"] and REPORT.where in etl["message"]["body"]["content"]
    assert dsl["message"]["subject"].startswith("Safeguarding") and platform.refused == []


def week_with_a_picture(con: duckdb.DuckDBPyConnection, out: Path) -> Outputs:
    """A week's outputs as a run publishes them, a photo finding's thumbnail in its report."""
    insert_rules(con)
    insert_exception(con, PUPIL_FOLLOWER)
    insert_exception(con, UNAPPROVED_VIDEO)
    thumbnail = original(textured_image(1, (160, 120)))
    keep_for_open_findings(
        con,
        [
            {
                "key": UNAPPROVED_VIDEO.key,
                "role": PUBLISHED,
                "label": "the published picture",
                "sha256": "a1",
                "jpeg": thumbnail,
            }
        ],
    )
    return write_outputs(con, out, AS_OF, "Tiny Lane Primary School")


def test_the_summary_of_a_week_goes_through_graph_with_the_report_attached_only_when_asked(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, tls: LocalTls, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = week_with_a_picture(con, tmp_path / "out")
    report = outputs.paths["report.html"].read_text(encoding="utf-8")
    assert "data:image/jpeg" in report
    toml = build_tiny_dataset(tmp_path / "school") / "school.toml"
    monkeypatch.setenv("TINY_APP_SECRET", CLIENT_SECRET)
    log = logging.getLogger("weekly-email")
    with serve_identity_platform(tls) as platform:
        toml.write_text(
            toml.read_text(encoding="utf-8")
            + '\n[report.email]\ntransport = "graph"\nfrom = "audit@tiny.sch.uk"\nto = ["etl@tiny.sch.uk"]\n'
            'attach_report = true\nreport_link = "\\\\\\\\school-fs\\\\socialaudit\\\\report.html"\n'
            f'graph_url = "{platform.url}"\ntenant_id = "{TENANT}"\nclient_id = "{CLIENT_ID}"\n'
            f'client_secret_env = "TINY_APP_SECRET"\nauthority = "{platform.url}"\nca_file = "{tls.ca_file}"\n',
            encoding="utf-8",
        )
        email = load_config(toml).report.email
        assert email is not None
        assert email_summary(email, AS_OF, "Tiny Lane Primary School", outputs, log) == ["etl@tiny.sch.uk"]
        unattached = replace(email, attach_report=False, report_link=None)
        assert email_summary(unattached, AS_OF, "Tiny Lane Primary School", outputs, log) == [
            "etl@tiny.sch.uk"
        ]
        assert [r["scope"] for r in platform.token_requests] == [platform.graph_scope] * 2
    attached, on_the_share = platform.sent  # no DSL is configured: one message a send
    assert attached["mailbox"] == "audit@tiny.sch.uk" and attached["saveToSentItems"] is False
    message = attached["message"]
    assert [r["emailAddress"]["address"] for r in message["toRecipients"]] == ["etl@tiny.sch.uk"]
    assert "\\\\school-fs\\socialaudit\\report.html" in message["body"]["content"]
    (attachment,) = message["attachments"]
    assert attachment["name"] == f"socialaudit-report-{AS_OF.isoformat()}.html"
    # The attached copy is the report without the pictures beside its photo findings: those stay on the share.
    copy = base64.b64decode(attachment["contentBytes"]).decode("utf-8")
    assert "data:image/jpeg" not in copy and copy == without_pictures(report)
    # Without a link, the e-mail says where the report and this week's kept copy are, and carries neither.
    body = on_the_share["message"]["body"]["content"]
    kept = outputs.paths["report.html"].parent / "weeks" / AS_OF.isoformat()
    assert (
        str(outputs.paths["report.html"]) in body and str(kept) in body and (kept / "report.html").is_file()
    )
    assert "attachments" not in on_the_share["message"]


def test_a_missing_password_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set"):
        smtp_password(settings(username="u", password_env="NOT_SET_ANYWHERE"))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[report.email]\nhost = "h"\nto = ["a@b"]\n', "from is required"),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\npassword = "plain"\n', "unknown key"),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = "not-an-address"\n', "e-mail addresses"),
        ('[report]\ncolour = "red"\n', r"unknown key colour in \[report\]"),
        ('[report.email]\ntransport = "graph"\nfrom = "x@y"\nto = ["a@b"]\n', "tenant_id is required"),
        (
            '[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\nauth = "oauth2"\ntenant_id = "t"\nclient_id = "c"\nclient_secret_env = "S"\n',
            "username",
        ),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\nauthority = "http://login"\n', "https://"),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\ntransport = "pigeon"\n', "smtp or graph"),
    ],
)
def test_the_email_table_is_checked(tmp_path: Path, table: str, message: str) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    toml = dataset / "school.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(toml)
