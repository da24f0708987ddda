"""The weekly summary e-mail (report attached) and the Designated Safeguarding Lead's copy, built but not sent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from dashboards.report import SEVERITY_ORDER
from warehouse.stream_status import describe

# Safeguarding-critical: anything critical, or high severity about a child (a pupil or former pupil). These go
# to the DSL as well as the ETL, the week they are raised or reopened, so the DSL hears about each one once.
CHILD_KINDS = ("pupil", "former_pupil")
NEWS = ("new", "reopened")


def safeguarding_critical(row: dict[str, Any]) -> bool:
    return row["severity"] == "critical" or (row["severity"] == "high" and row["person_kind"] in CHILD_KINDS)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def summary_text(
    school_name: str,
    as_of: date,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    not_read: list[dict[str, Any]] | None = None,
) -> str:
    status = Counter(r["status"] for r in exceptions)
    severity = Counter(r["severity"] for r in exceptions)
    rules = Counter(r["rule"] for r in exceptions)
    lines = [
        f"Social media audit of {school_name}, week of {as_of.isoformat()}",
        "",
        *(
            [
                "PARTIAL AUDIT: not looked at this week (their exceptions were neither raised nor resolved):",
                *(f"  {_one_line(describe(row))}" for row in not_read),
                "",
            ]
            if not_read
            else []
        ),
        f"{len(exceptions)} exceptions need attention: {status['new']} new this week, {status['reopened']} reopened, "
        f"{status['open'] + status['acknowledged']} still open ({status['acknowledged']} acknowledged); "
        f"{len(resolved)} resolved since last week.",
        "By severity: " + ", ".join(f"{s} {severity[s]}" for s in SEVERITY_ORDER),
        "",
        "By rule:",
        *[f"  {rule}: {n}" for rule, n in sorted(rules.items())],
        "",
        "The full report is attached (report.html: open it in a browser; it works offline).",
        "Record decisions with `socialaudit review KEY ...` or in the review app.",
    ]
    return "\n".join(lines) + "\n"


def _message(
    subject: str, sender: str, to: list[str], body: str, report_html: bytes, as_of: date
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    message.add_attachment(
        report_html, maintype="text", subtype="html", filename=f"socialaudit-report-{as_of.isoformat()}.html"
    )
    return message


def build_messages(
    school_name: str,
    as_of: date,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    report_html: bytes,
    sender: str,
    to: list[str],
    dsl: str | None = None,
    not_read: list[dict[str, Any]] | None = None,
) -> list[EmailMessage]:
    """The ETL's summary with the report attached, and, when there is news the DSL must see, the DSL's copy."""
    messages = [
        _message(
            f"Social media audit: {school_name}, week of {as_of.isoformat()}: {len(exceptions)} exceptions"
            + (" (partial audit)" if not_read else ""),
            sender,
            to,
            summary_text(school_name, as_of, exceptions, resolved, not_read),
            report_html,
            as_of,
        )
    ]
    urgent = [r for r in exceptions if safeguarding_critical(r) and r["status"] in NEWS]
    if dsl and urgent:
        lines = [
            f"The weekly social media audit of {school_name} (week of {as_of.isoformat()}) raised or reopened "
            f"{len(urgent)} safeguarding-critical exception{'s' if len(urgent) != 1 else ''} "
            "(critical, or high severity about a pupil or former pupil).",
            "",
        ]
        for row in urgent:
            lines += [
                f"- {row['severity']} {row['rule']} ({row['status']}): {row['person_kind'] or ''} {row['person_id'] or ''}".rstrip(),
                f"  {row['platform']} {row['subject_kind']} {row['subject_id']}"
                + (f" {row['subject_url']}" if row.get("subject_url") else ""),
                f"  key: {row['key']}",
            ]
        lines += ["", "The full report is attached. The Enterprise and Technology Lead has the same report."]
        messages.append(
            _message(
                f"Safeguarding: {len(urgent)} social media exception(s) for the DSL, {school_name}, week of {as_of.isoformat()}",
                sender,
                [dsl],
                "\n".join(lines) + "\n",
                report_html,
                as_of,
            )
        )
    return messages
