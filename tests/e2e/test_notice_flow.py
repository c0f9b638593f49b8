"""In Chromium: a creditor drafts and submits a legal notice, the advocate returns it with a comment, the
creditor corrects the facts and resubmits, the advocate approves with a fresh TOTP code and signs; the
signed PDF validates with pyHanko, and the public verify page confirms it and refuses a tampered copy."""
from __future__ import annotations

import hashlib
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.pades import load_signer
from portal.cases import intake
from portal.cases import services as cases
from portal.cases.facts import CaseFacts, DebtorFacts, InvoiceFacts
from portal.cases.intake import today_ist
from portal.cases.models import ClaimType
from portal.cases.transitions import fire
from portal.extensions import db
from tests import factories
from tests.e2e.test_settlement_flow import code_for

pytestmark = pytest.mark.browser

ADVOCATE_NAME = "Adv. Nandini Rao"
DSC_PASSPHRASE = "nandini-dsc-2026"
COMMENT = "Record the part payment of Rs 20,000 they made by NEFT before this goes out."


@dataclass
class Parties:
    creditor_email: str
    advocate_email: str
    totp_secret: str
    reference: str


@pytest.fixture
def parties(live_server) -> Parties:
    """A micro enterprise with a filed MSMED claim, and the advocate it engaged assigned to the case.

    The mandate and the signing certificate are left for the browser: they have pages of their own."""
    today = today_ist()
    with live_server.app_context():
        creditor = factories.CreditorFactory(email="owner@tapti-weaves.example", name="Sunita Patel",
                                             organization__legal_name="Tapti Weaves Private Limited")
        advocate = factories.AdvocateFactory(email="nandini@rao-chambers.example", name=ADVOCATE_NAME)
        factories.EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
        case = intake.create_case(creditor, CaseFacts(
            debtor=DebtorFacts(legal_name="Narmada Apparel LLP", postal_address="9 Ring Road, Surat 395002",
                               emails=["accounts@narmada-apparel.example"]),
            invoices=[InvoiceFacts(number="TW/26/0042", invoice_date=today - timedelta(days=120),
                                   acceptance_date=today - timedelta(days=118), credit_days=30,
                                   taxable_value=Decimal("150000.00"), gst_amount=Decimal("7500.00"))],
            claim_type=ClaimType.MSMED_INVOICE, has_written_agreement=True,
            agreement_date=today - timedelta(days=150), agreed_credit_days=30,
            summary="Shirting fabric delivered against PO NA/PO/118; unpaid."))
        cases.assign_advocate(creditor, case, advocate)
        fire(case, "file", creditor)
        db.session.commit()
        return Parties(creditor.email, advocate.email, advocate.totp_secret, case.reference)


