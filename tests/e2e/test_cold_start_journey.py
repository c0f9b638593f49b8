"""In Chromium, from an EMPTY database and through the screens alone (no seed, factory, service call or
database write; e-mails and SMS are read on the dev outbox page, as a person reads their mailbox, and
TOTP codes come from pyotp, as from the person's authenticator app), the whole road from sign-up to a
paid first instalment:

a creditor signs up; its administrator invites an advocate from the Team page; the advocate joins
through the e-mailed link, sets up TOTP and uploads a DSC (PKCS#12 file); the administrator accepts the
mandate with an e-mailed code and the advocate countersigns it on the Mandates page; the creditor files
a claim with two invoices and a PDF of evidence and assigns the advocate; it drafts the notice, the
advocate returns it with a comment, the creditor corrects the facts, redrafts and resubmits, the
advocate approves with a TOTP code and signs with the DSC; the creditor serves it by e-mail and SMS;
the debtor, on a phone (390x844), opens the personal link from the served e-mail, passes the one-time
code, accepts one invoice and disputes the other, which takes the case into the ODR room; the creditor
offers instalments, the debtor counters, the creditor accepts; both accept the settlement agreement by
one-time code; the debtor reports the first instalment paid by UPI (UTR); the creditor confirms it,
and both sides' screens show the first instalment paid and the next one due.

The reminder before the next instalment is sent by the hourly beat task (arbitration.track_instalments)
only within SETTLEMENT_REMINDER_DAYS of its due date, a month away: no screen reaches it in a test.
"""
from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Locator, Page, expect

from portal.adapters.esign.democert import make_demo_pkcs12
from portal.types import IST
from tests.e2e.conftest import ARTIFACTS
from tests.pdfs import minimal_pdf

pytestmark = pytest.mark.browser

PASSWORD = "Krishna-Cottons-2026"
CREDITOR = "Krishna Valley Cottons Private Limited"
CREDITOR_EMAIL = "priya@krishna-cottons.example"
ADVOCATE = "Adv. Farhan Qureshi"
ADVOCATE_EMAIL = "farhan@qureshi-chambers.example"
DSC_PASSPHRASE = "farhan-dsc-2026"
DEBTOR = "Bhima Garments LLP"
DEBTOR_EMAIL = "accounts@bhima-garments.example"
DEBTOR_MOBILE = "98860 24680"
UPI_VPA = "krishnacottons@okicici"
COMMENT = "Record the Rs 10,000 they paid by NEFT against KVC/25-26/0187 before this goes out."
PHONE = {"width": 390, "height": 844}


def shot(page: Page, name: str, journey: str = "cold-start") -> None:
    """A full-page screenshot of a main step, kept in test-results/ for a look at the layout; nothing
    may widen the page past the viewport (on a phone, the page would scroll sideways)."""
    ARTIFACTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{journey}-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows {width} px"


def mails(mailbox: Page, to: str, subject: str | re.Pattern) -> Locator:
    """The rows of the dev outbox (newest first) for messages to `to` whose subject matches."""
    return mailbox.locator("#outbox tbody tr").filter(has_text=to).filter(has_text=subject)


def count_mails(mailbox: Page, to: str, subject: str | re.Pattern) -> int:
    mailbox.goto("/dev/outbox")
    return mails(mailbox, to, subject).count()


def open_new_mail(mailbox: Page, to: str, subject: str | re.Pattern, *, seen: int = 0,
                  timeout: float = 30.0) -> Locator:
    """Wait for a message beyond the `seen` ones (mail goes out after commit), open the newest and
    return its body."""
    deadline = time.monotonic() + timeout
    while True:
        mailbox.goto("/dev/outbox")
        if mails(mailbox, to, subject).count() > seen:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"no new mail to {to} about {subject!r}")
        time.sleep(0.3)
    mails(mailbox, to, subject).first.get_by_role("link").click()
    return mailbox.locator("#mail-body")


