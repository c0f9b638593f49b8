"""The notices block of the case page: each notice, its status and, once signed, its service
timeline and the delivery-proof certificate."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from notices.models import Notice
from notices.serving import proof, timeline
from notices.serving.models import DeliveryEvent, DeliveryProof
from portal.accounts.policy import Action, can
from portal.extensions import db


@dataclass
class NoticeSummary:
    notice: Notice
    events: list[DeliveryEvent]
    proof: DeliveryProof | None
    can_see_delivery: bool


def summaries(user, case) -> list[NoticeSummary]:
    if not can(user, Action.VIEW_NOTICE_DRAFT, case):
        return []
    notices = db.session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)).all()
    delivery = can(user, Action.VIEW_DELIVERY, case)
    return [NoticeSummary(n, timeline.events_for(n) if delivery else [],
                          proof.latest(n.id) if delivery else None, delivery) for n in notices]
