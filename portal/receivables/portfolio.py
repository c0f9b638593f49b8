"""The creditor's portfolio: outstanding, ageing (overall and per debtor), DSO by countback,
collections and recovery rate by month, the reminder and the legal funnels, the top debtors."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from portal.accounts import Organization
from portal.cases import Case, CaseStatus, Invoice, Payment
from portal.database import replica_reads
from portal.extensions import db
from portal.i18n import N_
from portal.payments import PaymentReport
from portal.receivables import book, figures, freshness, rollup
from portal.receivables.models import InvoiceHold, PortfolioSnapshot, Promise, Reminder, ReminderLink
from portal.receivables.states import ReminderStatus

S = CaseStatus
NOTICE = frozenset(S) - {S.DRAFT, S.FILED, S.WITHDRAWN}
SERVED = NOTICE - {S.NOTICE_DRAFTING, S.NOTICE_IN_REVIEW, S.NOTICE_SIGNED}
RESOLVED = frozenset({S.SETTLED, S.AWARDED, S.DEFAULTED})
PAID = frozenset({S.PAID, S.CLOSED})
MONTHS = 6
# The funnels' steps, in English in the snapshot and the CSV (a page says them with
# portal.receivables.page_words.portfolio_word).
REMINDER_STEPS = (N_("Reminded"), N_("Opened the link"), N_("Responded"), N_("Promised"), N_("Paid"))
LEGAL_STEPS = (N_("Notice"), N_("Served"), N_("Settled or awarded"), N_("Paid"))


@dataclass
class Portfolio:
    outstanding: Decimal
    ageing: dict[str, Decimal]
    debtors: list[tuple[int, str, Decimal, dict[str, Decimal]]]   # top debtors with their ageing
    dso: Decimal | None
    monthly: list[tuple[date, Decimal, Decimal | None]]            # month, collected, recovery rate %
    collected_this_month: Decimal
    reminder_funnel: list[figures.Step]
    legal_funnel: list[figures.Step]
    refreshed_at: datetime                                          # when the rolled-up figures were made


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))  # str: SQLite sums NUMERIC as floats


def _receivable_at(org_id: int, day: date) -> Decimal:
    live = [Case.creditor_org_id == org_id, Case._status != S.WITHDRAWN]
    invoiced = db.session.scalar(select(func.sum(Invoice.total)).join(Case, Case.id == Invoice.case_id)
                                 .where(*live, Invoice.invoice_date < day))
    paid = db.session.scalar(select(func.sum(Payment.amount)).join(Case, Case.id == Payment.case_id)
                             .where(*live, Payment.paid_on < day))
    return _money(invoiced) - _money(paid)


def history(org_id: int, today: date, outstanding: Decimal) -> dict:
    """The figures that look back over months, as JSON for the snapshot (portal.receivables.rollup):
    DSO by countback against `outstanding`, collections and recovery by month, the two funnels."""
    first = figures.month_start(today, 11)
    sales: dict[date, Decimal] = defaultdict(lambda: figures.ZERO)
    for invoice_date, amount in db.session.execute(
            select(Invoice.invoice_date, func.sum(Invoice.total)).join(Case, Case.id == Invoice.case_id)
            .where(Case.creditor_org_id == org_id, Case._status != S.WITHDRAWN,
                   Invoice.invoice_date >= first).group_by(Invoice.invoice_date)).all():
        sales[figures.month_start(_day(invoice_date))] += _money(amount)
    dso = figures.dso_countback(outstanding, sales, today)

    start = figures.month_start(today, MONTHS - 1)
    collected: dict[date, Decimal] = defaultdict(lambda: figures.ZERO)
    for paid_on, amount in db.session.execute(
            select(Payment.paid_on, func.sum(Payment.amount)).join(Case, Case.id == Payment.case_id)
            .where(Case.creditor_org_id == org_id, Payment.paid_on >= start, Payment.paid_on <= today)
            .group_by(Payment.paid_on)).all():
        collected[figures.month_start(_day(paid_on))] += _money(amount)
    monthly = []
    for back in range(MONTHS - 1, -1, -1):
        month = figures.month_start(today, back)
        receivable = _receivable_at(org_id, month)
        got = collected.get(month, figures.ZERO)
        rate = ((got * 100 / receivable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                if receivable > 0 else None)
        monthly.append([month.isoformat(), str(got), None if rate is None else str(rate)])

    def parties(stmt) -> int:
        return db.session.scalar(select(func.count()).select_from(stmt.distinct().subquery())) or 0

    reminded = parties(select(Reminder.party_id).where(Reminder.org_id == org_id,
                                                       Reminder._status == ReminderStatus.SENT))
    opened = parties(select(ReminderLink.party_id).where(ReminderLink.org_id == org_id,
                                                         ReminderLink.last_used_at.is_not(None)))
    responded = len(set(db.session.scalars(select(InvoiceHold.party_id).where(
        InvoiceHold.org_id == org_id, InvoiceHold.link_id.is_not(None)))) | set(db.session.scalars(
        select(Promise.party_id).where(Promise.org_id == org_id, Promise.link_id.is_not(None)))) | set(
        db.session.scalars(select(Case.debtor_party_id).join(PaymentReport, PaymentReport.case_id == Case.id)
                           .where(Case.creditor_org_id == org_id))))
    promised = parties(select(Promise.party_id).where(Promise.org_id == org_id))
    # Reminded debtors that owe nothing now (no open claim with anything outstanding).
    paid_up = parties(select(Reminder.party_id).where(
        Reminder.org_id == org_id, Reminder._status == ReminderStatus.SENT,
        ~select(Case.id).where(Case.creditor_org_id == org_id, Case.debtor_party_id == Reminder.party_id,
                               Case._status.notin_(book.ENDED), Case.outstanding_sum > 0).exists()))
    statuses = dict(db.session.execute(select(Case._status, func.count(Case.id))
                                       .where(Case.creditor_org_id == org_id).group_by(Case._status)).all())
    counts = {S(k): v for k, v in statuses.items()}

    def among(group) -> int:
        return sum(v for k, v in counts.items() if k in group)

    return {"dso": None if dso is None else str(dso), "monthly": monthly,
            "collected_this_month": str(collected.get(figures.month_start(today), figures.ZERO)),
            "reminder_funnel": [list(step) for step in zip(
                REMINDER_STEPS, (reminded, opened, responded, promised, paid_up), strict=True)],
            "legal_funnel": [list(step) for step in zip(
                LEGAL_STEPS, (among(NOTICE), among(SERVED), among(RESOLVED | PAID), among(PAID)),
                strict=True)]}


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite: GROUP BY gives text


def refresh(org: Organization, today: date) -> int:
    """Recompute the organisation's rolled-up rows and snapshot (the beat, the command)."""
    return rollup.refresh_org(org, today, history)


