"""The payments lifecycles on their tables: a report is decided once, by the creditor; a link is
paid once, by the system; each step is audited under its established name, in the same transaction."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import lifecycle
from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.payments.services import confirm_report, reject_report, report_payment
from portal.payments.states import LINK, REPORT, LinkStatus, ReportStatus
from tests.payments.helpers import served_case


def trail(case, prefix: str = "payment.") -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action.like(f"{prefix}%")).order_by(AuditEvent.seq)))


def test_the_tables_name_who_decides_and_from_where():
    assert REPORT.sources("report_confirmed", "report_rejected") == {ReportStatus.REPORTED}
    assert {t.roles for t in REPORT.transitions} == {frozenset({"creditor"})}
    assert REPORT.initial == {ReportStatus.REPORTED} and LINK.initial == {LinkStatus.CREATED}
    assert LINK.sources("link_paid") == {LinkStatus.CREATED}
    assert LINK.transition_for("link_paid").roles == {"system"}
    assert lifecycle.MACHINES["payment_report"] is REPORT and lifecycle.MACHINES["gateway_link"] is LINK


def test_report_then_confirm_is_audited_from_and_to(db_session):
    case, creditor, debtor = served_case()
    report = report_payment(debtor, case, "10000", "412345678901", today_ist(), today_ist())
    confirm_report(creditor, report, today_ist())
    events = [(e.action, e.data.get("from"), e.data.get("to")) for e in trail(case)]
    assert events[:2] == [("payment.reported", None, None),
                          ("payment.report_confirmed", "reported", "confirmed")]
    assert "payment.confirmed" in [a for a, _, _ in events]
    reported, confirmed = trail(case)[:2]
    assert reported.data["report_id"] == report.id and reported.data["amount"] == "10000.00"
    assert confirmed.data["payment_report_id"] == confirmed.data["report_id"] == report.id
    assert confirmed.actor_id == creditor.id and report.decided_by_id == creditor.id
    assert report.decided_at is not None and report.payment_id is not None


def test_a_decided_report_is_not_decided_again(db_session):
    case, creditor, debtor = served_case()
    report = report_payment(debtor, case, Decimal("5000.00"), "412345678902", today_ist(), today_ist())
    reject_report(creditor, report, "Nothing with this UTR reached our account.")
    assert (report.status, report.reason) == (ReportStatus.REJECTED, "Nothing with this UTR reached our account.")
    with pytest.raises(DomainError, match="already rejected"):
        confirm_report(creditor, report, today_ist())
    with pytest.raises(DomainError, match="already rejected"):
        reject_report(creditor, report, "Second thoughts on this one.")
    assert [e.action for e in trail(case)] == ["payment.reported", "payment.report_rejected"]
    assert report.payment_id is None


def test_only_the_creditor_decides_a_report(db_session):
    case, _creditor, debtor = served_case()
    report = report_payment(debtor, case, "1000", "412345678903", today_ist(), today_ist())
    with pytest.raises(lifecycle.TransitionNotPermitted):
        confirm_report(debtor, report, today_ist())
    assert report.status == ReportStatus.REPORTED
