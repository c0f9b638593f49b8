"""A notice served by SMS through Twilio (the real SDK against the local fake), with the status
callbacks Twilio would post arriving at Sulah's webhook: the signature covers the public URL with
our reference in its query, so the route verifies it as Twilio computed it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from portal.database import commit
from portal.extensions import db
from tests.adapters.outgoing import NOTICE_DLT_ID
from tests.fakes.twilio_server import FakeTwilio
from tests.serving.helpers import signed_notice


@pytest.fixture
def twilio(app, monkeypatch):
    fake = FakeTwilio()
    for key, value in {"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": fake.account_sid,
                       "TWILIO_AUTH_TOKEN": fake.auth_token, "TWILIO_FROM": "SULAHN", "TWILIO_API_BASE": fake.url,
                       "SMS_DLT_TEMPLATES": {"notice_served": NOTICE_DLT_ID},
                       "SMS_URL_WHITELIST": ["127.0.0.1", "localhost"]}.items():
        monkeypatch.setitem(app.config, key, value)
    yield fake
    fake.stop()


def test_sms_through_twilio_and_its_status_callbacks(app, client, db_session, twilio, outbox):
    creditor, _adv, _case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS})
    commit()
    sms = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.SMS))
    assert sms.provider == "twilio" and sms.provider_message_id in twilio.by_sid
    callback = twilio.by_sid[sms.provider_message_id]["StatusCallback"]
    path = callback.removeprefix(app.config["PUBLIC_BASE_URL"])
    assert path.startswith("/webhooks/sms/twilio?ref=")

    body, headers = twilio.status_callback(sms.provider_message_id, "delivered")
    assert client.post(path, data=body, headers=headers).status_code == 200
    assert client.post(path, data=body, headers=headers).status_code == 409
    forged_body, forged = twilio.status_callback(sms.provider_message_id, "failed", token="forged")
    assert client.post(path, data=forged_body, headers=forged).status_code == 403
    delivered = select(func.count(DeliveryEvent.id)).where(DeliveryEvent.kind == EventKind.DELIVERED)
    assert db.session.scalar(delivered) == 1
