"""The words the notice, signing and postal services build for pages, in Hindi on a Hindi page: the
signing methods, the contact hours, the postal service, the returned card and the postal refusals,
the signing flashes.
The records keep their English: the provider constants, the posting's and the card's timeline
entries, the post pack PDF."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from notices.serving import dispatch as dispatching
from notices.serving import postal
from notices.serving.models import ChannelKind, DeliveryEvent, EventKind
from notices.serving.postal import PostalService
from notices.signing import ceremony_routing
from notices.signing.providers import LABELS, NAMES
from portal.cases.intake import today_ist
from portal.database import commit
from portal.extensions import db
from portal.formatting import day
from portal.i18n import force_locale, gettext, ngettext
from tests.conftest import csrf_from
from tests.notices.test_signing_ceremonies import parties  # noqa: F401  (the fixture)
from tests.serving.helpers import signed_notice

DEVANAGARI = re.compile("[\u0900-\u097f]")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17) + b"scan of the signed card"
CARD = "A.D. card returned, signed by the addressee on %(day)s (document %(document)s)."
RULES = ("between %(start)s and %(end)s IST, at most %(num)d message a day",
         "between %(start)s and %(end)s IST, at most %(num)d messages a day")


def _hindi(message: str, **values) -> str:
    with force_locale("hi"):
        said = gettext(message, **values)
    assert DEVANAGARI.search(said), f"no Hindi for {message!r}"
    return said


def _body(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _events(dispatch, kind: EventKind) -> list[DeliveryEvent]:
    return list(db.session.scalars(select(DeliveryEvent).where(
        DeliveryEvent.dispatch_id == dispatch.id, DeliveryEvent.kind == kind).order_by(DeliveryEvent.id)))


def test_the_delivery_page_says_hours_post_and_card_in_hindi(app, client, auth, db_session, tmp_path):
    creditor, _advocate, _case, notice = signed_notice(mobile=None)
    auth.login_as(creditor)
    with force_locale("hi"):
        rules = ngettext(*RULES, 50, start="00:00", end="24:00")
    assert DEVANAGARI.search(rules)
    hindi = _body(client.get(f"/notices/{notice.id}/delivery?lang=hi"))
    assert rules in hindi and "messages a day" not in hindi
    english = _body(client.get(f"/notices/{notice.id}/delivery?lang=en"))
    assert "between 00:00 and 24:00 IST, at most 50 messages a day" in english

    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.POST})
    commit()
    page = client.get(f"/notices/{notice.id}/delivery?lang=hi")
    refused = client.post(f"/dispatches/{dispatch.id}/posting", data={
        "csrf_token": csrf_from(page), "article_number": "RK123456785IN", "service": "registered_post",
        "booked_on": (today_ist() + timedelta(days=1)).isoformat()})
    assert refused.status_code == 422
    assert _hindi("The booking date is in the future. Enter the date on the receipt.") in refused.get_data(
        as_text=True)
    postal.record_posting(creditor, dispatch, "RK123456785IN", PostalService.REGISTERED, today_ist())
    card = postal.attach_returned_card(creditor, dispatch, io.BytesIO(PNG), "ad-card.png", today_ist())
    commit()
    said = f"A.D. card returned, signed by the addressee on {today_ist():%d %b %Y} (document {card.id})"

    hindi = _body(client.get(f"/notices/{notice.id}/delivery?lang=hi"))
    service = _hindi("Registered post A.D.")
    assert _hindi("%(service)s, article <code>%(number)s</code>, booked on %(day)s.", service=service,
                  number="RK123456785IN", day=day(today_ist(), "hi")) in hindi
    assert "Registered post A.D., article <code>" not in hindi  # the timeline's detail quotes the record
    assert _hindi(CARD, day=day(today_ist(), "hi"), document=card.id) in hindi
    assert f"{said}." not in hindi  # the panel's sentence (the timeline may quote the record)

    english = _body(client.get(f"/notices/{notice.id}/delivery?lang=en"))
    assert "Registered post A.D., article <code>RK123456785IN</code>" in english
    assert f"{said}." in english

    # The records stay English, whatever the page's language.
    (posted,) = _events(dispatch, EventKind.DISPATCHED)
    assert posted.detail.startswith("Registered post A.D., article RK123456785IN")
    assert _events(dispatch, EventKind.DELIVERED)[-1].detail == said
    with app.test_request_context(), force_locale("hi"):
        assert PostalService.SPEED.label == "Speed post"
        pack = postal.print_pack(dispatch)
    (tmp_path / "pack.pdf").write_bytes(pack)
    words = " ".join(subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True,
                                    text=True, check=True).stdout.split())
    assert "Registered post A.D." in words and not DEVANAGARI.search(words)


@pytest.fixture
def approved(parties):  # noqa: F811  (the imported fixture)
    """A notice the advocate has approved, committed (the signing ceremonies' parties)."""
    _creditor, advocate, _case, notice = parties
    commit()
    return advocate, notice


def test_the_notice_page_names_the_signing_methods_in_hindi(app, client, auth, approved, monkeypatch):
    advocate, notice = approved
    # Offered, as far as the page is concerned: every setting eSign needs is present.
    monkeypatch.setitem(app.config, "SIGNING_PROVIDERS", ["pades_dsc", "aadhaar_esign"])
    for key in ("ESIGN_ESP_URL", "ESIGN_ASP_ID", "ESIGN_ASP_KEY", "ESIGN_ASP_CERT", "ESIGN_ESP_CERT",
                "ESIGN_RESPONSE_URL"):
        monkeypatch.setitem(app.config, key, "https://esp.example.test/esign/2.1/signdoc/")
    auth.login_as(advocate)
    hindi = _body(client.get(f"/notices/{notice.id}?lang=hi"))
    for label in (LABELS["pades_dsc"], LABELS["aadhaar_esign"]):
        assert _hindi(label) in hindi and label not in hindi
    english = _body(client.get(f"/notices/{notice.id}?lang=en"))
    assert "My digital signature certificate (DSC)" in english
    assert "Aadhaar eSign (an OTP to the mobile linked to my Aadhaar)" in english
    # The constants themselves are the English the records and the API know.
    with app.test_request_context(), force_locale("hi"):
        assert LABELS["pades_dsc"] == "My digital signature certificate (DSC)"
        assert NAMES["aadhaar_esign"] == "Aadhaar eSign"


def test_the_signing_flashes_and_hand_over_names_in_hindi(app):
    notice_ceremony = SimpleNamespace(settlement_id=None, detail="")
    settled = SimpleNamespace(settlement_id=7, detail="The agreement was cancelled.")
    with app.test_request_context():
        assert ceremony_routing.signed_message(notice_ceremony) == "Signed. The notice is ready to serve."
        assert (ceremony_routing.abandoned_message(settled)
                == "That signing attempt was not used: The agreement was cancelled.")
        assert (ceremony_routing.abandoned_message(notice_ceremony)
                == "That signing attempt was replaced by a newer one and was not used.")
        with force_locale("hi"):
            assert ceremony_routing.signed_message(notice_ceremony) == _hindi("Signed. The notice is ready to serve.")
            assert ceremony_routing.abandoned_message(settled) == _hindi(
                "That signing attempt was not used: %(detail)s", detail="The agreement was cancelled.")
            assert DEVANAGARI.search(ceremony_routing.abandoned_message(notice_ceremony))
            for name in (NAMES["pades_dsc"], NAMES["aadhaar_esign"]):
                assert DEVANAGARI.search(gettext(name))
            assert gettext(NAMES["docusign"]) == "DocuSign"
            assert DEVANAGARI.search(_hindi("The settlement agreement in %(reference)s (version %(version)s)",
                                            reference="SUL-2026-000001", version=2))
            assert DEVANAGARI.search(gettext("Back to the settlement"))