# Up to this many debtors, stale figures are worked out again on the page visit (a fraction of a
# second); a larger organisation's wait for the rollup beat, and the page shows their age.
RECOMPUTE_ON_VISIT = 2000


def ensure(org: Organization, today: date) -> PortfolioSnapshot:
    """An organisation never rolled up (new, or before the beat's first pass) is rolled up now; so is
    a small one whose figures a change has made stale, or that were worked out on another day.
    Returns its snapshot as it now stands (the pages show it: not read a second time)."""
    snap = rollup.snapshot(org.id)
    if snap is None or (snap.debtors <= RECOMPUTE_ON_VISIT
                        and (snap.as_of != today or freshness.is_stale(snap))):
        refresh(org, today)
        snap = rollup.snapshot(org.id)
    return snap


def build(org_id: int, today: date, top: int = 20) -> Portfolio:
    """The dashboard from the rolled-up rows and snapshot (a handful of statements)."""
    snap = ensure(db.session.get(Organization, org_id), today)
    with replica_reads():  # figures a second behind are fine: the replica's, when there is one
        total, ageing = rollup.totals(snap)
        debtors = [(p.party_id, p.name, p.outstanding, p.ageing) for p in rollup.top(org_id, top)]
    h = json.loads(snap.figures)
    monthly = [(date.fromisoformat(m), Decimal(c), None if r is None else Decimal(r))
               for m, c, r in h["monthly"]]
    return Portfolio(total, ageing, debtors, None if h["dso"] is None else Decimal(h["dso"]), monthly,
                     Decimal(h["collected_this_month"]),
                     [figures.Step(label, n) for label, n in h["reminder_funnel"]],
                     [figures.Step(label, n) for label, n in h["legal_funnel"]], snap.refreshed_at)


def csv_rows(p: Portfolio, figure: str) -> list[list[str]]:
    if figure == "ageing":
        return [["Bucket", "Outstanding (INR)"]] + [[b, f"{v:.2f}"] for b, v in p.ageing.items()]
    if figure == "debtors":
        return [["Debtor", "Outstanding (INR)", *figures.BUCKETS]] + [
            [name, f"{total:.2f}", *(f"{v:.2f}" for v in buckets.values())]
            for _, name, total, buckets in p.debtors]
    if figure == "monthly":
        return [["Month", "Collected (INR)", "Recovery rate (%)"]] + [
            [f"{m:%Y-%m}", f"{c:.2f}", "" if r is None else f"{r}"] for m, c, r in p.monthly]
    if figure == "funnel":
        return [["Funnel", "Step", "Count"]] + [
            ["reminders", s.label, str(s.count)] for s in p.reminder_funnel] + [
            ["legal", s.label, str(s.count)] for s in p.legal_funnel]
    if figure == "summary":
        return [["Figure", "Value"], ["Outstanding (INR)", f"{p.outstanding:.2f}"],
                ["DSO (countback, days)", "" if p.dso is None else f"{p.dso}"],
                ["Collected this month (INR)", f"{p.collected_this_month:.2f}"]]
    raise KeyError(figure)


FIGURES = ("summary", "ageing", "debtors", "monthly", "funnel")
