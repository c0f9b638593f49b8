"""Registered and speed post (DOMAIN 8): the print pack (DL envelope and A.D. card), the article
number staff record from the India Post receipt, and the tracking record and returned card they
upload. Workers never send post: recording the article number is what marks the dispatch sent."""
from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import BinaryIO

from flask import render_template
from sqlalchemy import select

from evidence import Document, DocumentKind, add_document
from notices import cheque
from notices.serving import receipt, timeline
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, ServiceTerms
from notices.serving.states import DISPATCH
from portal import lifecycle
from portal.accounts import User
from portal.cases import CaseStatus, fire, today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.pdf import html_to_pdf
from portal.types import IST, utcnow

PROVIDER = "india_post"
CARD_RETURNED = "A.D. card returned"
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)IN")
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class PostalService(enum.StrEnum):
    REGISTERED = "registered_post"
    SPEED = "speed_post"

    @property
    def label(self) -> str:
        """The service's name in English: the record's (the post pack, the posting's timeline entry);
        a page shows it through the catalogue (`_(service.label)`)."""
        return {"registered_post": N_("Registered post A.D."), "speed_post": N_("Speed post")}[self.value]

    @property
    def marking(self) -> str:
        return {"registered_post": "REGISTERED POST A.D.", "speed_post": "SPEED POST"}[self.value]

    @property
    def prefix(self) -> str:
        """The S10 service indicator India Post uses: R… registered letters, E… speed post (EMS)."""
        return {"registered_post": "R", "speed_post": "E"}[self.value]


class PostalInputError(DomainError):
    """What staff entered is wrong: shown on the form (422), nothing changed. A fixed refusal is marked
    N_ (the form and the error page look its English up in the catalogue)."""


@dataclass(frozen=True)
class Posting:
    article_number: str
    service: PostalService
    booked_on: date


@dataclass(frozen=True)
class Sender:
    name: str
    on_behalf_of: str
    address: str            # the creditor's address
    return_address: str     # where the A.D. card comes back: the advocate's office, else the creditor


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    c = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def article_number(raw: str, service: PostalService | None = None) -> str:
    """The normalised India Post article number (e.g. RK123456785IN), or PostalInputError saying why."""
    text = re.sub(r"[\s-]", "", raw or "").upper()
    match = _S10.fullmatch(text)
    if match is None:
        raise PostalInputError(N_("An India Post article number is two letters, nine digits and “IN”, "
                                  "such as RK123456785IN. Copy it from the booking receipt."))
    if s10_check_digit(match[2]) != int(match[3]):
        raise PostalInputError(f"{text} is not a valid article number: its check digit (the ninth digit) "
                               "does not match. Check the receipt for a mistyped digit.")
    if service is not None and not text.startswith(service.prefix):
        raise PostalInputError(f"{text} is not a {service.label.lower()} number: those begin with "
                               f"“{service.prefix}”. Check the service on the receipt.")
    return text


def print_pack(dispatch: Dispatch, service: PostalService | None = None) -> bytes:
    """The DL envelope and the A.D. card for a postal dispatch; the notice prints from its signed PDF."""
    _require_post(dispatch)
    posting = posting_of(dispatch)
    notice = dispatch.served
    html = render_template(
        "pdf/post_pack.html", dispatch=dispatch, notice=notice, case=notice.case, debtor=notice.case.debtor,
        sender=sender_of(dispatch), posting=posting,
        service=posting.service if posting else (service or PostalService.REGISTERED),
        generated=utcnow().astimezone(IST))
    return html_to_pdf(html, ("base.css", "post.css"))


def sender_of(dispatch: Dispatch) -> Sender:
    notice = dispatch.served
    creditor = notice.case.creditor
    if dispatch.document_id is not None:  # the tribunal's (or a party's) document, in its own name
        return Sender(name=notice.signatory or notice.sender, on_behalf_of=notice.sender,
                      address=creditor.address.strip(),
                      return_address=creditor.address.strip())
    advocate = notice.advocate
    profile = advocate.advocate_profile if advocate is not None else None
    office = (profile.office_address or "").strip() if profile is not None else ""
    return Sender(name=advocate.name if advocate is not None else creditor.legal_name,
                  on_behalf_of=creditor.legal_name, address=creditor.address.strip(),
                  return_address=office or creditor.address.strip())


def posting_of(dispatch: Dispatch) -> Posting | None:
    event = _events(dispatch, EventKind.DISPATCHED)
    if not event or event[0].raw is None:
        return None
    data = json.loads(event[0].raw)
    return Posting(data["article_number"], PostalService(data["service"]),
                   date.fromisoformat(data["booked_on"]))


def tracking_records(dispatch: Dispatch) -> list[DeliveryEvent]:
    return _events(dispatch, EventKind.RECORDED)


