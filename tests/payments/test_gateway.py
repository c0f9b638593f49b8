"""Paying online: the real razorpay SDK creates the link on a local fake of Razorpay's API, and the
signed payment_link.paid webhook records the payment exactly once."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cases.models import Payment, PaymentMethod, PaymentSource
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.payments.models import GatewayEvent, GatewayLink, LinkStatus, Receipt
from tests.debtor.guest import login_guest
from tests.fakes.razorpay_server import FakeRazorpay
from tests.payments.helpers import count, payments_of, post, served_case

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_SulahPay00001", "pay-key-secret", "pay-webhook-secret"


@pytest.fixture(scope="module")
def server():
    fake = FakeRazorpay(key_id=KEY_ID, key_secret=KEY_SECRET, webhook_secret=WEBHOOK_SECRET)
    yield fake
    fake.stop()


@pytest.fixture
def fake(server, app, monkeypatch):
    server.reset()
    for key, value in (("PAYMENT_GATEWAY", "razorpay"), ("RAZORPAY_KEY_ID", KEY_ID),
                       ("RAZORPAY_KEY_SECRET", KEY_SECRET), ("RAZORPAY_WEBHOOK_SECRET", WEBHOOK_SECRET),
                       ("RAZORPAY_BASE_URL", server.url)):
        monkeypatch.setitem(app.config, key, value)
    return server


def pay_online(client, case, amount=""):
    return post(client, f"/d/{case.reference}/pay/online", amount=amount)


def deliver(client, webhook):
    return client.post("/webhooks/razorpay", data=webhook.body, headers=webhook.headers)


def the_link(case) -> GatewayLink:
    return db.session.scalars(select(GatewayLink).where(GatewayLink.case_id == case.id)).one()


def test_pay_online_creates_the_link_through_the_sdk_and_redirects(client, db_session, fake, outbox):
    case, _creditor, _debtor = served_case()
    login_guest(client, case, outbox)
    assert "Pay online" in client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    resp = pay_online(client, case, amount="15000.00")
    link = the_link(case)
    assert resp.status_code == 302 and resp.headers["Location"] == link.short_url
    assert fake.requests == [("POST", "/v1/payment_links")]
    stored = fake.links[link.link_id]
    assert (stored["amount"], stored["reference_id"], stored["currency"]) == (1500000, f"{case.reference}-P1", "INR")
    assert stored["callback_url"].endswith(f"/d/{case.reference}/pay")
    assert (link.amount, link.status, link.created_by_id) == (Decimal("15000.00"), LinkStatus.CREATED, None)
    # Pressing again for the same amount reuses the link rather than making a second one.
    again = pay_online(client, case, amount="15000.00")
    assert again.headers["Location"] == link.short_url and len(fake.links) == 1


def test_the_webhook_records_the_payment_once_and_marks_the_case_paid(client, auth, db_session, fake, tmp_path):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    assert pay_online(client, case).status_code == 302   # the whole amount due
    link = the_link(case)
    webhook = fake.pay(link.link_id)
    resp = deliver(client, webhook)
    assert resp.status_code == 200 and resp.get_json() == {"result": "recorded"}
    (payment,) = payments_of(case)
    assert (payment.amount, payment.source, payment.recorded_by_id, payment.method) == (
        Decimal("40000.00"), PaymentSource.GATEWAY, None, PaymentMethod.UPI)
    assert payment.gateway_ref.startswith("pay_") and len(payment.reference) == 12   # the UPI RRN
    db.session.refresh(case)
    assert case.status == CaseStatus.PAID
    assert db.session.get(GatewayLink, link.id).status == LinkStatus.PAID
    assert count(Receipt, payment_id=payment.id) == 1
    # Razorpay retries: the same event again changes nothing.
    replay = deliver(client, webhook)
    assert replay.status_code == 200 and replay.get_json() == {"result": "duplicate"}
    # The same payment under a new event id is recognised by the gateway's payment id.
    headers = {**webhook.headers, "X-Razorpay-Event-Id": "EvtAnotherOne01"}
    assert client.post("/webhooks/razorpay", data=webhook.body, headers=headers).get_json() == {
        "result": "duplicate"}
    assert len(payments_of(case)) == 1 and count(Receipt, case_id=case.id) == 1
    assert count(GatewayEvent) >= 2
    # The link's table audits its creation and its payment, once each, on the case's chain.
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                        AuditEvent.action.like("payment.link_%"))
                                  .order_by(AuditEvent.seq)).all()
    assert [(e.action, e.data.get("to"), e.data["gateway_link_id"]) for e in trail] == [
        ("payment.link_created", "created", link.id), ("payment.link_paid", "paid", link.id)]
    assert trail[1].data["gateway_ref"] == payment.gateway_ref and trail[1].actor_id is None


def test_a_part_payment_online_reduces_the_due(client, auth, db_session, fake):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    pay_online(client, case, amount="1000.00")
    deliver(client, fake.pay(the_link(case).link_id))
    assert [p.amount for p in payments_of(case)] == [Decimal("1000.00")]
    page = client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    assert "₹39,000.00" in page and case.status == CaseStatus.NOTICE_SERVED


def test_a_bad_signature_is_refused_and_changes_nothing(client, auth, db_session, fake):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    pay_online(client, case)
    webhook = fake.pay(the_link(case).link_id)
    forged = {**webhook.headers, "X-Razorpay-Signature": "0" * 64}
    assert client.post("/webhooks/razorpay", data=webhook.body, headers=forged).status_code == 400
    tampered = webhook.body.replace(b'"amount": 4000000', b'"amount": 4000001', 1)
    assert client.post("/webhooks/razorpay", data=tampered, headers=webhook.headers).status_code == 400
    unsigned = {"Content-Type": "application/json"}
    assert client.post("/webhooks/razorpay", data=webhook.body, headers=unsigned).status_code == 400
    assert payments_of(case) == [] and count(GatewayEvent) == 0
    assert the_link(case).status == LinkStatus.CREATED


def test_an_unknown_link_or_a_wrong_amount_is_refused(client, auth, db_session, fake, app):
    from portal.adapters.razorpay_links import RazorpayLinks

    case, _creditor, debtor = served_case()
    with RazorpayLinks(KEY_ID, KEY_SECRET, WEBHOOK_SECRET, base_url=fake.url) as sdk:
        stranger = sdk.create_link(Decimal("500.00"), "NOT-OURS-1", "made elsewhere", None, None, None,
                                   None, None)
    assert deliver(client, fake.pay(stranger.id)).status_code == 404
    auth.login_as(debtor)
    pay_online(client, case, amount="2000.00")
    link = the_link(case)
    document = json.loads(fake.pay(link.link_id).body)
    document["payload"]["payment"]["entity"]["amount"] = 100   # signed, but not what the link asked
    resp = deliver(client, fake.sign(json.dumps(document).encode()))
    assert resp.status_code == 422
    assert payments_of(case) == [] and db.session.scalar(select(Payment).where(Payment.gateway_ref.is_not(None))) is None


def test_other_events_are_acknowledged_and_ignored(client, db_session, fake):
    resp = deliver(client, fake.webhook("refund.created", {"refund": {"entity": {"id": "rfnd_1"}}}))
    assert resp.status_code == 200 and resp.get_json() == {"result": "ignored"}


def test_gateway_down_shows_the_page_again_with_the_other_ways(client, auth, db_session, fake):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    fake.fail(times=5, status=503)
    resp = pay_online(client, case)
    assert resp.status_code == 503 and "You can still pay by UPI" in resp.get_data(as_text=True)
    assert count(GatewayLink, case_id=case.id) == 0


@pytest.mark.parametrize("amount", ["0", "50000", "abc", "0.50"])
def test_bad_online_amounts_are_refused_before_razorpay(client, auth, db_session, fake, amount):
    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    resp = pay_online(client, case, amount=amount)
    assert resp.status_code == 422 and fake.requests == []


def test_without_a_gateway_there_is_no_online_payment(client, auth, db_session):
    case, creditor, debtor = served_case()
    auth.login_as(debtor)
    assert "Pay online" not in client.get(f"/d/{case.reference}/pay").get_data(as_text=True)
    assert pay_online(client, case).status_code == 404
    assert client.post("/webhooks/razorpay", data=b"{}").status_code == 404
    auth.login_as(creditor)
    assert pay_online(client, case).status_code == 403


def test_without_an_event_id_the_body_identifies_the_event(client, auth, db_session, fake):
    from portal.payments.signals import payment_confirmed

    sent = []

    def listener(case, payment, actor):
        sent.append((case.id, payment.amount, actor))

    case, _creditor, debtor = served_case()
    auth.login_as(debtor)
    pay_online(client, case, amount="500.00")
    webhook = fake.pay(the_link(case).link_id)
    headers = {k: v for k, v in webhook.headers.items() if k != "X-Razorpay-Event-Id"}
    payment_confirmed.connect(listener)
    try:
        first = client.post("/webhooks/razorpay", data=webhook.body, headers=headers)
        second = client.post("/webhooks/razorpay", data=webhook.body, headers=headers)
    finally:
        payment_confirmed.disconnect(listener)
    assert (first.get_json(), second.get_json()) == ({"result": "recorded"}, {"result": "duplicate"})
    assert sent == [(case.id, Decimal("500.00"), None)]   # the system recorded it: no person
    event = db.session.scalars(select(GatewayEvent)).one()
    assert event.event_id.startswith("sha256:") and event.event == "payment_link.paid"
