"""Razorpay payment links: the real razorpay SDK against a local server speaking Razorpay's API."""
import json
import socket
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.adapters.messaging import WebhookRejected
from portal.adapters.razorpay_links import GatewayError, RazorpayLinks, payment_gateway, to_paise
from tests.fakes.razorpay_server import FakeRazorpay

KEY_ID, KEY_SECRET, WEBHOOK_SECRET = "rzp_test_Sulah0000001", "key-secret-for-tests", "webhook-secret-1"


@pytest.fixture(scope="module")
def server():
    fake = FakeRazorpay(key_id=KEY_ID, key_secret=KEY_SECRET, webhook_secret=WEBHOOK_SECRET)
    yield fake
    fake.stop()


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture
def gateway(fake):
    with RazorpayLinks(KEY_ID, KEY_SECRET, WEBHOOK_SECRET, base_url=fake.url + "/", timeout=5) as links:
        yield links


def create(gateway, amount=Decimal("2500.00"), reference="SUL-2025-000123", **overrides):
    values = dict(description="Settlement of case SUL-2025-000123", customer_name="Ravi Kumar",
                  customer_email="ravi@debtor.test", customer_contact="+919812345678",
                  callback_url="https://sulah.test/d/paid", expire_by=datetime.now(UTC) + timedelta(days=30))
    values.update(overrides)
    return gateway.create_link(amount, reference, **values)


def test_create_sends_paise_and_returns_the_link(gateway, fake):
    link = create(gateway, amount=Decimal("2500.5"))
    assert link.id.startswith("plink_") and link.short_url.startswith("https://rzp.io/")
    assert (link.status, link.amount_paise, link.reference_id) == ("created", 250050, "SUL-2025-000123")
    stored = fake.links[link.id]
    assert stored["amount"] == 250050 and stored["currency"] == "INR"
    assert stored["customer"] == {"name": "Ravi Kumar", "email": "ravi@debtor.test", "contact": "+919812345678"}
    assert stored["callback_method"] == "get" and stored["notify"] == {"sms": False, "email": False}
    assert fake.requests == [("POST", "/v1/payment_links")]


@pytest.mark.parametrize(("amount", "paise"), [(Decimal("1"), 100), (Decimal("0.10"), 10),
                                               (Decimal("99999.99"), 9999999), (Decimal("1E+2"), 10000)])
def test_to_paise_is_exact(amount, paise):
    assert to_paise(amount) == paise and isinstance(to_paise(amount), int)


@pytest.mark.parametrize(("amount", "message"), [(Decimal("10.005"), "fraction of a paisa"),
                                                 (Decimal("0.99"), "one rupee or more"),
                                                 (Decimal("-5"), "one rupee or more"),
                                                 (10.5, "finite Decimal"), (Decimal("NaN"), "finite Decimal")])
def test_bad_amounts_never_reach_razorpay(gateway, fake, amount, message):
    with pytest.raises(ValueError, match=message):
        create(gateway, amount=amount)
    assert fake.requests == []


def test_naive_expiry_and_overlong_reference_are_refused(gateway, fake):
    with pytest.raises(ValueError, match="timezone-aware"):
        create(gateway, expire_by=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="1 to 40"):
        create(gateway, reference="R" * 41)
    assert fake.requests == []


def test_same_reference_returns_the_existing_link(gateway, fake):
    first = create(gateway)
    again = create(gateway, description="a retry after a lost answer")
    assert again == first
    assert len(fake.links) == 1
    assert fake.requests == [("POST", "/v1/payment_links"), ("POST", "/v1/payment_links"),
                             ("GET", "/v1/payment_links")]


def test_same_reference_for_another_amount_is_an_error(gateway, fake):
    first = create(gateway)
    with pytest.raises(GatewayError, match=f"already names payment link {first.id} for 2500.00") as caught:
        create(gateway, amount=Decimal("2600.00"))
    assert caught.value.transient is False