def returned_card(dispatch: Dispatch) -> DeliveryEvent | None:
    """The card's own delivery event (a delivery scan on a tracking record is another)."""
    found = [e for e in _events(dispatch, EventKind.DELIVERED) if e.detail.startswith(CARD_RETURNED)]
    return found[0] if found else None


def record_posting(actor: User, dispatch: Dispatch, article: str, service: PostalService | str,
                   booked_on: date) -> DeliveryEvent:
    """Staff booked the notice at the post office: the dispatch is sent as of the booking date."""
    _require_post(dispatch)
    db.session.refresh(dispatch, with_for_update=True)  # two clerks recording at once: one wins
    if posting_of(dispatch) is not None:
        raise DomainError(f"Article {dispatch.provider_message_id} was already recorded for this dispatch; "
                          "a recorded posting is not changed.")
    if dispatch.status not in DISPATCH.sources("posted"):
        raise DomainError(f"This postal dispatch is {dispatch.status.value}; a posting cannot be recorded.")
    try:
        service = PostalService(service)
    except ValueError:
        raise PostalInputError(N_("Choose registered post or speed post.")) from None
    number = article_number(article, service)
    notice, case = dispatch.served, dispatch.served.case
    signed_on = notice.signed_at.astimezone(IST).date()
    if booked_on > today_ist():
        raise PostalInputError(N_("The booking date is in the future. Enter the date on the receipt."))
    if booked_on < signed_on:
        raise PostalInputError(f"The booking date is before the notice was signed "
                               f"({signed_on:%d %b %Y}). Enter the date on the receipt.")
    memo = getattr(notice, "memo_received_on", None)  # a served document has none
    last = cheque.notice_last_day(memo) if memo else None
    if last is not None and booked_on > last:
        raise PostalInputError(
            f"Posted on {booked_on:%d %b %Y}, after {last:%d %b %Y}: "
            f"an NI Act s.138 notice must be sent within {cheque.NOTICE_DAYS} days of receiving the return "
            "memo (proviso (b)). Check the date on the receipt.")
    clash = db.session.scalar(select(Dispatch.id).where(
        Dispatch.provider == PROVIDER, Dispatch.provider_message_id == number, Dispatch.id != dispatch.id))
    if clash is not None:
        raise PostalInputError(f"Article {number} is already recorded for another notice. "
                               "Check the receipt.")
    at = _noon_ist(booked_on)
    lifecycle.fire(DISPATCH, dispatch, "posted", actor, lock=False,  # locked above
                   changes={"sent_at": at, "claimed_until": None, "provider": PROVIDER,
                            "provider_message_id": number, "last_error": None},
                   payload={"article_number": number, "booked_on": booked_on.isoformat()})
    terms = db.session.get(ServiceTerms, notice.id) if dispatch.notice_id is not None else None
    if terms is not None and terms.first_dispatched_at is None:
        terms.first_dispatched_at = at  # dispatch (IT Act s.13(1)); the period runs from receipt
    if dispatch.notice_id is not None and case.status == CaseStatus.NOTICE_SIGNED:
        fire(case, "serve_notice", actor, payload={"notice_id": notice.id, "dispatch_id": dispatch.id})
    raw = json.dumps({"article_number": number, "booked_on": booked_on.isoformat(),
                      "dispatch_id": dispatch.id, "service": service.value},
                     sort_keys=True, separators=(",", ":")).encode()
    return timeline.record(notice, EventKind.DISPATCHED, source=PROVIDER, dispatch=dispatch, raw=raw,
                           occurred_at=at, time_known=False, provider_ref=number, actor=actor,
                           detail=f"{service.label}, article {number}, booked on {booked_on:%d %b %Y}")


class TrackedOutcome(enum.StrEnum):
    """What the tracking record shows at its last entry."""

    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"    # "Item Delivered": the delivery scan, receipt (IT Act aside: s.27 GCA)
    RETURNED = "returned"      # "Item Returned" / refused / addressee moved: not received by post


