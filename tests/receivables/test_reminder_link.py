"""The debtor's reminder link: a one-time code to its own address, then its open invoices with
this creditor only; the statement as CSV with formulas neutralised; paid, promise, confirm, dispute."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.payments.models import PaymentReport
from portal.receivables import evaluation, links
from portal.receivables.models import InvoiceHold, Promise
from portal.receivables.statement import neutralise
from portal.receivables.tasks import run_once
from tests.conftest import csrf_for, csrf_from
from tests.debtor.guest import code_from
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

TODAY = today_ist()


@pytest.fixture
def linked(db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("=HYPERLINK(\"x\")", TODAY - timedelta(days=3)),
                       invoice("L-2", TODAY - timedelta(days=40), "5000.00"))
    other = debtor_case(creditor, invoice("O-1", TODAY - timedelta(days=3)))  # another debtor
    link, token = links.issue(creditor.org_id, case.debtor_party_id)
    return creditor, case, other, token


def open_link(client, token, outbox):
    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and "a•••@debtor.example.in" in page.get_data(as_text=True)
    sent = client.post(f"/r/{token}/code", data={"csrf_token": csrf_from(page), "destination": "0"})
    assert sent.status_code == 302
    code = code_from(outbox(), "accounts@debtor.example.in")
    opened = client.post(f"/r/{token}/open", data={"csrf_token": csrf_for(client), "code": code})
    assert opened.status_code == 302


def test_an_unknown_or_revoked_link_is_not_found(client, linked, db_session):
    _, _, _, token = linked
    assert client.get("/r/not-a-token").status_code == 404
    assert client.get("/r/" + "x" * 80).status_code == 404
    link = links.resolve(token)
    link.revoked_at = link.created_at
    db_session.flush()
    assert client.get(f"/r/{token}").status_code == 404


def test_nothing_shows_before_the_code(client, linked):
    _, case, _, token = linked
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "L-2" not in page and "accounts@debtor.example.in" not in page  # masked, no invoices
    assert client.get(f"/r/{token}/statement.csv").status_code == 403
    assert client.get(f"/r/{token}/statement.pdf").status_code == 403
    assert client.get(f"/r/{token}/invoice?id={case.invoices[0].id}").status_code == 403
    token_csrf = csrf_for(client)
    assert client.post(f"/r/{token}/invoices/{case.invoices[0].id}/acknowledge",
                       data={"csrf_token": token_csrf}).status_code == 403


def test_bad_codes_and_choices_are_refused(client, linked, outbox):
    _, _, _, token = linked
    csrf = csrf_for(client)
    assert client.post(f"/r/{token}/code", data={"csrf_token": csrf, "destination": "7"}).status_code == 422
    assert client.post(f"/r/{token}/open", data={"csrf_token": csrf, "code": "12"}).status_code == 422
    assert client.post(f"/r/{token}/open", data={"csrf_token": csrf, "code": "123456"}).status_code == 422


def test_the_debtor_sees_its_own_invoices_and_the_csv_statement(client, linked, outbox):
    _, case, other, token = linked
    open_link(client, token, outbox)
    home = client.get(f"/r/{token}").get_data(as_text=True)
    assert "L-2" in home and "O-1" not in home and "₹1,23,000.00" in home
    response = client.get(f"/r/{token}/statement.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    numbers = [r[1] for r in rows[2:-1]]
    assert numbers == ["L-2", "'=HYPERLINK(\"x\")"]  # oldest due first; the formula neutralised
    assert rows[-1][-3] == "123000.00"
    pdf = client.get(f"/r/{token}/statement.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/r/{token}/invoice?id={other.invoices[0].id}").status_code == 404  # not its invoice
    assert client.get(f"/r/{token}/invoice?id=999999").status_code == 404
    assert client.get(f"/r/{token}/invoice?id=x").status_code == 400
    assert client.get(f"/r/{token}/invoice?id={case.invoices[0].id}").status_code == 200


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-5") == "'-5" and neutralise("INV-5") == "INV-5"


def test_paid_promise_confirm_and_dispute(client, linked, outbox, db_session):
    creditor, case, _, token = linked
    open_link(client, token, outbox)
    first, second = sorted(case.invoices, key=lambda i: i.due_date)
    url = f"/r/{token}/invoices/{first.id}"
    csrf = csrf_from(client.get(f"/r/{token}/invoice?id={first.id}"))
    assert client.post(url + "/refund", data={"csrf_token": csrf}).status_code == 404
    bad = client.post(url + "/paid", data={"csrf_token": csrf, "paid-amount": "100", "paid-utr": "abc",
                                           "paid-paid_on": TODAY.isoformat()})
    assert bad.status_code == 422
    good = client.post(url + "/paid", data={"csrf_token": csrf, "paid-amount": "1000", "paid-utr": "412345678901",
                                            "paid-paid_on": TODAY.isoformat()})
    assert good.status_code == 302
    report = db_session.scalar(select(PaymentReport).where(PaymentReport.case_id == case.id))
    assert report.amount == Decimal("1000.00") and report.debtor_link_id is None
    assert client.post(url + "/promise", data={"csrf_token": csrf, "promise-amount": "5000",
                                               "promise-promised_for": (TODAY - timedelta(days=1)).isoformat()}
                       ).status_code == 422
    assert client.post(url + "/promise", data={"csrf_token": csrf, "promise-amount": "4000",
                                               "promise-promised_for": (TODAY + timedelta(days=3)).isoformat()}
                       ).status_code == 302
    promise = db_session.scalar(select(Promise).where(Promise.invoice_id == first.id))
    assert "one-time code" in promise.made_how and promise.by_id is None
    assert client.post(url + "/acknowledge", data={"csrf_token": csrf}).status_code == 302
    assert client.post(url + "/acknowledge", data={"csrf_token": csrf}).status_code == 409  # once
    url2 = f"/r/{token}/invoices/{second.id}"
    assert client.post(url2 + "/dispute", data={"csrf_token": csrf, "dispute-text": ""}).status_code == 422
    assert client.post(url2 + "/dispute", data={"csrf_token": csrf,
                                                "dispute-text": "Half the goods came damaged."}).status_code == 302
    holds = {h.kind for h in db_session.scalars(select(InvoiceHold).where(InvoiceHold.party_id == case.debtor_party_id))}
    assert holds == {"acknowledged", "dispute"}
    # The disputed and the promised invoices leave the cadence.
    run_once(TODAY, queue_sending=False)
    assert [d.invoice_id for d in evaluation.plan(TODAY + timedelta(days=60))
            if d.case_id == case.id] == []