def ask_code(mailbox: Page, to: str, purpose: str, request) -> str:
    """Do `request` (a click that sends a one-time code) and read the code from the new mail."""
    seen = count_mails(mailbox, to, "Your Sulah code")
    request()
    body = open_new_mail(mailbox, to, "Your Sulah code", seen=seen)
    expect(body).to_contain_text(purpose)
    return re.search(r"is (\d{6})", body.inner_text()).group(1)


def sign_up(page: Page, *, business: str, address: str, name: str, email: str, mobile: str, upi: str) -> None:
    """A business signs up on /signup (its first user is its administrator) and lands on its dashboard."""
    page.goto("/signup")
    page.get_by_label("Business legal name").fill(business)
    page.get_by_label("Registered address").fill(address)
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Mobile number").fill(mobile)
    page.get_by_label("UPI ID for receiving payments").fill(upi)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {name}")


class Authenticator:
    """The advocate's authenticator app: a code for a time-step not used before (the server refuses
    a replayed step), within the one step of drift it allows."""

    def __init__(self, secret: str) -> None:
        self.totp, self.last_step = pyotp.TOTP(secret), -1

    def code(self) -> str:
        step = max(int(time.time()) // 30, self.last_step + 1)
        assert step <= int(time.time()) // 30 + 1, "no fresh time-step within the drift allowed"
        self.last_step = step
        return self.totp.at(step * 30)


@pytest.fixture
def business_hours(monkeypatch):
    """Notices go out only inside the organisation's contact window (08:00-19:00 IST by default) and
    no screen changes the window: outside it the dispatch waits for the beat's sweep next morning.
    So that the test passes at any hour, the dispatcher's clock reads noon IST when the wall clock is
    outside the window; everything else keeps the real time. No data is touched: this stands for a
    person serving the notice in office hours."""
    from notices.serving import dispatch_runner

    now = datetime.now(IST)
    if not 8 <= now.hour < 18:  # an hour's margin: the test takes well under a minute
        noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
        monkeypatch.setattr(dispatch_runner, "utcnow",
                            lambda: (noon + (datetime.now(IST) - now)).astimezone(UTC))


def fill_instalments(scope: Locator | Page, total: str, count: int, first_due) -> None:
    scope.get_by_label("In monthly instalments").check()
    scope.get_by_label("Total (₹)").fill(total)
    scope.get_by_label("Number of instalments").fill(str(count))
    scope.get_by_label("First instalment on").fill(first_due.isoformat())


def test_cold_start_from_sign_up_to_the_first_instalment_paid(open_page, live_server, business_hours,
                                                              tmp_path):
    today = datetime.now(IST).date()
    mailbox = open_page()  # the people's mailboxes: the dev outbox page

    # 1. The creditor signs up, with its UPI ID for debtors' payments.
    creditor = open_page()
    creditor.set_viewport_size({"width": 1280, "height": 900})
    sign_up(creditor, business=CREDITOR, address="22 Cotton Market Road, Guntur 522004", name="Priya Reddy",
            email=CREDITOR_EMAIL, mobile="98480 11223", upi=UPI_VPA)

    # 2. The administrator invites the advocate from the Team page.
    creditor.get_by_role("link", name="Team").click()
    expect(creditor.locator("main")).to_contain_text(f"UPI ID for debtors' payments: {UPI_VPA}")
    creditor.get_by_label("E-mail").fill(ADVOCATE_EMAIL)
    creditor.get_by_label("Invite as").select_option(label="Advocate (independent counsel)")
    creditor.get_by_role("button", name="Send invitation").click()
    expect(creditor.get_by_role("status")).to_have_text(f"Invitation sent to {ADVOCATE_EMAIL}.")
    invitation = open_new_mail(mailbox, ADVOCATE_EMAIL, "invites you to Sulah")
    link = invitation.locator("a[href*='/invitations/']").get_attribute("href")
    assert link and link.startswith(f"{live_server.url}/invitations/")

    # 3. The advocate registers from the link and sets up two-factor authentication ...
    advocate = open_page()
    advocate.set_viewport_size({"width": 1280, "height": 900})
    advocate.goto(link)
    advocate.get_by_label("Your full name").fill(ADVOCATE)
    advocate.get_by_label("Bar Council enrolment number").fill("AP/2231/2011")
    advocate.get_by_label("State Bar Council").fill("Andhra Pradesh")
    advocate.get_by_label("Password", exact=True).fill(PASSWORD)
    advocate.get_by_label("Repeat the password").fill(PASSWORD)
    advocate.get_by_role("button", name="Create my account").click()
    expect(advocate).to_have_url(re.compile(r"/account/2fa$"))
    app = Authenticator(advocate.locator("#totp-secret").inner_text().strip())
    advocate.get_by_label("6-digit code from your app").fill(app.code())
    advocate.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(advocate.get_by_role("heading", level=1)).to_have_text("Two-factor authentication is on")
    advocate.get_by_role("link", name="Continue").click()
    expect(advocate).to_have_url(re.compile(r"/dashboard$"))

    # ... and stores its DSC, the PKCS#12 file exported from its token.
    dsc = tmp_path / "farhan-dsc.p12"
    dsc.write_bytes(make_demo_pkcs12(ADVOCATE, DSC_PASSPHRASE.encode()))
    advocate.get_by_role("link", name="Signing certificate").click()
    advocate.get_by_label("Your DSC exported as PKCS#12 (.p12 or .pfx)").set_input_files(str(dsc))
    advocate.get_by_label("Its passphrase").fill(DSC_PASSPHRASE)
    advocate.get_by_role("button", name="Store the certificate").click()
    expect(advocate.get_by_role("status")).to_contain_text(
        re.compile(rf"^Certificate for .*CN={ADVOCATE} stored"))

    # 4. The mandate: the administrator accepts it with an e-mailed code, the advocate countersigns.
    creditor.get_by_role("link", name="Team").click()
    expect(creditor.locator("main")).to_contain_text(ADVOCATE)
    code = ask_code(mailbox, CREDITOR_EMAIL, "accept the mandate", creditor.get_by_role(
        "button", name=f"E-mail me a code to accept the mandate for {ADVOCATE}").click)
    expect(creditor.get_by_role("status")).to_contain_text("Enter it to accept the mandate.")
    creditor.get_by_label(f"Code from the e-mail to accept the mandate for {ADVOCATE}").fill(code)
    creditor.get_by_role("button", name=f"Accept the mandate for {ADVOCATE} to send notices").click()
    expect(creditor.get_by_role("status")).to_contain_text("Mandate accepted and sealed.")
    shot(creditor, "01-team-mandate")

    advocate.get_by_role("link", name="Mandates").click()
    advocate.get_by_role("button", name=f"Sign the mandate of {CREDITOR}").click()
    expect(advocate.get_by_role("status")).to_contain_text("it is now in force")
    shot(advocate, "02-advocate-mandates")

    # 5. The creditor files a claim with two invoices, the advocate chosen on the form.
    creditor.get_by_role("link", name="New claim", exact=True).click()
    creditor.get_by_label("Debtor's legal name").fill(DEBTOR)
    creditor.get_by_label("Debtor's postal address").fill("7 Textile Park, Ichalkaranji 416115")
    creditor.get_by_label("Debtor's e-mail addresses (one per line)").fill(DEBTOR_EMAIL)
    creditor.get_by_label("Debtor's mobile numbers (one per line)").fill(DEBTOR_MOBILE)
    creditor.get_by_label("What happened (short)").fill("Cotton yarn delivered against two POs; unpaid.")
    first = creditor.get_by_role("group", name="Invoice 1")
    first.get_by_label("Invoice number").fill("KVC/25-26/0187")
    first.get_by_label("Invoice date").fill((today - timedelta(days=140)).isoformat())
    first.get_by_label("Taxable value (₹)").fill("80000")
    first.get_by_label("GST (₹)").fill("4000")
    creditor.get_by_role("button", name="Add another invoice").click()
    second = creditor.get_by_role("group", name="Invoice 2")
    second.get_by_label("Invoice number").fill("KVC/25-26/0203")
    second.get_by_label("Invoice date").fill((today - timedelta(days=110)).isoformat())
    second.get_by_label("Taxable value (₹)").fill("60000")
    second.get_by_label("GST (₹)").fill("3000")
    creditor.get_by_label("Advocate for this claim").select_option(label=f"{ADVOCATE} ({ADVOCATE_EMAIL})")
    shot(creditor, "03-new-claim")
    creditor.get_by_role("button", name="Save the claim").click()
    expect(creditor.get_by_role("status")).to_contain_text("saved as a draft")
    reference = re.search(r"SUL-\d{4}-\d{6}", creditor.locator("h1").inner_text()).group(0)
    expect(creditor.locator("#case-advocate")).to_have_text(ADVOCATE)
    case_url = creditor.url

    # ... with one piece of evidence, a small PDF, then files it.
    evidence = tmp_path / "purchase-order-BG-PO-4471.pdf"
    evidence.write_bytes(minimal_pdf("Purchase order BG/PO/4471: 2,000 kg cotton yarn"))
    creditor.get_by_role("link", name="Evidence documents").click()
    creditor.get_by_label("File").set_input_files(str(evidence))
    creditor.get_by_label("What is it").select_option(label="Purchase order")
    creditor.get_by_label("Description").fill("The debtor's purchase order for both deliveries.")
    creditor.get_by_role("button", name="Upload").click()
    expect(creditor.locator("#documents")).to_contain_text(evidence.name)
    creditor.goto(case_url)
    creditor.get_by_role("button", name="File the claim").click()
    expect(creditor.get_by_role("status")).to_contain_text("The case is now filed")
    open_new_mail(mailbox, ADVOCATE_EMAIL, f"assigned you {reference}")
    shot(creditor, "04-case-filed")

    # 6. The creditor drafts the notice and submits it for review.
    creditor.get_by_role("link", name="Draft the legal notice").click()
    creditor.get_by_label("Language", exact=True).select_option(label="English")
    creditor.get_by_label("Days given to pay").fill("15")
    creditor.get_by_role("button", name="Prepare the draft").click()
    expect(creditor.get_by_role("status")).to_contain_text("Draft notice prepared")
    expect(creditor.locator("pre.notice-text")).to_contain_text("KVC/25-26/0203")
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.locator("#notice-status")).to_have_text("in review")
    notice_url = creditor.url

    # 7. The advocate returns it with a comment.
    advocate.get_by_role("link", name="Review queue").click()
    advocate.get_by_role("link", name=reference).click()
    expect(advocate.get_by_role("heading", level=1)).to_have_text(f"Legal notice for {reference}")
    advocate.get_by_label("What should change").fill(COMMENT)
    advocate.get_by_role("button", name="Return with comments").click()
    expect(advocate.get_by_role("status")).to_have_text("Returned to the creditor with your comments.")
    expect(advocate.locator("#notice-status")).to_have_text("changes requested")

    # 8. The creditor records the part payment, redrafts and resubmits.
    creditor.goto(notice_url)
    expect(creditor.locator("section[aria-labelledby=comments-h]")).to_contain_text(COMMENT)
    creditor.get_by_role("heading", level=1).get_by_role("link", name=reference).click()
    creditor.get_by_role("link", name="Edit the facts").click()
    payment = creditor.get_by_role("group", name="Payment 1")
    payment.get_by_label("Amount received (₹)").fill("10000")
    payment.get_by_label("Received on").fill((today - timedelta(days=40)).isoformat())
    payment.get_by_label("Against invoice (optional)").fill("KVC/25-26/0187")
    creditor.get_by_role("button", name="Save changes").click()
    expect(creditor.get_by_role("status")).to_have_text("Saved. This is version 2 of the case facts.")
    creditor.get_by_role("link", name=re.compile(r"^Notice [A-Z0-9]{10}$")).click()
    creditor.get_by_role("button", name="Redraft from the current case facts").click()
    expect(creditor.get_by_role("status")).to_have_text("A new version was drafted.")
    creditor.get_by_role("button", name="Submit to the advocate for review").click()
    expect(creditor.locator("#notice-status")).to_have_text("in review")

    # 9. The advocate sees the change, approves with a code from the app, and signs with the DSC.
    advocate.get_by_role("link", name="Review queue").click()
    advocate.get_by_role("link", name=reference).click()
    expect(advocate.get_by_role("heading", name="Changes from version 1 to 2")).to_be_visible()
    advocate.get_by_label("Authentication code from your app").fill(app.code())
    advocate.get_by_role("button", name="Approve this version").click()
    expect(advocate.get_by_role("status")).to_have_text("Approved. The notice is ready for your signature.")
    advocate.get_by_role("button", name="Sign with my digital signature certificate").click()
    expect(advocate.get_by_role("status")).to_contain_text("Signed with your digital signature certificate")
    expect(advocate.locator("#notice-status")).to_have_text("signed")
    shot(advocate, "05-notice-signed")

    # 10. The creditor serves it by e-mail and SMS.
    creditor.goto(case_url)
    creditor.get_by_role("link", name="Service and delivery").click()
    creditor.get_by_label("E-mail, with the signed PDF attached").check()
    creditor.get_by_label("SMS with the link to the notice").check()
    creditor.get_by_role("button", name="Serve the notice").click()
    expect(creditor.get_by_role("status").first).to_contain_text("Service started")
    expect(creditor.locator("#timeline")).to_contain_text("dispatched")
    shot(creditor, "06-served")
    served = open_new_mail(mailbox, DEBTOR_EMAIL, reference)
    personal_link = served.locator("a[href*='/n/']").first.get_attribute("href")
    assert personal_link and personal_link.startswith(f"{live_server.url}/n/")
    mailbox.goto("/dev/outbox")
    expect(mailbox.locator("#outbox-sms tbody tr").filter(has_text=reference)).not_to_have_count(0)

    # 11. The debtor, on a phone: the personal link, the one-time code, the notice.
    debtor = open_page()
    debtor.set_viewport_size(PHONE)
    debtor.goto(personal_link)
    expect(debtor.locator("h1")).to_contain_text(reference)
    shot(debtor, "07-debtor-otp")
    destinations = debtor.get_by_role("radio")
    if destinations.count() > 1:  # the code can go by e-mail or SMS: the debtor reads its e-mail
        debtor.get_by_role("radio", name=re.compile("@")).check()
    code = ask_code(mailbox, DEBTOR_EMAIL, "open the legal notice",
                    debtor.get_by_role("button", name="Send me the code").click)
    debtor.get_by_label("Code", exact=True).fill(code)
    debtor.get_by_role("button", name="Open the notice").click()
    expect(debtor.locator("h1")).to_contain_text(reference)
    expect(debtor.locator("main")).to_contain_text(evidence.name)
    shot(debtor, "08-debtor-case")

    # 12. It accepts the second invoice and disputes the first: the case goes into the ODR room.
    debtor.get_by_role("link", name="Accept part, dispute the rest").click()
    debtor.get_by_label(re.compile("KVC/25-26/0203")).check()
    debtor.get_by_label("The amount is wrong").check()
    debtor.get_by_label("Explain").fill("Invoice 0187: 150 kg were short-delivered; the challan shows it.")
    shot(debtor, "09-debtor-admit-part")
    debtor.get_by_role("button", name="Send my answer").click()
    expect(debtor.get_by_role("status").first).to_contain_text(
        "The disputed invoices go to online dispute resolution.")
    shot(debtor, "10-debtor-answered")
    debtor.get_by_role("link", name="open the room").click()
    expect(debtor).to_have_url(re.compile(rf"/odr/{reference}$"))
    shot(debtor, "11-debtor-odr-room")

    # 13. Offer, counter-offer, acceptance.
    first_due = today + timedelta(days=10)
    creditor.goto(case_url)
    expect(creditor.get_by_role("region", name="The debtor's answers")).to_contain_text("The amount is wrong")
    creditor.goto(f"/odr/{reference}/offers")
    offer = creditor.get_by_role("region", name="Make an offer")
    fill_instalments(offer, "130000", 2, first_due)
    offer.get_by_role("button", name="Make the offer").click()
    expect(creditor.get_by_role("status").first).to_be_visible()
    shot(creditor, "12-creditor-offer")

    debtor.goto(f"/odr/{reference}/offers")
    expect(debtor.locator("main")).to_contain_text("₹1,30,000.00")
    debtor.get_by_role("link", name="Make a counter-offer").click()
    counter = debtor.locator("#counter")
    fill_instalments(counter, "120000", 2, first_due)
    shot(debtor, "13-debtor-counter")
    counter.get_by_role("button", name="Make the counter-offer").click()
    expect(debtor.get_by_role("status").first).to_be_visible()

    creditor.goto(f"/odr/{reference}/offers")
    creditor.get_by_role("button", name=re.compile(r"Accept ₹1,20,000\.00")).click()
    expect(creditor).to_have_url(re.compile(r"/settlement"))

    # 14. Both accept the settlement agreement by one-time code.
    code = ask_code(mailbox, CREDITOR_EMAIL, "settlement agreement",
                    creditor.get_by_role("button", name="Send me the code").click)
    creditor.get_by_label("Code", exact=True).fill(code)
    creditor.get_by_role("button", name="I accept this settlement agreement").click()
    expect(creditor.get_by_role("status").first).to_be_visible()

    debtor.goto(f"/odr/{reference}/settlement")
    if debtor.get_by_role("radio").count() > 1:
        debtor.get_by_role("radio", name=re.compile("@")).check()
    code = ask_code(mailbox, DEBTOR_EMAIL, "settlement agreement",
                    debtor.get_by_role("button", name="Send me the code").click)
    debtor.get_by_label("Code", exact=True).fill(code)
    shot(debtor, "14-debtor-settlement")
    debtor.get_by_role("button", name="I accept this settlement agreement").click()
    expect(debtor.get_by_role("status").first).to_be_visible()
    instalments = debtor.get_by_role("region", name="Instalments")
    expect(instalments).to_contain_text("₹60,000.00")

    # 15. The debtor pays the first instalment by UPI and reports the UTR.
    debtor.goto(f"/d/{reference}/pay")
    upi = debtor.get_by_role("link", name=re.compile("with a UPI app"))
    assert upi.get_attribute("href").startswith(f"upi://pay?pa={UPI_VPA}&")
    report = debtor.get_by_role("region", name="Already paid? Tell the creditor")
    expect(report.get_by_label("Amount you paid (₹)")).to_have_value("60000.00")
    report.get_by_label("UPI transaction reference (UTR)").fill("634512789012")
    report.get_by_label("Date you paid").fill(today.isoformat())
    shot(debtor, "15-debtor-pay")
    report.get_by_role("button", name="Report my payment").click()
    expect(debtor.get_by_role("status").first).to_be_visible()

    # 16. The creditor confirms it; the settlement shows it paid and the next instalment due.
    creditor.goto(f"/cases/{reference}/payments")
    creditor.get_by_role("button", name=re.compile(r"Confirm ₹60,000\.00 with UTR 634512789012")).click()
    expect(creditor.get_by_role("status").first).to_be_visible()
    creditor.goto(f"/odr/{reference}/settlement")
    instalments = creditor.get_by_role("region", name="Instalments")
    expect(instalments).to_contain_text("Still owed under the settlement: ₹60,000.00")
    rows = instalments.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Paid")
    second_due = datetime.strptime(rows.nth(1).locator("td").nth(1).inner_text(), "%d %b %Y").date()
    expect(rows.nth(1)).to_contain_text("Upcoming")
    shot(creditor, "16-creditor-instalments")

    debtor.goto(f"/d/{reference}/pay")
    expect(debtor.locator("dl.facts")).to_contain_text("Next instalment")
    expect(debtor.locator("dl.facts")).to_contain_text(f"₹60,000.00 due on {second_due:%d %B %Y}")
    shot(debtor, "17-debtor-next-instalment")
