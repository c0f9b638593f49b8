"""In Chromium, from an EMPTY database and through the screens alone, a Hindi-preferring debtor: the
creditor signs up, brings in its advocate (TOTP, DSC, mandate), files a claim and drafts the legal
notice in Hindi; the advocate approves and signs it; the creditor serves it by e-mail and SMS. The
debtor's e-mail and SMS (read on the dev outbox page) are in Hindi; on a phone (390x844) the personal
link, the one-time code's e-mail, its case page, its dispute, the ODR room, the offers (the creditor's
offer, accepted by the debtor), the settlement page, the payment page and an error page all speak
Hindi, with no English sentence left (names, references and amounts stay as written). Screenshots of
each debtor page are kept in test-results/ (hindi-*-390.png)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.adapters.esign.democert import make_demo_pkcs12
from portal.types import IST
from tests.debtor.test_language import english_left
from tests.e2e.test_cold_start_journey import (  # noqa: F401  (business_hours is a fixture)
    PASSWORD,
    PHONE,
    Authenticator,
    business_hours,
    fill_instalments,
    mails,
    open_new_mail,
    shot,
    sign_up,
)

pytestmark = pytest.mark.browser

CREDITOR = "Narmada Steel Traders Private Limited"
CREDITOR_EMAIL = "anita@narmada-steel.example"
ADVOCATE = "Adv. Kavita Joshi"
ADVOCATE_EMAIL = "kavita@joshi-chambers.example"
DSC_PASSPHRASE = "kavita-dsc-2026"
DEBTOR = "Shree Ganesh Fabricators"
DEBTOR_EMAIL = "accounts@ganesh-fab.example"
DEBTOR_MOBILE = "98260 13579"
# Written as they are in either language: names, references, the outbox link, codes and formats.
KEPT = (CREDITOR, DEBTOR, ADVOCATE, "Sulah", "Dev outbox", "English")


def hindi_page(page: Page, name: str, *also: str) -> None:
    """The page is marked Hindi and no run of three English words is left on it."""
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert english_left(page.content(), *KEPT, *also) == [], name
    shot(page, name, journey="hindi")


def hindi_code(mailbox: Page, request) -> str:
    """Do `request` (a click that sends a one-time code) and read the code from the new Hindi mail."""
    mailbox.goto("/dev/outbox")
    seen = mails(mailbox, DEBTOR_EMAIL, "सुलह कोड").count()
    request()
    body = open_new_mail(mailbox, DEBTOR_EMAIL, "सुलह कोड", seen=seen)
    expect(body).to_contain_text("आपका सुलह कोड")
    return re.search(r"सुलह कोड (\d{6})", body.inner_text()).group(1)


@pytest.mark.usefixtures("business_hours")
def test_a_hindi_preferring_debtor_gets_everything_in_hindi(open_page, live_server, tmp_path):
    today = datetime.now(IST).date()
    mailbox = open_page()

    # The creditor signs up and invites its advocate, who joins with TOTP and a DSC; the mandate.
    creditor = open_page()
    creditor.set_viewport_size({"width": 1280, "height": 900})
    sign_up(creditor, business=CREDITOR, address="14 Loha Bazaar, Indore 452002", name="Anita Verma",
            email=CREDITOR_EMAIL, mobile="98930 44556", upi="narmadasteel@okaxis")
    creditor.get_by_role("link", name="Team").click()
    creditor.get_by_label("E-mail").fill(ADVOCATE_EMAIL)
    creditor.get_by_label("Invite as").select_option(label="Advocate (independent counsel)")
    creditor.get_by_role("button", name="Send invitation").click()
    invitation = open_new_mail(mailbox, ADVOCATE_EMAIL, "invites you to Sulah")
    advocate = open_page()
    advocate.set_viewport_size({"width": 1280, "height": 900})
    advocate.goto(invitation.locator("a[href*='/invitations/']").get_attribute("href"))
    advocate.get_by_label("Your full name").fill(ADVOCATE)
    advocate.get_by_label("Bar Council enrolment number").fill("MP/1187/2012")
    advocate.get_by_label("State Bar Council").fill("Madhya Pradesh")
    advocate.get_by_label("Password", exact=True).fill(PASSWORD)
    advocate.get_by_label("Repeat the password").fill(PASSWORD)
    advocate.get_by_role("button", name="Create my account").click()
    app = Authenticator(advocate.locator("#totp-secret").inner_text().strip())
    advocate.get_by_label("6-digit code from your app").fill(app.code())
    advocate.get_by_role("button", name="Turn on two-factor authentication").click()
    advocate.get_by_role("link", name="Continue").click()
    dsc = tmp_path / "kavita-dsc.p12"
    dsc.write_bytes(make_demo_pkcs12(ADVOCATE, DSC_PASSPHRASE.encode()))
    advocate.get_by_role("link", name="Signing certificate").click()
    advocate.get_by_label("Your DSC exported as PKCS#12 (.p12 or .pfx)").set_input_files(str(dsc))
    advocate.get_by_label("Its passphrase").fill(DSC_PASSPHRASE)
    advocate.get_by_role("button", name="Store the certificate").click()
    expect(advocate.get_by_role("status")).to_contain_text("stored")

    creditor.get_by_role("link", name="Team").click()
    mailbox.goto("/dev/outbox")
    seen = mails(mailbox, CREDITOR_EMAIL, "Your Sulah code").count()
    creditor.get_by_role("button", name=f"E-mail me a code to accept the mandate for {ADVOCATE}").click()
    body = open_new_mail(mailbox, CREDITOR_EMAIL, "Your Sulah code", seen=seen)
    code = re.search(r"is (\d{6})", body.inner_text()).group(1)
    expect(creditor.get_by_role("status")).to_contain_text("Enter it to accept the mandate.")
    creditor.get_by_label(f"Code from the e-mail to accept the mandate for {ADVOCATE}").fill(code)
    creditor.get_by_role("button", name=f"Accept the mandate for {ADVOCATE} to send notices").click()
    expect(creditor.get_by_role("status")).to_contain_text("Mandate accepted and sealed.")
    advocate.get_by_role("link", name="Mandates").click()
    advocate.get_by_role("button", name=f"Sign the mandate of {CREDITOR}").click()
    expect(advocate.get_by_role("status")).to_contain_text("it is now in force")

    # A claim with one invoice, its notice drafted in Hindi, approved and signed, served.
    creditor.get_by_role("link", name="New claim", exact=True).click()
    creditor.get_by_label("Debtor's legal name").fill(DEBTOR)
    creditor.get_by_label("Debtor's postal address").fill("31 Sanwer Road Industrial Area, Indore 452015")
    creditor.get_by_label("Debtor's e-mail addresses (one per line)").fill(DEBTOR_EMAIL)
    creditor.get_by_label("Debtor's mobile numbers (one per line)").fill(DEBTOR_MOBILE)
    creditor.get_by_label("What happened (short)").fill("MS angles delivered; unpaid.")
    first = creditor.get_by_role("group", name="Invoice 1")
    first.get_by_label("Invoice number").fill("NST/25-26/0412")
    first.get_by_label("Invoice date").fill((today - timedelta(days=120)).isoformat())
    first.get_by_label("Taxable value (₹)").fill("150000")
    first.get_by_label("GST (₹)").fill("27000")
    creditor.get_by_label("Advocate for this claim").select_option(label=f"{ADVOCATE} ({ADVOCATE_EMAIL})")
    creditor.get_by_role("button", name="Save the claim").click()
    reference = re.search(r"SUL-\d{4}-\d{6}", creditor.locator("h1").inner_text()).group(0)
    case_url = creditor.url
    creditor.get_by_role("button", name="File the claim").click()
    expect(creditor.get_by_role("status")).to_contain_text("The case is now filed")
    creditor.get_by_role("link", name="Draft the legal notice").click()
    creditor.get_by_label("Language", exact=True).select_option(label="हिन्दी (Hindi)")
    creditor.get_by_label("Days given to pay").fill("15")
    creditor.get_by_role("button", name="Prepare the draft").click()
    expect(creditor.get_by_role("status")).to_contain_text("Draft notice prepared")
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.locator("#notice-status")).to_have_text("in review")

    advocate.get_by_role("link", name="Review queue").click()
    advocate.get_by_role("link", name=reference).click()
    advocate.get_by_label("Authentication code from your app").fill(app.code())
    advocate.get_by_role("button", name="Approve this version").click()
    advocate.get_by_role("button", name="Sign with my digital signature certificate").click()
    expect(advocate.locator("#notice-status")).to_have_text("signed")

    creditor.goto(case_url)
    creditor.get_by_role("link", name="Service and delivery").click()
    creditor.get_by_label("E-mail, with the signed PDF attached").check()
    creditor.get_by_label("SMS with the link to the notice").check()
    creditor.get_by_role("button", name="Serve the notice").click()
    expect(creditor.get_by_role("status").first).to_contain_text("Service started")

    # The debtor's e-mail and SMS are in Hindi.
    served = open_new_mail(mailbox, DEBTOR_EMAIL, "क़ानूनी नोटिस")
    expect(served).to_contain_text(reference)
    assert english_left(served.inner_html(), *KEPT) == []
    personal_link = served.locator("a[href*='/n/']").first.get_attribute("href")
    mailbox.goto("/dev/outbox")
    sms = mailbox.locator("#outbox-sms tbody tr").filter(has_text=reference)
    expect(sms).not_to_have_count(0)
    expect(sms.first).to_contain_text("का क़ानूनी नोटिस")
    shot(mailbox, "01-outbox", journey="hindi")

    # On a phone: the personal link opens in Hindi; the code comes by a Hindi e-mail.
    debtor = open_page()
    debtor.set_viewport_size(PHONE)
    debtor.goto(personal_link)
    expect(debtor.get_by_role("button", name="मुझे कोड भेजें")).to_be_visible()
    hindi_page(debtor, "02-debtor-link")
    if debtor.get_by_role("radio").count() > 1:
        debtor.get_by_role("radio", name=re.compile("@")).check()
    code = hindi_code(mailbox, debtor.get_by_role("button", name="मुझे कोड भेजें").click)
    debtor.get_by_label("कोड", exact=True).fill(code)
    debtor.get_by_role("button", name="नोटिस खोलें").click()
    expect(debtor.get_by_role("heading", level=1)).to_contain_text(f"{DEBTOR} पर दावा {reference}")
    expect(debtor.locator("main")).to_contain_text("लेनदार के अनुसार आज देय राशि")
    expect(debtor.locator("#computation")).to_contain_text("ब्याज")
    hindi_page(debtor, "03-debtor-case")

    # A wrong address on the site answers in Hindi too.
    debtor.goto(f"/d/{reference}/no-such-page")
    expect(debtor.get_by_role("heading", level=1)).to_have_text("पेज नहीं मिला")
    hindi_page(debtor, "04-error-page")

    # The dispute, in Hindi, takes the case into the ODR room.
    debtor.goto(f"/d/{reference}")
    debtor.get_by_role("link", name="दावे पर आपत्ति करें").click()
    hindi_page(debtor, "05-debtor-dispute")
    debtor.get_by_label("राशि ग़लत है").check()
    debtor.get_by_label("विवरण").fill("The rate billed is above the rate in our purchase order.")
    debtor.get_by_role("button", name="मेरी आपत्ति भेजें").click()
    expect(debtor).to_have_url(re.compile(rf"/odr/{reference}$"))
    expect(debtor.get_by_role("heading", level=1)).to_have_text(f"{reference} का ODR कक्ष")
    hindi_page(debtor, "06-odr-room", "The rate billed is above the rate in our purchase order.")

    # The creditor (in English) offers; the debtor reads and accepts the offer in Hindi.
    creditor.goto(f"/odr/{reference}/offers")
    expect(creditor.get_by_role("heading", level=1)).to_have_text(f"Offers in {reference}")
    offer = creditor.get_by_role("region", name="Make an offer")
    fill_instalments(offer, "160000", 2, today + timedelta(days=10))
    offer.get_by_role("button", name="Make the offer").click()
    expect(creditor.get_by_role("status").first).to_contain_text("is on the table")

    debtor.goto(f"/odr/{reference}/offers")
    expect(debtor.get_by_role("heading", level=1)).to_have_text(f"{reference} में प्रस्ताव")
    hindi_page(debtor, "07-odr-offers")
    debtor.goto(f"/odr/{reference}/bidding")
    hindi_page(debtor, "08-odr-bidding")
    debtor.goto(f"/odr/{reference}/offers")
    debtor.get_by_role("button", name=re.compile(r"₹1,60,000\.00 स्वीकार करें")).click()
    expect(debtor).to_have_url(re.compile(r"/settlement"))
    expect(debtor.get_by_role("status").first).to_contain_text("समझौता करार हस्ताक्षर के लिए तैयार है")
    expect(debtor.get_by_role("button", name="यह समझौता करार मुझे स्वीकार है")).to_be_visible()
    hindi_page(debtor, "09-settlement")

    # The payment page.
    debtor.goto(f"/d/{reference}/pay")
    expect(debtor.get_by_role("heading", level=1)).to_have_text(f"{CREDITOR} को भुगतान: दावा {reference}")
    expect(debtor.get_by_role("heading", name="देय राशि")).to_be_visible()
    hindi_page(debtor, "10-payment")

    # The public verify page follows the debtor's choice too.
    debtor.goto(f"/d/{reference}")
    verify = debtor.get_by_role("link", name=re.compile(r"^[A-Z0-9]{10}$")).first.get_attribute("href")
    debtor.goto(verify)
    expect(debtor.get_by_role("heading", level=1)).to_have_text("क़ानूनी नोटिस का सत्यापन")
    hindi_page(debtor, "11-verify")
