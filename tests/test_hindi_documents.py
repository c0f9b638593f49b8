"""The documents besides the notices in Hindi: the award and a procedural order (framed in the language
of the proceedings, the arbitrator's text as written), the receipt, the bilingual settlement agreement,
the delivery-proof certificate and the case bundle's s.63 certificate. Each is rendered from the fixed
facts of tests/test_document_snapshots.py through the product's own functions and compared with its
Hindi snapshot (tests/snapshots/pdf/*.hi.txt); then printed with WeasyPrint to check the layout the
notices keep (page number at the top in Hindi, bottom 30 mm free for the stamp and the seal, the
signature block on the page of the last paragraph, paragraphs numbered once); and the choice of language
is tested on real cases."""
from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace as Facts

import pytest
from flask import render_template

from notices.drafting.rendering import html_to_text
from portal.adapters.esign.base import STAMP_BOX_RIGHT
from portal.pdf import html_to_pdf
from portal.types import IST
from tests.test_document_snapshots import ARBITRATOR, CASE, ISSUED, _award, same_as_stored, settlement_html

MM = 72 / 25.4
REASONS = ["1. The claimant supplied yarn under invoice KL/118, which the respondent accepted.",
           "The respondent filed no defence within the time fixed, and the tribunal proceeded under "
           "section 25(b)."]
ORDER = ("1. The respondent shall file its defence by 5 December 2026.\n\n"
         "2. The hearing is fixed online on 12 December 2026 at 11:00 IST.")
ENGLISH_FRAME = ("In the arbitration between", "Sole arbitrator", "Principal sum awarded", "Payment receipt",
                 "Received from", "Certificate of service", "Place of dispatch", "do hereby solemnly affirm",
                 "Page ")


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def hindi_only(text: str) -> None:
    """A Hindi document: no English frame word, no Western digit grouping, no slash forms."""
    for words in ENGLISH_FRAME:
        assert words not in text, words
    assert "340,000.00" not in text and "देता/देती" not in text and "ा/ी" not in text


def award_html(consent: bool) -> str:
    from arbitration.proceedings.language import template_for

    return render_template(template_for("award", "hi"), award=_award(consent), case=CASE, arbitrator=ARBITRATOR,
                           paragraphs=REASONS if not consent else [], settlement=None)


def order_html(monkeypatch) -> str:
    import arbitration.proceedings.procedural_orders as orders

    captured = {}
    monkeypatch.setattr(orders, "render_pdf", lambda template, **c: captured.update(
        html=render_template(template, **c)) or b"")
    orders.render(CASE, ARBITRATOR, 2, ORDER, ISSUED, "hi")
    return captured["html"]


def receipt_html(monkeypatch) -> str:
    import portal.pdf
    from portal.cases.models import PaymentMethod, PaymentSource
    from portal.payments import receipts

    captured = {}
    monkeypatch.setattr(portal.pdf, "render_pdf", lambda template, **c: captured.update(
        html=render_template(template, **c)) or b"")
    payment = Facts(amount=Decimal("100000.00"), paid_on=date(2026, 11, 19), reference="UTR 512345678901",
                    gateway_ref=None, method=PaymentMethod.UPI, source=PaymentSource.DEBTOR_REPORT)
    after = Facts(as_of=date(2026, 11, 20), settled=False, instalment=None, interest_runs=True)
    receipt = Facts(number="SUL-2026-000042-R001", issued_at=ISSUED)
    receipts.render(receipt, CASE, payment, Decimal("248229.46"), after, "hi")
    return captured["html"]


def delivery_proof_html(document=None) -> str:
    from tests.test_document_snapshots import delivery_proof_context

    return render_template("pdf/delivery_proof.hi.html", document=document, **delivery_proof_context())


def certificate_html() -> str:
    from tests.test_document_snapshots import _bundle_context

    context = _bundle_context() | {"generated_ist": datetime(2026, 11, 20, 12, 0, tzinfo=IST)}
    return render_template("pdf/certificate_s63.hi.html", **context)


