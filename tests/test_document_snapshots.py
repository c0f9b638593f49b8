"""The text of the documents Sulah issues besides the notices (tests/notices/test_notice_snapshots.py):
the arbitral award (reasoned, and on agreed terms), a procedural order, a payment receipt and the
settlement agreement (draft, and signed with its acceptance page), rendered from fixed facts through
the same templates and functions the product uses, and compared with tests/snapshots/pdf/*.txt, so a
wording change shows in review. The documents a Hindi reader receives (the award, a procedural order,
the receipt, the settlement agreement, the delivery proof and the s.63 certificate) have a Hindi
snapshot beside the English (tests/test_hindi_documents.py chooses the language and checks the
printed layout). SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as Facts

import pytest
from flask import render_template

from notices.drafting.rendering import html_to_text
from portal.types import IST

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "pdf"
ISSUED = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)           # 12:00 IST
CREDITOR = Facts(legal_name="Kaveri Looms Private Limited", gstin="33AAACK1234F1Z5",
                 address="14 Mill Road, Erode 638001")
DEBTOR = Facts(legal_name="Narmada Garments LLP", gstin="29AAAFN9876K1Z2",
               postal_address="22 Residency Road, Bengaluru 560025")
CASE = Facts(reference="SUL-2026-000042", creditor=CREDITOR, debtor=DEBTOR)
ARBITRATOR = Facts(name="Adv. Leela Narayanan")


def same_as_stored(name: str, html: str) -> str:
    text = html_to_text(html) + "\n"
    path = SNAPSHOTS / name
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert "340,000.00" not in text                 # Indian grouping only
    return text


@pytest.fixture(autouse=True)
def ctx(app):
    with app.test_request_context():
        yield


def _award(consent: bool):
    from arbitration.awards.models import CostsBorneBy, PostInterestBasis

    return Facts(claimant=CREDITOR.legal_name, respondent=DEBTOR.legal_name, consent=consent,
                 award_date=date(2026, 11, 20), seat="Erode, Tamil Nadu",
                 agreement="Clause 14 of the supply agreement dated 2 January 2026 refers disputes to a sole "
                           "arbitrator under the rules of the Sulah platform.",
                 principal=Decimal("340000.00"), pre_rate=Decimal("18"), pre_amount=Decimal("45610.96"),
                 pre_from=date(2026, 1, 28), pre_to=date(2026, 11, 20), costs=Decimal("25000.00"),
                 costs_borne_by=CostsBorneBy.RESPONDENT, total=Decimal("410610.96"), post_rate=Decimal("9.50"),
                 post_basis=PostInterestBasis.STATUTORY, post_current_rate=Decimal("7.50"))


@pytest.mark.parametrize("consent", [False, True], ids=["reasoned", "agreed-terms"])
def test_the_award_matches_its_snapshot(consent):
    paragraphs = ["1. The claimant supplied yarn under invoice KL/118, which the respondent accepted.",
                  "The respondent filed no defence within the time fixed, and the tribunal proceeded under "
                  "section 25(b)."]
    html = render_template("pdf/award.html", award=_award(consent), case=CASE, arbitrator=ARBITRATOR,
                           paragraphs=paragraphs, settlement=None)
    text = same_as_stored(f"award.{'agreed_terms' if consent else 'reasoned'}.en.txt", html)
    assert "₹3,40,000.00" in text and "Sole arbitrator" in text
    if not consent:
        assert "1. The claimant supplied" in text and "1. 1." not in text     # numbered once


def test_the_procedural_order_matches_its_snapshot():
    from arbitration.proceedings.procedural_orders import render

    captured = {}
    import arbitration.proceedings.procedural_orders as orders

    def keep(template, **context):
        captured["html"] = render_template(template, **context)
        return b""
    original, orders.render_pdf = orders.render_pdf, keep
    try:
        render(CASE, ARBITRATOR, 2, "1. The respondent shall file its defence by 5 December 2026.\n\n"
               "2. The hearing is fixed online on 12 December 2026 at 11:00 IST.", ISSUED)
    finally:
        orders.render_pdf = original
    text = same_as_stored("procedural_order.en.txt", captured["html"])
    assert "1. 1." not in text and "2. 2." not in text


def test_the_receipt_matches_its_snapshot():
    from portal.cases.models import PaymentMethod, PaymentSource
    from portal.payments import receipts

    payment = Facts(amount=Decimal("100000.00"), paid_on=date(2026, 11, 19), reference="UTR 512345678901",
                    gateway_ref=None, method=PaymentMethod.UPI, source=PaymentSource.DEBTOR_REPORT)
    after = Facts(as_of=date(2026, 11, 20), settled=False, instalment=None, interest_runs=True)
    receipt = Facts(number="SUL-2026-000042-R001", issued_at=ISSUED)
    captured = {}

    def keep(template, **context):
        captured["html"] = render_template(template, **context)
        return b""
    import portal.pdf

    original, portal.pdf.render_pdf = portal.pdf.render_pdf, keep
    try:
        receipts.render(receipt, CASE, payment, Decimal("248229.46"), after)
    finally:
        portal.pdf.render_pdf = original
    text = same_as_stored("receipt.en.txt", captured["html"])
    assert "₹1,00,000.00" in text and "₹2,48,229.46" in text


def settlement_html(signed: bool, *, bilingual: bool = False) -> str:
    """The agreement on fixed terms, draft or signed; `bilingual` adds its Hindi text (the test of
    that is in tests/test_hindi_documents.py)."""
    from arbitration.settlement import pdf as settlement_pdf
    from arbitration.settlement.models import SignerSide, SignMethod
    from arbitration.settlement.terms import Instalment, SettlementTerms

    terms = SettlementTerms.from_json(SettlementTerms(total=Decimal("340000.00"), instalments=(
        Instalment(date(2026, 12, 15), Decimal("170000.00")),
        Instalment(date(2027, 1, 15), Decimal("170000.00")))).to_json())
    signatures = [Facts(party_name=DEBTOR.legal_name, signer_name="Ravi Shah", side=SignerSide.DEBTOR,
                        method=SignMethod.OTP_ACCEPTANCE, detail="r•••@narmada.example", at=ISSUED,
                        ip="203.0.113.9", document_sha256="a" * 64),
                  Facts(party_name=CREDITOR.legal_name, signer_name="Meera Kulkarni", side=SignerSide.CREDITOR,
                        method=SignMethod.DSC, detail="Demo CA", at=ISSUED, ip="198.51.100.4",
                        document_sha256="a" * 64)] if signed else []
    case = Facts(**vars(CASE), status=None, neutral=None)
    basis = settlement_pdf.basis_for(case, neutral_required=False)
    return render_template("pdf/settlement.html", case=case, terms=terms, version=1, basis=basis,
                           clauses=settlement_pdf.consequence(case, basis, 7), neutral=None,
                           signatures=signatures, unsigned_sha256="a" * 64, otp_wording=settlement_pdf.OTP_WORDING,
                           seal_demo=False, generated_ist=datetime(2026, 11, 20, 12, 0, tzinfo=IST),
                           **settlement_pdf.hindi_text(case, basis, bilingual))


@pytest.mark.parametrize("signed", [False, True], ids=["draft", "signed"])
def test_the_settlement_agreement_matches_its_snapshot(signed):
    html = settlement_html(signed)
    text = same_as_stored(f"settlement.{'signed' if signed else 'draft'}.en.txt", html)
    assert "3,40,000.00" in text
    if signed:
        assert "Ravi Shah" in text and "Meera Kulkarni" in text            # every signatory named


def _bundle_context():
    from evidence.models import DocumentKind

    uploader = Facts(name="Meera Kulkarni")
    docs = [Facts(filename="KL-118.pdf", description="Invoice KL/118", kind=DocumentKind.INVOICE,
                  sha256="b" * 64, size=48213, uploaded_at=ISSUED, uploaded_by=uploader),
            Facts(filename="lr-2211.jpg", description="Lorry receipt for the delivery",
                  kind=DocumentKind.DELIVERY_PROOF, sha256="c" * 64, size=912004, uploaded_at=ISSUED,
                  uploaded_by=uploader)]
    rows = [{"n": n, "doc": d, "path": f"documents/{n:02d}-{d.filename}"} for n, d in enumerate(docs, 1)]
    return {"case": CASE, "rows": rows, "actor": uploader, "generated_at": ISSUED,
            "generated_ist": datetime(2026, 11, 20, 12, 0, tzinfo=IST),
            "system": "the Sulah platform's evidence store (PostgreSQL and file storage on its servers)"}


@pytest.mark.parametrize("document", ["bundle_index", "certificate_s63"])
def test_the_case_bundle_documents_match_their_snapshots(document):
    text = same_as_stored(f"{document}.en.txt", render_template(f"pdf/{document}.html", **_bundle_context()))
    assert "b" * 64 in text and "documents/02-lr-2211.jpg" in text


def test_the_mandate_matches_its_snapshot():
    org = Facts(legal_name=CREDITOR.legal_name, address=CREDITOR.address, gstin=CREDITOR.gstin,
                udyam_number="UDYAM-TN-10-0012345")
    profile = Facts(enrolment_number="TN/1234/2015", bar_council_state="Tamil Nadu and Puducherry",
                    office_address="3 High Court Road, Chennai 600104")
    html = render_template("pdf/mandate.html", org=org, advocate=Facts(name="Adv. Kavya Menon"), profile=profile,
                           acceptor=Facts(name="Meera Kulkarni", email="owner@kaveri.example"), accepted_at=ISSUED,
                           method="one-time code from an authenticator app", ip="198.51.100.4", number=7, seal_demo=False)
    text = same_as_stored("mandate.en.txt", html)
    assert "Adv. Kavya Menon" in text and "Meera Kulkarni" in text


@pytest.mark.parametrize("final", [False, True], ids=["proposed", "accepted"])
def test_the_submission_agreement_matches_its_snapshot(final):
    invoices = [Facts(number="KL/118", invoice_date=date(2026, 1, 10), total=Decimal("340000.00"))]
    case = Facts(**vars(CASE), invoices=invoices)
    basis = Facts(seat="Erode, Tamil Nadu", agreement_sha256="d" * 64,
                  creditor_acceptance="one-time code to o•••@kaveri.example" if final else None,
                  creditor_accepted_at=ISSUED if final else None,
                  debtor_acceptance="one-time code to r•••@narmada.example" if final else None,
                  debtor_accepted_at=ISSUED if final else None)
    html = render_template("pdf/submission_agreement.html", case=case, basis=basis, final=final, demo_seal=False)
    text = same_as_stored(f"submission_agreement.{'accepted' if final else 'proposed'}.en.txt", html)
    assert "KL/118" in text and "Erode, Tamil Nadu" in text


def delivery_proof_context() -> dict:
    """The facts of a served notice's certificate (tests/test_hindi_documents.py prints them in Hindi)."""
    from notices.serving.models import ChannelKind, EventKind
    from notices.serving.receipt import State
    from notices.serving.states import DispatchStatus
    from portal.types import IST

    notice = Facts(advocate=Facts(name="Adv. Kavya Menon"), signed_at=ISSUED, signed_pdf_sha256="e" * 64,
                   verification_code="ABCD234567")
    case = Facts(**vars(CASE))
    case.debtor = Facts(**vars(DEBTOR), place_of_business="Bengaluru, Karnataka")
    mail = Facts(id=31, address="accounts@narmada.example", channel=ChannelKind.EMAIL, designated=True,
                 provider="smtp", provider_message_id="<notice.k@sulah.example>", status=DispatchStatus.SENT)
    events = [Facts(kind=EventKind.DISPATCHED, occurred_at=ISSUED, dispatch_id=31, source="smtp",
                    provider_ref="250 2.0.0 Ok: queued as 4F2A", detail="", payload_sha256="f" * 64, time_known=True),
              Facts(kind=EventKind.VIEWED, occurred_at=datetime(2026, 11, 20, 9, 45, tzinfo=UTC), dispatch_id=31,
                    source="debtor_link", provider_ref="", detail="Opened after the one-time code.",
                    payload_sha256="0" * 64, time_known=True)]
    receipt = Facts(state=State.RECEIVED, time_known=True, at=datetime(2026, 11, 20, 9, 45, tzinfo=UTC),
                    day=date(2026, 11, 20), how="the debtor opened the notice through the personal link",
                    how_hi="देनदार ने अपनी व्यक्तिगत लिंक से नोटिस खोला", evidence=Facts(source="debtor_link"),
                    failed=())
    part_a = Facts(name="Sulah Technologies Private Limited", address="5 Residency Road, Bengaluru 560025",
                   signatory="Anita Rao", designation="Director", place="Bengaluru",
                   system="the Sulah platform's mail relay and event store")
    return {"notice": notice, "case": case, "version": 1, "dispatches": [mail], "events": events,
            "generated_ist": datetime(2026, 11, 21, 12, 0, tzinfo=IST), "part_a": part_a, "receipt": receipt,
            "part_b": [], "place_of_receipt": "Bengaluru, Karnataka"}


