"""The debtor's pay page (UPI link and QR), its UTR report, and the creditor's confirmation or
rejection: part payments reduce the amount due, receipts are issued, full payment marks the case paid."""
from __future__ import annotations

import hashlib
import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cases.intake import today_ist
from portal.cases.models import PaymentMethod, PaymentSource
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.payments.dues import amount_due
from portal.payments.models import PaymentReport, Receipt, ReportStatus
from portal.payments.signals import payment_confirmed
from tests.debtor.guest import login_guest
from tests.payments.helpers import (
    count,
    other_party_debtor,
    payments_of,
    pdf_text,
    post,
    report,
    served_case,
    the_report,
)


@pytest.fixture
def signals():
    received = []

    def listener(case, payment, actor):
        received.append((case.id, payment.id, getattr(actor, "id", None)))

    payment_confirmed.connect(listener)
    yield received
    payment_confirmed.disconnect(listener)


def test_pay_page_has_the_exact_upi_link_and_an_svg_qr(client, auth, db_session):
    case, _creditor, debtor = served_case()
    case.creditor.legal_name = "Kaveri Looms & Sons"
    auth.login_as(debtor)
    page = client.get(f"/d/{case.reference}/pay")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "₹40,000.00" in body
    ref = case.reference.replace("-", "")
    link = (f"upi://pay?pa=creditor@okhdfc&pn=Kaveri%20Looms%20%26%20Sons&am=40000.00&cu=INR&tr={ref}"
            f"&tn=Claim%20{case.reference}")
    assert f'href="{html.escape(link)}"' in body
    assert '<svg' in body and 'role="img"' in body and "<title>UPI QR code to pay ₹40,000.00 to" in body
    assert "http" not in body.split('<div class="qr">')[1].split("</div>")[0].replace(
        "http://www.w3.org/2000/svg", "")  # the QR is inline, nothing fetched


def test_part_amount_from_the_query_and_the_upi_limit(client, auth, db_session):
    case, _creditor, debtor = served_case(Decimal("150000.00"))
    auth.login_as(debtor)
    whole = client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    assert "upi://pay" not in whole and "UPI takes at most ₹1,00,000.00" in whole
    part = client.get(f"/d/{case.reference}/pay?amount=25000.50").get_data(as_text=True)
    assert "am=25000.50&amp;cu=INR" in part and "(a part payment)" in part


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "10.001", "NaN"])
def test_a_bad_query_amount_is_explained_not_a_crash(client, auth, db_session, amount):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    page = client.get(f"/d/{case.reference}/pay?amount={amount}")
    assert page.status_code == 422 and "showing the full amount due" in page.get_data(as_text=True)


def test_an_amount_above_the_due_is_out_of_date_and_shows_the_due(client, auth, db_session):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    page = client.get(f"/d/{case.reference}/pay?amount=41,000.00")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "41,000.00 is more than is due today" in body
    assert "am=40000.00&amp;" in body


def test_no_upi_id_means_no_link(client, auth, db_session):
    case, _creditor, debtor = served_case(vpa=None)
    auth.login_as(debtor)
    body = client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    assert "upi://" not in body and "<svg" not in body and "has not given a UPI ID" in body


