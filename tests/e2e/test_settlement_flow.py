"""In Chromium, issue 6 from end to end on a really served notice: the debtor opens its personal link
on a phone, passes the one-time code and disputes with a counter-document; the creditor makes an
offer in instalments; the debtor counters; the creditor accepts; both accept the settlement
agreement by one-time code; the debtor pays the first instalment by UPI and reports the reference;
the creditor confirms it, and the settlement shows the instalment paid."""
from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from arbitration.settlement.models import SettlementAgreement
from portal.cases.intake import today_ist
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DEBTOR_EMAIL = "accounts@lotus-settle.example"


@pytest.fixture
def served(live_server):
    """A notice signed and served by e-mail, set up on a thread of its own: pyHanko signs through
    asyncio.run(), which cannot run on this thread while Playwright's event loop is open."""
    from notices.serving import dispatch as dispatching
    from notices.serving.models import ChannelKind
    from portal.database import commit
    from tests.serving.helpers import signed_notice

    out: dict = {}

    def set_up() -> None:
        live_server.app.extensions["celery"].set_current()  # queue on the live app's (eager) Celery
        with live_server.app_context():
            creditor, _advocate, case, notice = signed_notice(mobile=None)
            case.debtor.contacts[0].value = DEBTOR_EMAIL
            case.debtor.legal_name = "Lotus Garments"
            creditor.organization.upi_vpa = "saifabrics@okhdfcbank"
            creditor.email = "settle.owner@e2e.example"
            dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
            commit()
            out.update(creditor=creditor.email, reference=case.reference)

    thread = threading.Thread(target=set_up)
    thread.start()
    thread.join(timeout=60)
    assert out, "the served notice could not be set up"
    return out


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def mails_to(live_server, address: str):
    for path in sorted(live_server.outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(msg["To"]):
            yield msg


def wait_for(probe, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := probe()) is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"never came: {what}")


