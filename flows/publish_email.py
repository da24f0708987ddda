"""Sending the weekly e-mails: SMTP (a password, or XOAUTH2 with an app-only token) or Microsoft Graph `sendMail`.

Never a login without TLS: STARTTLS (refused if the server does not offer it) or TLS from the first byte (port
465), with the server's certificate checked. Secrets and tokens are resolved here and never logged or returned.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from flows.config.school import ConfigError, EmailSettings
from flows.mail_graph import send_by_graph
from flows.mail_tokens import OUTLOOK_SCOPE, TokenRefused, app_token, http_session, secret_from


def smtp_password(settings: EmailSettings) -> str | None:
    """From the environment variable named in school.toml, else the named Prefect Secret block."""
    return secret_from(settings.password_env, settings.password_secret, "password_env")


def xoauth2(user: str, token: str) -> str:
    """The XOAUTH2 initial response (before base64, which smtplib adds), as Microsoft and Google define it."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def _tls_context(settings: EmailSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.ca_file)


def _connect(settings: EmailSettings, timeout: float) -> smtplib.SMTP:
    host = settings.host or ""
    if settings.implicit_tls or settings.port == 465:
        return smtplib.SMTP_SSL(host, settings.port, timeout=timeout, context=_tls_context(settings))
    smtp = smtplib.SMTP(host, settings.port, timeout=timeout)
    try:
        if settings.starttls:
            # Raises SMTPNotSupportedError when the server offers no STARTTLS: nothing is sent in clear.
            smtp.starttls(context=_tls_context(settings))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _log_in(smtp: smtplib.SMTP, settings: EmailSettings) -> None:
    if settings.auth == "oauth2":
        token = app_token(settings, OUTLOOK_SCOPE, http_session(settings))
        user = settings.username or settings.sender
        smtp.ehlo_or_helo_if_needed()
        smtp.auth("XOAUTH2", lambda challenge=None: xoauth2(user, token), initial_response_ok=True)
        return
    password = smtp_password(settings)
    if password is None:
        raise ConfigError("[report.email] username is set but no password_env or password_secret is")
    smtp.login(settings.username or "", password)


def send_by_smtp(settings: EmailSettings, messages: list[EmailMessage], timeout: float = 30.0) -> None:
    if settings.logs_in and not settings.uses_tls:
        raise ConfigError(
            "[report.email] would log in without TLS: set starttls = true or implicit_tls = true"
        )
    with _connect(settings, timeout) as smtp:
        if settings.logs_in:
            _log_in(smtp, settings)
        for message in messages:
            smtp.send_message(message)


def send_messages(settings: EmailSettings, messages: list[EmailMessage], timeout: float = 30.0) -> list[str]:
    """Send every message (one SMTP session, or one Graph call each); returns the recipients, in order."""
    if settings.transport == "graph":
        send_by_graph(settings, messages, timeout)
    else:
        send_by_smtp(settings, messages, timeout)
    return [a.strip() for message in messages for a in str(message["To"]).split(",")]


def email_summary(
    email: EmailSettings,
    as_of: Any,
    school_name: str,
    outputs: Any,
    logger: Any,
    not_read: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Send the summary (and the DSL's copy); a failed send is logged, never fatal: the audit itself completed."""
    from dashboards.report import without_pictures
    from dashboards.summary_email import ReportReference, build_messages

    report_path = outputs.paths["report.html"]
    reference = ReportReference(
        where=email.report_link or str(report_path),
        week_copy=None if email.report_link else str(report_path.parent / "weeks" / as_of.isoformat()),
        # The attached copy leaves the findings' thumbnails out: pictures of children do not travel by e-mail.
        attached=without_pictures(report_path.read_text(encoding="utf-8")).encode("utf-8")
        if email.attach_report
        else None,
    )
    messages = build_messages(
        school_name,
        as_of,
        outputs.exceptions,
        outputs.resolved,
        reference,
        email.sender,
        list(email.to),
        email.dsl,
        not_read,
    )
    try:
        return send_messages(email, messages)
    except (OSError, smtplib.SMTPException, ConfigError, TokenRefused, ValueError) as error:
        # The error names the server's answer, never the password or the token.
        logger.warning("weekly e-mail not sent: %s: %s", type(error).__name__, error)
        return []
