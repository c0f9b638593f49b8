"""Paying online through the payment gateway: a Razorpay payment link for an amount due, and the
gateway's signed `payment_link.paid` webhook turned into a confirmed payment exactly once."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from portal import lifecycle
from portal.adapters import GatewayError, PaymentEvent, RazorpayLinks
from portal.cases import Case, ContactKind, Payment, PaymentMethod, PaymentSource
from portal.errors import DomainError
from portal.extensions import db
from portal.payments.dues import amount_due
from portal.payments.models import GatewayEvent, GatewayLink
from portal.payments.services import PaymentInvalid, check_amount, lock, record
from portal.payments.states import LINK, LinkStatus
from portal.types import to_ist, utcnow

LINK_DAYS = 7             # a link lives a week: the amount due grows with interest after that
REUSE_WITHIN = timedelta(hours=12)
PAID_EVENT = "payment_link.paid"


class GatewayUnavailable(DomainError):
    """The gateway refused or could not be reached; the debtor can try later or pay by UPI."""


class WebhookRefused(DomainError):
    """A verified webhook that names no link of ours or disagrees with it; nothing is recorded."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def create_link(actor: Any, case: Case, amount: Any, gateway: RazorpayLinks, today: date,
                callback_url: str | None) -> GatewayLink:
    """A payment link for `amount` (at most what is due). The same amount asked again soon after
    reuses the link already made, so a double click does not make two."""
    lock(case)
    value = check_amount(amount, amount_due(case, today))
    if value < 1:
        raise PaymentInvalid("amount", "Online payments are for one rupee or more.")
    recent = db.session.scalars(select(GatewayLink).where(
        GatewayLink.case_id == case.id, GatewayLink.status == LinkStatus.CREATED,
        GatewayLink.amount == value, GatewayLink.created_at >= utcnow() - REUSE_WITHIN)).first()
    if recent is not None:
        return recent
    count = db.session.scalar(select(func.count(GatewayLink.id)).where(GatewayLink.case_id == case.id)) or 0
    # Deterministic: after a lost answer the retry names the same reference, and Razorpay hands
    # back the link it made instead of a second one.
    reference = f"{case.reference}-P{count + 1}"
    debtor = case.debtor
    try:
        link = gateway.create_link(
            value, reference, f"Payment towards claim {case.reference} of {case.creditor.legal_name}",
            customer_name=debtor.legal_name[:100],
            customer_email=next(iter(debtor.addresses(ContactKind.EMAIL)), None),
            customer_contact=next(iter(debtor.addresses(ContactKind.MOBILE)), None),
            callback_url=callback_url, expire_by=utcnow() + timedelta(days=LINK_DAYS))
    except GatewayError as exc:
        raise GatewayUnavailable("Online payment is not available just now"
                                 + (" (please try again in a few minutes)" if exc.transient else "")
                                 + ". You can still pay by UPI or bank transfer.") from exc
    row = GatewayLink(case_id=case.id, provider=gateway.name, link_id=link.id, reference_id=reference,
                      short_url=link.short_url, amount=value, created_by_id=actor.id)
    return lifecycle.begin(LINK, row, LinkStatus.CREATED, actor, action="link_created", case=case, payload={
        "provider": gateway.name, "link_id": link.id, "reference_id": reference, "amount": value})


def event_key(header_value: str | None, body: bytes) -> str:
    """The webhook's event id (X-Razorpay-Event-Id), or the body's hash where none was sent."""
    value = (header_value or "").strip()
    if value and len(value) <= 80 and value.isascii() and value.isprintable():
        return value
    return "sha256:" + hashlib.sha256(body).hexdigest()[:73]


def record_webhook(provider: str, event: PaymentEvent, event_id: str, today: date) -> str:
    """Record a verified gateway event: "recorded", "duplicate" (seen before: nothing changes) or
    "ignored" (an event we do not act on). Raises WebhookRefused when it does not match our link."""
    if event.event != PAID_EVENT:
        # payment.captured also arrives for a link's payment; payment_link.paid carries the link.
        return "ignored"
    if db.session.scalar(select(GatewayEvent.id).where(GatewayEvent.provider == provider,
                                                      GatewayEvent.event_id == event_id)):
        return "duplicate"
    link = db.session.scalar(select(GatewayLink).where(GatewayLink.provider == provider,
                                                       GatewayLink.link_id == (event.link_id or "")))
    if link is None or (event.reference_id and event.reference_id != link.reference_id):
        raise WebhookRefused(404, "No payment link of ours has that id and reference.")
    case = link.case
    lock(case)  # deliveries for one case in turn; what a concurrent one recorded is read below
    seen = db.session.scalar(select(Payment).where(Payment.gateway_ref == event.payment_id))
    if seen is not None:
        _remember(provider, event, event_id, seen.id)
        return "duplicate"
    if event.amount != Decimal(link.amount):
        raise WebhookRefused(422, f"The payment is for {event.amount} rupees but the link was for "
                                  f"{link.amount}.")
    # Not checked against today's due: the gateway has taken the money, so it is recorded even if a
    # UPI payment confirmed meanwhile left less due (the reckoning shows the excess as unapplied).
    try:  # the link's table says a link is paid once
        lifecycle.fire(LINK, link, "link_paid", None, case=case, payload={
            "event_id": event_id, "gateway_ref": event.payment_id})
    except lifecycle.IllegalTransition:
        raise WebhookRefused(409, "That payment link was already paid by another payment.") from None
    method = PaymentMethod.UPI if event.method == "upi" else PaymentMethod.OTHER
    payment = record(case, event.amount, to_ist(event.at).date(), method, event.utr or event.payment_id,
                     PaymentSource.GATEWAY, None, today, gateway_ref=event.payment_id,
                     details={"gateway_link_id": link.id, "event_id": event_id, "vpa": event.vpa})
    link.payment_id = payment.id
    _remember(provider, event, event_id, payment.id)
    return "recorded"


def _remember(provider: str, event: PaymentEvent, event_id: str, payment_id: int | None) -> None:
    db.session.add(GatewayEvent(provider=provider, event_id=event_id, event=event.event[:60],
                                body_sha256=hashlib.sha256(event.raw).hexdigest(), payment_id=payment_id))
    db.session.flush()
