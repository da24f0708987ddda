"""The weekly e-mail through Microsoft Graph: `POST /v1.0/users/{from}/sendMail` with an app-only token.

Graph needs no SMTP AUTH (which a tenant may have switched off); the app holds `Mail.Send`, limited by an
application access policy to the sending mailbox. `saveToSentItems` is false: a copy in Sent Items would be one
more copy of the summary outside the product's retention and erasure.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from flows.config.school import EmailSettings
from flows.mail_tokens import app_token, http_session


class GraphRefused(OSError):
    """Graph did not accept the message; the message is Graph's own error (no token, no body)."""


def graph_message(message: EmailMessage) -> dict[str, Any]:
    """The Graph `message` resource for an e-mail built by dashboards/summary_email.py."""
    body = message.get_body(("plain",))
    attachments = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        attachments.append(
            {
                "@odata.type": "#microsoft.graph.fileAttachment",
                "name": part.get_filename() or "attachment",
                "contentType": part.get_content_type(),
                "contentBytes": base64.b64encode(payload if isinstance(payload, bytes) else b"").decode(
                    "ascii"
                ),
            }
        )
    resource: dict[str, Any] = {
        "subject": str(message["Subject"]),
        "body": {"contentType": "Text", "content": body.get_content() if body is not None else ""},
        "toRecipients": [
            {"emailAddress": {"address": address.strip()}} for address in str(message["To"]).split(",")
        ],
    }
    if attachments:
        resource["attachments"] = attachments
    return resource


def send_by_graph(settings: EmailSettings, messages: list[EmailMessage], timeout: float = 30.0) -> None:
    session = http_session(settings)
    graph = settings.graph_url.rstrip("/")
    token = app_token(settings, f"{graph}/.default", session)
    url = f"{graph}/v1.0/users/{quote(settings.sender, safe='@')}/sendMail"
    for message in messages:
        answer = session.post(
            url,
            json={"message": graph_message(message), "saveToSentItems": False},
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )
        if answer.status_code != 202:
            try:
                error = answer.json().get("error", {})
                detail = f"{error.get('code', '')}: {error.get('message', '')}"
            except ValueError:
                detail = answer.reason
            raise GraphRefused(
                f"Graph sendMail answered {answer.status_code} ({' '.join(detail.split())[:300]})"
            )
