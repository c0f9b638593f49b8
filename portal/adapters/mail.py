"""Outgoing e-mail over real SMTP (the local sink by default; STARTTLS and auth when configured),
optionally DKIM-signed, with the receiving server's reply kept as proof of dispatch."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import make_msgid
from pathlib import Path

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
    """Send through the worker once the current transaction commits (written to the outbox in it)."""
    from portal import outbox

    payload = {"to": msg.to, "subject": msg.subject, "text": msg.text, "html": msg.html,
               "headers": msg.headers}
    outbox.enqueue("portal.tasks.send_mail", payload)


@dataclass(frozen=True)
class SmtpReceipt:
    """The receiving server's final reply to DATA: under IT Act s.13(1) the record left our control."""

    message_id: str
    code: int
    reply: str       # e.g. "2.0.0 Ok: queued as 4Xb1"
    server: str      # host:port that answered


class SmtpTransient(Exception):
    """Try again later: connection refused or dropped, timeout, a 4xx reply."""


class SmtpPermanent(Exception):
    """Never retry this message to this address: a 5xx reply (unknown user, refused)."""


def dkim_sign(data: bytes) -> bytes:
    """Prepend a DKIM-Signature when a selector, domain and key are configured (dkimpy)."""
    cfg = current_app.config
    key_file = cfg.get("MAIL_DKIM_KEY_FILE")
    if not (key_file and cfg.get("MAIL_DKIM_SELECTOR") and cfg.get("MAIL_DKIM_DOMAIN")):
        return data
    import dkim

    signature = dkim.sign(data, cfg["MAIL_DKIM_SELECTOR"].encode(), cfg["MAIL_DKIM_DOMAIN"].encode(),
                          Path(key_file).read_bytes(),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return signature + data


def _classify(exc: smtplib.SMTPResponseException) -> Exception:
    error = exc.smtp_error
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    cls = SmtpPermanent if 500 <= exc.smtp_code < 600 else SmtpTransient
    return cls(f"{exc.smtp_code} {text}")


def deliver(em: EmailMessage, *, envelope_from: str, recipient: str) -> SmtpReceipt:
    """Hand one message for one recipient to the configured server and return its 250 reply."""
    cfg = current_app.config
    data = dkim_sign(em.as_bytes(policy=SMTP_POLICY))
    server = f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}"
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 30)) as smtp:
            smtp.ehlo()
            if cfg["MAIL_USE_STARTTLS"]:
                smtp.starttls()
                smtp.ehlo()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            for step in (lambda: smtp.mail(envelope_from), lambda: smtp.rcpt(recipient)):
                code, reply = step()
                if code >= 400:
                    raise _classify(smtplib.SMTPResponseException(code, reply))
            code, reply = smtp.data(data)
            if code != 250:
                raise _classify(smtplib.SMTPResponseException(code, reply))
    except smtplib.SMTPResponseException as exc:
        raise _classify(exc) from exc
    except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timeout, disconnected
        raise SmtpTransient(f"{server}: {exc}") from exc
    return SmtpReceipt(em["Message-ID"], code, reply.decode(errors="replace"), server)