def test_the_delivery_proof_certificate_matches_its_snapshot():
    text = same_as_stored("delivery_proof.en.txt", render_template("pdf/delivery_proof.html",
                                                                   **delivery_proof_context()))
    assert "accounts@narmada.example" in text and "Received on 20 Nov 2026 at 15:15:00 IST" in text


def test_the_postal_pack_matches_its_snapshot():
    from notices.serving.postal import PostalService, Sender
    from portal.types import IST

    notice = Facts(advocate=Facts(name="Adv. Kavya Menon"), signed_at=ISSUED, signed_pdf_sha256="e" * 64,
                   verification_code="ABCD234567")
    sender = Sender(name="Adv. Kavya Menon", on_behalf_of=CREDITOR.legal_name, address=CREDITOR.address,
                    return_address="3 High Court Road, Chennai 600104")
    html = render_template("pdf/post_pack.html", dispatch=Facts(id=32), notice=notice, case=CASE, debtor=DEBTOR,
                           sender=sender, posting=Facts(article_number="RK123456789IN", booked_on=date(2026, 11, 21)),
                           service=PostalService.REGISTERED, generated=datetime(2026, 11, 21, 12, 0, tzinfo=IST))
    text = same_as_stored("post_pack.en.txt", html)
    assert "REGISTERED POST A.D." in text and "RK123456789IN" in text


def test_the_statement_of_account_matches_its_snapshot():
    rows = [Facts(number="KL/118", case_reference="SUL-2026-000041", invoice_date=date(2026, 1, 10), due_date=date(2026, 2, 24),
                  total=Decimal("340000.00"), outstanding=Decimal("240000.00"), disputed=False),
            Facts(number="KL/131", case_reference="SUL-2026-000042", invoice_date=date(2026, 2, 5),
                  due_date=date(2026, 3, 22), total=Decimal("59000.00"), outstanding=Decimal("59000.00"),
                  disputed=True)]
    html = render_template("receivables/statement_pdf.html", rows=rows, issued_ist=datetime(2026, 11, 21, 12, 0),
                           party=DEBTOR, creditor=CREDITOR, total=Decimal("299000.00"))
    text = same_as_stored("statement_of_account.en.txt", html)
    assert "₹2,99,000.00" in text or "2,99,000.00" in text
