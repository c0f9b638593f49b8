"""The generic Indian SMS gateway adapter against a local fake of its API: DLT ids and idempotent
sends, transient and permanent failures, and signed, fresh delivery reports."""
from __future__ import annotations

import json
import time

import pytest

from portal.adapters.dlt import DltRegistry
from portal.adapters.messaging import DeliveryStatus, PermanentFailure, TransientFailure, WebhookRejected
from portal.adapters.sms import GatewaySms
from tests.adapters.outgoing import NOTICE_DLT_ID, NOTICE_DLT_TEXT, VARIABLES, message
from tests.fakes.sms_gateway_server import FakeSmsGateway

PE_ID = "1101000000000001"


@pytest.fixture(scope="module")
def server():
    gw = FakeSmsGateway(templates={NOTICE_DLT_ID: NOTICE_DLT_TEXT}, pe_id=PE_ID)
    yield gw
    gw.stop()


@pytest.fixture
def gw(server):
    server.fail_next, server.fail_status, server.delay = 0, 503, 0.0
    return server


def adapter(gw, templates=None, **kw) -> GatewaySms:
    registry = DltRegistry(templates or {"notice_served": {"id": NOTICE_DLT_ID, "text": NOTICE_DLT_TEXT}},
                           ["sulah.in"])
    return GatewaySms(gw.url, kw.pop("key", gw.key), gw.secret, "SULAHN", PE_ID, registry, **kw)


def test_sends_with_the_dlt_registration_once_per_idempotency_key(gw):
    first = adapter(gw).send(message(idempotency_key="a" * 64, status_callback_url="https://sulah.in/cb"))
    again = adapter(gw).send(message(idempotency_key="a" * 64))
    assert first.message_id == again.message_id and first.status == DeliveryStatus.ACCEPTED
    assert json.loads(first.raw)["message_id"] == first.message_id
    (sent,) = [m for m in gw.received if m["client_ref"] == "a" * 64]
    assert sent["template_id"] == NOTICE_DLT_ID and sent["sender"] == "SULAHN" and sent["pe_id"] == PE_ID
    assert sent["variables"][1] == "SUL-2026-000001" and sent["callback_url"] == "https://sulah.in/cb"


@pytest.mark.parametrize("kw, match", [
    ({"template": "unregistered"}, "not registered on DLT"),
    ({"variables": VARIABLES[:3] + ("https://evil.example/x",),
      "text": message().text.replace("https://sulah.in/n/x", "https://evil.example/x")}, "not whitelisted"),
    ({"to": "9812345678"}, "international form"),
])
def test_refused_before_calling_the_gateway(gw, kw, match):
    before = len(gw.received)
    with pytest.raises(PermanentFailure, match=match):
        adapter(gw).send(message(idempotency_key=str(time.time_ns()), **kw))
    assert len(gw.received) == before


@pytest.mark.parametrize("kw, templates, match", [
    ({"to": "+15555550123"}, None, "400.*invalid_number"),
    # Registered here by id only, so the gateway's own scrubbing is what refuses the text.
    ({"text": "Pay now."}, {"notice_served": NOTICE_DLT_ID}, "400.*template_mismatch"),
    ({}, {"notice_served": "1107999999999999"}, "400.*template_not_registered"),
])
def test_gateway_refusals_are_permanent(gw, kw, templates, match):
    with pytest.raises(PermanentFailure, match=match):
        adapter(gw, templates).send(message(idempotency_key=str(time.time_ns()), **kw))


@pytest.mark.parametrize("status", [503, 500, 429])
def test_server_errors_and_throttling_are_transient_and_the_retry_sends_once(gw, status):
    key = f"retry-{status}".ljust(64, "x")
    gw.fail_next, gw.fail_status = 1, status
    with pytest.raises(TransientFailure, match=str(status)):
        adapter(gw).send(message(idempotency_key=key))
    receipt = adapter(gw).send(message(idempotency_key=key))
    assert [m["client_ref"] for m in gw.received].count(key) == 1 and receipt.message_id == gw.by_ref[key]


def test_timeouts_unreachable_and_refused_credentials_are_transient(gw):
    gw.delay = 0.5
    with pytest.raises(TransientFailure, match="unreachable: ReadTimeout"):
        adapter(gw, timeout=0.1).send(message())
    gw.delay = 0.0
    dead = GatewaySms("http://127.0.0.1:9", "k", "s", "SULAHN", PE_ID, DltRegistry({"notice_served": "1"}, []),
                      timeout=1)
    with pytest.raises(TransientFailure, match="unreachable"):
        dead.send(message(text="No link"))
    with pytest.raises(TransientFailure, match="credentials"):
        adapter(gw, key="wrong").send(message())


@pytest.mark.parametrize("sender, pe_id", [("sulahn", PE_ID), ("SULAH", PE_ID), ("SULAHN", ""), ("SULAHN", "PE1")])
def test_sender_header_and_entity_id_are_checked_at_construction(sender, pe_id):
    with pytest.raises(ValueError, match="DLT"):
        GatewaySms("http://127.0.0.1:9", "k", "s", sender, pe_id, DltRegistry({}, []))


def test_delivery_report_is_verified_and_parsed(gw):
    body, headers = gw.report("gw-1", "delivered", at=1_795_000_000)
    (update,) = adapter(gw).parse_webhook(headers, body, "https://sulah.in/webhooks/sms/gateway")
    assert update.message_id == "gw-1" and update.status == DeliveryStatus.DELIVERED and update.raw == body
    assert update.at.isoformat() == "2026-11-18T11:06:40+00:00"
    body, headers = gw.report("gw-2", "failed", error="Absent subscriber")
    (failed,) = adapter(gw).parse_webhook(headers, body, "")
    assert failed.status == DeliveryStatus.FAILED and failed.detail == "DLR Absent subscriber"


def test_a_batch_of_reports(gw):
    body = json.dumps([{"message_id": "gw-1", "status": "submitted", "timestamp": 1_795_000_000},
                       {"message_id": "gw-2", "status": "expired", "timestamp": 1_795_000_100}]).encode()
    updates = adapter(gw).parse_webhook(gw.sign(body), body, "")
    assert [(u.message_id, u.status) for u in updates] == [("gw-1", DeliveryStatus.ACCEPTED),
                                                          ("gw-2", DeliveryStatus.FAILED)]


def test_forged_stale_and_malformed_reports_are_rejected(gw):
    body, headers = gw.report("gw-1", "delivered")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(gw).parse_webhook(headers, body.replace(b"delivered", b"failed"), "")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(gw).parse_webhook(gw.sign(body, secret="not-the-secret"), body, "")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter(gw).parse_webhook({"X-Gateway-Timestamp": headers["X-Gateway-Timestamp"]}, body, "")
    with pytest.raises(WebhookRejected, match="signature"):  # a non-ASCII header is refused, not a 500
        adapter(gw).parse_webhook(dict(headers, **{"X-Gateway-Signature": "é" * 64}), body, "")
    for stamp in (int(time.time()) - 301, int(time.time()) + 3600):
        stale_body, stale = gw.report("gw-1", "delivered", stamp=stamp)
        with pytest.raises(WebhookRejected, match="Stale"):
            adapter(gw).parse_webhook(stale, stale_body, "")
    for bad in (b"not json", b"{}", b'{"message_id": "gw-1", "status": "teleported", "timestamp": 1}',
                b'{"message_id": "gw-1", "status": "delivered", "timestamp": 1e300}', b"[1]"):
        with pytest.raises(WebhookRejected, match="Malformed"):
            adapter(gw).parse_webhook(gw.sign(bad), bad, "")
