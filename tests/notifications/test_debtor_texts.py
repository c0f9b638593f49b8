"""The SMS and WhatsApp line about a debtor's attention item, in the debtor's language (the one it chose
on its pages, else that of its demand notice): each item's line in English and Hindi compared with its stored text
(tests/snapshots/sms/attention.<lang>.txt), each under its own DLT registration and passing the DLT
check as registered, and a Hindi debtor's offer reaching it in Hindi on both channels."""

from __future__ import annotations

import re

import pytest

from notices.models import NoticeLanguage
from portal.adapters import OutgoingMessage
from portal.adapters.dlt import DltRegistry
from portal.notifications import delivery, rules
from tests.debtor.guest import signed_notice_record
from tests.fakes.whatsapp_server import FakeWhatsAppCloud
from tests.notifications.helpers import MOBILE, in_window, items, mailed, record, sms_files, sms_sent, world
from tests.notifications.test_email_snapshots import SNAPSHOTS, check
from tests.notifications.test_whatsapp import served_on_whatsapp

REFERENCE, URL = "SUL-2026-000042", "https://sulah.example/debtor/case/SUL-2026-000042"
# The texts registered on DLT (README: SMS_DLT_TEMPLATES), as an operator would scrub them.
REGISTERED = {
    "attention": {"id": "1107000000000101", "text": "Sulah: {#var#} (ref {#var#}). See {#var#}"},
    "attention_hi": {"id": "1107000000000102", "text": "सुलह: {#var#} (संदर्भ {#var#})। देखें {#var#}"},
}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize("lang", delivery.LANGUAGES)
def test_each_item_s_text_in_each_language_matches_its_snapshot_and_its_dlt_template(app, lang):
    registry = DltRegistry(REGISTERED, ["sulah.example"])
    lines = []
    with app.app_context():
        for kind in [*sorted(rules.SMS_HEADLINES), "any other kind"]:
            what = delivery.headline(kind, lang)
            assert len(what) <= 60  # the DLT variable's length: never cut short
            template, variables, text = delivery.sms_text(REFERENCE, what, URL, lang)
            assert template == delivery.TEXT_TEMPLATES[lang]
            assert (
                registry.check(
                    OutgoingMessage(
                        to=MOBILE,
                        template=template,
                        variables=tuple(variables),
                        text=text,
                        idempotency_key="k",
                    )
                ).name
                == template
            )
            if lang == "hi":  # no English besides the reference and the link
                assert LATIN_WORD.search(text.replace(URL, "").replace(REFERENCE, "")) is None, text
            lines.append(f"{kind}: [{template}] {text}")
    check(f"attention.{lang}.txt", "\n".join(lines) + "\n", SNAPSHOTS.parent / "sms")


@pytest.fixture
def cloud(app, monkeypatch):
    spec = {"language": "en", "header": None, "body_params": 3}
    wa = FakeWhatsAppCloud(templates={"attention": spec, "attention_hi": spec})
    for key, value in {
        "WHATSAPP_PROVIDER": "cloud",
        "WHATSAPP_API_URL": wa.url,
        "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
        "WHATSAPP_TOKEN": wa.token,
        "WHATSAPP_APP_SECRET": wa.app_secret,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    yield wa
    wa.stop()


@pytest.mark.parametrize("lang", delivery.LANGUAGES)
def test_an_offer_reaches_the_debtor_by_mail_sms_and_whatsapp_in_its_language(
    app, db_session, outbox, monkeypatch, cloud, lang
):
    in_window(monkeypatch)
    w = world()
    served_on_whatsapp(w.case)
    signed_notice_record(w.case).language = NoticeLanguage(lang)
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    [mail] = outbox()
    assert mailed(w, [mail]) == {"debtor"}
    # The subject in the debtor's language, naming the creditor, with every space (portal.adapters.mail
    # folds a non-ASCII subject itself: Python 3.11's folder could drop one, CPython gh-144156).
    creditor = w.case.creditor.legal_name
    subject = {
        "en": f"{creditor} made an offer in {w.case.reference}.",
        "hi": f"{w.case.reference} में {creditor} ने एक प्रस्ताव दिया है।",
    }[lang]
    assert mail["Subject"] == subject
    [sms] = sms_sent(app, before)
    [message] = cloud.messages
    expected = {
        "en": (
            "attention",
            "an offer awaits your answer",
            f"Sulah: an offer awaits your answer (ref {w.case.reference}). See ",
        ),
        "hi": (
            "attention_hi",
            "एक प्रस्ताव आपके उत्तर की प्रतीक्षा में है",
            f"सुलह: एक प्रस्ताव आपके उत्तर की प्रतीक्षा में है (संदर्भ {w.case.reference})। देखें ",
        ),
    }[lang]
    assert sms["template"] == message["template"]["name"] == expected[0]
    [body] = [c["parameters"] for c in message["template"]["components"] if c["type"] == "body"]
    assert (
        [p["text"] for p in body]
        == list(sms["variables"])
        == [expected[1], w.case.reference, sms["variables"][2]]
    )
    assert sms["text"].startswith(expected[2]) and sms["text"].endswith(sms["variables"][2])
    [item] = [i for i in items(w.case) if i.party_id]
    assert item.told_channels == 3


@pytest.mark.parametrize(("notice_lang", "chosen"), [("en", "hi"), ("hi", "en")])
def test_the_language_the_debtor_chose_on_its_pages_wins_over_its_notice_s(
    app, db_session, outbox, monkeypatch, notice_lang, chosen
):
    """A debtor served in one language who switched its pages to the other is told in the one it chose:
    the e-mail's subject and the SMS line (the switch is remembered on its personal link)."""
    from portal.debtor.links import issue

    in_window(monkeypatch)
    w = world()
    signed_notice_record(w.case).language = NoticeLanguage(notice_lang)
    older, _ = issue(w.case.id, None, None)
    older.language = notice_lang        # an older link still remembers the first choice
    newer, _ = issue(w.case.id, None, None)
    newer.language = chosen
    before = sms_files(app)
    record("offer.made", w.case, w.filer, offer=1, side="creditor", parent=None)
    [mail] = outbox()
    creditor = w.case.creditor.legal_name
    assert mail["Subject"] == {
        "en": f"{creditor} made an offer in {w.case.reference}.",
        "hi": f"{w.case.reference} में {creditor} ने एक प्रस्ताव दिया है।",
    }[chosen]
    [sms] = sms_sent(app, before)
    assert sms["template"] == delivery.TEXT_TEMPLATES[chosen]
