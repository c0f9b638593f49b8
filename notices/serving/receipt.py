"""Receipt is not dispatch. Whether, when and on which evidence a served document reached its
addressee, and what follows when it did not. Every clock the law starts "from receipt" reads this
module: A&C s.21 commencement (arbitration/invocation/notice.py), the s.31(5)/s.34 window of an award
(arbitration/awards/serving.py), NI s.138(c)'s fifteen days, the notice's period to pay and its
reminder and ODR escalation (notices/serving/deadlines.py).

The law (IT Act 2000):
- s.13(1) dispatch: the record enters a resource outside the sender's control. Our relay's SMTP 250
  and a provider's "accepted" prove that, and only that.
- s.13(2)(a)(i) a designated address: received when the record enters it (a delivery status
  notification, a provider's "delivered" receipt); s.13(2)(b) nothing designated: the same, on the
  addressee's own resource; s.13(2)(a)(ii) sent elsewhere than the designated address: received only
  when the addressee retrieves it (a read receipt, an open, a view through the personal link).
- s.12: the addressee's own conduct (opening the notice through its link, "I have received this")
  acknowledges receipt whatever the channel's provider reported.
- A hard bounce, a failed delivery report or a returned postal article: not received on that channel.
Post: the delivery scan of the tracking service or the A.D. card signed by the addressee is receipt
(General Clauses Act s.27 presumes it for registered post properly addressed).

`decide` is the pure rule; `for_notice` loads the facts; `settle` and `after_failure` apply it.
"""
from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from notices import cheque
from notices.models import DEMAND_KINDS, Notice, NoticeKind
from notices.serving.documents import ServedDocument
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, Purpose, ServiceTerms
from notices.serving.states import SERVED_DOCUMENT, DispatchStatus, ServedDocumentStatus
from notices.serving.subject import Served, is_document, payload
from portal import audit, lifecycle
from portal.cases import CaseStatus, fire
from portal.extensions import db
from portal.formatting import day
from portal.types import IST

DELIVERY = frozenset({EventKind.DELIVERED})
RETRIEVAL = frozenset({EventKind.READ, EventKind.OPENED})             # s.13(2)(a)(ii)
CONDUCT = frozenset({EventKind.VIEWED, EventKind.ACKNOWLEDGED})       # s.12
RECEIPT_KINDS = DELIVERY | RETRIEVAL | CONDUCT
ENDED = frozenset({DispatchStatus.FAILED, DispatchStatus.CANCELLED})


class State(enum.StrEnum):
    RECEIVED = "received"        # proven, with its evidence
    AWAITING = "awaiting"        # sent (or still going) on some channel; no evidence of receipt yet
    FAILED = "failed"            # every channel failed or bounced: not served
    NOT_SERVED = "not_served"    # no dispatch at all


@dataclass(frozen=True)
class Sighting:
    """One timeline event as the rule reads it, with the dispatch it belongs to (if any)."""

    kind: EventKind
    at: datetime
    time_known: bool = True
    source: str = ""
    detail: str = ""
    dispatch_id: int | None = None
    channel: ChannelKind | None = None
    address: str = ""
    designated: bool = False
    failed: bool = False          # its dispatch failed or bounced (FAILED)


@dataclass(frozen=True)
class Receipt:
    state: State
    evidence: Sighting | None = None
    failed: tuple[tuple[ChannelKind, str], ...] = ()   # (channel, address) that failed

    @property
    def received(self) -> bool:
        return self.state == State.RECEIVED

    @property
    def at(self) -> datetime | None:
        return self.evidence.at if self.evidence is not None else None

    @property
    def day(self) -> date | None:
        """The IST calendar day of receipt: the day every period counted from receipt excludes."""
        return self.at.astimezone(IST).date() if self.at is not None else None

    @property
    def time_known(self) -> bool:
        return self.evidence is not None and self.evidence.time_known

    @property
    def how(self) -> str:
        """The evidence in words, for the case page and the certificate."""
        return self._words("en")

    @property
    def how_hi(self) -> str:
        return self._words("hi")

    def _words(self, lang: str) -> str:
        e = self.evidence
        if e is None:
            return ""
        key = "post" if e.kind == EventKind.DELIVERED and e.channel == ChannelKind.POST else e.kind.value
        where = f" ({e.channel.value} → {e.address})" if e.channel is not None else ""
        return HOW[key][0 if lang == "en" else 1] + where


HOW = {
    "delivered": ("delivery reported to the addressee's resource", "पाने वाले के संसाधन में डिलीवरी की सूचना"),
    "post": ("postal delivery to the addressee", "पाने वाले को डाक से डिलीवरी"),
    "read": ("a read receipt", "पढ़ने की रसीद"),
    "opened": ("the message was opened", "संदेश खोला गया"),
    "viewed": ("the debtor opened the notice through its personal link",
               "देनदार ने अपनी व्यक्तिगत लिंक से नोटिस खोला"),
    "acknowledged": ("the debtor acknowledged receiving the notice", "देनदार ने नोटिस की प्राप्ति स्वीकार की"),
}