def code_for(live_server, address: str, purpose: str, timeout: float = 30.0) -> str:
    """The code in the newest code mail to `address` whose text mentions `purpose`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mails_to(live_server, address) if "Your Sulah code" in str(m["Subject"])
                 and purpose in m.get_body(("plain",)).get_content()]
        if found:
            return re.search(r"is (\d{6})", found[-1].get_body(("plain",)).get_content()).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no code mail to {address} to {purpose}")


def fill_instalments(scope, total: str, count: int, first_due) -> None:
    scope.get_by_label("In monthly instalments").check()
    scope.get_by_label("Total (₹)").fill(total)
    scope.get_by_label("Number of instalments").fill(str(count))
    scope.get_by_label("First instalment on").fill(first_due.isoformat())


def accept_settlement(page: Page, live_server, reference: str, address: str) -> None:
    page.goto(f"/odr/{reference}/settlement")
    page.get_by_role("button", name="Send me the code").click()
    page.get_by_label("Code", exact=True).fill(code_for(live_server, address, "settlement agreement"))
    page.get_by_role("button", name="I accept this settlement agreement").click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_dispute_offer_counter_accept_sign_and_pay_first_instalment(open_page, live_server, served, tmp_path):
    reference, first_due = served["reference"], today_ist() + timedelta(days=10)
    mail = wait_for(lambda: next(iter(mails_to(live_server, DEBTOR_EMAIL)), None), "the notice's e-mail")
    link = re.search(r"http://\S+/n/[A-Za-z0-9_-]+", mail.get_body(("plain",)).get_content()).group(0)

    # The debtor, on a phone: the link, the code, a dispute with a counter-document.
    debtor = open_page()
    debtor.set_viewport_size({"width": 390, "height": 844})
    debtor.goto(link)
    debtor.get_by_role("button", name="Send me the code").click()
    debtor.get_by_label("Code", exact=True).fill(code_for(live_server, DEBTOR_EMAIL, "open the legal notice"))
    debtor.get_by_role("button", name="Open the notice").click()
    expect(debtor.locator("h1")).to_contain_text(reference)
    debtor.get_by_role("link", name="Dispute the claim").click()
    debtor.get_by_label("The amount is wrong").check()
    debtor.get_by_label("Explain").fill("Two bales were short-delivered; see the signed delivery challan.")
    counter_doc = tmp_path / "delivery-challan.txt"
    counter_doc.write_text("Delivery challan 0412: 18 bales received of 20, signed R. Shah.\n")
    debtor.get_by_label("Your documents (optional)").set_input_files(str(counter_doc))
    debtor.get_by_role("button", name="Send my dispute").click()
    expect(debtor).to_have_url(re.compile(rf"/odr/{reference}$"))

    # The creditor sees the dispute and the document, and offers instalments.
    creditor = open_page()
    log_in(creditor, served["creditor"])
    creditor.goto(f"/cases/{reference}")
    expect(creditor.get_by_role("region", name="The debtor's answers")).to_contain_text("The amount is wrong")
    creditor.goto(f"/cases/{reference}/evidence")
    expect(creditor.get_by_text("delivery-challan.txt")).to_be_visible()
    creditor.goto(f"/odr/{reference}/offers")
    new_offer = creditor.get_by_role("region", name="Make an offer")
    fill_instalments(new_offer, "100000", 2, first_due)
    new_offer.get_by_role("button", name="Make the offer").click()
    expect(creditor.get_by_role("status").first).to_be_visible()

    # The debtor counters with less.
    debtor.goto(f"/odr/{reference}/offers")
    debtor.get_by_role("link", name="Make a counter-offer").click()
    counter = debtor.locator("#counter")
    fill_instalments(counter, "90000", 2, first_due)
    counter.get_by_role("button", name="Make the counter-offer").click()
    expect(debtor.get_by_role("status").first).to_be_visible()

    # The creditor accepts the counter; both accept the agreement by one-time code.
    creditor.goto(f"/odr/{reference}/offers")
    creditor.get_by_role("button", name=re.compile(r"Accept ₹90,000\.00")).click()
    expect(creditor).to_have_url(re.compile(r"/settlement"))
    accept_settlement(creditor, live_server, reference, served["creditor"])
    accept_settlement(debtor, live_server, reference, DEBTOR_EMAIL)
    with live_server.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.status == CaseStatus.SETTLED
        agreement = db.session.scalar(select(SettlementAgreement).where(SettlementAgreement.case_id == case.id))
        assert agreement.total == Decimal("90000.00")

    # The debtor pays the first instalment by UPI and reports the reference.
    debtor.goto(f"/d/{reference}/pay")
    upi = debtor.get_by_role("link", name=re.compile("with a UPI app"))
    assert upi.get_attribute("href").startswith("upi://pay?pa=saifabrics@okhdfcbank&")
    report = debtor.get_by_role("region", name="Already paid? Tell the creditor")
    expect(report.get_by_label("Amount you paid (₹)")).to_have_value("45000.00")  # the next instalment
    report.get_by_label("UPI transaction reference (UTR)").fill("412345678901")
    report.get_by_label("Date you paid").fill(today_ist().isoformat())
    report.get_by_role("button", name="Report my payment").click()
    expect(debtor.get_by_role("status").first).to_be_visible()

    # The creditor confirms receipt; the first instalment is paid, the second still due.
    creditor.goto(f"/cases/{reference}/payments")
    creditor.get_by_role("button", name=re.compile("Confirm ₹45,000.00 with UTR 412345678901")).click()
    expect(creditor.get_by_role("status").first).to_be_visible()
    creditor.goto(f"/odr/{reference}/settlement")
    instalments = creditor.get_by_role("region", name="Instalments")
    expect(instalments).to_contain_text("Paid")
    with live_server.app_context():
        from arbitration.settlement.instalments import outstanding

        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.status == CaseStatus.SETTLED
        assert outstanding(case) == Decimal("45000.00")
