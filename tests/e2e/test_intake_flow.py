"""In Chromium: a creditor files a claim with three invoices and a part payment through the guided
form, uploads two evidence files, and the case page shows the amount due line by line and each
invoice's limitation date."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from portal.accounts import services as accounts
from portal.accounts.models import EnterpriseCategory
from portal.database import commit
from tests.pdfs import PDF

pytestmark = pytest.mark.browser

PASSWORD = "Kaveri-Looms-2026"


@pytest.fixture
def msme_creditor(live_server):
    with live_server.app_context():
        email = "owner@intake-e2e.example"
        if accounts.find_user_by_email(email) is None:
            accounts.sign_up(
                accounts.OrgDetails(legal_name="Intake Textiles LLP", address="Surat 395003",
                                    udyam_number="UDYAM-GJ-22-0001234",
                                    udyam_registered_on=date(2020, 6, 1),
                                    enterprise_category=EnterpriseCategory.MICRO),
                accounts.PersonDetails(name="Ravi Shah", email=email, password=PASSWORD))
            commit()
    return email


def fill_invoice(page: Page, n: int, number: str, day: str, delivered: str, taxable: str, gst: str):
    block = page.get_by_role("group", name=f"Invoice {n + 1}")
    block.get_by_label("Invoice number").fill(number)
    block.get_by_label("Invoice date").fill(day)
    block.get_by_label("Delivery / acceptance date").fill(delivered)
    block.get_by_label("Taxable value (₹)").fill(taxable)
    block.get_by_label("GST (₹)").fill(gst)


def test_creditor_files_a_claim_and_sees_amount_due_and_limitation(open_page, live_server, msme_creditor):
    page = open_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(msme_creditor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="New claim", exact=True).click()

    page.get_by_label("Debtor's legal name").fill("Shree Garments LLP")
    page.get_by_label("Debtor's GSTIN").fill("27aapfu0939f1zv")
    page.get_by_label("Debtor's e-mail addresses (one per line)").fill("ap@shree.example")
    page.get_by_label("Debtor's mobile numbers (one per line)").fill("98765 43210")
    page.get_by_label(re.compile("under the MSMED Act")).check()
    page.get_by_label("There is a written agreement or purchase order").check()
    page.get_by_label("Agreement / PO date").fill("2025-12-01")
    page.get_by_label("Agreed credit period (days)").fill("30")
    fill_invoice(page, 0, "IT/001", "2026-01-05", "2026-01-07", "100000", "5000")
    fill_invoice(page, 1, "IT/002", "2026-02-05", "2026-02-07", "50000", "2500")
    fill_invoice(page, 2, "IT/003", "2026-03-05", "2026-03-07", "20000", "1000")
    payment = page.get_by_role("group", name="Payment 1")
    payment.get_by_label("Amount received (₹)").fill("25000")
    payment.get_by_label("Received on").fill("2026-04-01")
    page.get_by_role("button", name="Save the claim").click()

    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    expect(page.locator("h1")).to_contain_text(re.compile(r"SUL-\d{4}-\d{6}"))
    computation = page.locator("section.computation")
    expect(computation).to_contain_text("Total due")
    expect(computation).to_contain_text("Month 1:")
    expect(computation).to_contain_text("Invoice IT/003")
    expect(page.locator("section[aria-labelledby=inv-h]")).to_contain_text("Until")
    expect(page.get_by_text("₹1,78,500.00").first).to_be_visible()  # principal invoiced

    case_url = page.url
    page.get_by_role("link", name="Evidence documents").click()
    for name, kind, payload in [
            ("IT-001 invoice.pdf", "Invoice", PDF),
            ("ledger.csv", "Ledger", b"date,invoice,amount\n2026-01-05,IT/001,105000\n")]:
        page.get_by_label("File", exact=True).set_input_files(
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": payload}])
        page.get_by_label("What is it").select_option(label=kind)
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("status")).to_contain_text("Stored")
    expect(page.locator("#documents tbody tr")).to_have_count(2)
    expect(page.locator("#documents")).to_contain_text("ledger.csv")

    page.goto(case_url)
    page.get_by_role("button", name="File the claim").click()
    expect(page.get_by_role("status")).to_contain_text("The case is now filed")


def test_bad_gstin_is_explained_in_the_browser(open_page, live_server, msme_creditor):
    page = open_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(msme_creditor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/cases/new")
    page.get_by_label("Debtor's legal name").fill("Bad Gstin Co")
    page.get_by_label("Debtor's GSTIN").fill("27AAPFU0939F1ZX")
    page.get_by_role("button", name="Save the claim").click()
    expect(page.locator("#gstin-error")).to_contain_text("check character")
