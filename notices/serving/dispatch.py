"""Serving a signed notice or a served document: the creditor (or the tribunal) picks channels, Sulah
plans one dispatch per (channel, address) from the debtor's contacts and queues one task for each
after the commit.

Rules: only a signed notice is served; WhatsApp never goes alone (e-mail goes the same day,
DOMAIN 7); the debtor's own addresses only (DOMAIN 24); the same notice never goes twice to the
same address (the idempotency key is unique).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import and_, case, select

from notices import cheque
from notices.models import Notice, NoticeKind
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, Purpose, ServiceTerms
from notices.serving.states import DISPATCH, SERVED_DOCUMENT, UNSENT, DispatchStatus, ServedDocumentStatus
from notices.serving.subject import Served, is_document, key, owner, same
from notices.states import NoticeStatus
from portal import audit, lifecycle, outbox
from portal.accounts import User
from portal.cases import ContactKind
from portal.errors import DomainError
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.types import IST

WORKER_CHANNELS = (ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.WHATSAPP)
_CONTACT_KIND = {ChannelKind.EMAIL: ContactKind.EMAIL, ChannelKind.SMS: ContactKind.MOBILE,
                 ChannelKind.WHATSAPP: ContactKind.MOBILE}


def idempotency_key(notice_id: int | str, channel: ChannelKind, address: str,
                    purpose: Purpose = Purpose.NOTICE) -> str:
    """`notice_id`: a notice's id, or a served document's key ("d3")."""
    text = f"{notice_id}|{channel.value}|{address.lower()}"
    if purpose != Purpose.NOTICE:
        text += f"|{purpose.value}"
    return hashlib.sha256(text.encode()).hexdigest()


def dispatches_for(notice: Served, purpose: Purpose | None = Purpose.NOTICE) -> list[Dispatch]:
    query = select(Dispatch).where(same(Dispatch, notice)).order_by(Dispatch.id)
    if purpose is not None:
        query = query.where(Dispatch.purpose == purpose)
    return list(db.session.scalars(query))


def dispatches_page(served: Served, args: PageArgs) -> Page:
    """A page of the notice's or document's dispatches (every purpose), newest first, each row
    (dispatch, unread: a WhatsApp message sent with no read receipt yet): one statement, read from
    the index on (notice_id or document_id, created_at, id)."""
    read = (select(DeliveryEvent.id).where(DeliveryEvent.dispatch_id == Dispatch.id,
                                           DeliveryEvent.kind == EventKind.READ)
            .correlate(Dispatch).exists())
    unread = and_(Dispatch.channel == ChannelKind.WHATSAPP, Dispatch.status == DispatchStatus.SENT, ~read)
    stmt = select(Dispatch, case((unread, True), else_=False).label("unread")).where(same(Dispatch, served))
    return keyset_page(db.session, stmt, Dispatch.created_at, Dispatch.id, tag="dispatches", args=args)


def follow_up(notice: Notice, purpose: Purpose, channels: tuple[ChannelKind, ...]) -> list[Dispatch]:
    """A reminder or invitation on the addresses the notice reached, through the same pipeline
    (contact window, daily cap, timeline). Existing ones are not repeated."""
    sent = [d for d in dispatches_for(notice) if d.status == DispatchStatus.SENT and d.channel in channels]
    known = {d.idempotency_key for d in dispatches_for(notice, None)}
    created = []
    for d in sent:
        key = idempotency_key(notice.id, d.channel, d.address, purpose)
        if key in known:
            continue
        known.add(key)
        # Created without an event of its own: its `queued` timeline event below records it.
        created.append(lifecycle.begin(DISPATCH, Dispatch(
            notice_id=notice.id, channel=d.channel, purpose=purpose, address=d.address, idempotency_key=key,
            designated=d.designated, created_by_id=d.created_by_id, bounce_token=secrets.token_hex(12),
            pixel_token=secrets.token_hex(12)), DispatchStatus.QUEUED, None, action=None))
    db.session.flush()
    from notices.serving import timeline

    for dispatch in created:
        timeline.record(notice, EventKind.QUEUED, source="sulah", dispatch=dispatch,
                        raw=f"queued {dispatch.idempotency_key}".encode(),
                        detail=f"{purpose.value} by {dispatch.channel.value}")
        queue(dispatch.id)
    return created


def _addresses(notice: Served, channel: ChannelKind) -> list[tuple[str, bool]]:
    party = notice.case.debtor
    if channel == ChannelKind.POST:
        return [(party.postal_address.strip(), True)] if party.postal_address.strip() else []
    return [(c.value, c.designated) for c in party.contacts if c.kind == _CONTACT_KIND[channel]]


def _key(served: Served) -> int | str:
    return key(served) if is_document(served) else served.id


def serve(actor: User | None, notice: Served, channels: set[ChannelKind], *,
          escalate_to_odr: bool = False, requested_by: User | None = None) -> list[Dispatch]:
    """Plan the dispatches and queue them; returns the new ones (existing pairs are skipped).

    `actor` None is the system serving a document on completion (a settlement agreement);
    `requested_by` is then who is told if a dispatch fails (each dispatch's `created_by`)."""
    requester = requested_by or actor
    if is_document(notice):
        if notice.status == ServedDocumentStatus.RECEIVED:
            raise DomainError("The document has been received already.")
    elif notice.status != NoticeStatus.SIGNED:
        raise DomainError("Only a signed notice can be served.")
    if not channels:
        raise DomainError("Choose at least one way to serve the notice.")
    existing = dispatches_for(notice)
    has_email = ChannelKind.EMAIL in channels or any(d.channel == ChannelKind.EMAIL for d in existing)
    if ChannelKind.WHATSAPP in channels and not has_email:
        raise DomainError("WhatsApp is never sent alone: serve by e-mail too, the same day.")
    if not is_document(notice) and notice.kind == NoticeKind.CHEQUE_DISHONOUR:
        _check_cheque_service(notice, channels | {d.channel for d in existing})
    planned: list[tuple[ChannelKind, str, bool]] = []
    for channel in sorted(channels):
        found = _addresses(notice, channel)
        if not found:
            raise DomainError(f"The debtor has no {_label(channel)} on the case; add one first.")
        planned += [(channel, address, designated) for address, designated in found]
    if ChannelKind.WHATSAPP in channels and not _addresses(notice, ChannelKind.EMAIL):
        raise DomainError("WhatsApp is never sent alone, and the debtor has no e-mail address.")
    terms = None if is_document(notice) else db.session.get(ServiceTerms, notice.id)
    if terms is None and not is_document(notice):
        terms = ServiceTerms(notice_id=notice.id, requested_by_id=requester.id,
                             escalate_to_odr=escalate_to_odr)
        db.session.add(terms)
    elif terms is not None:
        terms.escalate_to_odr = terms.escalate_to_odr or escalate_to_odr
    known = {d.idempotency_key for d in existing}
    created = []
    for channel, address, designated in planned:
        unique = idempotency_key(_key(notice), channel, address)
        if unique in known:
            continue
        known.add(unique)
        dispatch = Dispatch(**owner(notice), channel=channel, address=address, idempotency_key=unique,
                            designated=designated, created_by_id=requester.id,
                            bounce_token=secrets.token_hex(12), pixel_token=secrets.token_hex(12))
        # Created without an event of its own: its `queued` timeline event below records it.
        created.append(lifecycle.begin(DISPATCH, dispatch, DispatchStatus.QUEUED, actor, action=None))
    if not created:
        raise DomainError(f"The {'document' if is_document(notice) else 'notice'} has already been served on "
                          "every address of those channels.")
    db.session.flush()
    from notices.serving import timeline

    for dispatch in created:
        timeline.record(notice, EventKind.QUEUED, source="sulah", dispatch=dispatch, actor=actor,
                        raw=f"queued {dispatch.idempotency_key}".encode(), detail=dispatch.channel.value)
    requested = {"channels": sorted(c.value for c in channels), "dispatch_ids": [d.id for d in created]}
    if is_document(notice):
        if notice.status in SERVED_DOCUMENT.sources("serve"):
            lifecycle.fire(SERVED_DOCUMENT, notice, "serve", actor,
                           payload={"kind": notice.kind.value, **requested})
        else:  # served already; another channel now
            audit.record("served_document.service_requested", actor=actor, case=notice.case, payload={
                "served_document_id": notice.id, "kind": notice.kind.value, **requested})
    else:
        audit.record("notice.service_requested", actor=actor, case=notice.case, payload={
            "notice_id": notice.id, **requested, "escalate_to_odr": terms.escalate_to_odr})
    for dispatch in created:
        if dispatch.channel in WORKER_CHANNELS:
            queue(dispatch.id)
    return created


def _check_cheque_service(notice: Notice, channels: set[ChannelKind]) -> None:
    """NI s.138 proviso (b): the notice is sent within 30 days of receiving the return memo, checked
    when it is served, not only when drafted; and never by e-mail alone (DOMAIN 8, 15: courts split on
    e-mail-only s.138 notices, and only registered post carries the presumption of service)."""
    if notice.memo_received_on is not None:
        last = cheque.notice_last_day(notice.memo_received_on)
        if datetime.now(IST).date() > last:
            raise DomainError(f"An NI Act s.138 notice must be sent within {cheque.NOTICE_DAYS} days of "
                              f"receiving the bank's return memo, by {last:%d %b %Y}; that period has ended.")
    if ChannelKind.POST not in channels:
        raise DomainError("An NI Act s.138 notice is never served by e-mail or messages alone: choose "
                          "registered post as well.")


def queue(dispatch_id: int, eta: datetime | None = None) -> None:
    """Send the dispatch through the worker once this transaction commits (the outbox holds it)."""
    outbox.enqueue("notices.send_dispatch", dispatch_id, eta=eta, key=f"dispatch:{dispatch_id}")


def _label(channel: ChannelKind) -> str:
    return {ChannelKind.EMAIL: "e-mail address", ChannelKind.SMS: "mobile number",
            ChannelKind.WHATSAPP: "mobile number", ChannelKind.POST: "postal address"}[channel]


def is_live(dispatch: Dispatch) -> bool:
    return dispatch.status in UNSENT
