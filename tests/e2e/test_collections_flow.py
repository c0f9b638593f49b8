"""In Chromium: collections before the notice, end to end on the real app.

The creditor turns reminders on; the reminder run (the beat task, called directly) sends the +7
level; the debtor, on a phone (390x844), opens the personal link from the mail, passes the one-time
code and promises to pay; the promise breaks (the promise check, called directly) and the +15 level
goes out; the debtor reports the payment with its UTR through the new link; the creditor confirms
it, and the portfolio shows the money collected and nothing outstanding.

The creditor's claim is seeded (tests/e2e/test_intake_flow.py covers entering one); everything
after that happens on screens, except the two scheduled tasks.
"""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from playwright.sync_api import Page, expect

from portal.cases.intake import today_ist
from portal.cases.models import ContactKind, Invoice, PartyContact
from portal.cases.states import CaseStatus
from portal.database import commit
from tests.factories import PASSWORD
from tests.serving.helpers import ALWAYS

pytestmark = pytest.mark.browser
DEBTOR_EMAIL = "accounts@journey-debtor.example"
PHONE = {"width": 390, "height": 844}


def in_app(live_server, fn):
    """Run `fn` in the live app's context on a thread of its own (Playwright's loop owns this one)."""
    def run():
        with live_server.app_context():
            out = fn()
            commit()
            return out
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def newest_mail(live_server, to: str, subject: str, *, after: int = 0, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = []
        for path in sorted(live_server.outbox.glob("*.eml")):
            msg = message_from_bytes(path.read_bytes(), policy=policy.default)
            if to in str(msg["To"]) and subject in str(msg["Subject"]):
                found.append(msg)
        if len(found) > after:
            return found[-1], len(found)
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} about {subject!r}")


def no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def open_link(page: Page, live_server, link: str) -> None:
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Your statement of account")
    no_overflow(page)
    seen = code_mails(live_server)
    page.get_by_role("button", name="Send me the code").click()
    mail, _ = newest_mail(live_server, DEBTOR_EMAIL, "Your Sulah code", after=seen)
    code = re.search(r"is (\d{6})", mail.get_body(("plain",)).get_content()).group(1)
    page.get_by_label("The 6-digit code").fill(code)
    page.get_by_role("button", name="Open").click()
    expect(page.locator("h1")).to_contain_text("your account with")


def code_mails(live_server) -> int:
    count = 0
    for path in live_server.outbox.glob("*.eml"):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        count += DEBTOR_EMAIL in str(msg["To"]) and "Your Sulah code" in str(msg["Subject"])
    return count


@pytest.fixture
def claim(live_server):
    from tests.factories import CaseFactory, CreditorFactory, PartyFactory

    def set_up():
        creditor = CreditorFactory(email="journey.owner@e2e.example")
        for key, value in ALWAYS.items():
            setattr(creditor.organization, key, value)
        party = PartyFactory(created_by_org_id=creditor.org_id, legal_name="Journey Traders LLP", contacts=[
            PartyContact(kind=ContactKind.EMAIL, value=DEBTOR_EMAIL, source="test", designated=True)])
        due = today_ist() - timedelta(days=8)
        case = CaseFactory(creditor=creditor.organization, debtor=party, _status=CaseStatus.FILED,
                           created_by_id=creditor.id, invoices=[Invoice(
                               number="JT/2026/041", invoice_date=due - timedelta(days=30), due_date=due,
                               taxable_value=Decimal("100000.00"), gst_amount=Decimal("18000.00"),
                               total=Decimal("118000.00"))])
        return {"email": creditor.email, "org_id": creditor.org_id, "party_id": party.id,
                "reference": case.reference}
    return in_app(live_server, set_up)


