"""Six-digit one-time codes sent by e-mail or SMS: to open a debtor's personal link, to accept a
settlement without a digital signature.

A code is kept only as an HMAC (keyed with the app's secret and bound to its purpose and subject),
expires after ONE_TIME_CODE_MINUTES, dies after ONE_TIME_CODE_ATTEMPTS wrong tries, and is replaced
by the next one sent; at most ONE_TIME_CODE_SENDS_PER_HOUR codes go to one subject per hour.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal import audit, outbox
from portal.adapters import MailMessage, queue_mail
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import force_locale, gettext, ngettext
from portal.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from flask_babel.speaklater import LazyString


class CodeError(DomainError):
    """A code could not be sent or was not accepted; the message is safe to show."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class OneTimeCode(db.Model):
    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))          # "debtor_link", "settlement_acceptance"
    # What it opens: "link:12", "settlement:3:debtor".
    subject: Mapped[str] = mapped_column(String(80), index=True)
    channel: Mapped[str] = mapped_column(String(10))          # "email" or "sms"
    destination: Mapped[str] = mapped_column(String(254))
    code_hmac: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_from_ip: Mapped[str] = mapped_column(String(45), default="")
    used_from_ip: Mapped[str] = mapped_column(String(45), default="")

    @property
    def masked_destination(self) -> str:
        return mask(self.destination)


def mask(destination: str) -> str:
    """"r•••@example.in" or "+91•••••43210": enough to recognise, not enough to harvest."""
    if "@" in destination:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}•••@{domain}"
    return f"{destination[:3]}•••••{destination[-5:]}" if len(destination) > 8 else "•••"


@dataclass(frozen=True)
class Destination:
    """Where a one-time code may be sent."""

    channel: str       # how the code travels: "email" or "sms"
    address: str

    @property
    def masked(self) -> str:
        return mask(self.address)

    @property
    def label(self) -> str:
        """"E-mail to a•••@example.in", in the page's language."""
        if self.channel == "email":
            return gettext("E-mail to %(address)s", address=self.masked)
        return gettext("SMS to %(address)s", address=self.masked)


def _digest(purpose: str, subject: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"{purpose}|{subject}|{code}".encode(), hashlib.sha256).hexdigest()


def issue_and_send(purpose: str, subject: str, channel: str, destination: str, *, what: str | LazyString,
                   ip: str = "", case=None, language: str = "en") -> OneTimeCode:
    """Replace any live code for (purpose, subject) with a new one and send it after commit.

    `what` finishes the sentence "Your Sulah code to ..." in `language` (e.g. "open the legal notice
    KLP-2026-0001", or in Hindi "क़ानूनी नोटिस KLP-2026-0001 खोलने"): words already in `language`,
    or a lazy catalogue message (`lazy_gettext` with its values), put into words in it here. The
    message is a catalogue message put into words in `language`, a Hindi SMS under the DLT template
    one_time_code_hi.
    Raises CodeError(429) when this subject has had its codes for the hour."""
    cfg = current_app.config
    if channel not in ("email", "sms"):
        raise CodeError(gettext("Codes go by e-mail or SMS only."), status=400)
    now = utcnow()
    sent_lately = db.session.scalar(select(func.count(OneTimeCode.id)).where(
        OneTimeCode.purpose == purpose, OneTimeCode.subject == subject,
        OneTimeCode.created_at > now - timedelta(hours=1)))
    if sent_lately >= cfg["ONE_TIME_CODE_SENDS_PER_HOUR"]:
        raise CodeError(gettext("Too many codes were sent in the last hour. Please wait a while and try "
                                "again."), status=429)
    db.session.execute(update(OneTimeCode).where(
        OneTimeCode.purpose == purpose, OneTimeCode.subject == subject, OneTimeCode.consumed_at.is_(None),
        OneTimeCode.superseded_at.is_(None)).values(superseded_at=now))
    code = f"{secrets.randbelow(10 ** 6):06d}"
    minutes = cfg["ONE_TIME_CODE_MINUTES"]
    row = OneTimeCode(purpose=purpose, subject=subject, channel=channel, destination=destination,
                      code_hmac=_digest(purpose, subject, code), case_id=getattr(case, "id", None),
                      created_at=now, expires_at=now + timedelta(minutes=minutes), sent_from_ip=ip[:45])
    db.session.add(row)
    db.session.flush()
    audit.record("one_time_code.sent", actor=None, case=case, payload={
        "purpose": purpose, "subject": subject, "channel": channel, "to": mask(destination),
        "code_id": row.id})
    with force_locale(language):
        text = gettext("Your Sulah code to %(what)s is %(code)s. It expires in %(minutes)s minutes. Do not "
                       "share it: Sulah never asks for it by phone.", what=what, code=code, minutes=minutes)
        subject_line = gettext("Your Sulah code: %(code)s", code=code)
    template = "one_time_code_hi" if language == "hi" else "one_time_code"  # registered on DLT apiece
    if channel == "email":
        queue_mail(MailMessage(to=[destination], subject=subject_line, text=text))
    else:
        payload = {"to": destination, "template": template, "variables": [code, str(minutes)],
                   "text": text, "idempotency_key": f"otp-{row.id}"}
        outbox.enqueue("portal.tasks.send_sms", payload)
    return row


def verify(purpose: str, subject: str, code: str, *, ip: str = "", case=None) -> OneTimeCode:
    """The live code for (purpose, subject) if `code` matches; consumes it. Raises CodeError with
    what went wrong. Every wrong try is counted (committed by the caller even on failure)."""
    code = (code or "").strip().replace(" ", "")
    row = db.session.scalar(select(OneTimeCode).where(
        OneTimeCode.purpose == purpose, OneTimeCode.subject == subject, OneTimeCode.consumed_at.is_(None),
        OneTimeCode.superseded_at.is_(None)).order_by(OneTimeCode.id.desc()).with_for_update())
    if row is None:
        raise CodeError(gettext("There is no code waiting. Ask for a new one."))
    if row.expires_at <= utcnow():
        raise CodeError(gettext("That code has expired. Ask for a new one."))
    limit = current_app.config["ONE_TIME_CODE_ATTEMPTS"]
    if row.attempts >= limit:
        raise CodeError(gettext("Too many wrong codes. Ask for a new one."), status=429)
    if not (len(code) == 6 and code.isdigit()
            and hmac.compare_digest(row.code_hmac, _digest(purpose, subject, code))):
        row.attempts += 1
        audit.record("one_time_code.refused", actor=None, case=case, payload={
            "purpose": purpose, "subject": subject, "code_id": row.id, "attempt": row.attempts})
        left = limit - row.attempts
        if left <= 0:
            raise CodeError(gettext("Too many wrong codes. Ask for a new one."), status=429)
        raise CodeError(ngettext("That code is not right. %(num)d try left.",
                                 "That code is not right. %(num)d tries left.", left))
    row.consumed_at, row.used_from_ip = utcnow(), ip[:45]
    audit.record("one_time_code.accepted", actor=None, case=case, payload={
        "purpose": purpose, "subject": subject, "code_id": row.id, "ip": ip[:45]})
    return row
