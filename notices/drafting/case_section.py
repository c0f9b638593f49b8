"""The notices block of the case page: each notice, its status and, once signed, its newest
delivery events (the delivery page pages through all of them), whether its receipt is proven, and
the delivery-proof certificate. A fixed number of statements and of rows, whatever the number of
notices and events."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from notices.models import Notice
from notices.serving import proof, receipt, timeline
from notices.serving.models import DeliveryEvent, DeliveryProof
from notices.serving.receipt import Receipt
from notices.states import NoticeStatus
from portal.accounts import Action, can
from portal.extensions import db

EVENTS_SHOWN = 5  # the newest delivery events of each notice the case page lists


@dataclass
class NoticeSummary:
    notice: Notice
    events: list[DeliveryEvent]      # its newest EVENTS_SHOWN events, oldest first
    proof: DeliveryProof | None
    can_see_delivery: bool
    receipt: Receipt | None = None   # whether and how the debtor received it (IT Act s.13(2))
    may_serve: bool = False          # may serve it again (on another channel)
    events_total: int = 0            # how many events its timeline holds

    @property
    def more_events(self) -> bool:
        return self.events_total > len(self.events)


def summaries(user, case) -> list[NoticeSummary]:
    if not can(user, Action.VIEW_NOTICE_DRAFT, case):
        return []
    delivery = can(user, Action.VIEW_DELIVERY, case)
    may_serve = can(user, Action.SERVE_NOTICE, case)
    # Each notice with its newest certificate, in one statement.
    rows = db.session.execute(
        select(Notice, DeliveryProof).outerjoin(DeliveryProof, proof.latest_pairing(Notice.id))
        .where(Notice.case_id == case.id).order_by(Notice.id)).all()
    if not delivery:
        return [NoticeSummary(notice, [], None, False, may_serve=may_serve) for notice, _proof in rows]
    events = timeline.newest_events([notice.id for notice, _proof in rows], EVENTS_SHOWN)
    received = receipt.receipts([notice for notice, _proof in rows if notice.status == NoticeStatus.SIGNED])
    out = []
    for notice, certificate in rows:
        shown, total = events.get(notice.id, ([], 0))
        out.append(NoticeSummary(notice, shown, certificate, True, received.get(notice.id), may_serve, total))
    return out
