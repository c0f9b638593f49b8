"""Case use-cases. Services take the actor explicitly, flush, and never commit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select

from portal import audit
from portal.accounts import Engagement, Role, User
from portal.cases.assignment import assign_advocate  # noqa: F401  (its home is assignment.py)
from portal.cases.models import Case, Party, Payment, PaymentMethod
from portal.extensions import db
from portal.types import to_paisa


def record_payment(actor: User, case: Case, amount: Decimal, paid_on: date,
                   method: PaymentMethod, reference: str = "", invoice_id: int | None = None) -> Payment:
    payment = Payment(case=case, amount=to_paisa(amount), paid_on=paid_on, method=method,
                      reference=reference, recorded_by_id=actor.id, invoice_id=invoice_id)
    db.session.add(payment)
    db.session.flush()
    audit.record("case.payment_recorded", actor=actor, case=case, payload={
        "payment_id": payment.id, "amount": payment.amount, "paid_on": paid_on,
        "method": method.value, "reference": reference})
    return payment


def visible_cases(user: User) -> Select:
    """The cases a user may list; mirrors policy.can_view_case."""
    stmt = select(Case).order_by(Case.created_at.desc())
    match user.role:
        case Role.ADMIN:
            return stmt
        case Role.CREDITOR:
            return stmt.where(Case.creditor_org_id == user.org_id)
        case Role.ADVOCATE:
            pool = select(Engagement.org_id).where(Engagement.advocate_id == user.id)
            return stmt.where((Case.advocate_id == user.id) |
                              (Case.advocate_id.is_(None) & Case.creditor_org_id.in_(pool)))
        case Role.DEBTOR:
            link_case_id = getattr(user, "link_case_id", None)
            if link_case_id is not None:  # came in through a personal link: that case only
                return stmt.where(Case.id == link_case_id)
            if user.id is None:
                return stmt.where(False)
            return stmt.join(Case.debtor).where(Party.user_id == user.id, Case._status != "draft")
        case Role.NEUTRAL:
            return stmt.where(Case.neutral_id == user.id)
    return stmt.where(False)
