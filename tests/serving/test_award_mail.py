"""The award's e-mail to the respondent (A&C s.31(5)), in English and in Hindi, rendered from fixed data
and compared with the stored text (tests/snapshots/email/award_served.txt, award_served.hi.txt): a
change of wording shows in review. SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from flask import render_template

from notices.serving.channels import Delivery, EmailChannel

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"
FILES = {"en": ("email/award_served.txt", "award_served.txt"),
         "hi": ("email/award_hi_served.txt", "award_served.hi.txt")}
AWARD = Delivery(
    dispatch_id=7, purpose="notice", idempotency_key="k" * 40, address="accounts@narmada.example",
    reference="SUL-2026-000042", creditor="Kaveri Looms Private Limited", advocate="",
    respond_by="", link_url="https://sulah.example/n/TOKEN", verify_url="https://sulah.example/verify/ABCD234567",
    pixel_url="https://sulah.example/t/p.gif", bounce_address="bounces+x@sulah.example", pdf=b"%PDF-1.7 award",
    pdf_name="arbitral-award-SUL-2026-000042.pdf", document="award", signatory="Justice (Retd.) A. Menon")


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_award_mail_matches_its_snapshot(app, lang):
    template, name = FILES[lang]
    with app.app_context():
        text = render_template(template, d=dataclasses.replace(AWARD, language=lang))
    path = SNAPSHOTS / name
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_hindi_award_mail_is_the_tribunals_with_the_award_attached(app):
    with app.test_request_context():
        message = EmailChannel().build(dataclasses.replace(AWARD, language="hi"))
    assert message["Subject"] == "मध्यस्थता SUL-2026-000042 में मध्यस्थ पंचाट, मध्यस्थ अधिकरण द्वारा प्रेषित"
    text = message.get_body(("plain",)).get_content()
    assert "Justice (Retd.) A. Menon" in text and "धारा 34" in text and "दावेदार का नोटिस नहीं" in text
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "arbitral-award-SUL-2026-000042.pdf"


def test_the_award_mail_is_the_tribunals_with_the_award_attached(app):
    with app.test_request_context():
        message = EmailChannel().build(AWARD)
    assert message["Subject"] == ("Arbitral award in arbitration SUL-2026-000042, delivered by the "
                                  "arbitral tribunal")
    text = message.get_body(("plain",)).get_content()
    assert "Justice (Retd.) A. Menon, the sole arbitrator" in text
    assert "legal notice" not in text.lower() and "payment by" not in text
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "arbitral-award-SUL-2026-000042.pdf"


ORDER = dataclasses.replace(AWARD, document="procedural_order", title="Procedural Order No. 2",
                            pdf_name="procedural-order-no-2-SUL-2026-000042.pdf")
ORDER_FILES = {"en": ("email/order_served.txt", "order_served.txt"),
               "hi": ("email/order_hi_served.txt", "order_served.hi.txt")}


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_procedural_order_mail_matches_its_snapshot(app, lang):
    template, name = ORDER_FILES[lang]
    with app.app_context():
        text = render_template(template, d=dataclasses.replace(ORDER, language=lang))
    path = SNAPSHOTS / name
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "subject"), [
    ("en", "Procedural Order No. 2 in arbitration SUL-2026-000042, from the arbitral tribunal"),
    ("hi", "मध्यस्थता SUL-2026-000042 में प्रक्रियात्मक आदेश (Procedural Order No. 2), मध्यस्थ अधिकरण की ओर से")])
def test_the_order_mail_is_the_tribunals_with_the_order_attached(app, lang, subject):
    with app.test_request_context():
        message = EmailChannel().build(dataclasses.replace(ORDER, language=lang))
    assert message["Subject"] == subject
    text = message.get_body(("plain",)).get_content()
    assert "Justice (Retd.) A. Menon" in text and "legal notice" not in text.lower()
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "procedural-order-no-2-SUL-2026-000042.pdf"