def test_fetch_and_cancel(gateway, fake):
    link = create(gateway)
    assert gateway.fetch_link(link.id) == link
    cancelled = gateway.cancel_link(link.id)
    assert cancelled.status == "cancelled" and gateway.fetch_link(link.id).status == "cancelled"
    with pytest.raises(GatewayError, match="cannot be cancelled") as caught:
        gateway.cancel_link(link.id)
    assert caught.value.transient is False


def test_fetch_after_payment_shows_it_paid(gateway, fake):
    link = create(gateway)
    fake.pay(link.id)
    paid = gateway.fetch_link(link.id)
    assert (paid.status, paid.amount_paid_paise) == ("paid", link.amount_paise)
    assert paid.order_id.startswith("order_")


@pytest.mark.parametrize("link_id", ["", "pay_ABC", "plink_../x", None])
def test_link_ids_are_checked_before_calling(gateway, fake, link_id):
    with pytest.raises(ValueError, match="payment link id"):
        gateway.fetch_link(link_id)
    assert fake.requests == []


def test_4xx_is_permanent(gateway, fake):
    with pytest.raises(GatewayError, match="400.*does not exist") as caught:
        gateway.fetch_link("plink_Unknown0000000")
    assert caught.value.transient is False
    wrong_key = RazorpayLinks(KEY_ID, "not-the-secret", WEBHOOK_SECRET, base_url=fake.url)
    with wrong_key, pytest.raises(GatewayError, match="401.*api key provided is invalid") as caught:
        create(wrong_key)
    assert caught.value.transient is False


def test_5xx_is_transient_and_a_retry_works(gateway, fake):
    fake.fail(times=1)
    with pytest.raises(GatewayError, match="500") as caught:
        create(gateway)
    assert caught.value.transient is True
    assert create(gateway).status == "created"


@pytest.mark.parametrize(("status", "code", "html", "transient"), [
    (502, "GATEWAY_ERROR", False, True),
    (503, "BAD_REQUEST_ERROR", False, True),   # the status decides, not the code in the body
    (429, "BAD_REQUEST_ERROR", False, True),   # rate limited: later will do
    (502, "", True, True),                     # a proxy's HTML page
    (400, "", True, False),
])
def test_error_mapping_follows_the_http_status(gateway, fake, status, code, html, transient):
    fake.fail(times=1, status=status, code=code, html=html)
    with pytest.raises(GatewayError, match=str(status)) as caught:
        gateway.fetch_link("plink_Unknown0000000")
    assert caught.value.transient is transient


def test_refused_connection_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    links = RazorpayLinks(KEY_ID, KEY_SECRET, WEBHOOK_SECRET, base_url=f"http://127.0.0.1:{port}")
    with links, pytest.raises(GatewayError, match="could not be reached") as caught:
        links.fetch_link("plink_Unknown0000000")
    assert caught.value.transient is True


def test_timeout_is_transient():
    with socket.socket() as silent:   # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        links = RazorpayLinks(KEY_ID, KEY_SECRET, WEBHOOK_SECRET,
                              base_url=f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3)
        with links, pytest.raises(GatewayError, match="could not be reached") as caught:
            links.fetch_link("plink_Unknown0000000")
    assert caught.value.transient is True


# -- webhooks ------------------------------------------------------------------------------------


def test_payment_link_paid_webhook(gateway, fake):
    link = create(gateway)
    hook = fake.pay(link.id, vpa="ravi.kumar@okaxis")
    event = gateway.verify_webhook(hook.body, hook.signature)
    payment = json.loads(hook.body)["payload"]["payment"]["entity"]
    assert event.event == "payment_link.paid"
    assert (event.link_id, event.reference_id, event.payment_id) == (link.id, "SUL-2025-000123", payment["id"])
    assert event.amount == Decimal("2500.00") and isinstance(event.amount, Decimal)
    assert (event.method, event.vpa, event.utr) == ("upi", "ravi.kumar@okaxis", payment["acquirer_data"]["rrn"])
    assert event.at == datetime.fromtimestamp(payment["created_at"], UTC) and event.at.tzinfo is UTC
    assert event.order_id == payment["order_id"] and event.raw == hook.body


