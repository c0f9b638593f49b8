"""The channels a signed notice is served through, behind one interface.

A channel gets plain values (a `Delivery`) and returns the provider's acceptance (a `Sent`), or
raises TransientFailure / PermanentFailure. E-mail goes over real SMTP; SMS and WhatsApp through
the gateway adapters chosen by configuration (the local outbox by default).
"""
from __future__ import annotations

import binascii
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as DEFAULT_POLICY
from email.utils import formatdate
from typing import Protocol

from flask import current_app, render_template

from notices.serving.models import ChannelKind
from portal.adapters import (
    OutgoingMessage,
    PermanentFailure,
    SmtpPermanent,
    SmtpTransient,
    TransientFailure,
    deliver_mail,
    new_mail_message,
    one_line_header,
)
from portal.i18n import force_locale
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Delivery:
    dispatch_id: int
    purpose: str            # notice | reminder | odr_invite: picks the templates
    idempotency_key: str
    address: str
    reference: str          # the case reference
    creditor: str
    advocate: str
    respond_by: str         # e.g. "7 December 2026 (IST)"
    link_url: str
    verify_url: str
    pixel_url: str
    bounce_address: str
    pdf: bytes
    pdf_name: str
    # What is served: "notice" (a party's demand notice), "invocation" (the invoking party's request
    # that the dispute be referred to arbitration, A&C s.21), "award" (the tribunal's, s.31(5)),
    # "procedural_order" (the tribunal's directions) or "settlement" (the agreement both parties
    # signed, in their name); each has its own words, subject and attachment name; the tribunal's in
    # the arbitrator's name (`signatory`).
    document: str = "notice"
    signatory: str = ""
    language: str = "en"  # the notice's or document's language: its e-mail is in it too
    title: str = ""  # a served document's own title ("Procedural Order No. 2")


@dataclass(frozen=True)
class Sent:
    provider: str
    message_id: str
    raw: bytes              # the provider's acceptance as received (SMTP reply, API response)
    detail: str = ""


class Channel(Protocol):
    kind: ChannelKind

    def send(self, delivery: Delivery) -> Sent: ...


# Each e-mail's subject, in the language of the document or notice it carries (lazy: put into words
# under that language when the message is built).
_SUBJECTS = {
    "notice": _l("Legal notice %(reference)s from %(advocate)s on behalf of %(creditor)s"),
    # No colon right after the first word: Python's header folder then starts a folded line.
    "reminder": _l("Reminder of legal notice %(reference)s: payment due by %(respond_by)s"),
    "odr_invite": _l("Legal notice %(reference)s - invitation to resolve the claim online"),
    "award": _l("Arbitral award in arbitration %(reference)s, delivered by the arbitral tribunal"),
    "order": _l("%(title)s in arbitration %(reference)s, from the arbitral tribunal"),
    "invocation": _l("Request to refer the dispute to arbitration, %(reference)s, from %(creditor)s"),
    "settlement": _l("Settlement agreement %(reference)s with %(creditor)s, agreed by both parties and "
                     "sealed"),
}


def subject_of(d: Delivery) -> str:
    """The e-mail's subject in the language of what it carries."""
    with force_locale(d.language or "en"):
        return _SUBJECTS[words_of(d).removesuffix("_hi")] % {
            "reference": d.reference, "advocate": d.advocate, "creditor": d.creditor,
            "respond_by": d.respond_by, "title": d.title}


def words_of(d: Delivery) -> str:
    """Which words a served document goes with: its own for the award, an order, the settlement
    agreement and the s.21 request (in the language of the document or notice), the dispatch
    purpose's for a party's notice, reminder or invitation."""
    if d.document in ("award", "procedural_order", "settlement"):
        words = {"award": "award", "procedural_order": "order", "settlement": "settlement"}[d.document]
        return f"{words}_hi" if d.language == "hi" else words
    if d.document == "invocation":
        return "invocation_hi" if d.language == "hi" else "invocation"
    return f"{d.purpose}_hi" if d.language == "hi" else d.purpose


def _message_id(key: str) -> str:
    # Deterministic per (notice, channel, address): a re-send after a lost sent-marker carries the
    # same Message-ID, so the receiving side can recognise the duplicate.
    domain = current_app.config["MAIL_BOUNCE_DOMAIN"]
    return f"<notice.{key[:40]}@{domain}>"


def attach_pdf(em: EmailMessage, pdf: bytes, name: str) -> None:
    """`em.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)`: the same part,
    its base64 made in one call (the library encodes 57 bytes at a time in Python: a notice's PDF
    is some 700 lines). The library writes the part's headers, from an empty body."""
    em.add_attachment(b"", maintype="application", subtype="pdf", filename=name)
    if em.policy.max_line_length // 4 * 3 != _BASE64_LINE:  # not the library's 76 columns: its own way
        em.get_payload()[-1].set_content(pdf, maintype="application", subtype="pdf",
                                         disposition="attachment", filename=name)
        return
    em.get_payload()[-1].set_payload(base64_lines(pdf))