def log_in(page: Page, email: str, *, totp_secret: str | None = None) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if totp_secret:
        expect(page).to_have_url(re.compile(r"/login/2fa"))
        page.get_by_label("Authentication code or recovery code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def open_from_review_queue(page: Page, reference: str) -> None:
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Legal notice for {reference}")


def validate_signature(pdf: bytes, pkcs12: bytes):
    """pyHanko's validation calls asyncio.run(), which cannot run on the thread where Playwright's
    sync API keeps its own event loop: validate on a worker thread."""
    def validate():
        signer, _ = load_signer(pkcs12, DSC_PASSPHRASE.encode())
        sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
        return validate_pdf_signature(sig, ValidationContext(trust_roots=[signer.signing_cert]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate).result()


def check_on_verify_page(page: Page, pdf: bytes) -> None:
    page.get_by_label("The PDF you received").set_input_files(
        files=[{"name": "notice.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    page.get_by_role("button", name="Check this PDF").click()


def test_notice_is_drafted_reviewed_approved_signed_and_verified(open_page, live_server, parties):
    ref = parties.reference
    creditor = open_page()
    log_in(creditor, parties.creditor_email)

    # The organisation's administrator accepts the mandate to send notices with a code by e-mail;
    # the advocate countersigns it below, once its DSC is installed.
    creditor.get_by_role("link", name="Team").click()
    creditor.get_by_role("button", name=f"E-mail me a code to accept the mandate for {ADVOCATE_NAME}").click()
    expect(creditor.get_by_role("status")).to_contain_text("Enter it to accept the mandate.")
    code = code_for(live_server, parties.creditor_email, "accept the mandate")
    creditor.get_by_label(f"Code from the e-mail to accept the mandate for {ADVOCATE_NAME}").fill(code)
    creditor.get_by_role("button", name=f"Accept the mandate for {ADVOCATE_NAME} to send notices").click()
    expect(creditor.get_by_role("status")).to_contain_text("Mandate accepted and sealed.")

    # Draft from the case page, preview the PDF, submit.
    creditor.goto("/cases/")
    creditor.get_by_role("link", name=ref).click()
    creditor.get_by_role("link", name="Draft the legal notice").click()
    creditor.get_by_label("Language", exact=True).select_option(label="English")
    creditor.get_by_label("Days given to pay").fill("15")
    creditor.get_by_role("button", name="Prepare the draft").click()
    expect(creditor.get_by_role("status")).to_contain_text("Draft notice prepared")
    expect(creditor.locator("#notice-status")).to_have_text("drafting")
    expect(creditor.locator("pre.notice-text")).to_contain_text("TW/26/0042")
    preview = creditor.get_by_role("link", name="Preview the PDF (version 1)").get_attribute("href")
    response = creditor.request.get(preview)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.get_by_role("status")).to_have_text("Submitted to your advocate for review.")
    expect(creditor.locator("#notice-status")).to_have_text("in review")
    notice_url = creditor.url

    # The advocate (password + TOTP) installs a DSC, finds the notice in the queue, returns it.
    advocate = open_page()
    log_in(advocate, parties.advocate_email, totp_secret=parties.totp_secret)
    pkcs12 = make_demo_pkcs12(ADVOCATE_NAME, DSC_PASSPHRASE.encode())
    advocate.get_by_role("link", name="Signing certificate").click()
    advocate.get_by_label("Your DSC exported as PKCS#12 (.p12 or .pfx)").set_input_files(
        files=[{"name": "nandini.p12", "mimeType": "application/x-pkcs12", "buffer": pkcs12}])
    advocate.get_by_label("Its passphrase").fill(DSC_PASSPHRASE)
    advocate.get_by_role("button", name="Store the certificate").click()
    expect(advocate.get_by_role("status")).to_contain_text(
        re.compile(rf"^Certificate for .*CN={ADVOCATE_NAME} stored"))
    advocate.get_by_role("link", name="Mandates").click()
    advocate.get_by_role("button", name="Sign the mandate of Tapti Weaves Private Limited").click()
    expect(advocate.get_by_role("status")).to_contain_text("it is now in force")
    open_from_review_queue(advocate, ref)
    advocate.get_by_label("What should change").fill(COMMENT)
    advocate.get_by_role("button", name="Return with comments").click()
    expect(advocate.get_by_role("status")).to_have_text("Returned to the creditor with your comments.")
    expect(advocate.locator("#notice-status")).to_have_text("changes requested")

    # The creditor reads the comment, records the payment in the case facts, redrafts, resubmits.
    creditor.goto(notice_url)
    expect(creditor.locator("section[aria-labelledby=comments-h]")).to_contain_text(COMMENT)
    creditor.get_by_role("heading", level=1).get_by_role("link", name=ref).click()
    creditor.get_by_role("link", name="Edit the facts").click()
    payment = creditor.get_by_role("group", name="Payment 1")
    payment.get_by_label("Amount received (₹)").fill("20000")
    payment.get_by_label("Received on").fill((today_ist() - timedelta(days=30)).isoformat())
    creditor.get_by_role("button", name="Save changes").click()
    expect(creditor.get_by_role("status")).to_have_text("Saved. This is version 2 of the case facts.")
    creditor.get_by_role("link", name=re.compile(r"^Notice [A-Z0-9]{10}$")).click()
    creditor.get_by_role("button", name="Redraft from the current case facts").click()
    expect(creditor.get_by_role("status")).to_have_text("A new version was drafted.")
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.locator("#notice-status")).to_have_text("in review")

    # The advocate sees what changed, approves with a fresh code, and signs.
    open_from_review_queue(advocate, ref)
    expect(advocate.get_by_role("heading", name="Changes from version 1 to 2")).to_be_visible()
    expect(advocate.locator("pre.diff .diff-add").first).to_be_visible()
    expect(advocate.locator("pre.diff")).to_contain_text("part payments")
    # The login spent this time-step's code; the next step's code is fresh and within the drift allowed.
    advocate.get_by_label("Authentication code from your app").fill(
        pyotp.TOTP(parties.totp_secret).at(time.time() + 30))
    advocate.get_by_role("button", name="Approve this version").click()
    expect(advocate.get_by_role("status")).to_have_text(
        "Approved. The notice is ready for your signature.")
    advocate.get_by_role("button", name="Sign with my digital signature certificate").click()
    expect(advocate.get_by_role("status")).to_contain_text("Signed with your digital signature certificate")
    expect(advocate.locator("#notice-status")).to_have_text("signed")
    code = advocate.locator("dl.facts code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{10}", code)
    with advocate.expect_download() as download:
        advocate.get_by_role("link", name="Download the signed PDF").click()
    signed = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == f"notice-{ref}.pdf"

    status = validate_signature(signed, pkcs12)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == ADVOCATE_NAME

    # Anyone holding the notice, signed out, looks its code up and checks their copy.
    visitor = open_page()
    visitor.goto("/verify")
    visitor.get_by_label("Verification code").fill(code.lower())
    visitor.get_by_role("button", name="Look it up").click()
    expect(visitor).to_have_url(re.compile(rf"/verify/{code}$"))
    record = visitor.locator("dl.facts")
    expect(record).to_contain_text("Tapti Weaves Private Limited")
    expect(record).to_contain_text("Narmada Apparel LLP")
    expect(record).to_contain_text(f"{ADVOCATE_NAME}, advocate")
    expect(record.locator("code.hash")).to_have_text(hashlib.sha256(signed).hexdigest())
    check_on_verify_page(visitor, signed)
    expect(visitor.locator("#verify-result")).to_have_text(
        "The PDF you uploaded is exactly the signed legal notice of record.")

    tampered = bytearray(signed)
    at = signed.index(b"/Contents", 200) - 50  # inside the signed byte range
    tampered[at] ^= 0x01
    assert not validate_signature(bytes(tampered), pkcs12).intact
    check_on_verify_page(visitor, bytes(tampered))
    expect(visitor.get_by_role("alert")).to_contain_text("does NOT match the signed legal notice of record")
