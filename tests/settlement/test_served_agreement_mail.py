"""The settlement agreement's covering e-mail to the debtor, in English and in Hindi, rendered from
fixed data and compared with the stored text (tests/snapshots/email/settlement_served.txt,
settlement_served.hi.txt): a change of wording shows in review. SULAH_UPDATE_SNAPSHOTS=1 rewrites
them. Its subject and attachment are the agreement's own, never a legal notice's."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from flask import render_template

from notices.serving.channels import Delivery, EmailChannel

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"
FILES = {"en": ("email/settlement_served.txt", "settlement_served.txt"),
         "hi": ("email/settlement_hi_served.txt", "settlement_served.hi.txt")}
AGREEMENT = Delivery(
    dispatch_id=7, purpose="notice", idempotency_key="k" * 40, address="accounts@narmada.example",
    reference="SUL-2026-000042", creditor="Kaveri Looms Private Limited", advocate="", respond_by="",
    link_url="https://sulah.example/n/TOKEN", verify_url="https://sulah.example/verify/ABCD234567",
    pixel_url="https://sulah.example/t/p.gif", bounce_address="bounces+x@sulah.example",
    pdf=b"%PDF-1.7 agreement", pdf_name="settlement-agreement-SUL-2026-000042.pdf", document="settlement",
    signatory="Kaveri Looms Private Limited and Narmada Traders", title="Settlement agreement")


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_settlement_mail_matches_its_snapshot(app, lang):
    template, name = FILES[lang]
    with app.app_context():
        text = render_template(template, d=dataclasses.replace(AGREEMENT, language=lang))
    path = SNAPSHOTS / name
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "subject", "words"), [
    ("en", "Settlement agreement SUL-2026-000042 with Kaveri Looms Private Limited, agreed by both parties "
           "and sealed", "not a new demand"),
    ("hi", "समझौता करार SUL-2026-000042, Kaveri Looms Private Limited के साथ, दोनों पक्षों द्वारा स्वीकृत और "
           "मुहरबंद", "कोई नई माँग नहीं")])
def test_the_settlement_mail_is_the_parties_with_the_agreement_attached(app, lang, subject, words):
    with app.test_request_context():
        message = EmailChannel().build(dataclasses.replace(AGREEMENT, language=lang))
    assert message["Subject"] == subject
    text = message.get_body(("plain",)).get_content()
    assert words in text and "Narmada Traders" in text and "legal notice" not in text.lower()
    assert "https://sulah.example/verify/ABCD234567" in text
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "settlement-agreement-SUL-2026-000042.pdf"
