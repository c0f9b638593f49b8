"""What the other side did: the debtor's answers to the notice, the offers of the ODR room and
the settlement agreements with their instalments."""
from __future__ import annotations

import json

from sqlalchemy import select

from arbitration import InstalmentRow, Offer, SettlementAgreement
from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import answer
from portal.api.spec import operation
from portal.api.views.cases import case_for
from portal.debtor import DebtorResponse
from portal.extensions import db


@operation(bp, "/cases/<reference>/debtor-responses", "GET", summary="The debtor's answers",
           scope="read", tag="Debtor responses", answer=s.DebtorResponseList)
def list_responses(reference: str):
    """Acknowledgements, disputes with their reasons, part admissions, proposed plans, call-back
    requests, oldest first."""
    case = case_for(reference)
    rows = db.session.scalars(select(DebtorResponse).where(DebtorResponse.case_id == case.id)
                              .order_by(DebtorResponse.created_at, DebtorResponse.id))
    return answer(s.DebtorResponseList(responses=[
        s.DebtorResponse(id=r.id, kind=r.kind.value, reason=r.reason.value if r.reason else None,
                         text=r.text, admitted_amount=r.admitted_amount, plan_terms=r.plan_terms,
                         created_at=r.created_at) for r in rows]))


@operation(bp, "/cases/<reference>/offers", "GET", summary="Offers in the ODR room", scope="read",
           tag="Offers and settlement", answer=s.OfferList)
def list_offers(reference: str):
    """Open offers and counter-offers of both sides with their terms. Blind bids are never shown."""
    case = case_for(reference)
    rows = db.session.scalars(select(Offer).where(Offer.case_id == case.id).order_by(Offer.id))
    return answer(s.OfferList(offers=[
        s.OfferDetail(id=o.id, side=o.side.value, status=o.status.value, parent_id=o.parent_id,
                      total=o.total, terms=json.loads(o.terms_json), note=o.note,
                      valid_until=o.valid_until, created_at=o.created_at, decided_at=o.decided_at)
        for o in rows]))


@operation(bp, "/cases/<reference>/settlement", "GET", summary="Settlement status", scope="read",
           tag="Offers and settlement", answer=s.SettlementList)
def settlement(reference: str):
    """Each settlement agreement (awaiting signatures, signed, cancelled) and its instalments."""
    case = case_for(reference)
    agreements = list(db.session.scalars(select(SettlementAgreement)
                                         .where(SettlementAgreement.case_id == case.id)
                                         .order_by(SettlementAgreement.id)))
    rows = db.session.scalars(select(InstalmentRow).where(
        InstalmentRow.agreement_id.in_([a.id for a in agreements])).order_by(InstalmentRow.number))
    by_agreement: dict[int, list[s.Instalment]] = {}
    for r in rows:
        by_agreement.setdefault(r.agreement_id, []).append(s.Instalment(
            number=r.number, due_on=r.due_on, amount=r.amount, defaulted_at=r.defaulted_at))
    return answer(s.SettlementList(agreements=[
        s.Settlement(id=a.id, version=a.version, source=a.source, status=a.status.value, total=a.total,
                     neutral_required=a.neutral_required, created_at=a.created_at,
                     completed_at=a.completed_at, instalments=by_agreement.get(a.id, []))
        for a in agreements]))
