"""Sending the weekly e-mails over SMTP; the password is resolved here and never logged or returned."""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from flows.config import ConfigError, EmailSettings


def smtp_password(settings: EmailSettings) -> str | None:
    """From the environment variable named in school.toml, else the named Prefect Secret block."""
    if settings.password_env:
        value = os.environ.get(settings.password_env)
        if value:
            return value
        if not settings.password_secret:
            raise ConfigError(f"[report.email] password_env: {settings.password_env} is not set")
    if settings.password_secret:
        from prefect.blocks.system import Secret

        block: Any = Secret.load(settings.password_secret)  # synchronous outside an event loop
        return str(block.get())
    return None


def send_messages(settings: EmailSettings, messages: list[EmailMessage], timeout: float = 30.0) -> list[str]:
    """Send every message in one SMTP session; returns the recipients, in order."""
    password = smtp_password(settings) if settings.username else None
    recipients: list[str] = []
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            if password is None:
                raise ConfigError("[report.email] username is set but no password_env or password_secret is")
            smtp.login(settings.username, password)
        for message in messages:
            smtp.send_message(message)
            recipients += [a.strip() for a in str(message["To"]).split(",")]
    return recipients


def email_summary(
    email: EmailSettings,
    as_of: Any,
    school_name: str,
    outputs: Any,
    logger: Any,
    not_read: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Send the summary (and the DSL's copy); a failed send is logged, never fatal: the audit itself completed."""
    from dashboards.summary_email import build_messages

    messages = build_messages(
        school_name,
        as_of,
        outputs.exceptions,
        outputs.resolved,
        outputs.paths["report.html"].read_bytes(),
        email.sender,
        list(email.to),
        email.dsl,
        not_read,
    )
    try:
        return send_messages(email, messages)
    except (OSError, smtplib.SMTPException, ConfigError) as error:
        # The error names the server's answer, never the password.
        logger.warning("weekly e-mail not sent: %s: %s", type(error).__name__, error)
        return []