_BASE64_LINE = 57  # bytes a line of base64 (76 characters), as the library's 78-column policy makes them
assert DEFAULT_POLICY.max_line_length // 4 * 3 == _BASE64_LINE


def base64_lines(data: bytes) -> str:
    """`base64.encodebytes(data)` as text (lines of 76 characters, each ending in a newline), encoded
    in one call and cut into lines, not encoded a line at a time."""
    text = binascii.b2a_base64(data, newline=False).decode("ascii")
    width = _BASE64_LINE // 3 * 4
    return "".join([text[i:i + width] + "\n" for i in range(0, len(text), width)])


class EmailChannel:
    kind = ChannelKind.EMAIL

    def build(self, d: Delivery) -> EmailMessage:
        em = new_mail_message()
        em["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
        em["To"] = d.address
        words = words_of(d)
        em["Subject"] = one_line_header(subject_of(d))  # names and titles people typed
        em["Date"] = formatdate(localtime=False)
        em["Message-ID"] = _message_id(d.idempotency_key)
        em["X-Sulah-Dispatch"] = str(d.dispatch_id)
        # A served document's e-mail in Hindi is a template of its own (email/*_hi_served.*): long
        # legal prose is translated as a whole document, not sentence by sentence through the
        # catalogue. Rendered in the party's language all the same (a worker has no page language),
        # so that any shared piece written with gettext speaks it too.
        with force_locale(d.language or "en"):
            em.set_content(render_template(f"email/{words}_served.txt", d=d))
            em.add_alternative(render_template(f"email/{words}_served.html", d=d), subtype="html")
        if d.purpose == "notice":
            attach_pdf(em, d.pdf, d.pdf_name)
        return em

    def send(self, d: Delivery) -> Sent:
        try:
            receipt = deliver_mail(self.build(d), envelope_from=d.bounce_address, recipient=d.address)
        except SmtpPermanent as exc:
            raise PermanentFailure(f"The mail server refused {d.address}: {exc}") from exc
        except SmtpTransient as exc:
            raise TransientFailure(str(exc)) from exc
        raw = f"{receipt.server} {receipt.code} {receipt.reply}".encode()
        return Sent("smtp", receipt.message_id, raw, f"{receipt.code} {receipt.reply}")


class GatewayChannel:
    """SMS or WhatsApp: a template message with the link; WhatsApp also carries the PDF."""

    def __init__(self, kind: ChannelKind, gateway) -> None:
        self.kind, self.gateway = kind, gateway

    def send(self, d: Delivery) -> Sent:
        template, variables = sms_template(d)
        with force_locale(d.language or "en"):     # the text of a DLT template registered in its language
            text = render_template(f"sms/{template}.txt", d=d).strip()
        is_whatsapp = self.kind == ChannelKind.WHATSAPP and d.purpose == "notice"
        receipt = self.gateway.send(OutgoingMessage(
            to=d.address, template=template, variables=variables, text=text,
            idempotency_key=d.idempotency_key,
            document=d.pdf if is_whatsapp else None, document_name=d.pdf_name if is_whatsapp else None,
            status_callback_url=_callback_url(self.kind, self.gateway.name)))
        return Sent(self.gateway.name, receipt.message_id, receipt.raw)


def sms_template(d: Delivery) -> tuple[str, tuple[str, ...]]:
    """The DLT template a message goes out under, and its variables in the registered order. The s.21
    request has its own registration (a request to refer, no date to pay; DOMAIN 26), in English or
    Hindi like its e-mail; a party's notice, reminder or invitation has its purpose's."""
    if d.purpose == "notice" and d.document == "invocation":
        name = "invocation_hi_served" if d.language == "hi" else "invocation_served"
        return name, (d.creditor, d.reference, d.link_url)
    # A Hindi notice's texts are in Hindi: their own templates, registered on DLT as their own.
    hindi = d.language == "hi" and d.document == "notice"
    name = f"{d.purpose}_served_hi" if hindi else f"{d.purpose}_served"
    return name, (d.creditor, d.reference, d.respond_by, d.link_url)


def _callback_url(kind: ChannelKind, provider: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/webhooks/{kind.value}/{provider}"


def channel_for(kind: ChannelKind) -> Channel:
    if kind == ChannelKind.EMAIL:
        return EmailChannel()
    if kind == ChannelKind.SMS:
        from portal.adapters import sms_gateway

        return GatewayChannel(kind, sms_gateway(current_app.config))
    if kind == ChannelKind.WHATSAPP:
        from portal.adapters import whatsapp_gateway

        return GatewayChannel(kind, whatsapp_gateway(current_app.config))
    raise PermanentFailure(f"Channel {kind.value} is not sent by a worker.")
