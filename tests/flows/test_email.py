"""The weekly e-mail: the ETL gets the summary with the report attached; the DSL gets safeguarding-critical news.

A whole run that sends them: tests/e2e/test_weekly_email.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from dashboards.summary_email import build_messages, safeguarding_critical
from flows.config import ConfigError, EmailSettings, load_config
from flows.publish_email import send_messages, smtp_password
from tests.builders.smtp import PASSWORD, Mailbox, serve_smtp
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    with serve_smtp() as server:
        yield server


def row(severity: str, person_kind: str | None, status: str = "new", n: int = 1) -> dict[str, Any]:
    return {
        "key": f"rule:x:Acct:follower:{n}",
        "rule": "pupil-follower" if person_kind == "pupil" else "staff-personal-follower",
        "severity": severity,
        "status": status,
        "platform": "x",
        "subject_kind": "follower",
        "subject_id": str(n),
        "subject_url": f"https://x.com/u{n}",
        "person_kind": person_kind,
        "person_id": "P0001" if person_kind else None,
    }


def test_what_counts_as_safeguarding_critical() -> None:
    assert safeguarding_critical(row("critical", None))
    assert safeguarding_critical(row("high", "pupil")) and safeguarding_critical(row("high", "former_pupil"))
    assert not safeguarding_critical(row("high", "staff")) and not safeguarding_critical(
        row("medium", "pupil")
    )


def test_the_dsl_hears_only_about_new_or_reopened_safeguarding_news() -> None:
    def build(*rows: dict[str, Any]) -> list[EmailMessage]:
        return build_messages(
            "Tiny\nLane",
            date(2026, 11, 16),
            list(rows),
            [],
            b"<html></html>",
            "audit@school.sch.uk",
            ["etl@school.sch.uk"],
            "dsl@school.sch.uk",
        )

    assert len(build(row("high", "pupil", "acknowledged"), row("medium", "pupil"))) == 1
    etl, dsl = build(row("high", "pupil", "reopened", 1), row("high", "staff", "new", 2))
    assert dsl["To"] == "dsl@school.sch.uk" and "\n" not in str(etl["Subject"])
    body = dsl.get_body(("plain",))
    assert body is not None and "rule:x:Acct:follower:1" in body.get_content()
    assert "rule:x:Acct:follower:2" not in body.get_content()


def test_sending_logs_in_and_delivers_both_messages(
    smtp_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, port = smtp_server
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    settings = EmailSettings(
        host="127.0.0.1",
        port=port,
        starttls=False,
        to=("etl@school.sch.uk", "head@school.sch.uk"),
        sender="audit@school.sch.uk",
        dsl="dsl@school.sch.uk",
        username="audit",
        password_env="TEST_SMTP_PASSWORD",
    )
    messages = build_messages(
        "Tiny Lane",
        date(2026, 11, 16),
        [row("critical", None)],
        [],
        b"<p>report</p>",
        settings.sender,
        list(settings.to),
        settings.dsl,
    )
    assert send_messages(settings, messages) == [
        "etl@school.sch.uk",
        "head@school.sch.uk",
        "dsl@school.sch.uk",
    ]
    assert box.logins == ["audit"]
    assert [r.envelope_to for r in box.received] == [
        ["etl@school.sch.uk", "head@school.sch.uk"],
        ["dsl@school.sch.uk"],
    ]


def test_a_missing_password_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    settings = EmailSettings(
        host="h", to=("a@b",), sender="c@d", username="u", password_env="NOT_SET_ANYWHERE"
    )
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set"):
        smtp_password(settings)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[report.email]\nhost = "h"\nto = ["a@b"]\n', "from is required"),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = ["a@b"]\npassword = "plain"\n', "unknown key"),
        ('[report.email]\nhost = "h"\nfrom = "x@y"\nto = "not-an-address"\n', "e-mail addresses"),
        ('[report]\ncolour = "red"\n', r"unknown key colour in \[report\]"),
    ],
)
def test_the_email_table_is_checked(tmp_path: Path, table: str, message: str) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    toml = dataset / "school.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(toml)
