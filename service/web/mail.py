"""Sending invitations and password resets: by SMTP, or into the log while developing.

The log line carries the link and the user's id, never the address: log lines hold no
personal data. Outside development a mail server must be set, or sending fails clearly.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from service.core.config import Settings, get_settings

logger = logging.getLogger("dpaudit.mail")


class MailNotConfigured(RuntimeError):
    """No mail server is set, outside development."""


def send(to: str, subject: str, text: str, *, link: str, user_id: int,
         settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    if not settings.smtp_host:
        if settings.env == "production":
            raise MailNotConfigured("No mail server is set (DPAUDIT_SMTP_HOST), so no email was sent.")
        logger.info("email not sent: no mail server is set; the link follows",
                    extra={"fields": {"user_id": user_id, "subject": subject, "link": link}})
        return
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)
    logger.info("email sent", extra={"fields": {"user_id": user_id, "subject": subject}})
