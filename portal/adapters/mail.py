"""Outgoing e-mail over real SMTP (the local sink by default; STARTTLS and auth when configured)."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


@dataclass
class Message:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def build(msg: Message) -> EmailMessage:
    em = EmailMessage()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    em["From"] = sender
    em["To"] = ", ".join(msg.to)
    em["Subject"] = msg.subject
    em["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    for k, v in msg.headers.items():
        em[k] = v
    em.set_content(msg.text)
    if msg.html:
        em.add_alternative(msg.html, subtype="html")
    return em


def send(msg: Message) -> str:
    """Send and return the Message-ID. Raises OSError/SMTPException on failure (callers retry)."""
    cfg = current_app.config
    em = build(msg)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_STARTTLS"]:
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(em)
    return em["Message-ID"]


def queue(msg: Message) -> None:
    """Send after the current transaction commits, through the worker."""
    from portal.database import after_commit
    from portal.tasks import send_mail

    payload = {"to": msg.to, "subject": msg.subject, "text": msg.text, "html": msg.html,
               "headers": msg.headers}
    after_commit(lambda: send_mail.delay(payload))
