"""The debtor's attention items on WhatsApp, besides e-mail and SMS, through the WhatsApp Cloud API
adapter against its local fake: only on a number the debtor took the notice on by WhatsApp, never
without the e-mail, inside the contact window and within the daily cap (DOMAIN 7, 24)."""
from __future__ import annotations

import secrets

import pytest

from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from notices.serving.states import DispatchStatus
from portal.cases.models import ContactKind
from portal.extensions import db
from portal.notifications import delivery
from portal.types import utcnow
from tests.debtor.guest import signed_notice_record
from tests.fakes.whatsapp_server import FakeWhatsAppCloud
from tests.notifications.helpers import MOBILE, in_window, items, mailed, record, sms_files, sms_sent, world

ATTENTION = {"attention": {"language": "en", "header": None, "body_params": 3}}


@pytest.fixture
def cloud(app, monkeypatch):
    wa = FakeWhatsAppCloud(templates=ATTENTION)
    for key, value in {"WHATSAPP_PROVIDER": "cloud", "WHATSAPP_API_URL": wa.url,
                       "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id, "WHATSAPP_TOKEN": wa.token,
                       "WHATSAPP_APP_SECRET": wa.app_secret}.items():
        monkeypatch.setitem(app.config, key, value)
    yield wa
    wa.stop()


def served_on_whatsapp(case, kind: EventKind = EventKind.DELIVERED, status=DispatchStatus.SENT) -> None:
    """The notice went to the debtor's mobile by WhatsApp yesterday and the number reported `kind`."""
    notice = signed_notice_record(case)
    yesterday = utcnow().replace(year=utcnow().year - 1)  # outside today's cap
    dispatch = Dispatch(notice_id=notice.id, channel=ChannelKind.WHATSAPP, address=MOBILE,
                        idempotency_key=secrets.token_hex(32), status=status, created_by_id=case.created_by_id,
                        bounce_token=secrets.token_hex(12), pixel_token=secrets.token_hex(12),
                        sent_at=yesterday)
    db.session.add(dispatch)
    db.session.flush()
    db.session.add(DeliveryEvent(notice_id=notice.id, dispatch_id=dispatch.id, kind=kind, occurred_at=yesterday,
                                 source="cloud", payload_sha256=secrets.token_hex(32)))
    db.session.flush()


def test_an_offer_reaches_the_debtor_by_email_sms_and_whatsapp(app, db_session, outbox, monkeypatch, cloud):
    in_window(monkeypatch)
    w = world()
    served_on_whatsapp(w.case, EventKind.READ)
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    assert mailed(w, outbox()) == {"debtor"}
    [sms] = sms_sent(app, before)
    [message] = cloud.messages
    assert message["to"] == MOBILE.lstrip("+") and message["template"]["name"] == "attention"
    [body] = [c["parameters"] for c in message["template"]["components"] if c["type"] == "body"]
    assert [p["text"] for p in body] == list(sms["variables"])
    assert body[0]["text"] == "an offer awaits your answer" and body[1]["text"] == w.case.reference
    assert "/debtor/" in body[2]["text"] or "/offers" in body[2]["text"]
    [item] = [i for i in items(w.case) if i.party_id]
    assert item.told_channels == 3


@pytest.mark.parametrize("history", ["none", "failed", "no report"])
def test_no_whatsapp_where_the_debtor_never_took_the_notice_there(app, db_session, outbox, monkeypatch,
                                                                  cloud, history):
    in_window(monkeypatch)
    w = world()
    if history == "failed":
        served_on_whatsapp(w.case, EventKind.DELIVERED, DispatchStatus.FAILED)
    elif history == "no report":
        served_on_whatsapp(w.case, EventKind.DISPATCHED)
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    assert mailed(w, outbox()) == {"debtor"} and len(sms_sent(app, before)) == 1
    assert cloud.messages == []


def test_never_without_the_email(app, db_session, outbox, monkeypatch, cloud):
    in_window(monkeypatch)
    w = world()
    served_on_whatsapp(w.case)
    w.case.debtor.contacts[:] = [c for c in w.case.debtor.contacts if c.kind != ContactKind.EMAIL]
    db.session.flush()
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    assert len(sms_sent(app, before)) == 1 and cloud.messages == []


def test_outside_the_window_nothing_then_the_morning_sends_all_three(app, db_session, outbox, monkeypatch,
                                                                     cloud):
    in_window(monkeypatch, hour=21)
    w = world()
    served_on_whatsapp(w.case)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    assert cloud.messages == [] and mailed(w, outbox()) == set()
    [item] = [i for i in items(w.case) if i.party_id]
    assert delivery.deliver_to_debtor(item.id, in_window(monkeypatch, hour=9))[0] == "sent"
    from portal.database import commit

    commit()
    assert len(cloud.messages) == 1 and item.told_channels == 3


def test_the_daily_cap_counts_each_channel():
    assert delivery.channels(True, True, True, 4) == ["email", "sms", "whatsapp"]
    assert delivery.channels(True, True, True, 2) == ["email", "sms"]
    assert delivery.channels(True, True, True, 1) == ["email"]
    assert delivery.channels(False, True, True, 4) == ["sms"]  # WhatsApp never alone
    assert delivery.channels(True, False, False, 0) == []
