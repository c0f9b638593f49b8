"""Notifications: dismissing an attention item from one's "Needs your attention" list. Only the
item's addressee may (here the advocate, told of the debtor's dispute); for anyone else the item
does not exist (404), its case's other parties included."""
from __future__ import annotations

from sqlalchemy import select

from portal import audit
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.notifications.models import AttentionItem
from tests.matrix.common import LOGGED_IN, Probe, allow


def advocates_item(w) -> AttentionItem:
    case = w.case(CaseStatus.RESPONDED)
    audit.record("debtor.dispute", actor=None, case=case, payload={"response_id": 1})
    return db.session.scalar(select(AttentionItem).where(AttentionItem.case_id == case.id,
                                                         AttentionItem.user_id == w.advocate.id))


ROUTES = {
    ("notifications.dismiss", "POST"): Probe(
        lambda w: f"/attention/{advocates_item(w).id}/dismiss", allow({"advocate"}, 302),
        form=lambda w: {}, hidden_from=LOGGED_IN - {"advocate"}),
}