def counts(s: Sighting, anything_designated: bool) -> bool:
    """Whether this one event proves receipt (the rule in the module's docstring)."""
    if s.kind in CONDUCT:
        return True
    if s.failed or s.kind not in RECEIPT_KINDS:
        return False  # dispatch, acceptance, queueing prove nothing of receipt (s.13(1))
    if s.kind in RETRIEVAL or s.channel == ChannelKind.POST:
        return True
    # A delivery report: the record entered the resource it was sent to. That is receipt when it was
    # the designated one (s.13(2)(a)(i)) or none was designated (s.13(2)(b)); elsewhere, retrieval.
    return s.designated or not anything_designated


def decide(sightings: Sequence[Sighting], dispatches: Sequence[tuple[ChannelKind, str, DispatchStatus]],
           anything_designated: bool) -> Receipt:
    """The earliest event that proves receipt; otherwise why there is none. `dispatches` are the
    document's own (not reminders), as (channel, address, status)."""
    failed = tuple((c, a) for c, a, status in dispatches if status == DispatchStatus.FAILED)
    proofs = sorted((s for s in sightings if counts(s, anything_designated)), key=lambda s: s.at)
    if proofs:
        return Receipt(State.RECEIVED, proofs[0], failed)
    if not dispatches:
        return Receipt(State.NOT_SERVED)
    if all(status in ENDED for _c, _a, status in dispatches) and failed:
        return Receipt(State.FAILED, None, failed)
    return Receipt(State.AWAITING, None, failed)


def days_to_pay(notice: Notice) -> int:
    # NI s.138(c): the drawer has fifteen days from receipt of the notice, whatever the case's setting.
    return cheque.DAYS_TO_PAY if notice.kind == NoticeKind.CHEQUE_DISHONOUR else notice.pay_within_days


def pay_by(received_on: date, days: int) -> date:
    """The last day to pay: `days` calendar days after the IST day of receipt, that day excluded
    (General Clauses Act s.9)."""
    return received_on + timedelta(days=days)


# --- the query --------------------------------------------------------------------------------------

def for_notice(notice: Served) -> Receipt:
    """Whether a notice, or a served document, reached its addressee (`receipts` of it alone)."""
    return receipts([notice])[notice.id]


# The event and dispatch inside `receipts`' subquery. Made once: an alias made per call is compiled
# afresh every time (the statement cache keys on the alias), several milliseconds of CPU a page.
_EVENT, _SENT = aliased(DeliveryEvent, name="proving_event"), aliased(Dispatch, name="proving_dispatch")


def receipts(served: Sequence[Served]) -> dict[int, Receipt]:
    """`for_notice` of each of several notices (or several served documents) of one case, by id, in
    two statements whatever their number: the one event of each that proves its receipt earliest
    (the rule of `counts`, asked of the database: one row each, however long its timeline), and
    their own dispatches."""
    if not served:
        return {}
    model, ids = type(served[0]), [one.id for one in served]
    whose = "document_id" if is_document(served[0]) else "notice_id"
    anything_designated = any(c.designated for c in served[0].case.debtor.contacts)
    event, sent = _EVENT, _SENT
    earliest = (select(event.id).outerjoin(sent, sent.id == event.dispatch_id)
                .where(getattr(event, whose) == model.id, _proves(anything_designated, event, sent))
                .order_by(event.occurred_at, event.id).limit(1).correlate(model).scalar_subquery())
    sightings: dict[int, list[Sighting]] = defaultdict(list)
    for proving, dispatch in db.session.execute(
            select(DeliveryEvent, Dispatch).outerjoin(Dispatch, Dispatch.id == DeliveryEvent.dispatch_id)
            .where(DeliveryEvent.id.in_(select(earliest).where(model.id.in_(ids))))):
        sightings[getattr(proving, whose)].append(_sighting(proving, dispatch))
    own: dict[int, list] = defaultdict(list)
    for d in db.session.scalars(select(Dispatch).where(
            getattr(Dispatch, whose).in_(ids), Dispatch.purpose == Purpose.NOTICE).order_by(Dispatch.id)):
        own[getattr(d, whose)].append((d.channel, d.address, d.status))
    return {one: decide(sightings[one], own[one], anything_designated) for one in ids}


def _proves(anything_designated: bool, event=DeliveryEvent, sent=Dispatch):
    """`counts` as a condition on an event outer-joined to its dispatch: the event of a notice's own
    dispatch (a reminder is not the notice) or of none, that proves receipt."""
    no_dispatch = sent.id.is_(None)
    not_failed = or_(no_dispatch, sent.status != DispatchStatus.FAILED)
    delivered_counts = [event.kind == EventKind.DELIVERED, not_failed]
    if anything_designated:  # delivered elsewhere than a designated resource is not receipt (s.13(2)(a))
        delivered_counts.append(or_(sent.channel == ChannelKind.POST, sent.designated.is_(True)))
    return and_(
        or_(no_dispatch, sent.purpose == Purpose.NOTICE),
        or_(event.kind.in_(CONDUCT),
            and_(event.kind.in_(RETRIEVAL), not_failed),
            and_(*delivered_counts)))