def test_report_confirm_part_then_full_payment_marks_the_case_paid(client, auth, db_session, outbox,
                                                                  tmp_path, signals):
    case, creditor, _debtor = served_case()
    login_guest(client, case, outbox)   # the debtor through its personal link: no user id
    assert report(client, case, amount="10000.00", utr="4123 4567 8901").status_code == 302
    first = the_report(case)
    assert (first.status, first.amount, first.reported_by_id) == (ReportStatus.REPORTED, Decimal("10000.00"), None)
    assert first.debtor_link_id is not None
    assert amount_due(case, today_ist()) == Decimal("40000.00")   # reported is not paid
    assert post(client, f"/cases/{case.reference}/payments/reports/{first.id}/confirm").status_code == 403

    auth.login_as(creditor)
    listing = client.get(f"/cases/{case.reference}/payments").get_data(as_text=True)
    assert "412345678901" in listing and "Confirm received" in listing
    done = post(client, f"/cases/{case.reference}/payments/reports/{first.id}/confirm")
    assert done.status_code == 302
    (payment,) = payments_of(case)
    assert (payment.amount, payment.method, payment.source, payment.reference, payment.recorded_by_id) == (
        Decimal("10000.00"), PaymentMethod.UPI, PaymentSource.DEBTOR_REPORT, "412345678901", creditor.id)
    assert db.session.get(PaymentReport, first.id).status == ReportStatus.CONFIRMED
    assert amount_due(case, today_ist()) == Decimal("30000.00")
    assert signals == [(case.id, payment.id, creditor.id)]
    assert case.status == CaseStatus.NOTICE_SERVED

    receipt = db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))
    pdf = client.get(f"/cases/{case.reference}/payments/receipts/{receipt.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data, tmp_path)
    for expected in (receipt.number, case.reference, "10,000.00", "412345678901", "30,000.00",
                     "part payment", case.creditor.legal_name, case.debtor.legal_name):
        assert expected in text, expected
    assert hashlib.sha256(pdf.data).hexdigest() == receipt.sha256
    audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert {"payment.reported", "payment.confirmed", "payment.receipt_issued"} <= set(audited)

    login_guest(client, case, outbox)
    assert report(client, case, amount="30000.00", utr="NEFT000123456789").status_code == 302
    auth.login_as(creditor)
    assert post(client, f"/cases/{case.reference}/payments/reports/{the_report(case, 'NEFT000123456789').id}"
                        "/confirm").status_code == 302
    db.session.refresh(case)
    assert case.status == CaseStatus.PAID and amount_due(case, today_ist()) == 0
    assert payments_of(case)[-1].method == PaymentMethod.NEFT and len(signals) == 2
    assert "case.mark_paid" in db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.case_id == case.id)).all()
    assert count(Receipt, case_id=case.id) == 2
    # The debtor still reaches its page and both receipts once the case is paid.
    login_guest(client, case, outbox)
    page = client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    assert "Nothing is due on this claim" in page and page.count("(PDF)") == 2
    assert "Report my payment" not in page
    mine = client.get(f"/cases/{case.reference}/payments/receipts/{receipt.id}.pdf")
    assert mine.status_code == 200 and hashlib.sha256(mine.data).hexdigest() == receipt.sha256


def test_reject_keeps_the_report_with_the_reason_and_records_nothing(client, auth, db_session):
    case, creditor, debtor = served_case()
    auth.login_as(debtor)
    report(client, case)
    rep = the_report(case)
    auth.login_as(creditor)
    empty = post(client, f"/cases/{case.reference}/payments/reports/{rep.id}/reject", reason="  ")
    assert empty.status_code == 422 and "Say why" in empty.get_data(as_text=True)
    short = post(client, f"/cases/{case.reference}/payments/reports/{rep.id}/reject", reason="no")
    assert short.status_code == 422 and db.session.get(PaymentReport, rep.id).status == ReportStatus.REPORTED
    done = post(client, f"/cases/{case.reference}/payments/reports/{rep.id}/reject",
                reason="No credit with this UTR in our account statement.")
    assert done.status_code == 302
    rep = db.session.get(PaymentReport, rep.id)
    assert (rep.status, rep.decided_by_id, rep.payment_id) == (ReportStatus.REJECTED, creditor.id, None)
    assert payments_of(case) == [] and amount_due(case, today_ist()) == Decimal("40000.00")
    again = post(client, f"/cases/{case.reference}/payments/reports/{rep.id}/confirm")
    assert again.status_code == 409 and payments_of(case) == []
    auth.login_as(debtor)
    assert "No credit with this UTR" in client.get(f"/d/{case.reference}/pay").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"amount": "0"}, "more than zero"), ({"amount": "-100"}, "cannot be negative"),
    ({"amount": "ten"}, "must be written in digits"), ({"amount": "100.005"}, "at most two decimal"),
    ({"amount": "40000.01"}, "more than the ₹40,000.00 due"), ({"amount": "Infinity"}, "must be written in digits"),
    ({"utr": "12345"}, "is not a transaction reference"), ({"utr": "000000000000"}, "all zeros"),
    ({"utr": ""}, "12-digit UTR"), ({"paid_on": "2031-01-01"}, "cannot be in the future"),
    ({"paid_on": "2026-01-01"}, "before the first invoice"), ({"paid_on": "yesterday"}, "Not a valid date"),
])
def test_bad_reports_are_refused_with_a_message(client, auth, db_session, fields, message):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    resp = report(client, case, **fields)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert count(PaymentReport, case_id=case.id) == 0


