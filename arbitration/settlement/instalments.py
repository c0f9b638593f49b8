"""Tracking a signed settlement's instalments: rows from its schedule, their state worked out by
allocating the creditor's confirmed payments in due-date order, and the case moved on when arrears are
cleared (cure_default) or everything is paid (mark_paid).

Reminders and defaults run from Celery beat (tasks.py), through `due_for_reminder` and `overdue`.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from arbitration.settlement.models import AgreementStatus, InstalmentRow, SettlementAgreement
from portal import audit
from portal.cases import Case, CaseStatus, Payment, fire, today_ist
from portal.extensions import db
from portal.payments import payment_confirmed
from portal.types import to_ist

ZERO = Decimal("0.00")


class InstalmentStatus(enum.StrEnum):
    PAID = "paid"
    PART_PAID = "part_paid"
    UPCOMING = "upcoming"
    OVERDUE = "overdue"          # past its due date, still within the grace period
    IN_DEFAULT = "in_default"    # past the grace period


@dataclass(frozen=True)
class InstalmentState:
    row: InstalmentRow
    paid: Decimal
    status: InstalmentStatus

    @property
    def unpaid(self) -> Decimal:
        return self.row.amount - self.paid


def grace_days() -> int:
    return int(current_app.config.get("SETTLEMENT_GRACE_DAYS", 7))


def create_rows(agreement: SettlementAgreement) -> list[InstalmentRow]:
    rows = [InstalmentRow(number=i, due_on=part.due_on, amount=part.amount)
            for i, part in enumerate(agreement.terms.instalments, 1)]
    agreement.instalments.extend(rows)
    db.session.flush()
    return rows


def signed_agreement(case: Case) -> SettlementAgreement | None:
    return db.session.scalar(select(SettlementAgreement).where(
        SettlementAgreement.case_id == case.id, SettlementAgreement.status == AgreementStatus.SIGNED)
        .order_by(SettlementAgreement.version.desc()))


def agreement_day(agreement: SettlementAgreement) -> date:
    """Payments count from the IST day the agreement was drawn up (paid while signatures were awaited)."""
    return to_ist(agreement.created_at).date()


def paid_under(agreement: SettlementAgreement) -> Decimal:
    """What the creditor confirmed receiving on or after the agreement's day."""
    payments = db.session.scalars(select(Payment.amount).where(
        Payment.case_id == agreement.case_id, Payment.paid_on >= agreement_day(agreement)))
    return sum(payments, ZERO)


def schedule(agreement: SettlementAgreement, today: date) -> list[InstalmentState]:
    """Each instalment with what has been allocated to it, earliest due first."""
    left, grace, out = paid_under(agreement), timedelta(days=grace_days()), []
    for row in sorted(agreement.instalments, key=lambda r: (r.due_on, r.number)):
        paid = min(left, row.amount)
        left -= paid
        if paid == row.amount:
            status = InstalmentStatus.PAID
        elif today > row.due_on + grace:
            status = InstalmentStatus.IN_DEFAULT
        elif today > row.due_on:
            status = InstalmentStatus.OVERDUE
        else:
            status = InstalmentStatus.PART_PAID if paid else InstalmentStatus.UPCOMING
        out.append(InstalmentState(row, paid, status))
    return out


def outstanding(case: Case) -> Decimal | None:
    """What is still owed under the signed settlement; None when the case has none."""
    agreement = signed_agreement(case)
    if agreement is None:
        return None
    return max(agreement.total - paid_under(agreement), ZERO)


def next_unpaid(case: Case, today: date) -> InstalmentState | None:
    """The earliest instalment of the signed settlement not yet fully paid (what to pay next)."""
    agreement = signed_agreement(case)
    if agreement is None:
        return None
    return next((s for s in schedule(agreement, today) if s.unpaid > 0), None)


def arrears(agreement: SettlementAgreement, today: date) -> Decimal:
    """Unpaid amounts of instalments already due (today included)."""
    return sum((s.unpaid for s in schedule(agreement, today) if s.row.due_on <= today), ZERO)


def reevaluate(case: Case, today: date) -> str | None:
    """After money moved: mark the case paid when nothing is owed, or cure a default whose arrears are
    cleared. Returns the transition fired, if any; flushes."""
    agreement = signed_agreement(case)
    if agreement is None or case.status not in (CaseStatus.SETTLED, CaseStatus.DEFAULTED):
        return None
    if paid_under(agreement) >= agreement.total:
        fire(case, "mark_paid", None, payload={"agreement_id": agreement.id, "reason": "settlement paid"})
        return "mark_paid"
    if case.status == CaseStatus.DEFAULTED and arrears(agreement, today) == ZERO:
        fire(case, "cure_default", None, payload={"agreement_id": agreement.id})
        return "cure_default"
    return None


def on_payment_confirmed(case: Case, payment=None, actor=None, **_kw) -> None:
    reevaluate(case, today_ist())


def subscribe() -> None:
    """Listen for confirmed payments (idempotent: blinker keeps one connection per receiver)."""

    payment_confirmed.connect(on_payment_confirmed, weak=False)


def due_for_reminder(today: date, days_ahead: int) -> list[InstalmentRow]:
    """Unreminded instalments of settled cases falling due within `days_ahead` days."""
    rows = db.session.scalars(select(InstalmentRow).join(SettlementAgreement).join(Case).where(
        SettlementAgreement.status == AgreementStatus.SIGNED, Case._status == CaseStatus.SETTLED,
        InstalmentRow.reminded_at.is_(None), InstalmentRow.due_on >= today,
        InstalmentRow.due_on <= today + timedelta(days=days_ahead)).order_by(InstalmentRow.due_on))
    return [r for r in rows if _state(r, today).status != InstalmentStatus.PAID]


def overdue(today: date) -> list[InstalmentRow]:
    """Instalments of settled cases unpaid past their grace period and not yet acted on."""
    rows = db.session.scalars(select(InstalmentRow).join(SettlementAgreement).join(Case).where(
        SettlementAgreement.status == AgreementStatus.SIGNED, Case._status == CaseStatus.SETTLED,
        InstalmentRow.defaulted_at.is_(None),
        InstalmentRow.due_on < today - timedelta(days=grace_days())).order_by(InstalmentRow.due_on))
    return [r for r in rows if _state(r, today).status == InstalmentStatus.IN_DEFAULT]


def _state(row: InstalmentRow, today: date) -> InstalmentState:
    return next(s for s in schedule(row.agreement, today) if s.row.id == row.id)


def mark_default(row: InstalmentRow, today: date, now: datetime) -> None:
    """The instalment stayed unpaid past the grace period: the case is in default; flushes."""
    agreement, state = row.agreement, _state(row, today)
    row.defaulted_at = now
    fire(agreement.case, "mark_default", None, payload={
        "agreement_id": agreement.id, "instalment": row.number, "due_on": row.due_on.isoformat(),
        "unpaid": state.unpaid, "grace_days": grace_days()})
    audit.record("settlement.instalment_defaulted", actor=None, case=agreement.case, payload={
        "agreement_id": agreement.id, "instalment": row.number, "unpaid": state.unpaid})