@pytest.mark.parametrize("consent", [False, True], ids=["reasoned", "agreed-terms"])
def test_the_hindi_award_matches_its_snapshot(ctx, consent):
    text = same_as_stored(f"award.{'agreed_terms' if consent else 'reasoned'}.hi.txt", award_html(consent))
    hindi_only(text)
    assert "₹3,40,000.00" in text and "20 नवंबर 2026" in text and "एकमात्र मध्यस्थ" in text
    assert "Adv. Leela Narayanan" in text.split("एकमात्र मध्यस्थ")[-2]      # the signatory is named
    if not consent:       # the reasons as the arbitrator wrote them, numbered once
        assert "1. The claimant supplied yarn" in text and "1. 1." not in text
        assert "2. The respondent filed no defence" in text


def test_the_hindi_procedural_order_matches_its_snapshot(ctx, monkeypatch):
    text = same_as_stored("procedural_order.hi.txt", order_html(monkeypatch))
    hindi_only(text)
    assert "प्रक्रियात्मक आदेश सं. 2" in text and "20 नवंबर 2026" in text
    assert "1. The respondent shall file" in text and "1. 1." not in text and "2. 2." not in text


def test_the_hindi_receipt_matches_its_snapshot(ctx, monkeypatch):
    text = same_as_stored("receipt.hi.txt", receipt_html(monkeypatch))
    hindi_only(text)
    assert "₹1,00,000.00" in text and "₹2,48,229.46" in text and "19 नवंबर 2026" in text
    assert "देनदार ने सूचना दी" in text


@pytest.mark.parametrize("signed", [False, True], ids=["draft", "signed"])
def test_the_bilingual_settlement_matches_its_snapshot(ctx, signed):
    text = same_as_stored(f"settlement.{'signed' if signed else 'draft'}.en-hi.txt", settlement_html(signed, bilingual=True))
    english, hindi = text.split("हिन्दी पाठ", 1)
    assert "The debtor shall pay the creditor ₹3,40,000.00" in english and "the English text prevails" in english
    assert "₹3,40,000.00" in hindi and "15 दिसंबर 2026" in hindi and "अंग्रेज़ी पाठ मान्य होगा" in hindi
    assert "1,70,000.00" in hindi and "वैधानिक आधार" in hindi
    if signed:                                                  # every signatory named, in both texts
        assert text.count("Ravi Shah") == 2 and text.count("Meera Kulkarni") == 2    # one per acceptance page
        assert "हस्ताक्षरकर्ता: Ravi Shah" in hindi and "वन-टाइम कोड से इलेक्ट्रॉनिक रूप में स्वीकार" in hindi


def test_the_hindi_delivery_proof_matches_its_snapshot(ctx):
    text = same_as_stored("delivery_proof.hi.txt", delivery_proof_html())
    hindi_only(text)
    assert "20 नवंबर 2026, 15:15:00 IST को प्राप्त" in text and "accounts@narmada.example" in text
    assert "Anita Rao" in text and "धारा 63(4)(c)" in text


def test_the_hindi_delivery_proof_of_an_award_names_the_tribunal(ctx):
    from notices.serving.documents import DocumentKind

    award = Facts(kind=DocumentKind.AWARD, label="SUL-2026-000042/D3", sender="the arbitral tribunal",
                  signatory="Adv. Leela Narayanan")
    text = html_to_text(delivery_proof_html(document=award))
    hindi_only(text)
    assert "पंचाट (अवॉर्ड) SUL-2026-000042 की तामील का प्रमाणपत्र" in text
    assert "माध्यस्थम् अधिकरण के नाम से तामील" in text and "हस्ताक्षरकर्ता | Adv. Leela Narayanan" in text
    assert "the arbitral tribunal" not in text


