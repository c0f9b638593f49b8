"""In Chromium, from an empty database and through the screens only (no seed, factory or service
call): a creditor signs up, invites an advocate from the Team page, the advocate joins through the
e-mailed link and sets up two-factor authentication, the creditor files a claim with an invoice
and assigns the advocate on the case page, and the advocate, told by e-mail, logs in and finds the
case in their list. Then the advocate declines it with a reason and the creditor sees why."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "Godavari-Spices-2026"
CREDITOR_EMAIL = "anjali@tungabhadra-agro.example"
ADVOCATE_EMAIL = "adv.menon@menon-chambers.example"
ADVOCATE = "Adv. Arjun Menon"


def log_in(page: Page, email: str, second_factor: str | None = None) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if second_factor:
        expect(page).to_have_url(re.compile(r"/login/2fa"))
        page.get_by_label("Authentication code or recovery code").fill(second_factor)
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def open_mail(page: Page, to: str, subject: str) -> None:
    """Open the newest message to `to` whose subject matches, on the dev outbox page."""
    page.get_by_role("link", name="Dev outbox").click()
    page.locator("#outbox tbody tr", has_text=to).filter(has_text=subject).first.get_by_role("link").click()


def test_creditor_engages_and_assigns_an_advocate_who_finds_then_declines_the_case(open_page, live_server):
    # The creditor registers its business.
    creditor = open_page()
    creditor.goto("/signup")
    creditor.get_by_label("Business legal name").fill("Tungabhadra Agro Foods LLP")
    creditor.get_by_label("Registered address").fill("14 APMC Yard, Hubballi 580029")
    creditor.get_by_label("Your full name").fill("Anjali Desai")
    creditor.get_by_label("Work e-mail").fill(CREDITOR_EMAIL)
    creditor.get_by_label("Mobile number").fill("98450 12345")
    creditor.get_by_label("Password", exact=True).fill(PASSWORD)
    creditor.get_by_label("Repeat the password").fill(PASSWORD)
    creditor.get_by_role("button", name="Create account").click()
    expect(creditor).to_have_url(re.compile(r"/dashboard$"))

    # Before any advocate is engaged, the claim form says where to get one.
    creditor.goto("/cases/new")
    expect(creditor.locator("main")).to_contain_text("has not engaged an advocate yet")

    # It invites its advocate from the Team page; the advocate joins through the e-mailed link.
    creditor.goto("/team")
    creditor.get_by_label("E-mail").fill(ADVOCATE_EMAIL)
    creditor.get_by_label("Invite as").select_option(label="Advocate (independent counsel)")
    creditor.get_by_role("button", name="Send invitation").click()
    expect(creditor.get_by_role("status")).to_have_text(f"Invitation sent to {ADVOCATE_EMAIL}.")
    open_mail(creditor, ADVOCATE_EMAIL, "invites you to Sulah")
    link = creditor.locator("#mail-body a[href*='/invitations/']").get_attribute("href")
    assert link and link.startswith(f"{live_server.url}/invitations/")

    advocate = open_page()
    advocate.goto(link)
    advocate.get_by_label("Your full name").fill(ADVOCATE)
    advocate.get_by_label("Bar Council enrolment number").fill("KAR/1234/2012")
    advocate.get_by_label("State Bar Council").fill("Karnataka")
    advocate.get_by_label("Password", exact=True).fill(PASSWORD)
    advocate.get_by_label("Repeat the password").fill(PASSWORD)
    advocate.get_by_role("button", name="Create my account").click()
    expect(advocate).to_have_url(re.compile(r"/account/2fa$"))
    secret = advocate.locator("#totp-secret").inner_text().strip()
    advocate.get_by_label("6-digit code from your app").fill(pyotp.TOTP(secret).now())
    advocate.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is on")
    recovery_codes = advocate.locator("#recovery-codes li").all_inner_texts()
    advocate.get_by_role("link", name="Continue").click()
    expect(advocate).to_have_url(re.compile(r"/dashboard$"))

    creditor.goto("/team")
    expect(creditor.locator("main")).to_contain_text(ADVOCATE)

    # The creditor files a claim with one invoice. The form offers the only engaged advocate by
    # default; here the creditor leaves it for later, to assign on the case page.
    creditor.get_by_role("link", name="New claim", exact=True).click()
    choice = creditor.get_by_label("Advocate for this claim")
    expect(choice.locator("option:checked")).to_have_text(f"{ADVOCATE} ({ADVOCATE_EMAIL})")
    creditor.get_by_label("Debtor's legal name").fill("Malaprabha Traders")
    creditor.get_by_label("Debtor's e-mail addresses (one per line)").fill("accounts@malaprabha.example")
    invoice = creditor.get_by_role("group", name="Invoice 1")
    invoice.get_by_label("Invoice number").fill("TAF/25-26/0311")
    invoice.get_by_label("Invoice date").fill("2026-01-12")
    invoice.get_by_label("Taxable value (₹)").fill("84000")
    invoice.get_by_label("GST (₹)").fill("4200")
    choice.select_option(label="None for now: assign one later")
    creditor.get_by_role("button", name="Save the claim").click()
    expect(creditor.get_by_role("status")).to_contain_text("saved as a draft")
    reference = re.search(r"SUL-\d{4}-\d{6}", creditor.locator("h1").inner_text()).group(0)
    expect(creditor.locator("#case-advocate")).to_have_text("Not assigned")

    # On the case page: assign the advocate, then file the claim.
    creditor.get_by_label("Advocate", exact=True).select_option(label=f"{ADVOCATE} ({ADVOCATE_EMAIL})")
    creditor.get_by_role("button", name="Assign advocate").click()
    expect(creditor.get_by_role("status")).to_have_text(
        f"{ADVOCATE} is now the advocate of {reference} and has been e-mailed.")
    expect(creditor.locator("#case-advocate")).to_have_text(ADVOCATE)
    creditor.get_by_role("button", name="File the claim").click()
    expect(creditor.get_by_role("status")).to_contain_text("The case is now filed")

    # The advocate is told by e-mail ...
    open_mail(creditor, ADVOCATE_EMAIL, f"assigned you {reference}")
    expect(creditor.locator("#mail-body")).to_contain_text(f"Tungabhadra Agro Foods LLP assigned you {reference}, "
                                                           "its claim against Malaprabha Traders")

    # ... logs in (second factor: a recovery code) and finds the case in their list.
    log_out(advocate)
    log_in(advocate, ADVOCATE_EMAIL, second_factor=recovery_codes[0])
    advocate.goto("/cases/")
    row = advocate.locator("table.cases tbody tr", has_text=reference)
    expect(row).to_contain_text("Malaprabha Traders")
    expect(row).to_contain_text(ADVOCATE)
    row.get_by_role("link", name=reference).click()
    expect(advocate.get_by_role("heading", level=1)).to_contain_text(reference)

    # The advocate declines, confirming with a reason; the creditor sees it and can reassign.
    advocate.get_by_role("link", name="Decline this case").click()
    advocate.get_by_role("button", name="Decline the case").click()
    expect(advocate.locator("#reason-error")).to_contain_text("Give your reason for declining")
    advocate.get_by_label(re.compile("Your reason for declining")).fill("I advised the debtor last year.")
    advocate.get_by_role("button", name="Decline the case").click()
    expect(advocate.get_by_role("status")).to_contain_text(f"You declined {reference}.")

    creditor.goto(f"/cases/{reference}")
    expect(creditor.locator("#advocate-declined")).to_contain_text(
        f"{ADVOCATE} declined this case")
    expect(creditor.locator("#advocate-declined")).to_contain_text("I advised the debtor last year.")
    expect(creditor.get_by_role("button", name="Assign advocate")).to_be_visible()