def _sighting(event: DeliveryEvent, sent: Dispatch | None) -> Sighting:
    return Sighting(kind=event.kind, at=event.occurred_at, time_known=event.time_known, source=event.source,
                    detail=event.detail, dispatch_id=event.dispatch_id,
                    channel=sent.channel if sent else None, address=sent.address if sent else "",
                    designated=sent.designated if sent else False,
                    failed=sent is not None and sent.status == DispatchStatus.FAILED)


# --- applying it ------------------------------------------------------------------------------------

def settle(notice: Served, kind: EventKind) -> None:
    """After a timeline event: start (or move earlier) the period that runs from receipt."""
    if kind not in RECEIPT_KINDS:
        return
    if is_document(notice):
        _settle_document(notice)
        return
    terms = db.session.get(ServiceTerms, notice.id)
    if terms is None:
        return  # not served through the pipeline (a draft, a test's bare event)
    found = for_notice(notice)
    if not found.received or (terms.received_at is not None and terms.received_at <= found.at):
        return
    terms.received_at = found.at
    payload = {"notice_id": notice.id, "received_at": found.at.isoformat(),
               "evidence": found.evidence.kind.value, "dispatch_id": found.evidence.dispatch_id,
               "how": found.how, "how_hi": found.how_hi}
    if notice.kind in DEMAND_KINDS:
        terms.respond_by = pay_by(found.day, days_to_pay(notice))
        payload["respond_by"] = terms.respond_by.isoformat()
    if notice.kind == NoticeKind.CHEQUE_DISHONOUR:
        window = cheque.complaint_window(found.day)
        payload.update(complaint_from=window.opens_on.isoformat(), complaint_by=window.closes_on.isoformat(),
                       pay_by_text=f"{window.pay_by:%d %b %Y}",
                       complaint_from_text=f"{window.opens_on:%d %b %Y}",
                       pay_by_text_hi=day(window.pay_by, "hi"),
                       complaint_from_text_hi=day(window.opens_on, "hi"))
    db.session.flush()
    audit.record("notice.received", actor=None, case=notice.case, payload=payload)


def _settle_document(document: ServedDocument) -> None:
    """A served document's receipt: its own date, and its lifecycle moves to RECEIVED (the clock it
    starts, an award's s.34 window say, is read by its package from `received_at`)."""
    found = for_notice(document)
    if not found.received or (document.received_at is not None and document.received_at <= found.at):
        return
    fields = {"received_at": found.at.isoformat(), "evidence": found.evidence.kind.value,
              "dispatch_id": found.evidence.dispatch_id, "how": found.how, "how_hi": found.how_hi,
              "kind": document.kind.value}
    if document.status in SERVED_DOCUMENT.sources("received"):
        lifecycle.fire(SERVED_DOCUMENT, document, "received", None, changes={"received_at": found.at},
                       payload=fields)
    else:  # received already; better evidence moved the date earlier
        document.received_at = found.at
        db.session.flush()
        audit.record("served_document.receipt_moved", actor=None, case=document.case,
                     payload={**payload(document), **fields})


def after_failure(dispatch: Dispatch) -> None:
    """A dispatch of the document itself failed or bounced. When that leaves no channel that did not
    fail and no receipt, the document is not served: the case returns to "notice signed", the clocks
    stop and the creditor is told (issue 23.3)."""
    if dispatch.purpose != Purpose.NOTICE:
        return
    notice = dispatch.served
    if for_notice(notice).state != State.FAILED:
        return
    if is_document(notice):
        if notice.status == ServedDocumentStatus.SERVING:
            lifecycle.fire(SERVED_DOCUMENT, notice, "unserved", None, payload={
                "kind": notice.kind.value, "dispatch_id": dispatch.id,
                "channels": [f"{d.channel.value} to {d.address}" for d in dispatch.notice_dispatches()
                             if d.purpose == Purpose.NOTICE]})
        return
    terms = db.session.get(ServiceTerms, notice.id)
    if terms is not None:
        terms.received_at = terms.respond_by = terms.reminder_sent_at = None
    case = notice.case
    if notice.kind in DEMAND_KINDS and case.status == CaseStatus.NOTICE_SERVED:
        fire(case, "service_failed", None, payload={"notice_id": notice.id, "dispatch_id": dispatch.id})
    failed = [d for d in db.session.scalars(select(Dispatch).where(
        Dispatch.notice_id == notice.id, Dispatch.purpose == Purpose.NOTICE).order_by(Dispatch.id))]
    db.session.flush()
    audit.record("notice.service_failed", actor=None, case=case, payload={
        "notice_id": notice.id, "kind": notice.kind.value,
        "channels": [f"{d.channel.value} to {d.address}" for d in failed]})
