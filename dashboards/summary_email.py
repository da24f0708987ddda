"""The weekly summary e-mail and the Designated Safeguarding Lead's copy, built but not sent.

By default a message carries counts, rules, exception keys and register ids, and says where the report is: no
names or handles (an e-mail lives in mailboxes outside the product's retention and erasure). The report, which
names children, is attached only when the school chose so (`[report.email] attach_report`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from dashboards.report import SEVERITY_ORDER
from warehouse.safeguarding import DEFINITION as SAFEGUARDING_CRITICAL
from warehouse.safeguarding import Sensitivity, row_is_safeguarding_critical, row_sensitivity
from warehouse.stream_status import describe

# Safeguarding-critical exceptions (warehouse/safeguarding.py) go to the DSL as well as the ETL, the week they are
# raised or reopened, so the DSL hears about each one once.
NEWS = ("new", "reopened")


@dataclass(frozen=True)
class ReportReference:
    """Where readers find the week's report: a path or link, the dated copy kept, the bytes when attached."""

    where: str
    week_copy: str | None = None
    attached: bytes | None = None

    def lines(self) -> list[str]:
        if self.attached is not None:
            return [
                "The full report is attached (open it in a browser; it works offline), without the pictures beside"
                f" its photo findings: those are only in the report at {self.where}"
            ]
        kept = [f"This week's copy stays in {self.week_copy}"] if self.week_copy else []
        return [
            f"The full report (it names the people concerned, so it is not in this e-mail): {self.where}",
            *kept,
        ]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def summary_text(
    school_name: str,
    as_of: date,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    not_read: list[dict[str, Any]] | None = None,
    report: ReportReference | None = None,
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
        *(report or ReportReference("report.html")).lines(),
        "Record decisions with `socialaudit review KEY ...` or in the review app.",
    ]
    return "\n".join(lines) + "\n"


def _message(
    subject: str, sender: str, to: list[str], body: str, report: ReportReference, as_of: date
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    if report.attached is not None:
        message.add_attachment(
            report.attached,
            maintype="text",
            subtype="html",
            filename=f"socialaudit-report-{as_of.isoformat()}.html",
        )
    return message


def build_messages(
    school_name: str,
    as_of: date,
    exceptions: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    report: ReportReference,
    sender: str,
    to: list[str],
    dsl: str | None = None,
    not_read: list[dict[str, Any]] | None = None,
) -> list[EmailMessage]:
    """The ETL's summary, and, when there is news the DSL must see, the DSL's copy; both say where the report is
    (and carry it only when `report.attached`)."""
    messages = [
        _message(
            f"Social media audit: {school_name}, week of {as_of.isoformat()}: {len(exceptions)} exceptions"
            + (" (partial audit)" if not_read else ""),
            sender,
            to,
            summary_text(school_name, as_of, exceptions, resolved, not_read, report),
            report,
            as_of,
        )
    ]
    urgent = [r for r in exceptions if row_is_safeguarding_critical(r) and r["status"] in NEWS]
    if dsl and urgent:
        lines = [
            f"The weekly social media audit of {school_name} (week of {as_of.isoformat()}) raised or reopened "
            f"{len(urgent)} safeguarding-critical exception{'s' if len(urgent) != 1 else ''} "
            f"({SAFEGUARDING_CRITICAL}).",
            "",
        ]
        for row in urgent:
            # Register ids and platform ids only: a link to an account spells its handle, often a child's name.
            lines += [
                f"- {row['severity']} {row['rule']} ({row['status']}): {row['person_kind'] or ''} {row['person_id'] or ''}".rstrip(),
                f"  {row['platform']} {row['subject_kind']} {row['subject_id']}",
                f"  key: {row['key']}",
            ]
            if row_sensitivity(row) == Sensitivity.CRITICAL_OWN_PUBLICATION:
                lines.append("  the ETL sees it in the review app to take it down; closing it is yours")
        lines += ["", *report.lines(), "The Enterprise and Technology Lead has the same report."]
        messages.append(
            _message(
                f"Safeguarding: {len(urgent)} social media exception(s) for the DSL, {school_name}, week of {as_of.isoformat()}",
                sender,
                [dsl],
                "\n".join(lines) + "\n",
                report,
                as_of,
            )
        )
    return messages
