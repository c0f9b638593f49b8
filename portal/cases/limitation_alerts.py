"""Limitation alerts: 90, 30 and 7 days before an invoice's three years run out (Limitation Act
1963, Schedule Arts. 14/15/113, extended by s.18 acknowledgements and s.19 part payments as
`portal.cases.limitation` reckons them), the creditor and its advocate are told, once per invoice,
threshold and deadline.

Each alert is an audit event, `case.limitation_alert`; `portal.notifications` turns it into an
attention item and an e-mail for the creditor and the advocate. The run is safe to repeat and to
run twice at once: each case's row is locked before its earlier alerts are read.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select

from portal import audit
from portal.audit import AuditEvent
from portal.cases.amounts import ComputationError
from portal.cases.due_dates import DueDateError
from portal.cases.limitation import LIMITATION_YEARS, LimitationState, years_later
from portal.cases.models import Case, Invoice
from portal.cases.reckoning import case_limitation
from portal.cases.states import CaseStatus
from portal.extensions import db

THRESHOLDS = (90, 30, 7)  # days before the last day to file, largest first
ACTION = "case.limitation_alert"
# Where the three years still run: once arbitration is invoked (A&C s.21 with s.43) or the case
# has ended, limitation no longer threatens the claim.
WATCHED = frozenset({CaseStatus.DRAFT, CaseStatus.FILED, CaseStatus.NOTICE_DRAFTING,
                     CaseStatus.NOTICE_IN_REVIEW, CaseStatus.NOTICE_SIGNED,
                     CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED, CaseStatus.IN_NEGOTIATION,
                     CaseStatus.IN_CONCILIATION, CaseStatus.DEFAULTED})

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    invoice: str
    threshold: int
    deadline: date
    days_left: int


def threshold_for(days_left: int) -> int | None:
    """The smallest threshold already reached (7 beats 30 beats 90); None when none is, or when the
    claim is already time-barred (that is shown on the case, not alerted)."""
    if days_left < 0:
        return None
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def alerts_due(statuses, already: set[tuple[str, int, str]]) -> list[Alert]:
    """The alerts to send for one case, given each invoice's LimitationStatus and the
    (invoice, threshold, deadline) alerts it has had. Pure."""
    found = []
    for number, status in sorted(statuses.items()):
        if status.state == LimitationState.TIME_BARRED:
            continue
        threshold = threshold_for(status.days_left)
        if threshold is None or (number, threshold, status.deadline.isoformat()) in already:
            continue
        found.append(Alert(number, threshold, status.deadline, status.days_left))
    return found


def candidate_ids(today: date, after_id: int = 0, limit: int = 200) -> list[int]:
    """Watched cases with an invoice old enough to be within 90 days of its deadline. The period
    runs from delivery or the due date, whichever the article takes, and only lengthens with
    acknowledgements and payments, so an invoice neither delivered nor due before
    (today + 90 days - 3 years) cannot be near."""
    cutoff = years_later(today + timedelta(days=max(THRESHOLDS)), -LIMITATION_YEARS)
    old_enough = select(Invoice.case_id).where(or_(
        Invoice.due_date <= cutoff, Invoice.acceptance_date <= cutoff,
        Invoice.invoice_date <= cutoff))
    return list(db.session.scalars(
        select(Case.id).where(Case.id > after_id, Case._status.in_(WATCHED),
                              Case.id.in_(old_enough)).order_by(Case.id).limit(limit)))


def _already(case: Case) -> set[tuple[str, int, str]]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                         AuditEvent.action == ACTION))
    return {(e.data["invoice"], int(e.data["threshold"]), e.data["deadline"]) for e in events}


def alert_case(case_id: int, today: date) -> list[Alert]:
    """Lock the case, reckon its invoices, record each new alert. Flushes, never commits."""
    case = db.session.get(Case, case_id, with_for_update={"key_share": True},
                          populate_existing=True)
    if case is None or case.status not in WATCHED:
        return []
    try:
        statuses = case_limitation(case, today)
    except (ComputationError, DueDateError) as exc:  # no alert for it, never a failed run
        log.warning("limitation of case %s cannot be reckoned: %s", case.reference, exc)
        return []
    alerts = alerts_due(statuses, _already(case))
    for a in alerts:
        audit.record(ACTION, actor=None, case=case, payload={
            "invoice": a.invoice, "threshold": a.threshold, "deadline": a.deadline.isoformat(),
            "days_left": a.days_left, "advocate_id": case.advocate_id})
    return alerts


def batches(today: date, size: int = 200) -> Iterator[list[int]]:
    after = 0
    while ids := candidate_ids(today, after, size):
        yield ids
        after = ids[-1]