def test_the_same_utr_twice_on_a_case_is_refused(client, auth, db_session):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    assert report(client, case, amount="1,000.00").status_code == 302
    assert the_report(case).amount == Decimal("1000.00")
    again = report(client, case, amount="200.00")
    assert again.status_code == 422 and "already on record" in again.get_data(as_text=True)
    assert count(PaymentReport, case_id=case.id) == 1


def test_confirming_more_than_is_due_is_refused(client, auth, db_session):
    case, creditor, debtor = served_case()
    auth.login_as(debtor)
    report(client, case, amount="30000.00", utr="412345678901")
    report(client, case, amount="30000.00", utr="412345678902")
    auth.login_as(creditor)
    base = f"/cases/{case.reference}/payments/reports"
    assert post(client, f"{base}/{the_report(case, '412345678901').id}/confirm").status_code == 302
    over = post(client, f"{base}/{the_report(case, '412345678902').id}/confirm")
    assert over.status_code == 409 and "only ₹10,000.00 is due" in over.get_data(as_text=True)
    assert len(payments_of(case)) == 1


def test_strangers_and_the_wrong_side(client, auth, db_session):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    report(client, case)
    rep = the_report(case)
    other = served_case()[1]   # a creditor of another organisation
    auth.login_as(other)
    base = f"/cases/{case.reference}/payments"
    assert client.get(base).status_code == 404
    assert post(client, f"{base}/reports/{rep.id}/confirm").status_code == 404
    auth.login_as(other_party_debtor(case))
    assert client.get(f"/d/{case.reference}/pay").status_code == 404
    assert report(client, case, utr="412345678909").status_code == 404
    # A report id of another case is not found through this case.
    elsewhere, creditor2, debtor2 = served_case()
    auth.login_as(creditor2)
    assert post(client, f"/cases/{elsewhere.reference}/payments/reports/{rep.id}/confirm").status_code == 404
    assert the_report(case).status == ReportStatus.REPORTED


def test_reports_are_refused_before_service(client, auth, db_session):
    case, _creditor, debtor = served_case()
    case._status = CaseStatus.NOTICE_SIGNED
    auth.login_as(debtor)
    assert client.get(f"/d/{case.reference}/pay").status_code == 403
    assert report(client, case).status_code == 403


def test_org_admin_sets_and_clears_the_upi_id(client, auth, db_session):
    case, creditor, _debtor = served_case(vpa=None)
    auth.login_as(creditor)
    assert "not set" in client.get("/team").get_data(as_text=True)
    bad = post(client, "/organisation/upi", upi_vpa="kaveri-at-okaxis")
    assert bad.status_code == 422 and "looks like business@bank" in bad.get_data(as_text=True)
    assert post(client, "/organisation/upi", upi_vpa=" Kaveri.Looms@OKAXIS ").status_code == 302
    db.session.refresh(case.creditor)
    assert case.creditor.upi_vpa == "kaveri.looms@okaxis"
    assert post(client, "/organisation/upi", upi_vpa="").status_code == 302
    db.session.refresh(case.creditor)
    assert case.creditor.upi_vpa is None
    staff = served_case()[1]
    staff.is_org_admin = False
    auth.login_as(staff)
    assert client.get("/organisation/upi").status_code == 403


def test_amount_due_follows_interest_and_ignores_unconfirmed(db_session):
    case, _creditor, _debtor = served_case()
    case.stated_interest_rate = Decimal("18.00")
    db.session.flush()
    today = today_ist()
    due = amount_due(case, today)
    assert due > Decimal("40000.00")
    assert amount_due(case, today + timedelta(days=10)) > due
    db.session.add(PaymentReport(case_id=case.id, amount=Decimal("100.00"), utr="412345678901",
                                 paid_on=today, status=ReportStatus.REPORTED))
    db.session.flush()
    assert amount_due(case, today) == due
