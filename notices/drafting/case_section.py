"""The notices block of the case page: each notice, its status and, once signed, its service
timeline, whether its receipt is proven, and the delivery-proof certificate."""
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


@dataclass
class NoticeSummary:
    notice: Notice
    events: list[DeliveryEvent]
    proof: DeliveryProof | None
    can_see_delivery: bool
    receipt: Receipt | None = None   # whether and how the debtor received it (IT Act s.13(2))
    may_serve: bool = False          # may serve it again (on another channel)


def summaries(user, case) -> list[NoticeSummary]:
    if not can(user, Action.VIEW_NOTICE_DRAFT, case):
        return []
    notices = db.session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)).all()
    delivery = can(user, Action.VIEW_DELIVERY, case)
    may_serve = can(user, Action.SERVE_NOTICE, case)
    return [NoticeSummary(n, timeline.events_for(n) if delivery else [],
                          proof.latest(n.id) if delivery else None, delivery,
                          receipt.for_notice(n) if delivery and n.status == NoticeStatus.SIGNED else None,
                          may_serve) for n in notices]