def test_payment_captured_webhook_names_the_order(gateway, fake):
    link = create(gateway, amount=Decimal("100.01"))
    hook = fake.pay(link.id, method="netbanking", event="payment.captured")
    event = gateway.verify_webhook(hook.body, hook.signature)
    assert event.event == "payment.captured" and event.amount == Decimal("100.01")
    assert (event.link_id, event.reference_id, event.vpa, event.utr) == (None, None, None, None)
    assert event.method == "netbanking" and event.order_id == gateway.fetch_link(link.id).order_id


@pytest.mark.parametrize("tamper", ["signature", "body", "secret", "empty"])
def test_bad_signature_is_rejected(gateway, fake, tamper):
    link = create(gateway)
    hook = fake.pay(link.id)
    body, signature = hook.body, hook.signature
    if tamper == "signature":
        signature = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    elif tamper == "body":
        body = body.replace(b'"amount": 250000', b'"amount": 250001', 1)
        assert body != hook.body
    elif tamper == "secret":
        other = RazorpayLinks(KEY_ID, KEY_SECRET, "another-secret", base_url=fake.url)
        with other, pytest.raises(WebhookRejected, match="signature"):
            other.verify_webhook(body, signature)
        return
    else:
        signature = ""
    with pytest.raises(WebhookRejected, match="signature"):
        gateway.verify_webhook(body, signature)


def test_non_ascii_signature_is_rejected_not_crashing(gateway, fake):
    with pytest.raises(WebhookRejected, match="signature"):
        gateway.verify_webhook(b"{}", "é" * 64)


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[1, 2]", "no event name"),
    (b'{"payload": {}}', "no event name"),
    (b'{"event": "payment_link.paid"}', "no payload"),
    (b'{"event": "payment_link.paid", "payload": {"payment_link": {"entity": {}}}}', "carries no payment"),
    (b'{"event": "payment.captured", "payload": {"payment": []}}', "not an entity"),
    (b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_X", "amount": "100",'
     b' "created_at": 1700000000}}}}', "positive number of paise"),
    (b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_X", "amount": 100,'
     b' "currency": "USD", "created_at": 1700000000}}}}', "not INR"),
    (b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_X", "amount": 100}}}}',
     "no id or no time"),
])
def test_malformed_but_signed_body_is_rejected(gateway, fake, body, message):
    with pytest.raises(WebhookRejected, match=message):
        gateway.verify_webhook(body, fake.sign(body).signature)


def test_other_events_are_ignored(gateway, fake):
    link = create(gateway)
    cancelled = gateway.cancel_link(link.id)
    hook = fake.webhook("payment_link.cancelled", {"payment_link": {"entity": fake.links[cancelled.id]}})
    assert gateway.verify_webhook(hook.body, hook.signature) is None
    with pytest.raises(WebhookRejected):   # but only once the signature holds
        gateway.verify_webhook(hook.body, "0" * 64)


def test_webhook_body_must_be_bytes(gateway):
    with pytest.raises(TypeError, match="bytes"):
        gateway.verify_webhook("{}", "0" * 64)


# -- configuration -------------------------------------------------------------------------------


def test_factory_chooses_from_config(fake):
    assert payment_gateway({}) is None
    assert payment_gateway({"PAYMENT_GATEWAY": "none", "RAZORPAY_KEY_ID": KEY_ID}) is None
    settings = {"PAYMENT_GATEWAY": "Razorpay", "RAZORPAY_KEY_ID": KEY_ID, "RAZORPAY_KEY_SECRET": KEY_SECRET,
                "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "RAZORPAY_BASE_URL": fake.url}
    with payment_gateway(settings) as links:
        assert isinstance(links, RazorpayLinks)
        assert create(links).status == "created"
    with pytest.raises(ValueError, match="RAZORPAY_WEBHOOK_SECRET"):
        payment_gateway(dict(settings, RAZORPAY_WEBHOOK_SECRET=""))
    with pytest.raises(ValueError, match="'none' or 'razorpay'"):
        payment_gateway({"PAYMENT_GATEWAY": "stripe"})


def test_app_config_defaults_to_no_gateway(app):
    assert app.config["PAYMENT_GATEWAY"] == "none"
    assert payment_gateway(app.config) is None
