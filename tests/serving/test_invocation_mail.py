"""The s.21 notice's e-mail to the respondent, in English and in Hindi, rendered from fixed data and
compared with the stored text (tests/snapshots/email/invocation_served.<lang>.txt): the invoking
party's request that the dispute be referred to arbitration, never a demand for payment.
SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from flask import render_template

from notices.serving.channels import Delivery, EmailChannel

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"
REQUEST = Delivery(
    dispatch_id=9, purpose="notice", idempotency_key="k" * 40, address="accounts@narmada.example",
    reference="SUL-2026-000042", creditor="Kaveri Looms Private Limited", advocate="Adv. Kavya Menon",
    respond_by="20 December 2026 (IST)", link_url="https://sulah.example/n/TOKEN",
    verify_url="https://sulah.example/verify/ABCD234567", pixel_url="https://sulah.example/t/p.gif",
    bounce_address="bounces+x@sulah.example", pdf=b"%PDF-1.7 notice",
    pdf_name="request-for-arbitration-SUL-2026-000042.pdf", document="invocation")
TEMPLATES = {"en": "email/invocation_served.txt", "hi": "email/invocation_hi_served.txt"}


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_s21_mail_matches_its_snapshot(app, lang):
    with app.app_context():
        text = render_template(TEMPLATES[lang], d=dataclasses.replace(REQUEST, language=lang))
    path = SNAPSHOTS / f"invocation_served.{lang}.txt"
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "subject", "phrase"), [
    ("en", "Request to refer the dispute to arbitration, SUL-2026-000042, from Kaveri Looms Private Limited",
     "not a demand for payment"),
    ("hi", "मध्यस्थता हेतु विवाद भेजने का अनुरोध (धारा 21), SUL-2026-000042, Kaveri Looms Private Limited की ओर से",
     "भुगतान की माँग नहीं"),
])
def test_the_s21_mail_is_the_invoking_partys_request_with_the_notice_attached(app, lang, subject, phrase):
    with app.test_request_context():
        message = EmailChannel().build(dataclasses.replace(REQUEST, language=lang))
    assert message["Subject"] == subject
    text = message.get_body(("plain",)).get_content()
    assert phrase in text and "section 21" in text.replace("धारा 21", "section 21")
    assert "asks for payment" not in text and "legal notice" not in text.lower()
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "request-for-arbitration-SUL-2026-000042.pdf"


def test_invoking_serves_the_request_in_its_own_words(db_session, outbox):
    from arbitration.invocation import notice as invocation
    from notices.serving.models import ChannelKind
    from portal.database import commit
    from tests.invocation.helpers import clause_basis, disputed_case, signed_invocation

    creditor, advocate, case = disputed_case()
    clause_basis(creditor, case)
    signed_invocation(creditor, advocate, case)
    invocation.invoke(creditor, case, {ChannelKind.EMAIL})
    commit()  # the dispatch goes out after the commit
    (sent,) = [m for m in outbox() if "debtor@example.in" in m["To"] and m["Subject"].startswith("Request")]
    assert sent["Subject"].startswith("Request to refer the dispute to arbitration")
    assert "not a demand for payment" in sent.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in sent.iter_attachments()] == [f"request-for-arbitration-{case.reference}.pdf"]


class _Recorder:
    name = "testsms"

    def __init__(self) -> None:
        self.sent = []

    def send(self, message):
        from portal.adapters.messaging import ProviderReceipt

        self.sent.append(message)
        return ProviderReceipt(message_id=f"m{len(self.sent)}", raw=b"ok")


# The texts as they would be registered on DLT for the two s.21 templates (DOMAIN 26).
S21_DLT = {
    "invocation_served": "{#var#} requests that the dispute (ref {#var#}) be referred to arbitration (A&C Act "
                         "s.21); the request is in your e-mail. Read it: {#var#} - Sulah",
    "invocation_hi_served": "{#var#} ने विवाद (संदर्भ {#var#}) को मध्यस्थता हेतु भेजने का अनुरोध किया है (धारा "
                            "21); अनुरोध आपके ई-मेल में है। पढ़ें: {#var#} - Sulah",
}


@pytest.mark.parametrize(("lang", "template"), [("en", "invocation_served"), ("hi", "invocation_hi_served")])
def test_the_s21_sms_goes_under_its_own_dlt_template(app, lang, template):
    from notices.serving.channels import GatewayChannel
    from notices.serving.models import ChannelKind
    from portal.adapters.dlt import DltRegistry

    gateway = _Recorder()
    with app.test_request_context():
        GatewayChannel(ChannelKind.SMS, gateway).send(
            dataclasses.replace(REQUEST, address="+919812345678", language=lang))
    (sms,) = gateway.sent
    assert sms.template == template and sms.template != "notice_served"
    assert sms.variables == ("Kaveri Looms Private Limited", "SUL-2026-000042", "https://sulah.example/n/TOKEN")
    assert "Pay" not in sms.text and "Legal notice" not in sms.text
    registry = DltRegistry({name: {"id": f"11070000000000{i}", "text": text}
                            for i, (name, text) in enumerate(S21_DLT.items())}, ["sulah.example"])
    assert registry.check(sms).name == template  # the rendered text is exactly the registered one
    path = SNAPSHOTS.parent / "sms" / f"invocation_served.{lang}.txt"
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(sms.text + "\n", encoding="utf-8")
    assert sms.text + "\n" == path.read_text(encoding="utf-8")


def test_a_partys_notice_keeps_the_served_notice_template(app):
    from notices.serving.channels import sms_template

    template, variables = sms_template(dataclasses.replace(REQUEST, document="notice"))
    assert template == "notice_served" and variables[2] == "20 December 2026 (IST)"
