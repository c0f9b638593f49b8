"""The Twilio SMS adapter: the real twilio SDK builds and sends each request to a local fake of
Twilio's REST API; its error codes are classified, and status callbacks are verified with the
SDK's RequestValidator over the callback URL and form fields."""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.adapters.dlt import DltRegistry
from portal.adapters.messaging import DeliveryStatus, PermanentFailure, TransientFailure, WebhookRejected
from portal.adapters.sms import TwilioSms
from tests.adapters.outgoing import NOTICE_DLT_ID, NOTICE_DLT_TEXT, message
from tests.fakes.twilio_server import FakeTwilio

SERVICE = "MG" + "a" * 32
CALLBACK = "https://sulah.example/webhooks/sms/twilio"


@pytest.fixture(scope="module")
def server():
    fake = FakeTwilio(senders=("SULAHN", SERVICE))
    yield fake
    fake.stop()


@pytest.fixture
def tw(server):
    server.fail_next, server.fail_status, server.fail_code = 0, 503, 20503
    return server


def adapter(tw, sender="SULAHN", token=None, **kw) -> TwilioSms:
    registry = DltRegistry({"notice_served": {"id": NOTICE_DLT_ID, "text": NOTICE_DLT_TEXT}}, ["sulah.in"])
    return TwilioSms(tw.account_sid, token or tw.auth_token, sender, registry, api_base=tw.url, **kw)


def test_sends_through_the_sdk_with_a_status_callback_carrying_our_reference(tw):
    receipt = adapter(tw).send(message(idempotency_key="r" * 64, status_callback_url=CALLBACK))
    sent = tw.by_sid[receipt.message_id]
    assert receipt.message_id.startswith("SM") and json.loads(receipt.raw)["sid"] == receipt.message_id
    assert sent["To"] == "+919812345678" and sent["From"] == "SULAHN" and sent["Body"] == message().text
    callback = urlsplit(sent["StatusCallback"])
    assert callback._replace(query="").geturl() == CALLBACK and dict(parse_qsl(callback.query)) == {"ref": "r" * 64}


def test_a_messaging_service_sid_is_sent_as_such(tw):
    receipt = adapter(tw, sender=SERVICE).send(message())
    sent = tw.by_sid[receipt.message_id]
    assert sent["MessagingServiceSid"] == SERVICE and "From" not in sent and "StatusCallback" not in sent


@pytest.mark.parametrize("kw, sender, match", [
    ({}, "OTHERS", "error 21212"),
    ({"template": "unregistered"}, "SULAHN", "not registered on DLT"),
    ({"to": "+1555"}, "SULAHN", "international form"),
])
def test_permanent_failures(tw, kw, sender, match):
    with pytest.raises(PermanentFailure, match=match):
        adapter(tw, sender=sender).send(message(**kw))


def test_twilio_refusing_the_body_is_permanent(tw):
    # The adapter's DLT check is per template; an id-only registration lets any body through to Twilio.
    registry = DltRegistry({"notice_served": NOTICE_DLT_ID}, ["sulah.in"])
    plain = TwilioSms(tw.account_sid, tw.auth_token, "SULAHN", registry, api_base=tw.url)
    with pytest.raises(PermanentFailure, match="400, error 21617"):
        plain.send(message(text="x" * 1601))


@pytest.mark.parametrize("status, code", [(503, 20503), (500, 20500), (429, 20429)])
def test_server_errors_and_rate_limits_are_transient(tw, status, code):
    tw.fail_next, tw.fail_status, tw.fail_code = 1, status, code
    with pytest.raises(TransientFailure, match=f"{status}, error {code}"):
        adapter(tw).send(message())
    assert adapter(tw).send(message()).message_id.startswith("SM")


def test_unreachable_and_refused_credentials_are_transient(tw):
    dead = TwilioSms(tw.account_sid, "t", "SULAHN", DltRegistry({"notice_served": "1"}, []),
                     api_base="http://127.0.0.1:9", timeout=1)
    with pytest.raises(TransientFailure, match="unreachable"):
        dead.send(message(text="No link"))
    with pytest.raises(TransientFailure, match="401, error 20003"):
        adapter(tw, token="wrong-token").send(message())


@pytest.mark.parametrize("status, expected", [("queued", DeliveryStatus.ACCEPTED), ("sent", DeliveryStatus.ACCEPTED),
                                              ("delivered", DeliveryStatus.DELIVERED), ("read", DeliveryStatus.READ),
                                              ("undelivered", DeliveryStatus.FAILED), ("failed", DeliveryStatus.FAILED)])
def test_status_callbacks_map_to_delivery_statuses(tw, status, expected):
    receipt = adapter(tw).send(message(idempotency_key="s" * 64, status_callback_url=CALLBACK))
    url = tw.by_sid[receipt.message_id]["StatusCallback"]
    failed = status in ("undelivered", "failed")
    body, headers = tw.status_callback(receipt.message_id, status, error_code="30003" if failed else None)
    before = time.time()
    (update,) = adapter(tw).parse_webhook(headers, body, url)
    assert update.message_id == receipt.message_id and update.status == expected and update.raw == body
    assert update.extra["client_ref"] == "s" * 64 and update.at.timestamp() >= before - 1
    assert update.detail == ("Twilio error 30003" if failed else "")


def test_forged_or_malformed_callbacks_are_rejected(tw):
    receipt = adapter(tw).send(message(status_callback_url=CALLBACK))
    url = tw.by_sid[receipt.message_id]["StatusCallback"]
    body, headers = tw.status_callback(receipt.message_id, "delivered")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(tw).parse_webhook(headers, body.replace(b"delivered", b"failed"), url)
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(tw).parse_webhook(headers, body, "https://sulah.example/webhooks/sms/elsewhere")
    forged_body, forged = tw.status_callback(receipt.message_id, "delivered", token="not-the-token")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(tw).parse_webhook(forged, forged_body, url)
    for header in ({}, {"X-Twilio-Signature": "é" * 28}):
        with pytest.raises(WebhookRejected, match="signature"):
            adapter(tw).parse_webhook(header, body, url)
    odd_body, odd = tw.status_callback(receipt.message_id, "receiving")
    with pytest.raises(WebhookRejected, match="unknown status"):
        adapter(tw).parse_webhook(odd, odd_body, url)
    for bad in (b"\xff\xfe", b"MessageSid"):
        with pytest.raises(WebhookRejected, match="Malformed"):
            adapter(tw).parse_webhook(headers, bad, url)