def attach_tracking(actor: User, dispatch: Dispatch, stream: BinaryIO, filename: str,
                    outcome: TrackedOutcome | str = TrackedOutcome.IN_TRANSIT,
                    scanned_at: datetime | None = None) -> Document:
    """The India Post tracking record (a screenshot or PDF of the consignment's history), and what
    its last entry shows with the tracker's own date and time (`scanned_at`, IST as the tracker
    prints it): a delivery scan is receipt, a return means the post failed. Never a made-up time."""
    posting = _posted(dispatch)
    outcome = TrackedOutcome(outcome)
    if outcome != TrackedOutcome.IN_TRANSIT:
        if scanned_at is None:
            raise PostalInputError(N_("Enter the date and time the tracking record shows for that entry."))
        scanned_at = scanned_at if scanned_at.tzinfo else scanned_at.replace(tzinfo=IST)
        if scanned_at > utcnow():
            raise PostalInputError(N_("That time is in the future. Enter it as the tracking record shows "
                                      "it."))
        if scanned_at.astimezone(IST).date() < posting.booked_on:
            raise PostalInputError(f"That entry is before the article was booked "
                                   f"({posting.booked_on:%d %b %Y}).")
    doc = add_document(actor, dispatch.served.case, stream, filename, DocumentKind.CORRESPONDENCE,
                       f"India Post tracking record, article {posting.article_number}")
    raw = f"{doc.sha256} {doc.filename}".encode()
    event = timeline.record(dispatch.served, EventKind.RECORDED, source=PROVIDER, dispatch=dispatch,
                            raw=raw, provider_ref=posting.article_number, actor=actor,
                            detail=f"Tracking record uploaded: {doc.filename} (document {doc.id})")
    if event is None:
        raise DomainError(N_("This tracking record is already attached to the dispatch."))
    if outcome == TrackedOutcome.DELIVERED:
        timeline.record(dispatch.served, EventKind.DELIVERED, source=PROVIDER, dispatch=dispatch, raw=raw,
                        occurred_at=scanned_at, provider_ref=posting.article_number, actor=actor,
                        detail=f"Delivery scan of article {posting.article_number} on the tracking record "
                               f"(document {doc.id})")
    elif outcome == TrackedOutcome.RETURNED:
        _returned(actor, dispatch, posting, doc, raw, scanned_at)
    return doc


def _returned(actor: User, dispatch: Dispatch, posting: Posting, doc: Document, raw: bytes,
              at: datetime) -> None:
    reason = f"Article {posting.article_number} was returned undelivered (tracking record, document {doc.id})"
    timeline.record(dispatch.served, EventKind.FAILED, source=PROVIDER, dispatch=dispatch, raw=raw,
                    occurred_at=at, provider_ref=posting.article_number, actor=actor, detail=reason)
    if dispatch.status in DISPATCH.sources("returned"):
        lifecycle.fire(DISPATCH, dispatch, "returned", actor, changes={"last_error": reason},
                       payload={"reason": reason})
        receipt.after_failure(dispatch)


def attach_returned_card(actor: User, dispatch: Dispatch, stream: BinaryIO, filename: str,
                         delivered_on: date) -> Document:
    """The A.D. card the addressee signed, back from the post office: delivery of the notice."""
    posting = _posted(dispatch)
    if returned_card(dispatch) is not None:
        raise DomainError(N_("The returned A.D. card is already attached to this dispatch."))
    if delivered_on > today_ist():
        raise PostalInputError(N_("The delivery date is in the future. Enter the date the addressee wrote "
                                  "on the card."))
    if delivered_on < posting.booked_on:
        raise PostalInputError(f"The delivery date is before the notice was posted "
                               f"({posting.booked_on:%d %b %Y}). Enter the date on the card.")
    detail = f"{CARD_RETURNED}, signed by the addressee on {delivered_on:%d %b %Y}"
    doc = add_document(actor, dispatch.served.case, stream, filename, DocumentKind.DELIVERY_PROOF,
                       f"{detail}; article {posting.article_number}")
    # The card carries a date and no time: the event keeps the day only (shown without a time).
    timeline.record(dispatch.served, EventKind.DELIVERED, source=PROVIDER, dispatch=dispatch,
                    raw=f"{doc.sha256} {doc.filename}".encode(), occurred_at=_noon_ist(delivered_on),
                    time_known=False,
                    provider_ref=posting.article_number, actor=actor, detail=f"{detail} (document {doc.id})")
    return doc


def _require_post(dispatch: Dispatch) -> None:
    if dispatch.channel != ChannelKind.POST:
        raise DomainError(N_("That dispatch does not go by post."))


def _posted(dispatch: Dispatch) -> Posting:
    _require_post(dispatch)
    posting = posting_of(dispatch)
    if posting is None:
        raise DomainError(N_("Record the article number from the booking receipt first."))
    return posting


def _events(dispatch: Dispatch, kind: EventKind) -> list[DeliveryEvent]:
    return list(db.session.scalars(select(DeliveryEvent).where(
        DeliveryEvent.dispatch_id == dispatch.id, DeliveryEvent.kind == kind,
        DeliveryEvent.source == PROVIDER).order_by(DeliveryEvent.id)))


def _noon_ist(day: date) -> datetime:
    """A day staff gave without a time: noon IST (never later than now) as the day's position in the
    timeline; the event says `time_known=False` and documents show only the day."""
    return min(datetime.combine(day, time(12), tzinfo=IST).astimezone(UTC), utcnow())
