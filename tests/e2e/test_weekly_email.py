"""The weekly run e-mails the ETL the summary with the report attached, and the DSL the safeguarding news."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.builders.smtp import PASSWORD, Mailbox, serve_smtp

AS_OF = "2026-11-16"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    with serve_smtp() as server:
        yield server


def test_the_weekly_run_emails_the_etl_and_the_dsl(smtp_server: tuple[Mailbox, int], audit_inprocess) -> None:
    box, port = smtp_server
    audited = audit_inprocess(
        toml=f'\n[report.email]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nfrom = "audit@tiny.sch.uk"\n'
        'to = ["etl@tiny.sch.uk"]\ndsl = "dsl@tiny.sch.uk"\nusername = "audit"\npassword_env = "TINY_SMTP_PASSWORD"\n',
        env={"TINY_SMTP_PASSWORD": PASSWORD},
    )
    result = audited.result
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert [r.envelope_to for r in box.received] == [["etl@tiny.sch.uk"], ["dsl@tiny.sch.uk"]]
    etl, dsl = (r.message for r in box.received)
    report = (audited.out / "report.html").read_bytes()
    for message in (etl, dsl):
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == f"socialaudit-report-{AS_OF}.html"
        assert attachment.get_content_type() == "text/html"
        assert attachment.get_payload(decode=True) == report
    summary = etl.get_body(("plain",))
    assert summary is not None and "new this week" in summary.get_content()
    assert "Safeguarding" in str(dsl["Subject"])
