"""A party's notice, its reminder and the invitation to resolve online, by e-mail (text and HTML)
and SMS, in English and in Hindi: rendered from fixed data and compared with the stored text
(tests/snapshots/email/<purpose>_served.<lang>.txt, .html and tests/snapshots/sms/...), so a
wording change shows in review. A Hindi notice's mail and SMS are in Hindi, with Hindi dates.
SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from notices.serving.channels import Delivery, EmailChannel, GatewayChannel
from notices.serving.models import ChannelKind
from portal.adapters.messaging import ProviderReceipt

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
DUE = {"en": "20 December 2026 (IST)", "hi": "20 दिसंबर 2026 (IST)"}
NOTICE = Delivery(
    dispatch_id=9, purpose="notice", idempotency_key="k" * 40, address="accounts@narmada.example",
    reference="SUL-2026-000042", creditor="Kaveri Looms Private Limited", advocate="Adv. Kavya Menon",
    respond_by=DUE["en"], link_url="https://sulah.example/n/TOKEN",
    verify_url="https://sulah.example/verify/ABCD234567", pixel_url="https://sulah.example/t/p.gif",
    bounce_address="bounces+x@sulah.example", pdf=b"%PDF-1.7 notice",
    pdf_name="legal-notice-SUL-2026-000042.pdf", document="notice")
ENGLISH_SENTENCE = re.compile(r"\b[a-z]+ (?:the|to|on|of|and|you|your) [a-z]+\b")


def _same_as_stored(path: Path, text: str) -> None:
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


class _Gateway:
    name = "outbox"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return ProviderReceipt(message_id="m1", raw=b"ok")


@pytest.mark.parametrize("purpose", ["notice", "reminder", "odr_invite"])
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_served_mail_and_sms_match_their_snapshots(app, purpose, lang):
    d = dataclasses.replace(NOTICE, purpose=purpose, language=lang, respond_by=DUE[lang])
    with app.test_request_context():
        message = EmailChannel().build(d)
        gateway = _Gateway()
        GatewayChannel(ChannelKind.SMS, gateway).send(d)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [sms] = gateway.sent
    subject = f"Subject: {message['Subject']}\n\n"
    _same_as_stored(SNAPSHOTS / "email" / f"{purpose}_served.{lang}.txt", subject + text)
    _same_as_stored(SNAPSHOTS / "email" / f"{purpose}_served.{lang}.html", html)
    _same_as_stored(SNAPSHOTS / "sms" / f"{purpose}_served.{lang}.txt", f"[{sms.template}] {sms.text}\n")
    if lang == "hi":
        assert sms.template == f"{purpose}_served_hi"          # registered on DLT as its own template
        for words in (message["Subject"], text, html, sms.text):
            assert ENGLISH_SENTENCE.search(words.replace(d.creditor, "").replace(d.advocate, "")) is None
            assert "/" not in re.sub(r"https?://\S+", "", words.replace("</", "<"))   # no देता/देती