def test_the_hindi_s63_certificate_matches_its_snapshot(ctx):
    text = same_as_stored("certificate_s63.hi.txt", certificate_html())
    hindi_only(text)
    assert "b" * 64 in text and "documents/02-lr-2211.jpg" in text and "हस्ताक्षर, नाम और पदनाम" in text


# --- The printed layout --------------------------------------------------------------------------

def _pages(pdf: bytes) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Each page's height and its words as (top, distance of the word's foot above the page's foot, word)."""
    layout = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode()
    pages = []
    for page in layout.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [(float(top), height - float(bottom), word) for top, bottom, word in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', page)]
        pages.append((height, words))
    return pages


def _check_layout(pdf: bytes, signature: str | None, closing: str | None = None) -> list:
    """`signature`: a word of the signature block (its last occurrence is the block); `closing`: a word of
    the paragraph it must share a page with. Latin words and figures: poppler's text of Devanagari
    reorders vowel signs, so a Hindi word is not reliably found in it (पृष्ठ is)."""
    pages = _pages(pdf)
    for _height, words in pages:
        # The page number at the top, in Hindi; no text in the bottom 30 mm the stamp and seal use.
        assert next(top for top, _foot, word in words if word == "पृष्ठ") < 22 * MM
        assert min(foot for _top, foot, _w in words) > STAMP_BOX_RIGHT[3]
        assert not any(word == "Page" for _t, _f, word in words)
    if signature:       # the signature block is never alone: its page carries the text above it
        _height, last = pages[-1]
        signature_top = max(top for top, _f, word in last if signature in word)
        assert len([w for top, _f, w in last if 22 * MM < top < signature_top - 1]) > 10
        if closing:
            assert any(closing in word for top, _f, word in last if top < signature_top)
    return pages


def _long(paragraphs: list[str], n: int) -> list[str]:
    return paragraphs + ["The tribunal has considered the invoices, the delivery challans and the "
                         "correspondence placed on record, and finds the claim proved."] * n


# With 3 more paragraphs the closing no longer fits under the table on page 1: it moves to page 2 whole,
# with the signature; with 4 or 5 the table goes too; with 8 the reasons run over.
@pytest.mark.parametrize("extra", [0, 3, 4, 8])
def test_the_hindi_award_prints_within_the_page_rules(ctx, extra):
    from arbitration.proceedings.language import template_for

    html = render_template(template_for("award", "hi"), award=_award(False), case=CASE, arbitrator=ARBITRATOR,
                           paragraphs=_long(REASONS, extra), settlement=None)
    pages = _check_layout(html_to_pdf(html), "Narayanan", closing="31(5)")
    assert len(pages) == (1 if extra == 0 else 2)


@pytest.mark.parametrize("document", ["order", "receipt", "delivery_proof", "certificate"])
def test_the_other_hindi_documents_print_within_the_page_rules(ctx, monkeypatch, document):
    html, signature, closing = {"order": (lambda: order_html(monkeypatch), "Narayanan", "18)"),
                                "receipt": (lambda: receipt_html(monkeypatch), None, None),
                                "delivery_proof": (delivery_proof_html, "Anita", "(IST):"),
                                "certificate": (certificate_html, "(IST):", "SHA-256")}[document]
    _check_layout(html_to_pdf(html()), signature, closing)


def test_the_bilingual_settlement_prints_within_the_page_rules(ctx):
    pdf = html_to_pdf(settlement_html(True, bilingual=True), ("base.css", "settlement.css"))
    pages = _pages(pdf)
    for _height, words in pages:
        assert min(foot for _top, foot, _w in words) > STAMP_BOX_RIGHT[3]
        assert next(top for top, _foot, word in words if word in ("Page", "पृष्ठ")) < 22 * MM
        assert "पृष्ठ" in [w for _t, _f, w in words]                     # numbered in both languages
    # The Hindi text starts on its own page, after the English; the two acceptance pages close it.
    assert len(pages) >= 4 and "Shah" in " ".join(w for _t, _f, w in pages[-1][1])


def test_a_hindi_award_signed_by_the_arbitrator_has_the_arbitrators_field_below_the_text(ctx):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    from portal.adapters.esign.base import Signer, SignRequest
    from portal.adapters.esign.democert import make_demo_pkcs12
    from portal.adapters.esign.pades import PadesProvider

    arbitrator = Signer(name=ARBITRATOR.name, email="a@example.in", user_id=3, capacity="Sole arbitrator")
    pdf = html_to_pdf(award_html(False))
    signed = PadesProvider(lambda _s: (make_demo_pkcs12(arbitrator.name, b"pass"), b"pass")).sign(SignRequest(
        document_id="award-hi", pdf=pdf, signer=arbitrator, reason="Arbitral award")).signed_pdf
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.field_name == "ArbitratorSignature"            # not AdvocateSignature
    _check_layout(pdf, "Narayanan", closing="31(5)")


# --- Which language ------------------------------------------------------------------------------

def _signed_notice(case, kind, language):
    from notices.models import Notice, NoticeKind, NoticeLanguage
    from portal.extensions import db
    from portal.types import utcnow

    notice = Notice(case=case, kind=NoticeKind(kind), language=NoticeLanguage(language), pay_within_days=15,
                    facts_version=1, verification_code=f"LANG{kind[:3]}{language}".upper()[:16],
                    signed_at=utcnow(), created_by_id=case.created_by_id)
    db.session.add(notice)
    db.session.flush()
    return notice


def test_the_respondents_recorded_language_decides_and_english_without_one(db_session):
    from arbitration.proceedings.language import proceedings_language
    from arbitration.settlement.pdf import bilingual
    from evidence import bundle_language
    from notices import debtor_language
    from tests.factories import CaseFactory

    case = CaseFactory()
    assert proceedings_language(case) == "en" and not bilingual(case) and bundle_language(case) == "en"
    _signed_notice(case, "commercial_demand", "hi")
    assert debtor_language(case) == "hi" and proceedings_language(case) == "hi"
    assert bilingual(case) and bundle_language(case) == "hi"
    # The s.21 request is English-only: signing it later records nothing about the debtor's language.
    _signed_notice(case, "arbitration_invocation", "en")
    assert proceedings_language(case) == "hi"


def test_a_hindi_respondent_gets_a_hindi_receipt_and_award(db_session, monkeypatch):
    """The product's own renderers pick the Hindi template from the case (not from the caller)."""
    import arbitration.awards.making as making
    from tests.factories import CaseFactory

    case = CaseFactory()
    _signed_notice(case, "commercial_demand", "hi")
    used = []
    monkeypatch.setattr(making, "render_pdf", lambda template, **_c: used.append(template) or b"")
    award = Facts(case=case, reasons="1. Reasons.", settlement_id=None, drafted_by=ARBITRATOR)
    making.render(award)
    assert used == ["pdf/award.hi.html"]


def test_the_delivery_proof_follows_the_language_of_what_it_certifies():
    from notices.models import Notice, NoticeLanguage
    from notices.serving.documents import ServedDocument
    from notices.serving.proof import language_of

    assert language_of(Notice(language=NoticeLanguage.HINDI)) == "hi"
    assert language_of(Notice(language=NoticeLanguage.ENGLISH)) == "en"
    assert language_of(ServedDocument(language="hi")) == "hi"
    assert language_of(ServedDocument(language="en")) == "en"


def test_the_bundle_of_a_case_whose_notice_is_in_hindi_carries_the_hindi_certificate(db_session, app):
    import zipfile

    from evidence import build_bundle
    from tests.factories import CaseFactory, UserFactory

    case = CaseFactory()
    _signed_notice(case, "msmed_demand", "hi")
    with app.test_request_context(), build_bundle(UserFactory(), case) as spooled, zipfile.ZipFile(spooled) as zf:
        pdf = zf.read("certificate-s63.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "पृष्ठ" in text and "63(4)(c)" in text and case.reference in text and "Part A" not in text
