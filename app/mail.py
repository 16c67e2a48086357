"""Outgoing mail: SMTP when SMTP_URL is set, else .eml files in MAIL_OUTBOX_DIR, else the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from uuid_utils import uuid4

from app.config import Settings
from app.redact import redact_urls

log = logging.getLogger("taskwise.mail")
SENDER = "Taskwise <no-reply@taskwise.invalid>"


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Deliver one message; failures are logged, never raised to the person's request."""
    message = build_message(to, subject, body)
    try:
        if settings.smtp_url:
            _send_smtp(settings.smtp_url, message, timeout=settings.db_connect_timeout)
        elif settings.mail_outbox_dir:
            _write_eml(Path(settings.mail_outbox_dir), message)
        else:
            # Logs are read by more people than mailboxes: links carry no token here.
            log.info(
                "mail to %s: %s (links redacted; set MAIL_OUTBOX_DIR to keep them)\n%s",
                to,
                subject,
                redact_urls(body),
            )
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s not sent: %s", to, type(exc).__name__)


def _send_smtp(url: str, message: EmailMessage, *, timeout: int) -> None:
    parts = urlsplit(url)
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    host = parts.hostname or "localhost"
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if parts.scheme == "smtp" and smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def _write_eml(directory: Path, message: EmailMessage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid4().hex[:8]}.eml"
    (directory / name).write_bytes(bytes(message))
