"""What the debtor's page of a case shows, gathered in one place: the notices with their
verification status and deadlines, the evidence shared with the debtor, the case's position today
(portal.cases.position: the same figures the creditor and every receipt show; under a settlement its
balance and next instalment), the answers given so far, and which answers are open now."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from evidence import documents_for
from notices import EventKind, Notice, PublicRecord, ServiceTerms, notice_record, notices_with_delivery_event
from portal.accounts import Action, can
from portal.cases import Case, case_position, today_ist
from portal.debtor import responses
from portal.extensions import db


def verification(notice: Notice) -> PublicRecord | None:
    """What the public verification page says of this notice (None: not a signed notice of record)."""
    return notice_record(notice) if notice.verification_code else None


def context(user: Any, case: Case, notices: list[Notice]) -> dict:

    pos = case_position(case, today_ist())
    # Each notice's terms of service (or None), in one statement.
    found = {t.notice_id: t for t in db.session.scalars(
        select(ServiceTerms).where(ServiceTerms.notice_id.in_([n.id for n in notices])))} if notices else {}
    terms = {n.id: found.get(n.id) for n in notices}
    respond_by = sorted(t.respond_by for t in terms.values() if t is not None and t.respond_by)
    return {
        "terms": terms,
        "respond_by": respond_by[0] if respond_by else None,
        "acknowledged": notices_with_delivery_event({n.id for n in notices}, EventKind.ACKNOWLEDGED),
        "records": {n.id: verification(n) for n in notices},
        "documents": (documents_for(case, include_withdrawn=False, viewer=user)
                      if can(user, Action.VIEW_EVIDENCE, case) else []),
        "pos": pos, "computation": pos.computation, "computation_problem": pos.problem,
        "responses": responses.responses_for(case),
        "can_respond": can(user, Action.RESPOND_TO_NOTICE, case),
        "pay_enabled": responses.pay_page_enabled() and can(user, Action.REPORT_PAYMENT, case),
        "room_open": "odr.room" in current_app.view_functions and can(user, Action.VIEW_ODR_ROOM, case),
    }