def test_reminder_promise_broken_next_level_paid_and_confirmed(open_page, live_server, claim):
    from portal.receivables import promises, sending
    from portal.receivables.tasks import run_once

    # 1. The creditor turns reminders on.
    creditor = open_page()
    creditor.goto("/login")
    creditor.get_by_label("E-mail").fill(claim["email"])
    creditor.get_by_label("Password").fill(PASSWORD)
    creditor.get_by_role("button", name="Log in").click()
    creditor.get_by_role("link", name="Collections").click()
    expect(creditor.locator("h1")).to_have_text("Today")
    creditor.get_by_role("link", name="Reminders and debtors").click()
    creditor.get_by_role("button", name="Turn reminders on").click()
    expect(creditor.locator("#state")).to_have_text("Reminders are on")

    # 2. The reminder run sends the +7 level (the beat task and the worker, called directly).
    today = today_ist()
    created = in_app(live_server, lambda: run_once(today, queue_sending=False))
    assert created["created"] == 1
    assert in_app(live_server, lambda: sending.send_for(claim["org_id"], claim["party_id"])) == "sent"
    mail, seen = newest_mail(live_server, DEBTOR_EMAIL, "Second reminder")
    body = mail.get_body(("plain",)).get_content()
    assert "JT/2026/041" in body and "₹1,18,000.00" in body
    link = re.search(r"http://\S+/r/[A-Za-z0-9_-]+", body).group(0)

    # 3. The debtor, on a phone, opens the link and promises to pay in two days.
    debtor = open_page()
    debtor.set_viewport_size(PHONE)
    open_link(debtor, live_server, link)
    expect(debtor.get_by_text("₹1,18,000.00").first).to_be_visible()
    debtor.get_by_role("link", name=re.compile("Pay, promise or dispute")).click()
    no_overflow(debtor)
    debtor.get_by_label("Amount you will pay (₹)").fill("118000")
    debtor.get_by_label("You will pay by").fill((today + timedelta(days=2)).isoformat())
    debtor.get_by_role("button", name="Promise").click()
    expect(debtor.get_by_role("status")).to_contain_text("reminders for this invoice wait")

    # 4. The promise breaks (the promise check, called directly, after the date and grace); the
    #    cadence resumes at the next level, +15, with the MSMED-free firm wording.
    broken_on = today + timedelta(days=3 + promises.GRACE_DAYS)
    assert in_app(live_server, lambda: promises.decide_due(broken_on)) == {"kept": 0, "broken": 1}
    assert in_app(live_server, lambda: sending.send_for(claim["org_id"], claim["party_id"])) == "sent"
    mail, _ = newest_mail(live_server, DEBTOR_EMAIL, "Overdue invoices and interest")
    second_link = re.search(r"http://\S+/r/[A-Za-z0-9_-]+", mail.get_body(("plain",)).get_content()).group(0)
    assert second_link != link

    # 5. The debtor pays and reports the UTR through the new link.
    open_link(debtor, live_server, second_link)
    debtor.get_by_role("link", name=re.compile("Pay, promise or dispute")).click()
    debtor.get_by_label("Amount you paid (₹)").fill("118000")
    debtor.get_by_label("UPI or bank transaction reference (UTR)").fill("634512789012")
    debtor.get_by_label("Date you paid").fill(today.isoformat())
    debtor.get_by_role("button", name="Tell the creditor").click()
    expect(debtor.get_by_role("status")).to_contain_text("the creditor will confirm the payment")
    no_overflow(debtor)

    # 6. The creditor confirms it; the portfolio shows it collected and nothing outstanding.
    creditor.goto(f"/collections/debtors/{claim['party_id']}")
    creditor.get_by_role("button", name=re.compile(r"Confirm ₹1,18,000\.00 with UTR 634512789012")).click()
    expect(creditor.get_by_role("status")).to_contain_text("Payment of ₹1,18,000.00 confirmed")
    creditor.goto("/collections/portfolio")
    figures = creditor.locator("dl.figures")
    expect(figures).to_contain_text("Collected this month")
    expect(figures.locator("dd").nth(0)).to_have_text("₹0.00")
    expect(figures.locator("dd").nth(2)).to_have_text("₹1,18,000.00")
    funnel = creditor.get_by_role("table", name="Debtors at each step after a reminder")
    for step, count in (("Reminded", "1"), ("Opened the link", "1"), ("Responded", "1"), ("Promised", "1"),
                        ("Paid", "1")):
        expect(funnel.get_by_role("row", name=step, exact=False).first).to_contain_text(count)
    creditor.goto("/collections/today")
    expect(creditor.get_by_role("table")).to_contain_text("Nothing is owed.")  # paid: off the queue
